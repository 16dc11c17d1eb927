import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { createApiClient } from './api/api-client.ts'
import type { Whoami } from './api/neutron-types.ts'
import { AppLayout } from './components/app-layout.tsx'
import { BusyIndicator } from './components/busy-indicator.tsx'
import { AvailabilityPage } from './pages/availability-page.tsx'
import { ForbiddenPage } from './pages/forbidden-page.tsx'
import { IpamAdminPage } from './pages/ipam-admin-page.tsx'
import { NetworkDetailPage } from './pages/network-detail-page.tsx'
import { NetworksPage } from './pages/networks-page.tsx'
import { NotFoundPage } from './pages/not-found-page.tsx'
import { PortDetailPage } from './pages/port-detail-page.tsx'
import { PortsPage } from './pages/ports-page.tsx'
import { SignInPage, whoamiFor } from './pages/sign-in-page.tsx'
import { matchPath, navigate, useRoutePath } from './router/router.tsx'
import { SessionContext, type Session } from './session/session-context.ts'
import { tokenStorage } from './session/token-storage.ts'

interface SignedIn {
  readonly token: string
  readonly whoami: Whoami
}

/** The page for an app path. */
function routeFor(path: string, whoami: Whoami): ReactNode {
  if (path === '/' || path === '/networks') return <NetworksPage />
  let params = matchPath('/networks/:id', path)
  if (params?.id !== undefined) return <NetworkDetailPage key={params.id} networkId={params.id} />
  if (path === '/ports') return <PortsPage />
  params = matchPath('/ports/:id', path)
  if (params?.id !== undefined) return <PortDetailPage key={params.id} portId={params.id} />
  if (path === '/availability') return <AvailabilityPage />
  if (path === '/admin/ipam' || path.startsWith('/admin/')) {
    // NOTE: the server refuses /v2.0/ipam/* to non-admins anyway; not rendering the page means
    // a tenant's browser does not even ask.
    return whoami.is_admin ? <IpamAdminPage /> : <ForbiddenPage />
  }
  return <NotFoundPage />
}

/**
 * The dashboard: sign-in with a token, then the pages. The token lives in the tab's session
 * storage; the server decides what it may see (the admin pages are offered only when
 * `whoami` says admin, and the server checks again).
 */
export function App(): ReactNode {
  const [signedIn, setSignedIn] = useState<SignedIn | undefined>(undefined)
  const [checking, setChecking] = useState(() => tokenStorage.load() !== undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [announcement, setAnnouncement] = useState('')
  const path = useRoutePath()

  const signOut = useCallback((reason?: string) => {
    tokenStorage.clear()
    setSignedIn(undefined)
    setNotice(reason)
    // NOTE: after Sign out (no reason), whoever signs in next (maybe someone else, e.g. a member
    // after an admin) starts at home, not on the page the previous user left open, which they
    // may not be allowed to see. An expired token keeps the page: it is most likely the same
    // person signing in again to carry on.
    if (reason === undefined) navigate('/', { replace: true })
  }, [])

  // A token kept from earlier in this tab: check it is still valid.
  useEffect(() => {
    const stored = tokenStorage.load()
    if (stored === undefined) return
    let live = true
    whoamiFor(stored).then(
      (whoami) => {
        if (!live) return
        setSignedIn({ token: stored, whoami })
        setChecking(false)
      },
      (e: unknown) => {
        if (!live) return
        tokenStorage.clear()
        setNotice(e instanceof Error ? e.message : undefined)
        setChecking(false)
      },
    )
    return () => {
      live = false
    }
  }, [])

  useEffect(() => {
    if (signedIn !== undefined && path === '/') navigate('/networks', { replace: true })
  }, [signedIn, path])

  // A completed action's message belongs to the page it happened on.
  useEffect(() => {
    setAnnouncement('')
  }, [path])

  const session = useMemo<Session | undefined>(() => {
    if (signedIn === undefined) return undefined
    return {
      whoami: signedIn.whoami,
      api: createApiClient(signedIn.token, () => {
        signOut('Your token is no longer accepted (expired or revoked). Sign in again.')
      }),
      signOut,
      announce: (message) => {
        // NOTE: cleared first so that the same message twice is announced twice.
        setAnnouncement('')
        window.setTimeout(() => {
          setAnnouncement(message)
        }, 50)
      },
    }
  }, [signedIn, signOut])

  if (checking) {
    return (
      <main className="sign-in">
        <BusyIndicator label="Checking your session…" />
      </main>
    )
  }
  if (session === undefined) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(token, whoami) => {
          tokenStorage.save(token)
          setNotice(undefined)
          setSignedIn({ token, whoami })
        }}
      />
    )
  }
  return (
    <SessionContext.Provider value={session}>
      <AppLayout path={path} announcement={announcement}>
        {routeFor(path, session.whoami)}
      </AppLayout>
    </SessionContext.Provider>
  )
}
