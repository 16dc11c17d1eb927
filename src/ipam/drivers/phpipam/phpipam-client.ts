import { ExternalIpamError, type ExternalErrorKind } from '../external/external-errors.ts'
import type { HttpResponse, VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import { SessionCache } from '../external/session-cache.ts'

export interface PhpipamClientOptions {
  readonly appId: string
  /** API user for token login (empty with a static app token). */
  readonly username: string
  readonly password: string
  /** Static app code (app security `ssl_code`); empty: user login. */
  readonly appToken: string
}

/** phpIPAM's answer to a call it handled: HTTP status (= `code`), message, id, data. */
export interface PhpipamAnswer {
  readonly status: number
  readonly message: string
  /** The new object's id on 201 (a string there; numbers elsewhere). */
  readonly id: unknown
  readonly data: unknown
}

interface Envelope {
  readonly code?: unknown
  readonly message?: unknown
  readonly id?: unknown
  readonly data?: unknown
}

function envelopeOf(res: HttpResponse): Envelope {
  const body = res.json()
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {}
  return body
}

function messageOf(res: HttpResponse): string {
  const m = envelopeOf(res).message
  return typeof m === 'string' ? m : ''
}

/**
 * phpIPAM's REST API (`/api/<app_id>/<controller>/…`) over one keep-alive pool.
 *
 * With a user, the first call logs in (`POST /user/`, HTTP Basic) and keeps the token; a 401
 * means the token expired (6 h sliding, or revoked) and one re-login, shared by every call that
 * saw it, replaces it. phpIPAM keeps one token per user and hands the same one to a second
 * login while it is valid, so concurrent logins (other workers, other nodes) do not break each
 * other; the token is therefore never revoked on close. With a static app token there is no
 * login at all.
 */
export class PhpipamClient {
  private readonly session: SessionCache<string>
  private readonly basic: string

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly options: PhpipamClientOptions,
  ) {
    this.basic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
    this.session = new SessionCache(() =>
      options.appToken === '' ? this.login() : Promise.resolve(options.appToken),
    )
  }

  /** Logins so far (each one call carrying the credentials). */
  get logins(): number {
    return this.options.appToken === '' ? this.session.logins : 0
  }

  get endpoint(): string {
    return this.http.endpoint
  }

  /** Who we are, for messages (never a secret). */
  get who(): string {
    return this.options.appToken === ''
      ? `user ${this.options.username}`
      : `the app token of ${this.options.appId}`
  }

  private path(rest: string): string {
    return `/api/${encodeURIComponent(this.options.appId)}/${rest}`
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'phpipam', this.http.endpoint, cause)
  }

  /** Logs in: one call with HTTP Basic whose answer carries the user's token. */
  private async login(): Promise<string> {
    const res = await this.http.request({
      method: 'POST',
      path: this.path('user/'),
      headers: { authorization: this.basic },
    })
    const data = envelopeOf(res).data
    const token =
      typeof data === 'object' && data !== null && 'token' in data ? data.token : undefined
    if (res.status === 200 && typeof token === 'string' && token !== '') return token
    const message = messageOf(res)
    // NOTE: phpIPAM refuses bad credentials with 500 "Invalid username or password" and an
    // unusable app with 503 and a message; a 5xx without one is the server failing.
    const refusal = message !== '' && (res.status === 500 || res.status === 503)
    if (res.status >= 500 && !refusal)
      throw this.error('unavailable', `HTTP ${res.status} while logging in`)
    throw this.error(
      'auth',
      `login as ${this.options.username} refused (HTTP ${res.status}${message === '' ? '' : `: ${message}`})`,
    )
  }

  private async send(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    rest: string,
    token: string,
    body: unknown,
  ): Promise<HttpResponse> {
    return this.http.request({
      method,
      path: this.path(rest),
      headers: { 'phpipam-token': token },
      body,
    })
  }

  /**
   * One call. Lookups, PATCH and DELETE are retried on outages; creates (POST) never are.
   * Answers the caller must judge (4xx, among them validation refusals such as 400 "Invalid MAC
   * address", and a 500 carrying a message such as MariaDB's duplicate-key error) are returned;
   * the others throw.
   * @throws ExternalIpamError 'auth' (token, permissions or app id refused), 'unavailable' (5xx
   *   without a message, 503, lock timeouts), or the transport kinds
   */
  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    rest: string,
    body?: unknown,
  ): Promise<PhpipamAnswer> {
    return this.resilience.call(method !== 'POST', async () => {
      let token = await this.session.get()
      let res = await this.send(method, rest, token, body)
      if (res.status === 401 && this.expired(res)) {
        // The token expired or was revoked: renew once, shared by every call that saw it.
        token = await this.session.renew(token)
        res = await this.send(method, rest, token, body)
      }
      return this.interpret(res)
    })
  }

  /** A 401 about the token (not "invalid permissions"), with user login to renew it. */
  private expired(res: HttpResponse): boolean {
    return this.options.appToken === '' && !/permission/i.test(messageOf(res))
  }

  private interpret(res: HttpResponse): PhpipamAnswer {
    const envelope = envelopeOf(res)
    const message = messageOf(res)
    if (res.status === 401 || res.status === 403)
      throw this.error(
        'auth',
        `${this.who} refused (HTTP ${res.status}${message === '' ? '' : `: ${message}`})`,
      )
    // NOTE: an unknown app id refuses every call with 400: our configuration, not the request.
    if (res.status === 400 && /invalid application id/i.test(message))
      throw this.error('auth', `app ${this.options.appId} refused (HTTP 400: ${message})`)
    if (res.status === 503 || res.status === 429)
      throw this.error('unavailable', `HTTP ${res.status}${message === '' ? '' : `: ${message}`}`)
    if (res.status >= 500 && (message === '' || /lock|timeout|gone away/i.test(message))) {
      throw this.error(
        'unavailable',
        `HTTP ${res.status} from phpIPAM${message === '' ? ' with an empty body' : `: ${message}`}`,
      )
    }
    if (res.status >= 500 && res.status !== 500)
      throw this.error('unavailable', `HTTP ${res.status}: ${message}`)
    return { status: res.status, message, id: envelope.id, data: envelope.data }
  }

  /** The raw answer to an unauthenticated GET (reachability and TLS checks). */
  async probe(rest: string): Promise<HttpResponse> {
    return this.http.request({ method: 'GET', path: this.path(rest) })
  }

  async close(): Promise<void> {
    await this.http.close()
  }
}
