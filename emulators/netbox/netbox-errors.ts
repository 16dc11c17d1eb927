/**
 * A NetBox answer other than success: an HTTP status and the JSON body DRF would render
 * (`{"detail": …}` or a field-error dict/list). Handlers throw it; the router renders it.
 */
export class NetboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      typeof body === 'object' && body !== null && 'detail' in body
        ? String(body.detail)
        : `HTTP ${status}`,
    )
    this.name = 'NetboxApiError'
  }
}

/** DRF's 404 for an object lookup. */
export const notFound = (): NetboxApiError => new NetboxApiError(404, { detail: 'Not found.' })

/** A 400 with DRF's validation-error body. */
export const invalid = (body: unknown): NetboxApiError => new NetboxApiError(400, body)

export const NETBOX_VERSION = '3.1.11'
export const PYTHON_VERSION = '3.9.2'

/**
 * The body of NetBox's `rest_api_server_error` (its 500 handler for API requests): the
 * exception text and class, and the versions.
 */
export function serverErrorBody(error: string, exception: string): Record<string, string> {
  return {
    error,
    exception,
    netbox_version: NETBOX_VERSION,
    python_version: PYTHON_VERSION,
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Incorrect authentication credentials.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  405: 'Method not allowed.',
  409: 'Conflict.',
  429: 'Request was throttled.',
  502: 'Bad Gateway',
  503: 'Service temporarily unavailable, try again later.',
  504: 'Gateway Timeout',
}

/** The body of an injected failure, in NetBox's shapes (500 handler, else DRF `detail`). */
export function failureBody(status: number): Record<string, string> {
  if (status === 500) return serverErrorBody('Injected failure', 'OperationalError')
  return { detail: REASONS[status] ?? 'A server error occurred.' }
}
