import { useState, type ReactNode } from 'react'
import { nextMarker } from '../api/api-client.ts'
import type { PageLink, Port } from '../api/neutron-types.ts'
import { PageHeader } from '../components/page-header.tsx'
import {
  hasPortFilters,
  NO_PORT_FILTERS,
  PortFilters,
  portFilterQuery,
  type PortFilterValues,
} from '../components/port-filters.tsx'
import { PORT_LIST_FIELDS, PortsTable } from '../components/ports-table.tsx'
import { CreatePortDialog } from '../dialogs/create-port-dialog.tsx'
import { DeletePortDialog } from '../dialogs/delete-port-dialog.tsx'
import { usePagedList } from '../hooks/use-paged-list.ts'
import { nameOrId } from '../lib/display-format.ts'
import { useSession } from '../session/session-context.ts'

/**
 * Project → Network → Ports: every port the project can see, one server-side page at a time,
 * found by address, MAC, device or name.
 */
export function PortsPage(): ReactNode {
  const { api, announce } = useSession()
  const [filters, setFilters] = useState<PortFilterValues>(NO_PORT_FILTERS)
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<Port | undefined>(undefined)
  const list = usePagedList<Port>(async (marker, limit) => {
    const body = await api.get<{ ports: Port[]; ports_links?: PageLink[] }>('/v2.0/ports', {
      limit,
      marker,
      fields: PORT_LIST_FIELDS,
      ...portFilterQuery(filters),
    })
    return { items: body.ports, nextMarker: nextMarker(body.ports_links) }
  }, JSON.stringify(filters))
  return (
    <section>
      <PageHeader
        title="Ports"
        crumbs={[{ label: 'Project' }, { label: 'Network' }, { label: 'Ports' }]}
        actions={
          <button
            type="button"
            className="primary"
            onClick={() => {
              setCreating(true)
            }}
          >
            Create port
          </button>
        }
      />
      <PortFilters applied={filters} onApply={setFilters} />
      <PortsTable
        list={list}
        showNetwork
        caption={hasPortFilters(filters) ? 'Ports matching the filters' : 'Ports'}
        emptyText={hasPortFilters(filters) ? 'No port matches the filters.' : 'No ports yet.'}
        onDelete={setDeleting}
      />
      {creating ? (
        <CreatePortDialog
          onClose={() => {
            setCreating(false)
          }}
          onCreated={(p) => {
            setCreating(false)
            const addresses = p.fixed_ips.map((f) => f.ip_address).join(', ')
            announce(
              `Port ${nameOrId(p)} created${addresses === '' ? '' : ` with address ${addresses}`}.`,
            )
            list.reload()
          }}
        />
      ) : null}
      {deleting === undefined ? null : (
        <DeletePortDialog
          port={deleting}
          onClose={() => {
            setDeleting(undefined)
          }}
          onDeleted={() => {
            setDeleting(undefined)
            list.reload()
          }}
        />
      )}
    </section>
  )
}
