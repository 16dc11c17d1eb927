import {
  ExternalIpamError,
  vendorReason,
  type ExternalErrorKind,
} from '../external/external-errors.ts'
import type { HttpResponse, VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import { SessionCache } from '../external/session-cache.ts'

/** A WAPI object as returned: `_ref` plus the requested fields. */
export type WapiObject = Record<string, unknown> & { _ref: string }

interface WapiErrorBody {
  Error?: string
  code?: string
  text?: string
}

export interface WapiClientOptions {
  readonly version: string
  readonly username: string
  readonly password: string
  readonly pageSize: number
}

/**
 * Infoblox WAPI over one keep-alive connection pool. The first call authenticates with Basic
 * credentials and keeps the `ibapauth` cookie; later calls send only the cookie. When the session
 * expires, one re-login (single-flight) serves every call waiting on it; refused credentials give
 * one clear error, never a loop.
 */
export class WapiClient {
  private readonly session: SessionCache<string>
  private readonly basic: string

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly options: WapiClientOptions,
    /** A cheap GET used to open a session (the network view lookup). */
    private readonly loginPath: string,
  ) {
    this.basic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
    this.session = new SessionCache(() => this.login())
  }

  get logins(): number {
    return this.session.logins
  }

  get endpoint(): string {
    return this.http.endpoint
  }

  private path(rest: string): string {
    return `/wapi/v${this.options.version}/${rest}`
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'infoblox', this.http.endpoint, cause)
  }

  /** Opens a session: one authenticated call whose answer sets the cookie. */
  private async login(): Promise<string> {
    const res = await this.http.request({
      method: 'GET',
      path: this.path(this.loginPath),
      headers: { authorization: this.basic },
    })
    if (res.status === 401)
      throw this.error('auth', `authentication failed for user ${this.options.username} (HTTP 401)`)
    if (res.status === 403)
      throw this.error('auth', `user ${this.options.username} has no WAPI access (HTTP 403)`)
    if (res.status >= 500)
      throw this.error('unavailable', `HTTP ${res.status} while authenticating`)
    const cookie = setCookie(res, 'ibapauth')
    // NOTE: an appliance that sets no cookie is used with Basic credentials on every call.
    return cookie === undefined ? this.basic : `ibapauth=${cookie}`
  }

  private headersFor(session: string): Record<string, string> {
    return session.startsWith('Basic ') ? { authorization: session } : { cookie: session }
  }

  /**
   * One WAPI call, with the session, through the breaker (and retries when idempotent).
   * Returns the parsed JSON body of a 2xx answer.
   * @throws ExternalIpamError classified from the status and WAPI error body
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    rest: string,
    body?: unknown,
  ): Promise<unknown> {
    const idempotent = method !== 'POST'
    return this.resilience.call(idempotent, async () => {
      let session = await this.session.get()
      let res = await this.http.request({
        method,
        path: this.path(rest),
        headers: this.headersFor(session),
        body,
      })
      if (res.status === 401) {
        // The session expired (idle timeout): renew once, shared by every call that saw it.
        session = await this.session.renew(session)
        res = await this.http.request({
          method,
          path: this.path(rest),
          headers: this.headersFor(session),
          body,
        })
        if (res.status === 401)
          throw this.error(
            'auth',
            `authentication failed for user ${this.options.username} (HTTP 401)`,
          )
      }
      return this.interpret(res, method)
    })
  }

  private interpret(res: HttpResponse, method: string): unknown {
    if (res.status >= 200 && res.status < 300) return res.json() ?? res.text
    if (res.status === 403)
      throw this.error('auth', `permission denied for user ${this.options.username} (HTTP 403)`)
    if (res.status >= 500) throw this.error('unavailable', `HTTP ${res.status} from the grid`)
    const body = (res.json() ?? {}) as WapiErrorBody
    const text = body.text ?? body.Error ?? res.text.slice(0, 200)
    if (res.status === 404) throw this.error('not-found', text)
    // NOTE: some grids answer a reference that no longer resolves (GET, PUT, DELETE of a _ref)
    // with 400 AdmConDataNotFoundError instead of 404. A create keeps its 400 as a refusal.
    if (res.status === 400 && method !== 'POST' && isDataNotFound(body))
      throw this.error('not-found', text)
    if (/Cannot find \d+ available IP address/.test(text)) throw this.error('exhausted', text)
    if ((body.code ?? '').startsWith('Client.Ibap.Data.Conflict')) throw this.error('taken', text)
    // NOTE: any other 400 (Client.Ibap.Data or .Proto) refuses this request only: the grid is up.
    if (res.status === 400 || res.status === 422) throw this.error('rejected', vendorReason(text))
    throw this.error('protocol', `HTTP ${res.status} ${body.code ?? ''}: ${text}`)
  }

  /** Every object of a search, following WAPI paging to the end. */
  async *search(objectType: string, params: Record<string, string>): AsyncGenerator<WapiObject> {
    const query = new URLSearchParams({
      ...params,
      _paging: '1',
      _return_as_object: '1',
      _max_results: String(this.options.pageSize),
    })
    let page = (await this.call('GET', `${objectType}?${query.toString()}`)) as {
      result?: WapiObject[]
      next_page_id?: string
    }
    for (;;) {
      for (const o of page.result ?? []) yield o
      if (page.next_page_id === undefined) return
      const next = new URLSearchParams({ _page_id: page.next_page_id })
      page = (await this.call('GET', `${objectType}?${next.toString()}`)) as {
        result?: WapiObject[]
        next_page_id?: string
      }
    }
  }

  /** A search that fits in one page (exact lookups). */
  async find(objectType: string, params: Record<string, string>): Promise<WapiObject[]> {
    const query = new URLSearchParams(params)
    return (await this.call('GET', `${objectType}?${query.toString()}`)) as WapiObject[]
  }
}

/** A WAPI error body saying an object (a reference) was not found. */
function isDataNotFound(body: WapiErrorBody): boolean {
  return (
    body.code === 'Client.Ibap.Data.NotFound' ||
    (body.Error ?? '').startsWith('AdmConDataNotFoundError')
  )
}

/** The value of one cookie from Set-Cookie headers. */
function setCookie(res: HttpResponse, name: string): string | undefined {
  const raw = res.headers['set-cookie']
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  for (const c of all) {
    const [pair] = c.split(';')
    const eq = pair?.indexOf('=') ?? -1
    if (pair !== undefined && eq > 0 && pair.slice(0, eq).trim() === name)
      return pair.slice(eq + 1).trim()
  }
  return undefined
}
