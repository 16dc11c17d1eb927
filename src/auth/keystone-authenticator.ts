import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Logger } from 'pino'
import { Errors, type NeutronError } from '../domain/errors.ts'
import type { RequestContext } from '../services/request-context.ts'
import {
  AuthenticationError,
  header,
  type AuthCheckStep,
  type Authenticator,
  type IssuedLogin,
  type PasswordLogin,
} from './authenticator.ts'
import { identityCheck } from './keystone-check.ts'
import {
  KeystoneClient,
  KeystoneRefusedError,
  KeystoneUnavailableError,
  type IssuedToken,
  type Validation,
} from './keystone-client.ts'
import type { KeystoneSettings } from './keystone-settings.ts'
import type { KeystoneToken } from './keystone-token.ts'
import { ServiceToken } from './service-token.ts'
import { TtlCache } from './ttl-cache.ts'

/** The log lines this module writes (a pino logger fits). */
export type AuthLogger = Pick<Logger, 'info' | 'warn' | 'error'>

/** What a cached validation says: who the token stands for, or that it is refused. */
type Verdict =
  | { readonly kind: 'valid'; readonly ctx: RequestContext }
  | { readonly kind: 'invalid'; readonly message: string }

/** Tokens (their digests) kept at most; beyond this the oldest validations are forgotten. */
const MAX_CACHED_TOKENS = 50_000
/** While Keystone stays unreachable, repeat the alarm this often. */
const ALARM_REPEAT_MS = 60_000

const REFUSED = 'The request you have made requires authentication.'

/**
 * `auth_strategy = keystone`, as keystonemiddleware's auth_token: each `X-Auth-Token` is
 * validated with Keystone (`GET /v3/auth/tokens?nocatalog`, this service's own token as
 * X-Auth-Token), and the verdict is cached for `token_cache_time` (never past the token's
 * expiry). Concurrent requests with the same unknown token share one validation. A refused
 * token is a 401 with `WWW-Authenticate: Keystone uri="…"`; when Keystone cannot be asked, a
 * 503, while tokens already in the cache keep working.
 */
export class KeystoneAuthenticator implements Authenticator {
  readonly strategy = 'keystone'
  /** Validations asked of Keystone (not answered from the cache). */
  validations = 0
  private readonly client: KeystoneClient
  private readonly serviceToken: ServiceToken
  private readonly cache: TtlCache<Verdict>
  private readonly inFlight = new Map<string, Promise<Verdict>>()
  private readonly challenge: string
  private downSince: number | undefined
  private readonly lastAlarm = new Map<string, number>()

  /** @throws Error when the TLS settings cannot be used (an unreadable cafile) */
  constructor(
    readonly settings: KeystoneSettings,
    private readonly logger: AuthLogger | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.client = new KeystoneClient({
      authUrl: settings.authUrl,
      cafile: settings.cafile,
      insecure: settings.insecure,
      connectTimeoutMs: settings.connectTimeoutMs,
      requestTimeoutMs: settings.requestTimeoutMs,
    })
    this.serviceToken = new ServiceToken(this.client, settings.credentials, now)
    this.cache = new TtlCache(MAX_CACHED_TOKENS, now)
    this.challenge = `Keystone uri="${settings.wwwAuthenticateUri}"`
  }

