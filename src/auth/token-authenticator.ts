import { AuthenticationError, header, type Authenticator } from './authenticator.ts'
import type { TokenStore } from './token-store.ts'

/** `auth_strategy = token`: `X-Auth-Token` must be one of the token file's tokens. */
export function tokenAuthenticator(store: TokenStore): Authenticator {
  return {
    strategy: 'token',
    authenticate(headers) {
      const token = header(headers, 'x-auth-token')
      if (token === undefined || token === '') return Promise.reject(new AuthenticationError())
      const record = store.lookup(token)
      if (record === undefined) return Promise.reject(new AuthenticationError())
      return Promise.resolve({
        projectId: record.project_id,
        userId: record.user_id,
        roles: record.roles,
        isAdmin: record.roles.includes('admin'),
      })
    },
  }
}
