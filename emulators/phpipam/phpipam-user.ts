import { PhpipamError, type PiSuccess } from './phpipam-envelope.ts'
import { userByToken, type PiCall } from './phpipam-call.ts'
import { generateToken, type PiUser } from './phpipam-state.ts'

const MAX_FAILURES = 10
const BLOCK_MS = 5 * 60 * 1000

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** `date("Y-m-d H:i:s", t)` in the server's local time zone. */
export function formatExpires(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/**
 * `validate_block`: more than 10 failed logins from the client IP in 5 minutes blocks it.
 *
 * @throws PhpipamError 500 while blocked (message verbatim, typo included).
 */
export function validateBlock(call: PiCall): void {
  const since = Date.now() - BLOCK_MS
  const recent = (call.state.loginFailures.get(call.clientIp) ?? []).filter((t) => t > since)
  call.state.loginFailures.set(call.clientIp, recent)
  if (recent.length > MAX_FAILURES) {
    throw new PhpipamError(
      500,
      'Your IP has been blocked for 5 minutes because of excesive login failures',
    )
  }
}

function expired(user: PiUser): boolean {
  return user.tokenExpires === undefined || user.tokenExpires < nowSeconds()
}

/**
 * Pushes the token's expiry to now + lifetime (sliding expiry).
 *
 * NOTE: phpIPAM's source throttles this write to once a minute, but the recorded 1.8.2
 * `GET /user/` three seconds after login already answered an expiry three seconds later, so
 * the emulator slides the expiry on every authenticated call.
 */
function refresh(call: PiCall, user: PiUser): void {
  user.tokenExpires = nowSeconds() + call.config.tokenTtlSeconds
}

/**
 * `check_auth` for every controller but `user` (apps `none` and `ssl_token`): the
 * `phpipam-token` (or `token`) header must hold a user's unexpired token; the expiry slides.
 *
 * @throws PhpipamError 401 `Unauthorized` (missing, unknown or expired token), 500 when blocked.
 */
export function checkAuth(call: PiCall): PiUser {
  validateBlock(call)
  if (call.token === undefined) throw new PhpipamError(401, 'Unauthorized')
  const user = userByToken(call, call.token)
  if (user === undefined || expired(user)) throw new PhpipamError(401, 'Unauthorized')
  refresh(call, user)
  return user
}

/**
 * `check_auth_code` (apps `ssl_code`): the token header must be an app code, and this app's.
 *
 * @throws PhpipamError 401 when missing or unknown, 403 `Invalid token` for another app's code.
 */
export function checkAuthCode(call: PiCall): void {
  validateBlock(call)
  if (call.token === undefined) throw new PhpipamError(401, 'Unauthorized')
  const owner = [...call.state.apps.values()].find(
    (a) => a.code !== undefined && a.code === call.token,
  )
  if (owner === undefined) throw new PhpipamError(401, 'Unauthorized')
  if (owner.appId !== call.app.appId) throw new PhpipamError(403, 'Invalid token')
}

/** `validate_requested_token_user`: the `user` controller's own token check (403s). */
function requireUserToken(call: PiCall): PiUser | undefined {
  if (call.token === undefined) throw new PhpipamError(403, 'Please provide token')
  if (call.app.security === 'ssl_code') {
    if (call.token !== call.app.code) throw new PhpipamError(403, 'Invalid token')
    return undefined
  }
  const user = userByToken(call, call.token)
  if (user === undefined) throw new PhpipamError(403, 'Invalid token')
  if (expired(user)) throw new PhpipamError(403, 'Token expired')
  return user
}

function basicCredentials(
  header: string | undefined,
): { username: string; password: string } | undefined {
  const m = /^\s*basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (m === null) return undefined
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

const expiresOf = (user: PiUser | undefined): string | null =>
  user?.tokenExpires === undefined ? null : formatExpires(user.tokenExpires)

/**
 * The `user` controller: `POST` logs in with HTTP Basic (one token per user: a still-valid
 * token is returned again with its expiry extended, else a new one is issued), `GET` returns
 * the expiry, `PATCH` extends it, `DELETE` revokes the token.
 *
 * @throws PhpipamError 400 without credentials, 500 `Invalid username or password`, 403 for
 *   token problems on this controller.
 */
export async function userController(call: PiCall): Promise<PiSuccess> {
  switch (call.method) {
    case 'POST': {
      validateBlock(call)
      const credentials = basicCredentials(call.authorization)
      if (credentials === undefined)
        throw new PhpipamError(400, 'Please provide username and password')
      const user = call.state.users.get(credentials.username)
      if (user === undefined || user.password !== credentials.password) {
        const failures = call.state.loginFailures.get(call.clientIp) ?? []
        failures.push(Date.now())
        call.state.loginFailures.set(call.clientIp, failures)
        throw new PhpipamError(500, 'Invalid username or password')
      }
      if (user.token === undefined || expired(user)) user.token = generateToken()
      refresh(call, user)
      return { code: 200, data: { token: user.token, expires: expiresOf(user) } }
    }
    case 'GET': {
      const id = call.params.str('id')
      if (id !== undefined && !['token_expires', 'expires', 'all', 'admins'].includes(id)) {
        throw new PhpipamError(400, 'Invalid identifier')
      }
      validateBlock(call)
      const user = requireUserToken(call)
      if (id === 'all' || id === 'admins') {
        if (call.app.permissions !== 3) throw new PhpipamError(503, 'Invalid app permissions')
        return {
          code: 200,
          data: [...call.state.users.values()].map((u, i) => ({
            id: i + 1,
            username: u.username,
            role: 'Administrator',
          })),
        }
      }
      if (user !== undefined) refresh(call, user)
      return { code: 200, data: { expires: expiresOf(user) } }
    }
    case 'PATCH':
    case 'PUT': {
      validateBlock(call)
      const user = requireUserToken(call)
      if (user !== undefined) refresh(call, user)
      return { code: 200, data: { expires: expiresOf(user) } }
    }
    case 'DELETE': {
      validateBlock(call)
      const user = requireUserToken(call)
      if (user !== undefined) {
        user.token = undefined
        user.tokenExpires = undefined
      }
      return { code: 200, data: ['Token removed'] }
    }
    default:
      throw new PhpipamError(501, 'Not Implemented')
  }
}
