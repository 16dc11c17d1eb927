import {
  ExternalIpamError,
  vendorReason,
  type ExternalErrorKind,
} from '../external/external-errors.ts'
import type { HttpResponse, VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'

/** A NetBox object as the REST API returns it (prefix, IP address, VRF, tag…). */
export type NetboxObject = Record<string, unknown>

/** DRF's pagination envelope. */
interface NetboxPage {
  readonly next?: string | null
  readonly results?: NetboxObject[]
}

/** The query of a list call; `null` values are sent as NetBox's `null` (the global table). */
export type NetboxQuery = Record<string, string | number | null | readonly string[]>

/** Builds a query string (repeated keys for list values). */
export function query(params: NetboxQuery): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value as readonly string[]) q.append(key, v)
    else q.append(key, value === null ? 'null' : String(value))
  }
  return q.toString()
}

/**
 * NetBox's REST API over one keep-alive pool. The token goes in every request: `Bearer` for
 * NetBox 4.5+ v2 tokens (`nbt_<key>.<token>`), `Token` for v1 tokens (NetBox 3.x, 4.x). There
 * is no session to renew: NetBox answers every authentication failure with 403.
 */
export class NetboxClient {
  private readonly authorization: string

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    token: string,
  ) {
    // NOTE: pynetbox chooses the scheme the same way; NetBox 3.x reads `Bearer …` as no
    // credentials at all, so a v1 token must keep the `Token` keyword.
    this.authorization = token.startsWith('nbt_') ? `Bearer ${token}` : `Token ${token}`
  }

  get endpoint(): string {
    return this.http.endpoint
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'netbox', this.http.endpoint, cause)
  }

  /**
   * One API call (`path` from `/api/` on, with its trailing slash). Lookups, PATCH and DELETE
   * are retried on outages; creates (POST) never are.
   * @returns the parsed body (undefined for 204)
   * @throws ExternalIpamError: 'auth' (403), 'not-found' (404), 'exhausted' (409 from
   *   available-ips), 'taken' (400 duplicate address, where NetBox enforces uniqueness),
   *   'range-overlap' (400 duplicate prefix), 'rejected' (any other 400 or 422: a validation
   *   refusal), 'unavailable' (429, 5xx), 'protocol' otherwise, or the transport kinds
   */
  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    return this.resilience.call(method !== 'POST', async () => {
      const res = await this.http.request({
        method,
        path,
        headers: { authorization: this.authorization },
        body,
      })
      return this.interpret(res, path)
    })
  }

  private interpret(res: HttpResponse, path: string): unknown {
    if (res.status >= 200 && res.status < 300) return res.status === 204 ? undefined : res.json()
    const detail = describeError(res)
    if (res.status === 401 || res.status === 403)
      throw this.error('auth', `token refused (HTTP ${res.status}: ${detail})`)
    if (res.status === 404) throw this.error('not-found', detail)
    if (res.status === 409 && path.includes('/available-ips/'))
      throw this.error('exhausted', detail)
    if (res.status === 429 || res.status >= 500)
      throw this.error('unavailable', `HTTP ${res.status} from NetBox: ${detail}`)
    if (res.status === 400 && /Duplicate IP address/i.test(detail))
      throw this.error('taken', detail)
    if (res.status === 400 && /Duplicate prefix/i.test(detail))
      throw this.error('range-overlap', detail)
    if (res.status === 400 || res.status === 422) throw this.error('rejected', vendorReason(detail))
    if (res.status >= 300 && res.status < 400) {
      throw this.error(
        'protocol',
        `HTTP ${res.status} redirect to ${String(res.headers.location ?? '?')} (is url the NetBox root?)`,
      )
    }
    throw this.error('protocol', `HTTP ${res.status}: ${detail}`)
  }

  /**
   * Every object of a list, following `next` to the end whatever page size the server caps
   * `limit` at.
   * @throws ExternalIpamError as `call`
   */
  async *list(path: string): AsyncGenerator<NetboxObject> {
    let next: string | undefined = path
    while (next !== undefined) {
      const current: string = next
      const page = (await this.call('GET', current)) as NetboxPage | undefined
      for (const o of page?.results ?? []) yield o
      const link = page?.next
      next = typeof link === 'string' && link !== '' ? apiPath(link) : undefined
      if (next === current) throw this.error('protocol', `page ${current} links to itself`)
    }
  }

  /** Every object of a list, collected. */
  async all(path: string): Promise<NetboxObject[]> {
    const out: NetboxObject[] = []
    for await (const o of this.list(path)) out.push(o)
    return out
  }

  /** The raw answer to an unauthenticated GET (reachability and TLS checks). */
  async probe(path: string): Promise<HttpResponse> {
    return this.http.request({ method: 'GET', path })
  }

  async close(): Promise<void> {
    await this.http.close()
  }
}

/**
 * The part of a `next` link from `/api/` on. NOTE: NetBox builds the link from the Host header
 * and scheme it saw, which behind a proxy may name another host or `http:`; the configured URL
 * (with any path prefix) is the one to use.
 */
export function apiPath(link: string): string {
  const url = new URL(link, 'http://netbox.invalid')
  const full = `${url.pathname}${url.search}`
  const at = full.indexOf('/api/')
  return at < 0 ? full : full.slice(at)
}

/** NetBox's error text: `detail`, or the field errors of a 400, shortened. */
function describeError(res: HttpResponse): string {
  const body = res.json()
  let text: string
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'detail' in body)
    text = String(body.detail)
  else if (typeof body === 'object' && body !== null) text = flatten(body)
  else text = res.text.trim() === '' ? '(empty body)' : res.text
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

function flatten(value: unknown): string {
  if (Array.isArray(value))
    return value
      .map(flatten)
      .filter((s) => s !== '')
      .join('; ')
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => {
        const inner = flatten(v)
        return inner === '' ? '' : `${k}: ${inner}`
      })
      .filter((s) => s !== '')
      .join('; ')
  }
  return typeof value === 'string' ? value : JSON.stringify(value)
}
