import { useState, type ReactNode } from 'react'
import type { Network, Port, Subnet } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { PageHeader, type Crumb } from '../components/page-header.tsx'
import { DeletePortDialog } from '../dialogs/delete-port-dialog.tsx'
import { useLoad } from '../hooks/use-load.ts'
import { formatTime, nameOrId } from '../lib/display-format.ts'
import { Link, navigate } from '../router/router.tsx'
import { useSession } from '../session/session-context.ts'

/** Props of {@link PortDetailPage}. */
export interface PortDetailPageProps {
  readonly portId: string
}

/** One port: its addresses (with their subnets), MAC, DNS name, device and state; delete. */
export function PortDetailPage({ portId }: PortDetailPageProps): ReactNode {
  const { api } = useSession()
  const [deleting, setDeleting] = useState(false)
  const port = useLoad(
    () => api.get<{ port: Port }>(`/v2.0/ports/${portId}`).then((b) => b.port),
    [portId],
  )
  const networkId = port.data?.network_id
  const network = useLoad(
    async () =>
      networkId === undefined
        ? undefined
        : (await api.get<{ network: Network }>(`/v2.0/networks/${networkId}`)).network,
    [networkId],
  )
  const subnets = useLoad(
    async () =>
      networkId === undefined
        ? []
        : (await api.get<{ subnets: Subnet[] }>('/v2.0/subnets', { network_id: networkId }))
            .subnets,
    [networkId],
  )

  const p = port.data
  const crumbs: Crumb[] = [
    { label: 'Project' },
    { label: 'Network' },
    { label: 'Networks', to: '/networks' },
  ]
  if (network.data !== undefined) {
    crumbs.push({ label: nameOrId(network.data), to: `/networks/${network.data.id}` })
  }
  if (p === undefined) {
    return (
      <section>
        <PageHeader
          title={port.error === undefined ? 'Port' : 'Port not available'}
          crumbs={crumbs}
        />
        <ErrorMessage message={port.error} title="Could not load the port." />
        {port.loading ? <BusyIndicator label="Loading port…" /> : null}
      </section>
    )
  }
  const title = `Port ${nameOrId(p)}`
  const subnetOf = (id: string): Subnet | undefined => subnets.data?.find((s) => s.id === id)
  return (
    <section>
      <PageHeader
        title={title}
        crumbs={[...crumbs, { label: nameOrId(p) }]}
        actions={
          <button
            type="button"
            className="danger"
            onClick={() => {
              setDeleting(true)
            }}
          >
            Delete port
          </button>
        }
      />
      <dl className="details">
        <div>
          <dt>ID</dt>
          <dd className="mono">{p.id}</dd>
        </div>
        <div>
          <dt>Name</dt>
          <dd>{p.name === '' ? <span className="muted">—</span> : p.name}</dd>
        </div>
        <div>
          <dt>Network</dt>
          <dd>
            <Link to={`/networks/${p.network_id}`}>
              {network.data === undefined ? p.network_id : nameOrId(network.data)}
            </Link>
          </dd>
        </div>
        <div>
          <dt>MAC address</dt>
          <dd className="mono" data-testid="port-mac">
            {p.mac_address}
          </dd>
        </div>
        <div>
          <dt>DNS name</dt>
          <dd>{p.dns_name === '' ? <span className="muted">—</span> : p.dns_name}</dd>
        </div>
        <div>
          <dt>Device ID</dt>
          <dd className="mono">
            {p.device_id === '' ? <span className="muted">—</span> : p.device_id}
          </dd>
        </div>
        <div>
          <dt>Device owner</dt>
          <dd>{p.device_owner === '' ? <span className="muted">—</span> : p.device_owner}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`status status-${p.status.toLowerCase()}`}>{p.status}</span>
          </dd>
        </div>
        <div>
          <dt>Administrative state</dt>
          <dd>{p.admin_state_up ? 'Up' : 'Down'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(p.created_at)}</dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="addresses-heading">
        <h2 id="addresses-heading">IP addresses</h2>
        <div className="table-wrap">
          <table>
            <caption>Addresses of {title}</caption>
            <thead>
              <tr>
                <th scope="col">IP address</th>
                <th scope="col">Subnet</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {p.fixed_ips.length === 0 ? (
                <tr>
                  <td colSpan={3} className="empty">
                    This port has no address.
                  </td>
                </tr>
              ) : (
                p.fixed_ips.map((f) => {
                  const s = subnetOf(f.subnet_id)
                  return (
                    <tr key={`${f.subnet_id}/${f.ip_address}`}>
                      <th scope="row" className="mono" data-testid="port-address">
                        {f.ip_address}
                      </th>
                      <td className="mono">
                        {s === undefined
                          ? f.subnet_id
                          : `${s.cidr}${s.name === '' ? '' : ` (${s.name})`}`}
                      </td>
                      <td>{s === undefined ? '' : `IPv${s.ip_version}`}</td>
                    </tr>
                  )
                })
              )}
            </tbody>
          </table>
        </div>
      </section>
      {deleting ? (
        <DeletePortDialog
          port={p}
          onClose={() => {
            setDeleting(false)
          }}
          onDeleted={() => {
            navigate(`/networks/${p.network_id}`)
          }}
        />
      ) : null}
    </section>
  )
}
