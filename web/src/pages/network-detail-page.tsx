import { useState, type ReactNode } from 'react'
import { nextMarker } from '../api/api-client.ts'
import { toBigInt } from '../api/json-bigint.ts'
import type {
  Network,
  NetworkAvailability,
  PageLink,
  Port,
  Subnet,
  SubnetAvailability,
} from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { PageHeader } from '../components/page-header.tsx'
import {
  hasPortFilters,
  NO_PORT_FILTERS,
  PortFilters,
  portFilterQuery,
  type PortFilterValues,
} from '../components/port-filters.tsx'
import { PORT_LIST_FIELDS, PortsTable } from '../components/ports-table.tsx'
import { UsageBar } from '../components/usage-bar.tsx'
import { CreatePortDialog } from '../dialogs/create-port-dialog.tsx'
import { CreateSubnetDialog } from '../dialogs/create-subnet-dialog.tsx'
import { DeletePortDialog } from '../dialogs/delete-port-dialog.tsx'
import { useLoad } from '../hooks/use-load.ts'
import { usePagedList } from '../hooks/use-paged-list.ts'
import { formatTime, nameOrId } from '../lib/display-format.ts'
import { mayChange, notOwnedReason } from '../lib/ownership.ts'
import { navigate } from '../router/router.tsx'
import { useSession } from '../session/session-context.ts'

/** Props of {@link NetworkDetailPage}. */
export interface NetworkDetailPageProps {
  readonly networkId: string
}

type Dialog =
  | { readonly kind: 'create-subnet' }
  | { readonly kind: 'delete-subnet'; readonly subnet: Subnet }
  | { readonly kind: 'create-port' }
  | { readonly kind: 'delete-port'; readonly port: Port }
  | { readonly kind: 'delete-network' }

function ipv6Modes(s: Subnet): string {
  if (s.ip_version !== 6) return ''
  if (s.ipv6_ra_mode === null && s.ipv6_address_mode === null) return '(no IPv6 modes)'
  return `(RA ${s.ipv6_ra_mode ?? 'not set'}, addresses ${s.ipv6_address_mode ?? 'not set'})`
}

/**
 * A network: its attributes, its subnets with their IP availability (exact used / total, bars),
 * and its ports (server-side paginated and filtered). Subnets and ports are created and deleted
 * from here; availability is reloaded after every change.
 */