  /** How many service tokens were obtained so far (the first one and renewals). */
  get serviceTokensObtained(): number {
    return this.serviceToken.obtained
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<RequestContext> {
    const token = header(headers, 'x-auth-token')?.trim()
    if (token === undefined || token === '') throw new AuthenticationError(REFUSED, this.challenge)
    const key = createHash('sha256').update(token).digest('hex')
    let verdict = this.cache.get(key)
    if (verdict === undefined) {
      let pending = this.inFlight.get(key)
      if (pending === undefined) {
        pending = this.validate(key, token).finally(() => {
          this.inFlight.delete(key)
        })
        this.inFlight.set(key, pending)
      }
      verdict = await pending
    }
    if (verdict.kind === 'invalid') throw new AuthenticationError(verdict.message, this.challenge)
    return verdict.ctx
  }

  async login(credentials: PasswordLogin): Promise<IssuedLogin> {
    let issued: IssuedToken
    try {
      issued = await this.client.issue({
        username: credentials.username,
        password: credentials.password,
        userDomainName: credentials.domain,
        projectName: credentials.projectName,
        projectDomainName: credentials.domain,
      })
    } catch (error) {
      if (error instanceof KeystoneRefusedError)
        throw new AuthenticationError('The username, password or project is not valid.')
      throw this.unavailable(error)
    }
    this.markUp()
    const { token } = issued
    const project = token.project
    if (project === undefined) throw new AuthenticationError('Keystone issued no project scope.')
    // NOTE: Keystone just issued this token, which is as good as a validation of it.
    this.remember(createHash('sha256').update(issued.id).digest('hex'), token)
    return {
      token: issued.id,
      expiresAt: new Date(token.expiresAt).toISOString(),
      projectId: project.id,
      projectName: project.name,
      userId: token.userId,
      userName: token.userName,
      roles: token.roles,
    }
  }

  check(): Promise<AuthCheckStep[]> {
    return identityCheck(this.settings, this.client, this.serviceToken)
  }

  async close(): Promise<void> {
    this.cache.clear()
    await this.client.close()
  }

  private async validate(key: string, token: string): Promise<Verdict> {
    let answer: Validation
    try {
      let service = await this.serviceToken.get()
      this.validations += 1
      answer = await this.client.validate(service.id, token)
      if (answer.kind === 'service-token-refused') {
        // NOTE: our own token was revoked or expired early: obtain another and ask once more.
        this.serviceToken.invalidate(service.id)
        service = await this.serviceToken.get()
        this.validations += 1
        answer = await this.client.validate(service.id, token)
      }
    } catch (error) {
      throw this.unavailable(error)
    }
    switch (answer.kind) {
      case 'valid':
        this.markUp()
        return this.remember(key, answer.token)
      case 'invalid': {
        this.markUp()
        const verdict: Verdict = { kind: 'invalid', message: REFUSED }
        this.cache.set(key, verdict, this.settings.cacheTimeMs)
        return verdict
      }
      case 'service-token-refused':
        this.alarm(
          'service-token',
          'Keystone refused this service’s own token twice in a row: every request that needs a token validation gets 503',
        )
        throw this.serviceUnavailable()
      case 'forbidden':
        this.alarm(
          'forbidden',
          `Keystone does not let user ${this.settings.credentials.username} validate tokens (403): give it the role service in project ${this.settings.credentials.projectName}; until then every request that needs a token validation gets 503`,
        )
        throw this.serviceUnavailable()
    }
  }

  /** Caches what Keystone said of a valid token, until the cache time or its expiry. */
  private remember(key: string, token: KeystoneToken): Verdict {
    const left = token.expiresAt - this.now()
    const project = token.project
    let verdict: Verdict
    if (left <= 0) {
      verdict = { kind: 'invalid', message: REFUSED }
    } else if (project === undefined) {
      // NOTE: every resource belongs to a project; unscoped, domain and system tokens have none.
      verdict = { kind: 'invalid', message: 'A project-scoped token is required.' }
    } else {
      verdict = {
        kind: 'valid',
        ctx: {
          projectId: project.id,
          userId: token.userId,
          roles: [...token.roles],
          isAdmin: token.roles.includes('admin'),
        },
      }
    }
    this.cache.set(key, verdict, Math.min(this.settings.cacheTimeMs, Math.max(left, 0)))
    return verdict
  }

  /**
   * The 503 for a failure to reach Keystone (or to authenticate this service), logged. Anything
   * else (a bug) is rethrown as it is.
   */
  private unavailable(error: unknown): NeutronError {
    if (error instanceof KeystoneRefusedError) {
      this.alarm(
        'credentials',
        `${error.message}: check [keystone_authtoken] username, password and project_name; every request that needs a token validation gets 503`,
      )
      return this.serviceUnavailable()
    }
    if (!(error instanceof KeystoneUnavailableError)) throw error
    if (this.downSince === undefined) this.downSince = this.now()
    this.alarm(
      'unreachable',
      `Keystone is unreachable (${error.reason}): requests whose token is not in the cache get 503 until it answers again`,
    )
    return this.serviceUnavailable()
  }

  private serviceUnavailable(): NeutronError {
    return Errors.serviceUnavailable(
      'The identity service (Keystone) is unavailable, so the token cannot be validated now. Try again later.',
    )
  }

  private markUp(): void {
    if (this.downSince === undefined) return
    const seconds = Math.round((this.now() - this.downSince) / 1000)
    this.downSince = undefined
    this.lastAlarm.delete('unreachable')
    this.logger?.info(
      { auth_url: this.settings.authUrl, down_seconds: seconds },
      `Keystone answers again after ${seconds} s: token validation has resumed`,
    )
  }

  /** An error log line, at most once a minute per kind of trouble. */
  private alarm(kind: string, message: string): void {
    const now = this.now()
    const last = this.lastAlarm.get(kind)
    if (last !== undefined && now - last < ALARM_REPEAT_MS) return
    this.lastAlarm.set(kind, now)
    this.logger?.error({ auth_url: this.settings.authUrl, problem: kind }, message)
  }
}
