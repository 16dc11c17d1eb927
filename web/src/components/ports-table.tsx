import type { ReactNode } from 'react'
import type { Port } from '../api/neutron-types.ts'
import type { PagedList } from '../hooks/use-paged-list.ts'
import { nameOrId, shortId } from '../lib/display-format.ts'
import { Link } from '../router/router.tsx'
import { BusyIndicator } from './busy-indicator.tsx'
import { ErrorMessage } from './error-message.tsx'
import { Pager } from './pager.tsx'

/** Props of {@link PortsTable}. */
export interface PortsTableProps {
  readonly list: PagedList<Port>
  readonly caption: string
  /** Shown when the page is empty. */
  readonly emptyText: string
  /** Show the network column (the all-ports page). */
  readonly showNetwork?: boolean
  readonly onDelete: (port: Port) => void
}

/** The fields a ports table asks for (`fields=`), to keep pages small. */
export const PORT_LIST_FIELDS = [
  'id',
  'name',
  'network_id',
  'mac_address',
  'fixed_ips',
  'dns_name',
  'device_id',
  'device_owner',
  'status',
]

/** One page of ports: addresses, MAC, DNS name, device, status; with pagination. */
export function PortsTable({
  list,
  caption,
  emptyText,
  showNetwork,
  onDelete,
}: PortsTableProps): ReactNode {
  const columns = showNetwork === true ? 8 : 7
  return (
    <>
      <ErrorMessage message={list.error} title="Could not load ports.">
        {list.hasPrevious ? (
          <button type="button" className="small" onClick={list.first}>
            Back to the first page
          </button>
        ) : null}
      </ErrorMessage>
      {list.loading ? <BusyIndicator label="Loading ports…" /> : null}
      {list.items === undefined ? null : (
        <div className="table-wrap">
          <table className="ports-table">
            <caption>
              {caption}, page {list.pageNumber}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">IP addresses</th>
                <th scope="col">MAC address</th>
                <th scope="col">DNS name</th>
                <th scope="col">Device</th>
                {showNetwork === true ? <th scope="col">Network</th> : null}
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.length === 0 ? (
                <tr>
                  <td colSpan={columns} className="empty">
                    {emptyText}
                  </td>
                </tr>
              ) : (
                list.items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to={`/ports/${p.id}`} title={p.id}>
                        {nameOrId(p)}
                      </Link>
                    </th>
                    <td className="mono">
                      {p.fixed_ips.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className="plain">
                          {p.fixed_ips.map((f) => (
                            <li key={`${f.subnet_id}/${f.ip_address}`} data-testid="port-address">
                              {f.ip_address}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="mono">{p.mac_address}</td>
                    <td>{p.dns_name === '' ? <span className="muted">—</span> : p.dns_name}</td>
                    <td>
                      {p.device_id === '' ? (
                        <span className="muted">—</span>
                      ) : (
                        <>
                          <span className="mono" title={p.device_id}>
                            {p.device_id.length > 20 ? shortId(p.device_id) : p.device_id}
                          </span>
                          {p.device_owner === '' ? null : (
                            <span className="muted"> ({p.device_owner})</span>
                          )}
                        </>
                      )}
                    </td>
                    {showNetwork === true ? (
                      <td>
                        <Link to={`/networks/${p.network_id}`} title={p.network_id}>
                          {shortId(p.network_id)}
                        </Link>
                      </td>
                    ) : null}
                    <td>
                      <span className={`status status-${p.status.toLowerCase()}`}>{p.status}</span>
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="danger small"
                        aria-label={`Delete port ${nameOrId(p)}`}
                        onClick={() => {
                          onDelete(p)
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager list={list} noun="ports" />
    </>
  )
}