export function NetworkDetailPage({ networkId }: NetworkDetailPageProps): ReactNode {
  const { api, whoami, announce } = useSession()
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined)
  const [portFilters, setPortFilters] = useState<PortFilterValues>(NO_PORT_FILTERS)
  const close = (): void => {
    setDialog(undefined)
  }

  const network = useLoad(
    () => api.get<{ network: Network }>(`/v2.0/networks/${networkId}`).then((b) => b.network),
    [networkId],
  )
  const subnets = useLoad(
    () =>
      api
        .get<{ subnets: Subnet[] }>('/v2.0/subnets', {
          network_id: networkId,
          sort_key: 'cidr',
          sort_dir: 'asc',
        })
        .then((b) => b.subnets),
    [networkId],
  )
  // NOTE: the server shows a network's IP availability only to its project and to admins (not
  // to the projects it is shared with): not asked for otherwise, rather than shown as an error.
  // A tenant's own network is known as such once loaded.
  const mayAskAvailability = whoami.is_admin || network.data?.project_id === whoami.project_id
  const availability = useLoad(
    async () =>
      mayAskAvailability
        ? (
            await api.get<{ network_ip_availability: NetworkAvailability }>(
              `/v2.0/network-ip-availabilities/${networkId}`,
            )
          ).network_ip_availability
        : undefined,
    [networkId, mayAskAvailability],
  )
  const ports = usePagedList<Port>(async (marker, limit) => {
    const body = await api.get<{ ports: Port[]; ports_links?: PageLink[] }>('/v2.0/ports', {
      network_id: networkId,
      limit,
      marker,
      fields: PORT_LIST_FIELDS,
      ...portFilterQuery(portFilters),
    })
    return { items: body.ports, nextMarker: nextMarker(body.ports_links) }
  }, JSON.stringify(portFilters))

  const refreshAll = (): void => {
    network.reload()
    subnets.reload()
    availability.reload()
    ports.reload()
  }

  const usageOf = (subnetId: string): SubnetAvailability | undefined =>
    availability.data?.subnet_ip_availability.find((a) => a.subnet_id === subnetId)

  const n = network.data
  if (n === undefined) {
    return (
      <section>
        <PageHeader
          title={network.error === undefined ? 'Network' : 'Network not available'}
          crumbs={[
            { label: 'Project' },
            { label: 'Network' },
            { label: 'Networks', to: '/networks' },
          ]}
        />
        <ErrorMessage message={network.error} title="Could not load the network." />
        {network.loading ? <BusyIndicator label="Loading network…" /> : null}
      </section>
    )
  }
  const title = nameOrId(n)
  const owned = mayChange(whoami, n.project_id)
  return (
    <section>
      <PageHeader
        title={title}
        crumbs={[
          { label: 'Project' },
          { label: 'Network' },
          { label: 'Networks', to: '/networks' },
          { label: title },
        ]}
        actions={
          <>
            <button
              type="button"
              onClick={() => {
                refreshAll()
              }}
            >
              Refresh
            </button>
            {owned ? (
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setDialog({ kind: 'delete-network' })
                }}
              >
                Delete network
              </button>
            ) : null}
          </>
        }
      />
      {owned ? null : (
        <p className="notice" data-testid="not-owned">
          {notOwnedReason(n.project_id)} You can create ports on it.
        </p>
      )}
      <dl className="details">
        <div>
          <dt>ID</dt>
          <dd className="mono">{n.id}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`status status-${n.status.toLowerCase()}`}>{n.status}</span>
          </dd>
        </div>
        <div>
          <dt>Administrative state</dt>
          <dd>{n.admin_state_up ? 'Up' : 'Down'}</dd>
        </div>
        <div>
          <dt>Shared</dt>
          <dd>{n.shared ? 'Yes' : 'No'}</dd>
        </div>
        <div>
          <dt>MTU</dt>
          <dd>{n.mtu}</dd>
        </div>
        <div>
          <dt>Project</dt>
          <dd className="mono">{n.project_id}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(n.created_at)}</dd>
        </div>
        {n.description === '' ? null : (
          <div>
            <dt>Description</dt>
            <dd>{n.description}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="subnets-heading" className="panel">
        <div className="section-title-row">
          <h2 id="subnets-heading">Subnets</h2>
          {owned ? (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setDialog({ kind: 'create-subnet' })
              }}
            >
              Create subnet
            </button>
          ) : null}
        </div>
        <ErrorMessage message={subnets.error} title="Could not load subnets." />
        <ErrorMessage message={availability.error} title="Could not load IP availability." />
        {subnets.loading || availability.loading ? (
          <BusyIndicator label="Loading subnets and IP availability…" />
        ) : null}
        {availability.data === undefined ? null : (
          <div className="network-usage" data-testid="network-usage">
            <span className="network-usage-label">All subnets</span>
            <UsageBar
              used={toBigInt(availability.data.used_ips)}
              total={toBigInt(availability.data.total_ips)}
              label={`Network ${title}`}
            />
          </div>
        )}
        {subnets.data === undefined ? null : (
          <div className="table-wrap">
            <table className="subnets-table">
              <caption>Subnets of {title} with IP availability (used / total)</caption>
              <thead>
                <tr>
                  <th scope="col">CIDR</th>
                  <th scope="col">Name</th>
                  <th scope="col">Version</th>
                  <th scope="col">Gateway</th>
                  <th scope="col">Allocation pools</th>
                  <th scope="col">DHCP</th>
                  <th scope="col">IP availability</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {subnets.data.length === 0 ? (
                  <tr>
                    <td colSpan={8} className="empty">
                      No subnets yet. Create one to give ports addresses.
                    </td>
                  </tr>
                ) : (
                  subnets.data.map((s) => {
                    const usage = usageOf(s.id)
                    return (
                      <tr key={s.id} data-subnet-cidr={s.cidr}>
                        <th scope="row" className="mono">
                          {s.cidr}
                        </th>
                        <td>{s.name === '' ? <span className="muted">—</span> : s.name}</td>
                        <td>
                          IPv{s.ip_version}
                          {s.ip_version === 6 ? (
                            <span className="muted small-text"> {ipv6Modes(s)}</span>
                          ) : null}
                        </td>
                        <td className="mono">
                          {s.gateway_ip ?? <span className="muted">none</span>}
                        </td>
                        <td className="mono">
                          <ul className="plain">
                            {s.allocation_pools.map((p) => (
                              <li key={`${p.start}-${p.end}`}>
                                {p.start} – {p.end}
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td>{s.enable_dhcp ? 'On' : 'Off'}</td>
                        <td className="usage-cell" data-testid="subnet-usage">
                          {usage === undefined ? (
                            <span className="muted">—</span>
                          ) : (
                            <UsageBar
                              used={toBigInt(usage.used_ips)}
                              total={toBigInt(usage.total_ips)}
                              label={`Subnet ${s.cidr}`}
                            />
                          )}
                        </td>
                        <td className="actions">
                          {mayChange(whoami, s.project_id) ? (
                            <button
                              type="button"
                              className="danger small"
                              aria-label={`Delete subnet ${s.cidr}`}
                              onClick={() => {
                                setDialog({ kind: 'delete-subnet', subnet: s })
                              }}
                            >
                              Delete
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    )
                  })
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="ports-heading" className="panel">
        <div className="section-title-row">
          <h2 id="ports-heading">Ports</h2>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setDialog({ kind: 'create-port' })
            }}
          >
            Create port
          </button>
        </div>
        <PortFilters applied={portFilters} onApply={setPortFilters} />
        <PortsTable
          list={ports}
          caption={`Ports on ${title}${hasPortFilters(portFilters) ? ' matching the filters' : ''}`}
          emptyText={
            hasPortFilters(portFilters)
              ? 'No port matches the filters.'
              : 'No ports on this network yet.'
          }
          onDelete={(port) => {
            setDialog({ kind: 'delete-port', port })
          }}
        />
      </section>

      {dialog?.kind === 'create-subnet' ? (
        <CreateSubnetDialog
          networkId={n.id}
          networkName={title}
          onClose={close}
          onCreated={(s) => {
            close()
            announce(`Subnet ${s.cidr} created.`)
            refreshAll()
          }}
        />
      ) : null}
      {dialog?.kind === 'delete-subnet' ? (
        <ConfirmDialog
          title="Delete subnet"
          confirmLabel="Delete subnet"
          busyLabel="Deleting subnet…"
          onClose={close}
          onConfirm={async () => {
            await api.delete(`/v2.0/subnets/${dialog.subnet.id}`)
            close()
            announce(`Subnet ${dialog.subnet.cidr} deleted.`)
            refreshAll()
          }}
        >
          <p>
            Delete subnet <strong className="mono">{dialog.subnet.cidr}</strong>? A subnet with
            addresses still in use by ports cannot be deleted.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'create-port' ? (
        <CreatePortDialog
          network={n}
          onClose={close}
          onCreated={(p) => {
            close()
            const addresses = p.fixed_ips.map((f) => f.ip_address).join(', ')
            announce(
              `Port ${nameOrId(p)} created${addresses === '' ? '' : ` with address ${addresses}`}.`,
            )
            refreshAll()
          }}
        />
      ) : null}
      {dialog?.kind === 'delete-port' ? (
        <DeletePortDialog
          port={dialog.port}
          onClose={close}
          onDeleted={() => {
            close()
            refreshAll()
          }}
        />
      ) : null}
      {dialog?.kind === 'delete-network' ? (
        <ConfirmDialog
          title="Delete network"
          confirmLabel="Delete network"
          busyLabel="Deleting network…"
          onClose={close}
          onConfirm={async () => {
            await api.delete(`/v2.0/networks/${n.id}`)
            announce(`Network ${title} deleted.`)
            navigate('/networks')
          }}
        >
          <p>
            Delete network <strong>{title}</strong> and its subnets? A network with ports in use
            cannot be deleted.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}
