import { parseJson, type JsonValue } from './json-bigint.ts'
import type { PageLink } from './neutron-types.ts'

/** A refusal or failure of an API call, with a message fit for people. */
export class ApiError extends Error {
  /**
   * @param status HTTP status (0 when the server could not be reached)
   * @param type Neutron's error type (e.g. "InvalidInput"), or a short kind of our own
   */
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Query parameters; an array repeats the key (`fields=a&fields=b`). */
export type Query = Readonly<Record<string, string | number | readonly string[] | undefined>>

/** Calls the Neutron API with the signed-in user's token. */
export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
  put<T>(path: string, body: unknown): Promise<T>
  delete(path: string): Promise<void>
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value[key]
    : undefined
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** Drops HTML tags and collapses space (webob's error pages put `<br />` in messages). */
function plain(message: string): string {
  return message
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The request was refused as invalid.',
  401: 'Your token was not accepted. Sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found: it may have been deleted.',
  409: 'This conflicts with the current state; reload and try again.',
  413: 'The request is too large.',
  500: 'The server failed to process the request.',
  502: 'The server is unreachable behind its proxy (502).',
  503: 'The service is unavailable right now; try again shortly.',
  504: 'The server took too long to answer (504).',
}

/**
 * A readable error for a failed response: Neutron's `NeutronError.message`, the 401 body's
 * `error.message`, webob's `message`, or a sentence for the status. Never raw JSON.
 */
export function errorFromResponse(status: number, body: string): ApiError {
  let parsed: JsonValue | undefined
  try {
    parsed = body.trim() === '' ? undefined : parseJson(body)
  } catch {
    parsed = undefined
  }
  const neutron = field(parsed, 'NeutronError')
  const message =
    text(field(neutron, 'message')) ??
    text(field(field(parsed, 'error'), 'message')) ??
    text(field(parsed, 'message'))
  const type =
    text(field(neutron, 'type')) ?? text(field(field(parsed, 'error'), 'title')) ?? `HTTP ${status}`
  return new ApiError(
    status,
    type,
    message === undefined
      ? (STATUS_TEXT[status] ?? `The server answered with an error (HTTP ${status}).`)
      : plain(message),
  )
}

/** A message for any error thrown while talking to the API. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error && error.message !== '') return error.message
  return 'Something went wrong.'
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v)
    else params.append(key, String(value))
  }
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

/**
 * An API client for a token. `onUnauthorized` runs when the server refuses the token (401),
 * so that the app can return to sign-in.
 *
 * NOTE: answers are parsed with {@link parseJson}, so availability counts beyond 2^53 stay exact.
 */
export function createApiClient(
  token: string,
  onUnauthorized: () => void = () => undefined,
): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response
    try {
      response = await fetch(path, {
        method,
        headers: {
          'X-Auth-Token': token,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch {
      throw new ApiError(
        0,
        'NetworkError',
        'Cannot reach the server. Check the connection and try again.',
      )
    }
    const content = await response.text()
    if (!response.ok) {
      if (response.status === 401) onUnauthorized()
      throw errorFromResponse(response.status, content)
    }
    if (content.trim() === '') return undefined as T
    try {
      return parseJson(content) as unknown as T
    } catch {
      throw new ApiError(
        response.status,
        'BadResponse',
        'The server sent an answer that is not JSON.',
      )
    }
  }
  return {
    get: (path, query) => call('GET', `${path}${queryString(query)}`),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body),
    delete: async (path) => {
      await call('DELETE', path)
    },
  }
}

/** The `marker` of a list's `next` link, or undefined on the last page. */
export function nextMarker(links: readonly PageLink[] | undefined): string | undefined {
  const next = links?.find((l) => l.rel === 'next')
  if (next === undefined) return undefined
  try {
    return new URL(next.href, 'http://localhost').searchParams.get('marker') ?? undefined
  } catch {
    return undefined
  }
}
