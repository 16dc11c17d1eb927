import { ApiError } from '../../api/api-client.ts'

/**
 * Runs a call to `/v2.0/ipam/*`, turning the answers that mean "not for you" or "not here"
 * into sentences: 404 (a server without the IPAM administration API) and 403 (not an admin).
 */
export async function ipamCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.type === 'HTTPNotFound') {
      throw new ApiError(
        404,
        'NotAvailable',
        'This server does not offer the IPAM administration API (it answered 404 Not Found).',
      )
    }
    if (e instanceof ApiError && e.status === 403) {
      throw new ApiError(403, e.type, `Only administrators may see this: ${e.message}`)
    }
    throw e
  }
}
