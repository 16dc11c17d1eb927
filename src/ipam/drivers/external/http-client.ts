import { readFileSync } from 'node:fs'
import { Pool, errors as undiciErrors } from 'undici'
import { ExternalIpamError } from './external-errors.ts'

/** TLS and timeouts of one vendor endpoint (from its neutron.conf section). */
export interface HttpClientOptions {
  readonly driver: string
  /** Scheme, host and port, e.g. https://gm.example.net (any path is kept as a prefix). */
  readonly baseUrl: string
  /** true (verify against the system CAs), false, or the path of a CA bundle. */
  readonly sslVerify: boolean | string
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly connections: number
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path below the base URL, with its query string. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
}

export interface HttpResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
  /** The body as JSON, or undefined when it is not JSON. */
  json(): unknown
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

/**
 * Keep-alive HTTP to one vendor endpoint, with its own TLS settings (verification on by default,
 * a CA bundle allowed) and timeouts. Transport failures become ExternalIpamError with a cause
 * that names what happened and never a credential.
 */
export class VendorHttp {
  readonly endpoint: string
  private readonly pool: Pool
  private readonly prefix: string

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl)
    this.endpoint = `${url.protocol}//${url.host}`
    this.prefix = url.pathname.replace(/\/$/, '')
    const tls =
      url.protocol === 'https:'
        ? {
            rejectUnauthorized: options.sslVerify !== false,
            ...(typeof options.sslVerify === 'string'
              ? { ca: readFileSync(options.sslVerify, 'utf8') }
              : {}),
          }
        : {}
    this.pool = new Pool(this.endpoint, {
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs, ...tls },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
    })
  }

  /** Sends a request; any HTTP status is returned, transport failures are thrown. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers }
    let body: string | undefined
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
      headers['content-type'] ??= 'application/json'
    }
    try {
      const res = await this.pool.request({
        method: req.method,
        path: `${this.prefix}${req.path}`,
        headers,
        body: body ?? null,
      })
      const text = await res.body.text()
      return {
        status: res.statusCode,
        headers: res.headers,
        text,
        json: () => {
          try {
            return JSON.parse(text) as unknown
          } catch {
            return undefined
          }
        },
      }
    } catch (error) {
      throw this.transportError(error)
    }
  }

  private transportError(error: unknown): ExternalIpamError {
    const { driver } = this.options
    const e = error as {
      code?: string
      message?: string
      cause?: { code?: string; message?: string }
    }
    const code = e.code ?? ''
    const causeCode = e.cause?.code ?? ''
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return new ExternalIpamError(
        'timeout',
        driver,
        this.endpoint,
        `connection timed out after ${this.options.connectTimeoutMs} ms`,
      )
    }
    if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return new ExternalIpamError(
        'timeout',
        driver,
        this.endpoint,
        `no answer within ${this.options.requestTimeoutMs} ms`,
      )
    }
    for (const c of [code, causeCode]) {
      if (TLS_CODES.has(c)) {
        return new ExternalIpamError(
          'tls',
          driver,
          this.endpoint,
          `TLS failure: ${c} (${e.cause?.message ?? e.message ?? ''})`,
        )
      }
    }
    const network =
      code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || causeCode === 'ENOTFOUND'
          ? 'host not found'
          : code === 'ECONNRESET' || causeCode === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? 'connection reset'
            : `${code === '' ? 'network error' : code}: ${e.message ?? ''}`
    return new ExternalIpamError('unreachable', driver, this.endpoint, network)
  }

  async close(): Promise<void> {
    await this.pool.close()
  }
}
