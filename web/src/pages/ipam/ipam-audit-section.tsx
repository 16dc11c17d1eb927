import { useState, type ReactNode } from 'react'
import { AUDIT_ACTIONS, type AuditEvent } from '../../api/ipam-types.ts'
import { BusyIndicator } from '../../components/busy-indicator.tsx'
import { ErrorMessage } from '../../components/error-message.tsx'
import { useLoad } from '../../hooks/use-load.ts'
import { formatTime, shortId } from '../../lib/display-format.ts'
import { useSession } from '../../session/session-context.ts'
import { ipamCall } from './ipam-call.ts'

/** The audit filters as typed. */
interface AuditFilters {
  readonly subnetId: string
  readonly portId: string
  readonly ipAddress: string
  readonly actions: readonly string[]
  /** `datetime-local` values (the browser's local time). */
  readonly since: string
  readonly until: string
}

const NO_FILTERS: AuditFilters = {
  subnetId: '',
  portId: '',
  ipAddress: '',
  actions: [],
  since: '',
  until: '',
}

const PAGE = 50

/** A `datetime-local` value as ISO-8601 (UTC), or undefined when empty or invalid. */
function isoOf(local: string): string | undefined {
  if (local === '') return undefined
  const d = new Date(local)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

/** Props of {@link IpamAuditSection}. */
export interface IpamAuditSectionProps {
  /** Changes when something happened that adds events (to reload). */
  readonly refreshKey: number
}

/**
 * The audit trail, newest first, filtered by subnet, port, address, action and time; older
 * events a page at a time.
 */
export function IpamAuditSection({ refreshKey }: IpamAuditSectionProps): ReactNode {
  const { api } = useSession()
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS)
  const [applied, setApplied] = useState<AuditFilters>(NO_FILTERS)
  const [markers, setMarkers] = useState<readonly string[]>([])
  const marker = markers.at(-1)
  const events = useLoad(
    () =>
      ipamCall(
        api.get<{ audit: AuditEvent[] }>('/v2.0/ipam/audit', {
          subnet_id: applied.subnetId.trim(),
          port_id: applied.portId.trim(),
          ip_address: applied.ipAddress.trim(),
          action: applied.actions,
          since: isoOf(applied.since),
          until: isoOf(applied.until),
          limit: PAGE,
          marker,
        }),
      ).then((b) => b.audit),
    [JSON.stringify(applied), marker, refreshKey],
  )
  const items = events.data
  const last = items?.at(-1)
  const set = (patch: Partial<AuditFilters>): void => {
    setDraft((d) => ({ ...d, ...patch }))
  }

  return (
    <section className="panel" aria-labelledby="ipam-audit-heading">
      <div className="section-title-row">
        <h2 id="ipam-audit-heading">Audit trail</h2>
        <button type="button" onClick={events.reload}>
          Refresh audit
        </button>
      </div>
      <form
        className="filters audit-filters"
        role="search"
        aria-label="Filter audit events"
        onSubmit={(e) => {
          e.preventDefault()
          setApplied(draft)
          setMarkers([])
        }}
      >
        <div className="field inline">
          <label htmlFor="audit-subnet">Subnet ID</label>
          <input
            id="audit-subnet"
            className="mono"
            value={draft.subnetId}
            spellCheck={false}
            onChange={(e) => {
              set({ subnetId: e.target.value })
            }}
          />
        </div>
        <div className="field inline">
          <label htmlFor="audit-port">Port ID</label>
          <input
            id="audit-port"
            className="mono"
            value={draft.portId}
            spellCheck={false}
            onChange={(e) => {
              set({ portId: e.target.value })
            }}
          />
        </div>
        <div className="field inline">
          <label htmlFor="audit-address">IP address</label>
          <input
            id="audit-address"
            className="mono"
            value={draft.ipAddress}
            spellCheck={false}
            onChange={(e) => {
              set({ ipAddress: e.target.value })
            }}
          />
        </div>
        <div className="field inline">
          <label htmlFor="audit-since">From</label>
          <input
            id="audit-since"
            type="datetime-local"
            step={1}
            value={draft.since}
            onChange={(e) => {
              set({ since: e.target.value })
            }}
          />
        </div>
        <div className="field inline">
          <label htmlFor="audit-until">Until</label>
          <input
            id="audit-until"
            type="datetime-local"
            step={1}
            value={draft.until}
            onChange={(e) => {
              set({ until: e.target.value })
            }}
          />
        </div>
        <fieldset className="actions-filter">
          <legend>Actions (none checked: all)</legend>
          {AUDIT_ACTIONS.map((a) => (
            <label key={a}>
              <input
                type="checkbox"
                checked={draft.actions.includes(a)}
                onChange={(e) => {
                  set({
                    actions: e.target.checked
                      ? [...draft.actions, a]
                      : draft.actions.filter((x) => x !== a),
                  })
                }}
              />{' '}
              {a}
            </label>
          ))}
        </fieldset>
        <div className="button-row">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS)
              setApplied(NO_FILTERS)
              setMarkers([])
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage message={events.error} title="Could not load the audit trail." />
      {events.loading ? <BusyIndicator label="Loading audit events…" /> : null}
      {items === undefined ? null : (
        <div className="table-wrap">
          <table className="audit-table" data-testid="audit-table">
            <caption>
              Audit events, newest first
              {markers.length === 0 ? '' : ` (older page ${markers.length + 1})`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">IP address</th>
                <th scope="col">Subnet</th>
                <th scope="col">Port</th>
                <th scope="col">Project / user</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {items.length === 0 ? (
                <tr>
                  <td colSpan={8} className="empty">
                    No audit event matches.
                  </td>
                </tr>
              ) : (
                items.map((ev) => (
                  <tr key={ev.id} data-action={ev.action}>
                    <th scope="row">{formatTime(ev.at)}</th>
                    <td>{ev.action}</td>
                    <td>
                      <span className={`badge outcome-${ev.outcome}`}>{ev.outcome}</span>
                    </td>
                    <td className="mono">{ev.ip_address ?? ''}</td>
                    <td className="mono" title={ev.subnet_id ?? ''}>
                      {shortId(ev.subnet_id)}
                    </td>
                    <td className="mono" title={ev.port_id ?? ''}>
                      {shortId(ev.port_id)}
                    </td>
                    <td>
                      {ev.project_id ?? ''}
                      {ev.user_id === null || ev.user_id === '' ? '' : ` / ${ev.user_id}`}
                    </td>
                    <td className="detail">{ev.detail ?? ''}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages of audit events">
        <button
          type="button"
          disabled={markers.length === 0}
          onClick={() => {
            setMarkers([])
          }}
        >
          Newest
        </button>
        <button
          type="button"
          disabled={markers.length === 0}
          onClick={() => {
            setMarkers(markers.slice(0, -1))
          }}
        >
          ‹ Newer
        </button>
        <button
          type="button"
          disabled={last === undefined || (items?.length ?? 0) < PAGE}
          onClick={() => {
            if (last !== undefined) setMarkers([...markers, last.id])
          }}
        >
          Older ›
        </button>
      </nav>
    </section>
  )
}
