import type { ReactNode } from 'react'
import { Link } from '../router/router.tsx'
import { useSession } from '../session/session-context.ts'

/** Props of {@link AppLayout}. */
export interface AppLayoutProps {
  /** The current app path, to mark the current navigation entry. */
  readonly path: string
  /** The last completed action, for the status region. */
  readonly announcement: string
  readonly children: ReactNode
}

interface NavEntry {
  readonly to: string
  readonly label: string
}

const NETWORK_ENTRIES: readonly NavEntry[] = [
  { to: '/networks', label: 'Networks' },
  { to: '/ports', label: 'Ports' },
  { to: '/availability', label: 'IP availability' },
]

const ADMIN_ENTRIES: readonly NavEntry[] = [{ to: '/admin/ipam', label: 'IPAM' }]

function isCurrent(path: string, to: string): boolean {
  return path === to || path.startsWith(`${to}/`) || (to === '/networks' && path === '/')
}

function NavList({ entries, path }: { entries: readonly NavEntry[]; path: string }): ReactNode {
  return (
    <ul>
      {entries.map((e) => (
        <li key={e.to}>
          <Link to={e.to} aria-current={isCurrent(path, e.to) ? 'page' : undefined}>
            {e.label}
          </Link>
        </li>
      ))}
    </ul>
  )
}

/**
 * The frame of every signed-in page: a skip link, the top bar (who is signed in, sign out),
 * the navigation (Project → Network; Admin → IPAM for admins only) and the main region with a
 * polite status line for completed actions.
 */
export function AppLayout({ path, announcement, children }: AppLayoutProps): ReactNode {
  const { whoami, signOut } = useSession()
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Xloud Networking</span>
        <div className="identity">
          <span>
            Project <strong data-testid="project">{whoami.project_id}</strong>
          </span>
          <span>
            User <strong>{whoami.user_id}</strong>
          </span>
          <span>
            Roles <strong>{whoami.roles.join(', ') || 'none'}</strong>
          </span>
        </div>
        {/* NOTE: beside the identity, not inside it, so that on a phone it stays on the first
            line next to the brand while the identity wraps below. */}
        <button
          type="button"
          className="sign-out"
          onClick={() => {
            signOut()
          }}
        >
          Sign out
        </button>
      </header>
      <div className="shell">
        <nav className="sidenav" aria-label="Main">
          <h2>Project</h2>
          <h3>Network</h3>
          <NavList entries={NETWORK_ENTRIES} path={path} />
          {whoami.is_admin ? (
            <>
              <h2>Admin</h2>
              <NavList entries={ADMIN_ENTRIES} path={path} />
            </>
          ) : null}
        </nav>
        <main id="main" className="content">
          <p className="announcer" role="status" aria-live="polite">
            {announcement}
          </p>
          {children}
        </main>
      </div>
    </div>
  )
}
