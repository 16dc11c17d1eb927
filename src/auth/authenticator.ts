import type { IncomingHttpHeaders } from 'node:http'
import type { RequestContext } from '../services/request-context.ts'

/** Turns a request's headers into who is asking, or refuses it. */
export interface Authenticator {
  readonly strategy: 'noauth' | 'token' | 'keystone'
  /** @throws AuthenticationError when the request carries no valid credentials */
  authenticate(headers: IncomingHttpHeaders): Promise<RequestContext>
}

/** 401: no credentials, or credentials that are not (or no longer) valid. */
export class AuthenticationError extends Error {
  constructor(message = 'The request you have made requires authentication.') {
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
