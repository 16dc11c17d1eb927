import { readFileSync } from 'node:fs'
import { Pool, errors as undiciErrors } from 'undici'
import {
  catalogEndpoints,
  parseToken,
  type CatalogEndpoint,
  type KeystoneToken,
} from './keystone-token.ts'

/** Where Keystone is and how to talk to it (from `[keystone_authtoken]`). */
export interface KeystoneClientOptions {
  /** The identity v3 root, e.g. http://keystone:5000/v3 (see {@link identityRoot}). */
  readonly authUrl: string
  /** CA bundle to verify Keystone with; empty: the system CAs. */
  readonly cafile: string
  readonly insecure: boolean
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
}

/** A user's (or this service's) password credentials, scoped to a project. */
export interface PasswordCredentials {
  readonly username: string
  readonly password: string
  readonly userDomainName: string
  readonly projectName: string
  readonly projectDomainName: string
}

/** A token Keystone issued: the token itself (X-Subject-Token) and what it stands for. */
export interface IssuedToken {
  readonly id: string
  readonly token: KeystoneToken
}

/** The outcome of validating a user's token (`GET /v3/auth/tokens?nocatalog`). */
export type Validation =
  | { readonly kind: 'valid'; readonly token: KeystoneToken }
  /** 404 (unknown, expired or revoked) or 400: the user's token is not valid. */
  | { readonly kind: 'invalid'; readonly status: number }
  /** 401: the service token (X-Auth-Token) itself is no longer accepted. */
  | { readonly kind: 'service-token-refused' }
  /** 403: the service user may not validate tokens (it lacks the role service or admin). */
  | { readonly kind: 'forbidden' }

/** Keystone could not be asked: no connection, a timeout, or a 5xx answer. */
export class KeystoneUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Keystone is unavailable: ${reason}`)
    this.name = 'KeystoneUnavailableError'
  }
}

/** Keystone answered, but refused the call (e.g. 401 for wrong credentials). */
export class KeystoneRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'KeystoneRefusedError'
  }
}

/**
 * The identity v3 root of an `auth_url`: `http://k:5000`, `http://k:5000/` and
 * `http://k:5000/v3/` all give `http://k:5000/v3`.
 * @throws Error when it is not an http(s) URL, or names the v2.0 API
 */
