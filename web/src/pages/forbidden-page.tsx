import type { ReactNode } from 'react'
import { PageHeader } from '../components/page-header.tsx'
import { Link } from '../router/router.tsx'

/** What a non-admin sees at an admin path: no page and no data. */
export function ForbiddenPage(): ReactNode {
  return (
    <section>
      <PageHeader title="Not available" />
      <p>This page is for administrators. Your token does not have the admin role.</p>
      <p>
        <Link to="/networks">Go to your networks</Link>
      </p>
    </section>
  )
}
