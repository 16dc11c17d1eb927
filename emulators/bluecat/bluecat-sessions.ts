import { randomBytes } from 'node:crypto'

/** An API session: a v1 `BAMAuthToken` or a v2 `UserSession` (Basic `user:apiToken`). */
export interface BamSession {
  readonly id: number
  readonly generation: 'v1' | 'v2'
  readonly token: string
  readonly username: string
  readonly readOnly: boolean
  readonly loginAt: number
  expiresAt: number
  state: 'LOGGED_IN' | 'LOGGED_OUT'
  logoutAt: number | undefined
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Sessions of both API generations, with a fixed lifetime from login. */
export class BamSessions {
  private readonly sessions = new Map<string, BamSession>()
  private nextId = 62

  constructor(readonly timeoutSeconds: number) {}

  /** Opens a session. v1 tokens look like BAM's (`7NfY4` + base64 of `<ms>:<user>`). */
  create(username: string, generation: 'v1' | 'v2', readOnly = false): BamSession {
    const now = Date.now()
    const token =
      generation === 'v1'
        ? [...randomBytes(5)].map((b) => ALNUM[b % ALNUM.length] ?? 'A').join('') +
          Buffer.from(`${now}:${username}`).toString('base64')
        : randomBytes(24).toString('base64')
    const session: BamSession = {
      id: this.nextId++,
      generation,
      token,
      username,
      readOnly,
      loginAt: now,
      expiresAt: now + this.timeoutSeconds * 1000,
      state: 'LOGGED_IN',
      logoutAt: undefined,
    }
    this.sessions.set(token, session)
    return session
  }

  /** The live session of a token: logged in and not expired. */
  live(token: string, generation: 'v1' | 'v2'): BamSession | undefined {
    const session = this.sessions.get(token)
    if (session?.generation !== generation || session.state !== 'LOGGED_IN') return undefined
    return session.expiresAt > Date.now() ? session : undefined
  }

  byId(id: number): BamSession | undefined {
    return [...this.sessions.values()].find((s) => s.id === id)
  }

  logout(session: BamSession): void {
    session.state = 'LOGGED_OUT'
    session.logoutAt = Date.now()
  }

  /** Ends the lifetime of every session now, as if they had all timed out. */
  expireAll(): void {
    const now = Date.now()
    for (const session of this.sessions.values())
      session.expiresAt = Math.min(session.expiresAt, now)
  }
}
