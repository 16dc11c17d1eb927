/** phpIPAM's `Responses::errors`: the reason phrase of each code it may answer with. */
export const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
  511: 'Network Authentication Required',
}

/**
 * `Responses::throw_exception`: an error answer `{"code","success":false,"message","time"}`
 * whose HTTP status equals `code`. Controllers throw it.
 */
export class PhpipamError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'PhpipamError'
  }
}

/**
 * A PHP fatal error (e.g. a TypeError): HTTP 500 with an empty body, no envelope at all.
 */
export class PhpipamFatal extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PhpipamFatal'
  }
}

/** What a controller returns on success (`location` becomes the Location header). */
export interface PiSuccess {
  readonly code: number
  readonly message?: string
  readonly id?: string | number
  readonly data?: unknown
  readonly location?: string
}

/** The envelope as phpIPAM orders it: code, success, message, id, subnetId, data, ip, time. */
export interface Envelope {
  readonly code: number
  readonly success: boolean
  readonly message?: string | undefined
  readonly id?: string | number | undefined
  readonly data?: unknown
  readonly time: number
}

/**
 * `json_encode` without JSON_UNESCAPED_SLASHES: like JSON.stringify but every `/` inside a
 * string is written `\/` (so `"10.50.0.0\/24"`). Unicode stays unescaped.
 */
export function phpJson(value: unknown): string {
  // NOTE: a `/` can only occur inside a JSON string, so replacing them all is safe.
  return JSON.stringify(value).replace(/\//g, '\\/')
}

/** Encodes the envelope in phpIPAM's key order; null/absent message, id and data are left out. */
export function encodeEnvelope(envelope: Envelope): string {
  const out: Record<string, unknown> = { code: envelope.code, success: envelope.success }
  if (envelope.message !== undefined && envelope.message !== null) out.message = envelope.message
  if (envelope.id !== undefined && envelope.id !== null) out.id = envelope.id
  if (envelope.data !== undefined && envelope.data !== null) out.data = envelope.data
  out.time = envelope.time
  return phpJson(out)
}

/**
 * What `Api-Stringify-Results: true` (or `api_stringify_results`) does to fetched rows: every
 * number becomes a string, as with PHP < 8.1.
 */
export function stringifyNumbers(value: unknown): unknown {
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.map(stringifyNumbers)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyNumbers(v)]))
  }
  return value
}
