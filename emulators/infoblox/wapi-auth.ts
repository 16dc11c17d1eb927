import { randomBytes, timingSafeEqual } from 'node:crypto'

/** A grid admin account. */
export interface WapiUser {
  readonly username: string
  readonly password: string
  /** False for an account without the API permission: every call gets the 403 HTML page. */
  readonly apiAccess: boolean
}

/** The outcome of authenticating one call. */
export type AuthOutcome =
  | { readonly kind: 'ok'; readonly user: WapiUser; readonly setCookie: string | undefined }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'forbidden' }

interface Session {
  readonly user: WapiUser
  readonly created: number
  lastSeen: number
}

const COOKIE = 'ibapauth'

/**
 * Basic authentication on every call, or the `ibapauth` session cookie the appliance sets after
 * the first authenticated call (contract §1.2). A session expires after `timeoutSeconds`
 * without use; `logout` ends it. Bad Basic credentials are refused even with a valid cookie.
 */
export class WapiAuth {
  private readonly users = new Map<string, WapiUser>()
  private readonly sessions = new Map<string, Session>()

  constructor(
    admin: { username: string; password: string },
    private readonly timeoutSeconds: number,
    private readonly secureCookie: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.addUser(admin.username, admin.password)
  }

  /** Adds (or replaces) an account. */
  addUser(username: string, password: string, options: { apiAccess?: boolean } = {}): void {
    this.users.set(username, { username, password, apiAccess: options.apiAccess ?? true })
  }

  /** Calls that presented Basic credentials (logins), good or bad. */
  basicAttempts = 0
  /** Sessions opened so far. */
  sessionsOpened = 0

  /** Sessions currently valid. */
  get activeSessions(): number {
    this.sweep()
    return this.sessions.size
  }

  /** Ends every session, as a grid restart would: clients must send credentials again. */
  expireAllSessions(): void {
    this.sessions.clear()
  }

  /** Authenticates a call from its `Authorization` and `Cookie` headers. */
  authenticate(
    authorization: string | undefined,
    cookieHeader: string | undefined,
    ip: string,
  ): AuthOutcome {
    const basic = parseBasic(authorization)
    if (basic !== undefined) {
      this.basicAttempts++
      const user = this.users.get(basic.username)
      if (user === undefined || !sameText(user.password, basic.password))
        return { kind: 'unauthorized' }
      if (!user.apiAccess) return { kind: 'forbidden' }
      const existing = this.session(cookieHeader)
      if (existing !== undefined && existing.session.user.username === user.username) {
        existing.session.lastSeen = this.now()
        return { kind: 'ok', user, setCookie: undefined }
      }
      return { kind: 'ok', user, setCookie: this.open(user, ip) }
    }
    const existing = this.session(cookieHeader)
    if (existing === undefined) return { kind: 'unauthorized' }
    if (!existing.session.user.apiAccess) return { kind: 'forbidden' }
    existing.session.lastSeen = this.now()
    return { kind: 'ok', user: existing.session.user, setCookie: undefined }
  }

  /** Ends the session a cookie names. Returns the `Set-Cookie` value that clears it. */
  logout(cookieHeader: string | undefined): string {
    const existing = this.session(cookieHeader)
    if (existing !== undefined) this.sessions.delete(existing.token)
    return `${COOKIE}=; Max-Age=0; Path=/; HttpOnly${this.secureCookie ? '; Secure' : ''}`
  }

  private open(user: WapiUser, ip: string): string {
    const token = randomBytes(24).toString('base64url')
    this.sessionsOpened++
    const now = this.now()
    this.sessions.set(token, { user, created: now, lastSeen: now })
    const secs = Math.floor(now / 1000)
    const timeout = Math.max(1, Math.ceil(this.timeoutSeconds))
    // NOTE: the value mimics the appliance's (fields a client such as infoblox-client parses
    // for ctime/timeout), with our random token as the last, signature-like part.
    const value = `ip=${ip},client=API,group=admin-group,ctime=${secs},timeout=${timeout},mtime=${secs},su=1,auth=LOCAL,user=${user.username},${token}`
    return `${COOKIE}="${value}"; Path=/; HttpOnly${this.secureCookie ? '; Secure' : ''}`
  }

  private session(
    cookieHeader: string | undefined,
  ): { token: string; session: Session } | undefined {
    const token = cookieToken(cookieHeader)
    if (token === undefined) return undefined
    const session = this.sessions.get(token)
    if (session === undefined) return undefined
    if (this.now() - session.lastSeen > this.timeoutSeconds * 1000) {
      this.sessions.delete(token)
      return undefined
    }
    return { token, session }
  }

  private sweep(): void {
    const limit = this.now() - this.timeoutSeconds * 1000
    for (const [token, s] of this.sessions) if (s.lastSeen < limit) this.sessions.delete(token)
  }
}

function parseBasic(
  header: string | undefined,
): { username: string; password: string } | undefined {
  if (header === undefined) return undefined
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (m === null) return { username: '', password: '' }
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { username: decoded, password: '' }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** The token of an `ibapauth` cookie: the last comma-separated part of its (quoted) value. */
function cookieToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== COOKIE) continue
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '')
    const token = value.split(',').at(-1)
    return token === undefined || token === '' ? undefined : token
  }
  return undefined
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
