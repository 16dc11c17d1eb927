/**
 * A cached session (token, cookie) with single-flight renewal: however many calls find it expired
 * at once, one login runs and they all wait for it. A login that fails is not retried in a loop;
 * its error goes to every waiting call.
 */
export class SessionCache<S> {
  private current: S | undefined
  private pending: Promise<S> | undefined
  /** Logins performed (for tests and metrics). */
  logins = 0

  constructor(private readonly login: () => Promise<S>) {}

  /** The cached session, logging in first when there is none. */
  async get(): Promise<S> {
    if (this.current !== undefined) return this.current
    return this.renew(undefined)
  }

  /**
   * A fresh session replacing `stale` (the one a call found expired). When another call already
   * replaced it, that newer session is returned without a new login.
   */
  async renew(stale: S | undefined): Promise<S> {
    if (this.current !== undefined && this.current !== stale) return this.current
    if (this.pending === undefined) {
      this.current = undefined
      this.logins++
      this.pending = this.login().then(
        (session) => {
          this.current = session
          this.pending = undefined
          return session
        },
        (error: unknown) => {
          this.pending = undefined
          throw error
        },
      )
    }
    return this.pending
  }

  /** Forgets the session (e.g. after logout). */
  clear(): void {
    this.current = undefined
  }
}
