import { useState, type ReactNode } from 'react'
import { nextMarker } from '../api/api-client.ts'
import { toBigInt } from '../api/json-bigint.ts'
import type { NetworkAvailability, PageLink } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { UsageBar } from '../components/usage-bar.tsx'
import { usePagedList } from '../hooks/use-paged-list.ts'
import { Link } from '../router/router.tsx'
import { useSession } from '../session/session-context.ts'

/**
 * Project → Network → IP availability: per network and per subnet, used / total addresses as
 * exact integers with bars (IPv6 totals such as 18446744073709551615 are never rounded).
 */
export function AvailabilityPage(): ReactNode {
  const { api } = useSession()
  const [version, setVersion] = useState<'' | '4' | '6'>('')
  const list = usePagedList<NetworkAvailability>(async (marker, limit) => {
    const body = await api.get<{
      network_ip_availabilities: NetworkAvailability[]
      network_ip_availabilities_links?: PageLink[]
    }>('/v2.0/network-ip-availabilities', {
      limit,
      marker,
      ip_version: version === '' ? undefined : version,
      sort_key: 'network_name',
      sort_dir: 'asc',
    })
    return {
      items: body.network_ip_availabilities,
      nextMarker: nextMarker(body.network_ip_availabilities_links),
    }
  }, version)

  return (
    <section>
      <PageHeader
        title="IP availability"
        crumbs={[{ label: 'Project' }, { label: 'Network' }, { label: 'IP availability' }]}
        actions={
          <button type="button" onClick={list.reload}>
            Refresh
          </button>
        }
      />
      <form
        className="filters"
        aria-label="Filter IP availability"
        onSubmit={(e) => {
          e.preventDefault()
        }}
      >
        <div className="field inline">
          <label htmlFor="availability-version">IP version</label>
          <select
            id="availability-version"
            value={version}
            onChange={(e) => {
              const v = e.target.value
              setVersion(v === '4' || v === '6' ? v : '')
            }}
          >
            <option value="">IPv4 and IPv6</option>
            <option value="4">IPv4 only</option>
            <option value="6">IPv6 only</option>
          </select>
        </div>
      </form>
      <ErrorMessage message={list.error} title="Could not load IP availability." />
      {list.loading ? <BusyIndicator label="Loading IP availability…" /> : null}
      {list.items === undefined ? null : (
        <div className="table-wrap">
          <table className="availability-table">
            <caption>
              Used and total addresses per network and subnet, page {list.pageNumber}
            </caption>
            <thead>
              <tr>
                <th scope="col">Network / subnet</th>
                <th scope="col">CIDR</th>
                <th scope="col">Version</th>
                <th scope="col">Used / total</th>
              </tr>
            </thead>
            {list.items.length === 0 ? (
              <tbody>
                <tr>
                  <td colSpan={4} className="empty">
                    No networks.
                  </td>
                </tr>
              </tbody>
            ) : (
              list.items.map((a) => {
                const name = a.network_name === '' ? a.network_id.slice(0, 8) : a.network_name
                return (
                  <tbody key={a.network_id} className="availability-group" data-network={name}>
                    <tr className="group-row">
                      <th scope="row" colSpan={3}>
                        <Link to={`/networks/${a.network_id}`}>{name}</Link>
                        <span className="muted">
                          {' '}
                          — {a.subnet_ip_availability.length} subnet(s)
                        </span>
                      </th>
                      <td>
                        <UsageBar
                          used={toBigInt(a.used_ips)}
                          total={toBigInt(a.total_ips)}
                          label={`Network ${name}`}
                        />
                      </td>
                    </tr>
                    {a.subnet_ip_availability.map((s) => (
                      <tr key={s.subnet_id} data-subnet-cidr={s.cidr}>
                        <th scope="row" className="subnet-name">
                          {s.subnet_name === '' ? (
                            <span className="muted">unnamed subnet</span>
                          ) : (
                            s.subnet_name
                          )}
                        </th>
                        <td className="mono">{s.cidr}</td>
                        <td>IPv{s.ip_version}</td>
                        <td>
                          <UsageBar
                            used={toBigInt(s.used_ips)}
                            total={toBigInt(s.total_ips)}
                            label={`Subnet ${s.cidr}`}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                )
              })
            )}
          </table>
        </div>
      )}
      <Pager list={list} noun="networks" />
    </section>
  )
}
