import { NetboxApiError } from './netbox-errors.ts'
import type { NbToken, NetboxState } from './netbox-state.ts'

/** Which NetBox generation the emulator answers as (token formats and messages differ). */
export type NetboxGeneration = 3 | 4

const denied = (detail: string): NetboxApiError => new NetboxApiError(403, { detail })

export const NOT_PROVIDED = 'Authentication credentials were not provided.'
export const NO_PERMISSION = 'You do not have permission to perform this action.'

/**
 * Authenticates a request from its `Authorization` header and returns the token.
 *
 * Every failure is a 403 with a `detail` (NetBox's TokenAuthentication sets no
 * `WWW-Authenticate`, so DRF turns AuthenticationFailed into 403, not 401):
 * - 3.x: only `Token <key>`; another scheme counts as no credentials; `Invalid token`,
 *   `Token expired`, DRF's "Invalid token header" messages for a malformed header.
 * - 4.x: `Token <v1>` or `Bearer nbt_<key>.<token>` (the version follows the `nbt_` prefix, not
 *   the keyword); `Invalid v1 token` / `Invalid v2 token`, `Token expired`, `Token disabled`,
 *   the source-IP refusal, and `Invalid authorization header: …` for a malformed header.
 * A read-only token on a write method is refused with DRF's permission message.
 *
 * @throws NetboxApiError (403) when the request is not authenticated or not permitted.
 */
export function authenticate(
  state: NetboxState,
  generation: NetboxGeneration,
  header: string | undefined,
  method: string,
  clientIp: string,
): NbToken {
  const parts = (header ?? '')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '')
  const keyword = (parts[0] ?? '').toLowerCase()
  const token = generation === 3 ? parseV3(parts, keyword) : parseV4(parts, keyword)
  const found = state.tokens.get(token.key)
  if (found === undefined)
    throw denied(generation === 3 ? 'Invalid token' : `Invalid v${token.version} token`)
  if (found.expires !== undefined && found.expires.getTime() < Date.now())
    throw denied('Token expired')
  if (generation === 4 && !found.enabled) throw denied('Token disabled')
  if (generation === 4 && found.allowedIps !== undefined && !found.allowedIps.includes(clientIp)) {
    throw denied(`Source IP ${clientIp} is not permitted to authenticate using this token.`)
  }
  const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
  if (!safe && !found.writeEnabled) throw denied(NO_PERMISSION)
  return found
}

function parseV3(parts: string[], keyword: string): { key: string; version: 1 } {
  // NOTE: DRF's TokenAuthentication ignores other schemes; LOGIN_REQUIRED then refuses the
  // anonymous request with "not provided", so `Bearer …` on NetBox 3 reads as no credentials.
  if (keyword !== 'token') throw denied(NOT_PROVIDED)
  if (parts.length === 1) throw denied('Invalid token header. No credentials provided.')
  if (parts.length > 2)
    throw denied('Invalid token header. Token string should not contain spaces.')
  return { key: parts[1] ?? '', version: 1 }
}

function parseV4(parts: string[], keyword: string): { key: string; version: 1 | 2 } {
  if (keyword !== 'token' && keyword !== 'bearer') throw denied(NOT_PROVIDED)
  if (parts.length !== 2) {
    throw denied(
      'Invalid authorization header: Must be in the form "Bearer <key>.<token>" or "Token <token>"',
    )
  }
  const value = parts[1] ?? ''
  if (!value.startsWith('nbt_')) return { key: value, version: 1 }
  if (!value.slice(4).includes('.')) {
    throw denied(
      "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?",
    )
  }
  return { key: value, version: 2 }
}
