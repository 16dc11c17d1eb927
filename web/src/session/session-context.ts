import { createContext, useContext } from 'react'
import type { ApiClient } from '../api/api-client.ts'
import type { Whoami } from '../api/neutron-types.ts'

/** The signed-in user: their token's identity and an API client using the token. */
export interface Session {
  readonly whoami: Whoami
  readonly api: ApiClient
  readonly signOut: (reason?: string) => void
  /** Announces a completed action in the page's status region. */
  readonly announce: (message: string) => void
}

/** Provided by the app once signed in. */
export const SessionContext = createContext<Session | undefined>(undefined)

/**
 * The current session.
 * @throws Error when used outside a signed-in app
 */
export function useSession(): Session {
  const session = useContext(SessionContext)
  if (session === undefined) throw new Error('useSession outside a signed-in session')
  return session
}