export function identityRoot(authUrl: string): string {
  let url: URL
  try {
    url = new URL(authUrl.trim())
  } catch {
    throw new Error(`[keystone_authtoken] auth_url: '${authUrl}' is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`[keystone_authtoken] auth_url: only http and https are supported`)
  const path = url.pathname.replace(/\/+$/, '')
  if (/\/v2\.0$/.test(path))
    throw new Error('[keystone_authtoken] auth_url: the identity v2.0 API is gone; use /v3')
  url.pathname = /\/v3$/.test(path) ? path : `${path}/v3`
  url.search = ''
  return url.href.replace(/\/+$/, '')
}

const TRANSPORT_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
}

/** Failures of a kept-alive connection that the server closed meanwhile: worth one retry. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])

function errorCode(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string') return code
    current = current.cause
  }
  return ''
}

interface Answer {
  readonly status: number
  readonly subjectToken: string | undefined
  readonly body: unknown
}

/**
 * Keystone's identity v3 API as this service uses it: password authentication, token validation
 * (with the catalog left out, as keystonemiddleware), the version document and the catalog.
 * Keep-alive connections through undici, with the `cafile`/`insecure` TLS settings.
 * Transport failures and 5xx answers throw KeystoneUnavailableError; nothing here logs or
 * returns a password or a token in a message.
 */
export class KeystoneClient {
  readonly authUrl: string
  private readonly pool: Pool
  private readonly prefix: string

  /** @throws Error when `cafile` cannot be read */
  constructor(private readonly options: KeystoneClientOptions) {
    const url = new URL(options.authUrl)
    this.authUrl = options.authUrl
    this.prefix = url.pathname.replace(/\/+$/, '')
    let ca: string | undefined
    if (options.cafile !== '') {
      try {
        ca = readFileSync(options.cafile, 'utf8')
      } catch (error) {
        throw new Error(
          `[keystone_authtoken] cafile: cannot read ${options.cafile}: ${errorCode(error) || 'error'}`,
        )
      }
    }
    const tls =
      url.protocol === 'https:'
        ? { rejectUnauthorized: !options.insecure, ...(ca === undefined ? {} : { ca }) }
        : {}
    this.pool = new Pool(url.origin, {
      connections: 32,
      connect: { timeout: options.connectTimeoutMs, ...tls },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
    })
  }

  /**
   * The identity API version Keystone announces (`GET <auth_url>`), e.g. "v3.14".
   * @throws KeystoneUnavailableError
   */
  async version(): Promise<string> {
    const answer = await this.call('GET', '', {})
    const version = (answer.body as { version?: { id?: unknown } } | undefined)?.version?.id
    if (answer.status !== 200 || typeof version !== 'string')
      throw new KeystoneUnavailableError(`${this.authUrl} is not a Keystone v3 endpoint`)
    return version
  }

  /**
   * A project-scoped token for password credentials (`POST /v3/auth/tokens?nocatalog`).
   * @throws KeystoneRefusedError 401 when Keystone refuses the credentials (or the project)
   * @throws KeystoneUnavailableError
   */
  async issue(credentials: PasswordCredentials): Promise<IssuedToken> {
    const body = {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: credentials.username,
              domain: { name: credentials.userDomainName },
              password: credentials.password,
            },
          },
        },
        scope: {
          project: {
            name: credentials.projectName,
            domain: { name: credentials.projectDomainName },
          },
        },
      },
    }
    const answer = await this.call('POST', '/auth/tokens?nocatalog', {}, body)
    if (answer.status === 201 || answer.status === 200) {
      if (answer.subjectToken === undefined)
        throw new KeystoneUnavailableError('Keystone issued a token without X-Subject-Token')
      try {
        return { id: answer.subjectToken, token: parseToken(answer.body) }
      } catch (error) {
        throw new KeystoneUnavailableError((error as Error).message)
      }
    }
    throw new KeystoneRefusedError(
      answer.status,
      answer.status === 401
        ? `Keystone refused the credentials of user ${credentials.username} (domain ${credentials.userDomainName}) for project ${credentials.projectName} (domain ${credentials.projectDomainName})`
        : `Keystone answered HTTP ${answer.status} to the password authentication of user ${credentials.username}`,
    )
  }

  /**
   * Validates a user's token with this service's token, without the catalog.
   * @throws KeystoneUnavailableError
   */
  async validate(serviceToken: string, subjectToken: string): Promise<Validation> {
    const answer = await this.call('GET', '/auth/tokens?nocatalog', {
      'x-auth-token': serviceToken,
      'x-subject-token': subjectToken,
    })
    switch (answer.status) {
      case 200:
        try {
          return { kind: 'valid', token: parseToken(answer.body) }
        } catch (error) {
          throw new KeystoneUnavailableError((error as Error).message)
        }
      case 401:
        return { kind: 'service-token-refused' }
      case 403:
        return { kind: 'forbidden' }
      default:
        return { kind: 'invalid', status: answer.status }
    }
  }

  /**
   * The service catalog of a token (`GET /v3/auth/catalog`).
   * @throws KeystoneRefusedError when the token is refused
   * @throws KeystoneUnavailableError
   */
  async catalog(token: string): Promise<CatalogEndpoint[]> {
    const answer = await this.call('GET', '/auth/catalog', { 'x-auth-token': token })
    if (answer.status !== 200)
      throw new KeystoneRefusedError(answer.status, `Keystone answered HTTP ${answer.status}`)
    return catalogEndpoints((answer.body as { catalog?: unknown } | undefined)?.catalog)
  }

  async close(): Promise<void> {
    await this.pool.close()
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: unknown,
  ): Promise<Answer> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(method, path, headers, body)
      } catch (error) {
        if (error instanceof KeystoneUnavailableError) throw error
        const code = errorCode(error)
        // NOTE: a kept-alive connection that Keystone (or a proxy) closed meanwhile fails at once;
        // a second attempt opens a new one. Both calls are safe to repeat.
        if (attempt === 1 && STALE_CONNECTION.has(code)) continue
        throw new KeystoneUnavailableError(this.describe(error, code))
      }
    }
  }

  private async once(
    method: 'GET' | 'POST',
    path: string,
    headers: Readonly<Record<string, string>>,
    body: unknown,
  ): Promise<Answer> {
    const res = await this.pool.request({
      method,
      path: `${this.prefix}${path}`,
      headers: {
        accept: 'application/json',
        'user-agent': 'xloud-networking keystone-authtoken',
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.body.text()
    if (res.statusCode >= 500)
      throw new KeystoneUnavailableError(`${this.authUrl} answered HTTP ${res.statusCode}`)
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown)
    } catch {
      parsed = undefined
    }
    const subject = res.headers['x-subject-token']
    return {
      status: res.statusCode,
      subjectToken: Array.isArray(subject) ? subject[0] : subject,
      body: parsed,
    }
  }

  private describe(error: unknown, code: string): string {
    const where = this.authUrl
    if (error instanceof undiciErrors.ConnectTimeoutError)
      return `${where}: no connection within ${this.options.connectTimeoutMs / 1000} s`
    if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    )
      return `${where}: no answer within ${this.options.requestTimeoutMs / 1000} s`
    const words = TRANSPORT_WORDS[code]
    if (words !== undefined) return `${where}: ${words}`
    if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'EPROTO')
      return `${where}: TLS failed (${code})`
    return `${where}: ${code === '' ? (error as Error).message : code}`
  }
}
