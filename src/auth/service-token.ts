import type { IssuedToken, KeystoneClient, PasswordCredentials } from './keystone-client.ts'

/** Renew this long before expiry at most (keystoneauth's "stale" duration). */
const MAX_RENEW_MARGIN_MS = 30_000

/**
 * This service's own Keystone token, used as X-Auth-Token when validating users' tokens.
 * Obtained on first use, shared by every request, and renewed shortly before it expires or
 * when Keystone stops accepting it. Concurrent callers share one request to Keystone.
 */
export class ServiceToken {
  private current: IssuedToken | undefined
  private pending: Promise<IssuedToken> | undefined
  /** How many tokens were obtained from Keystone so far (the first one and renewals). */
  obtained = 0

  constructor(
    private readonly client: Pick<KeystoneClient, 'issue'>,
    private readonly credentials: PasswordCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token last obtained, if any (for reports: its roles and expiry). */
  get last(): IssuedToken | undefined {
    return this.current
  }

  /**
   * A token valid for a while yet.
   * @throws KeystoneRefusedError when Keystone refuses this service's credentials
   * @throws KeystoneUnavailableError when Keystone cannot be reached and no token is left
   */
  async get(): Promise<IssuedToken> {
    const current = this.current
    const now = this.now()
    if (current !== undefined && now < this.renewAt(current)) return current
    try {
      return await this.obtain()
    } catch (error) {
      // NOTE: renewal starts before expiry; until the old token expires, it still serves.
      if (current !== undefined && this.current === current && now < current.token.expiresAt)
        return current
      throw error
    }
  }

  /** Forgets `id` (Keystone answered 401 to it), so that the next get() obtains a new one. */
  invalidate(id: string): void {
    if (this.current?.id === id) this.current = undefined
  }

  private renewAt(issued: IssuedToken): number {
    const lifetime = issued.token.expiresAt - issued.token.issuedAt
    // NOTE: a fixed 30 s margin would renew a short-lived token on every request.
    return issued.token.expiresAt - Math.min(MAX_RENEW_MARGIN_MS, Math.max(0, lifetime) / 5)
  }

  private obtain(): Promise<IssuedToken> {
    this.pending ??= this.client
      .issue(this.credentials)
      .then((issued) => {
        this.current = issued
        this.obtained += 1
        return issued
      })
      .finally(() => {
        this.pending = undefined
      })
    return this.pending
  }
}
