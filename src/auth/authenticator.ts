import type { IncomingHttpHeaders } from 'node:http'
import type { RequestContext } from '../services/request-context.ts'

/** One step of an identity check (the shape of the IPAM check's steps). */
export interface AuthCheckStep {
  readonly name: string
  readonly status: 'pass' | 'fail' | 'skipped'
  readonly detail: string
}

/** What a user types to sign in with a password (the dashboard's Keystone sign-in). */
export interface PasswordLogin {
  readonly username: string
  readonly password: string
  readonly projectName: string
  /** Domain (name) of both the user and the project. */
  readonly domain: string
}

/** A token issued for a {@link PasswordLogin}, and whom it stands for. */
export interface IssuedLogin {
  readonly token: string
  readonly expiresAt: string
  readonly projectId: string
  readonly projectName: string
  readonly userId: string
  readonly userName: string
  readonly roles: readonly string[]
}

/** Turns a request's headers into who is asking, or refuses it. */
export interface Authenticator {
  readonly strategy: 'noauth' | 'token' | 'keystone'
  /**
   * @throws AuthenticationError when the request carries no valid credentials
   * @throws NeutronError ServiceUnavailable (503) when the credentials cannot be checked now
   */
  authenticate(headers: IncomingHttpHeaders): Promise<RequestContext>
  /**
   * Signs a user in with a password, when the strategy can (keystone).
   * @throws AuthenticationError when the identity service refuses the credentials
   * @throws NeutronError ServiceUnavailable (503) when it cannot be reached
   */
  login?(credentials: PasswordLogin): Promise<IssuedLogin>
  /** Checks the identity configuration step by step (never printing a secret). */
  check?(): Promise<AuthCheckStep[]>
  /** Releases connections and timers. */
  close?(): Promise<void>
}

/** 401: no credentials, or credentials that are not (or no longer) valid. */
export class AuthenticationError extends Error {
  /**
   * @param wwwAuthenticate the `WWW-Authenticate` header value to send with the 401, e.g.
   *   `Keystone uri="https://keystone.example.net/v3"`
   */
  constructor(
    message = 'The request you have made requires authentication.',
    readonly wwwAuthenticate?: string,
  ) {
    super(message)
    this.name = 'AuthenticationError'
  }
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

export function rolesFrom(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
}
