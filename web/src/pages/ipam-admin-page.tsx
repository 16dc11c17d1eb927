import { useState, type ReactNode } from 'react'
import type { IpamStatus } from '../api/ipam-types.ts'
import { PageHeader } from '../components/page-header.tsx'
import { useLoad } from '../hooks/use-load.ts'
import { useSession } from '../session/session-context.ts'
import { IpamAuditSection } from './ipam/ipam-audit-section.tsx'
import { ipamCall } from './ipam/ipam-call.ts'
import { IpamCheckSection } from './ipam/ipam-check-section.tsx'
import { IpamReconcileSection } from './ipam/ipam-reconcile-section.tsx'
import { IpamReleasesSection } from './ipam/ipam-releases-section.tsx'
import { IpamStatusSection } from './ipam/ipam-status-section.tsx'

/**
 * Admin → IPAM (admins only; the server refuses /v2.0/ipam/* to others as well): the active
 * driver and its health, the connectivity check, pending releases, reconcile and the audit
 * trail.
 */
export function IpamAdminPage(): ReactNode {
  const { api } = useSession()
  const [auditKey, setAuditKey] = useState(0)
  const status = useLoad(
    () => ipamCall(api.get<{ ipam: IpamStatus }>('/v2.0/ipam/status')).then((b) => b.ipam),
    [],
  )
  const changed = (): void => {
    status.reload()
    setAuditKey((k) => k + 1)
  }
  return (
    <section>
      <PageHeader title="IPAM" crumbs={[{ label: 'Admin' }, { label: 'IPAM' }]} />
      <IpamStatusSection status={status} />
      <IpamCheckSection onChecked={status.reload} />
      <IpamReleasesSection onChanged={changed} />
      <IpamReconcileSection onChanged={changed} />
      <IpamAuditSection refreshKey={auditKey} />
    </section>
  )
}
