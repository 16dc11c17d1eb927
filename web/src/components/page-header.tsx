import { useEffect, useRef, type ReactNode } from 'react'
import { Link } from '../router/router.tsx'

/** A step of the breadcrumb trail. */
export interface Crumb {
  readonly label: string
  /** App path; the last crumb (the page itself) has none. */
  readonly to?: string
}

/** Props of {@link PageHeader}. */
export interface PageHeaderProps {
  readonly title: string
  readonly crumbs?: readonly Crumb[]
  /** Buttons for the page's main actions. */
  readonly actions?: ReactNode
}

/**
 * The page's breadcrumbs, `<h1>` and main actions. On a new page, focus moves to the heading
 * (so that keyboard and screen-reader users start at the new content) and the window title
 * follows.
 */
export function PageHeader({ title, crumbs, actions }: PageHeaderProps): ReactNode {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · Xloud Networking`
    heading.current?.focus({ preventScroll: true })
  }, [title])
  return (
    <div className="page-header">
      {crumbs === undefined || crumbs.length === 0 ? null : (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c) => (
              <li key={`${c.label}:${c.to ?? ''}`}>
                {c.to === undefined ? <span>{c.label}</span> : <Link to={c.to}>{c.label}</Link>}
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="page-title-row">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions === undefined ? null : <div className="page-actions">{actions}</div>}
      </div>
    </div>
  )
}
