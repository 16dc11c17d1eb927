import {
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react'

/** Where the server mounts the dashboard (Vite's `base`, without the trailing slash). */
export const BASE = '/dashboard'

const CHANGE = 'dashboard:navigate'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(CHANGE, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(CHANGE, onChange)
  }
}

/** The app path of the current location, e.g. "/networks/abc" ("/" for the dashboard root). */
function currentPath(): string {
  const path = window.location.pathname
  const inner = path.startsWith(BASE) ? path.slice(BASE.length) : path
  const trimmed = inner.replace(/\/+$/, '')
  return trimmed === '' ? '/' : trimmed
}

/** The current app path; re-renders on navigation. */
export function useRoutePath(): string {
  return useSyncExternalStore(subscribe, currentPath)
}

/** The full URL path of an app path. */
export function href(to: string): string {
  return `${BASE}${to === '/' ? '/' : to}`
}

/** Goes to an app path (history entry, no reload). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) window.history.replaceState(null, '', href(to))
  else window.history.pushState(null, '', href(to))
  window.dispatchEvent(new Event(CHANGE))
}

/** Props of {@link Link}. */
export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: string
  readonly children: ReactNode
}

/**
 * A link to an app path: a real `<a href>` (open in a new tab works), navigating in place on a
 * plain click.
 */
export function Link({ to, children, onClick, ...rest }: LinkProps): ReactNode {
  const handle = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e)
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return
    }
    e.preventDefault()
    navigate(to)
  }
  return (
    <a href={href(to)} onClick={handle} {...rest}>
      {children}
    </a>
  )
}

/** Matches an app path against a pattern with `:name` segments. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const want = p[i] ?? ''
    const have = s[i] ?? ''
    if (want.startsWith(':')) {
      if (have === '') return undefined
      params[want.slice(1)] = decodeURIComponent(have)
    } else if (want !== have) return undefined
  }
  return params
}
