import type { ReactNode } from 'react'
import { PageHeader } from '../components/page-header.tsx'
import { Link } from '../router/router.tsx'

/** An app path that matches no page. */
export function NotFoundPage(): ReactNode {
  return (
    <section>
      <PageHeader title="Page not found" />
      <p>There is no dashboard page at this address.</p>
      <p>
        <Link to="/networks">Go to your networks</Link>
      </p>
    </section>
  )
}
