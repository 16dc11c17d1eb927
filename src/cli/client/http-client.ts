import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { ApiError, ConnectionError } from './errors.ts'
import { parseJson, type JsonObject, type JsonValue } from './parse-json.ts'
import type { Session } from './session.ts'

/** Query parameters as ordered pairs (Neutron filters repeat keys: `?fixed_ips=a&fixed_ips=b`). */
export type Query = readonly (readonly [string, string])[]

/** How long a request may stay silent before the command gives up. */
const REQUEST_TIMEOUT_MS = 120_000

/** Socket error codes worth naming in the one-line message. */
const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/**
 * The Networking v2.0 API over HTTP: JSON in, BigInt-safe JSON out, errors as ApiError (with
 * Neutron's type and message) or ConnectionError. Paths are relative to `<endpoint>/v2.0/`.
 */
export class HttpClient {
  constructor(private readonly session: Session) {}

  async get(path: string, query: Query = []): Promise<JsonObject> {
    return asObject(await this.request('GET', path, query, undefined))
  }

  async post(path: string, body: JsonObject): Promise<JsonObject> {
    return asObject(await this.request('POST', path, [], body))
  }

  async put(path: string, body: JsonObject): Promise<JsonObject> {
    return asObject(await this.request('PUT', path, [], body))
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path, [], undefined)
  }

  /**
   * Every page of a collection at `path` whose items are under `collection` (following
   * `<collection>_links` when the server paginates).
   */
  async list(path: string, collection: string, query: Query = []): Promise<JsonObject[]> {
    const items: JsonObject[] = []
    let url: string | undefined = this.url(path, query)
    while (url !== undefined) {
      const page = asObject(await this.send('GET', url, undefined))
      const found = page[collection]
      if (!Array.isArray(found)) {
        throw new ApiError(200, undefined, `No '${collection}' in the answer`)
      }
      for (const item of found) items.push(asObject(item))
      url = nextLink(page[`${collection}_links`])
    }
    return items
  }

  private async request(
    method: string,
    path: string,
    query: Query,
    body: JsonObject | undefined,
  ): Promise<JsonValue | undefined> {
    return this.send(method, this.url(path, query), body)
  }

  private url(path: string, query: Query): string {
    const search = new URLSearchParams()
    for (const [key, value] of query) search.append(key, value)
    const text = search.toString()
    return `${this.session.endpoint}/v2.0/${path}${text === '' ? '' : `?${text}`}`
  }

  private async send(
    method: string,
    url: string,
    body: JsonObject | undefined,
  ): Promise<JsonValue | undefined> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'xloud-cli',
      ...this.session.headers,
    }
    const payload = body === undefined ? undefined : JSON.stringify(body)
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(payload))
    }
    let response: RawResponse
    try {
      response = await transfer(new URL(url), method, headers, payload)
    } catch (error) {
      throw new ConnectionError(
        `Unable to connect to ${this.session.endpoint}: ${connectionProblem(error)}`,
      )
    }
    if (response.status < 200 || response.status > 299) throw apiError(response)
    if (response.text.trim() === '') return undefined
    try {
      return parseJson(response.text)
    } catch {
      throw new ApiError(response.status, undefined, `Unreadable answer from ${url}`)
    }
  }
}

interface RawResponse {
  readonly status: number
  readonly statusText: string
  readonly text: string
}

class RequestTimeout extends Error {
  override readonly name = 'TimeoutError'
}

/**
 * One HTTP exchange with node:http(s), on its own connection.
 *
 * NOTE: not fetch: Node 20's fetch can hang forever, holding no handle, when a server accepts
 * and at once closes the connection, so the CLI would exit 0 without a word. node:http reports
 * it as ECONNRESET. A fresh connection per request (no keep-alive agent) also lets the process
 * exit as soon as the command is done.
 */
function transfer(
  url: URL,
  method: string,
  headers: Readonly<Record<string, string>>,
  payload: string | undefined,
): Promise<RawResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          text: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    request.setTimeout(REQUEST_TIMEOUT_MS, () => {
      request.destroy(new RequestTimeout())
    })
    request.on('error', reject)
    request.end(payload)
  })
}

function asObject(value: JsonValue | undefined): JsonObject {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value
  throw new ApiError(200, undefined, 'Expected a JSON object in the answer')
}

function nextLink(links: JsonValue | undefined): string | undefined {
  if (!Array.isArray(links)) return undefined
  for (const link of links) {
    if (typeof link !== 'object' || link === null || Array.isArray(link)) continue
    if (link.rel === 'next' && typeof link.href === 'string') return link.href
  }
  return undefined
}

/** Why the exchange failed, in a few words: the socket error code when there is one. */
function connectionProblem(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
  }
  let current: unknown = error
  let innermost = error instanceof Error ? error.message : String(error)
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string') return CONNECTION_FAILURES[code] ?? code
    innermost = current.message
    current = current.cause
  }
  return innermost
}

/**
 * Neutron's error envelope `{"NeutronError": {"type", "message", "detail"}}`, the Keystone-style
 * `{"error": {"code", "title", "message"}}` of authentication failures, webob's
 * `{"message": ..., "code": ...}`, or whatever text came back.
 */
function apiError(response: RawResponse): ApiError {
  const text = response.text
  let body: JsonValue | undefined
  try {
    body = parseJson(text)
  } catch {
    body = undefined
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const envelope = body.NeutronError
    if (typeof envelope === 'object' && envelope !== null && !Array.isArray(envelope)) {
      const type = typeof envelope.type === 'string' ? envelope.type : undefined
      const message = typeof envelope.message === 'string' ? envelope.message : response.statusText
      return new ApiError(response.status, type, message)
    }
    const keystone = body.error
    if (typeof keystone === 'object' && keystone !== null && !Array.isArray(keystone)) {
      const title = typeof keystone.title === 'string' ? keystone.title : undefined
      if (typeof keystone.message === 'string') {
        return new ApiError(response.status, title, oneLine(keystone.message))
      }
    }
    if (typeof body.message === 'string') {
      return new ApiError(
        response.status,
        undefined,
        oneLine(body.message.replace(/<br \/>/g, ' ')),
      )
    }
  }
  const plain = oneLine(text)
  return new ApiError(response.status, undefined, plain === '' ? response.statusText : plain)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
