import { useState, type ReactNode } from 'react'
import type { Network, PageLink } from '../api/neutron-types.ts'
import { nextMarker } from '../api/api-client.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { CreateNetworkDialog } from '../dialogs/create-network-dialog.tsx'
import { usePagedList } from '../hooks/use-paged-list.ts'
import { nameOrId, shortId } from '../lib/display-format.ts'
import { mayChange, notOwnedReason } from '../lib/ownership.ts'
import { Link } from '../router/router.tsx'
import { useSession } from '../session/session-context.ts'

const FIELDS = [
  'id',
  'name',
  'status',
  'shared',
  'subnets',
  'project_id',
  'mtu',
  'admin_state_up',
  'router:external',
]

/** Project → Network → Networks: the list (server-side paginated and filtered), create, delete. */
export function NetworksPage(): ReactNode {
  const { api, whoami, announce } = useSession()
  const [nameFilter, setNameFilter] = useState('')
  const [applied, setApplied] = useState('')
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<Network | undefined>(undefined)

  const list = usePagedList<Network>(async (marker, limit) => {
    const body = await api.get<{ networks: Network[]; networks_links?: PageLink[] }>(
      '/v2.0/networks',
      {
        limit,
        marker,
        name: applied === '' ? undefined : applied,
        sort_key: 'name',
        sort_dir: 'asc',
        fields: FIELDS,
      },
    )
    return { items: body.networks, nextMarker: nextMarker(body.networks_links) }
  }, `name=${applied}`)

  return (
    <section>
      <PageHeader
        title="Networks"
        crumbs={[{ label: 'Project' }, { label: 'Network' }, { label: 'Networks' }]}
        actions={
          <button
            type="button"
            className="primary"
            onClick={() => {
              setCreating(true)
            }}
          >
            Create network
          </button>
        }
      />
      <form
        className="filters"
        role="search"
        aria-label="Filter networks"
        onSubmit={(e) => {
          e.preventDefault()
          setApplied(nameFilter.trim())
        }}
      >
        <div className="field inline">
          <label htmlFor="network-filter-name">Name is</label>
          <input
            id="network-filter-name"
            value={nameFilter}
            onChange={(e) => {
              setNameFilter(e.target.value)
            }}
          />
        </div>
        <button type="submit">Filter</button>
        {applied === '' ? null : (
          <button
            type="button"
            onClick={() => {
              setNameFilter('')
              setApplied('')
            }}
          >
            Clear
          </button>
        )}
      </form>
      <ErrorMessage message={list.error} title="Could not load networks." />
      {list.loading ? <BusyIndicator label="Loading networks…" /> : null}
      {list.items === undefined ? null : (
        <div className="table-wrap">
          <table>
            <caption>
              Networks{applied === '' ? '' : ` named “${applied}”`}, page {list.pageNumber}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Subnets</th>
                <th scope="col">Status</th>
                <th scope="col">Shared</th>
                <th scope="col">MTU</th>
                {whoami.is_admin ? <th scope="col">Project</th> : null}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.length === 0 ? (
                <tr>
                  <td colSpan={whoami.is_admin ? 7 : 6} className="empty">
                    {applied === ''
                      ? 'No networks yet. Create one to add subnets and ports.'
                      : 'No network has this name.'}
                  </td>
                </tr>
              ) : (
                list.items.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">
                      <Link to={`/networks/${n.id}`} title={n.id}>
                        {nameOrId(n)}
                      </Link>
                    </th>
                    <td>{n.subnets.length}</td>
                    <td>
                      <span className={`status status-${n.status.toLowerCase()}`}>{n.status}</span>
                    </td>
                    <td>{n.shared ? 'Yes' : 'No'}</td>
                    <td>{n.mtu}</td>
                    {whoami.is_admin ? <td title={n.project_id}>{shortId(n.project_id)}</td> : null}
                    <td className="actions">
                      {mayChange(whoami, n.project_id) ? (
                        <button
                          type="button"
                          className="danger small"
                          aria-label={`Delete network ${nameOrId(n)}`}
                          onClick={() => {
                            setDeleting(n)
                          }}
                        >
                          Delete
                        </button>
                      ) : (
                        // NOTE: a non-admin sees a network it does not own only when it is shared.
                        <span className="muted small-text" title={notOwnedReason(n.project_id)}>
                          Shared with you
                        </span>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager list={list} noun="networks" />
      {creating ? (
        <CreateNetworkDialog
          onClose={() => {
            setCreating(false)
          }}
          onCreated={(n) => {
            setCreating(false)
            announce(`Network ${nameOrId(n)} created.`)
            list.reload()
          }}
        />
      ) : null}
      {deleting === undefined ? null : (
        <ConfirmDialog
          title="Delete network"
          confirmLabel="Delete network"
          busyLabel="Deleting network…"
          onClose={() => {
            setDeleting(undefined)
          }}
          onConfirm={async () => {
            await api.delete(`/v2.0/networks/${deleting.id}`)
            setDeleting(undefined)
            announce(`Network ${nameOrId(deleting)} deleted.`)
            list.reload()
          }}
        >
          <p>
            Delete network <strong>{nameOrId(deleting)}</strong>? Its subnets are deleted with it; a
            network that still has ports in use cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}
