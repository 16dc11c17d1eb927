import { useEffect, useState, type ReactNode } from 'react'
import { describeError } from '../../api/api-client.ts'
import type {
  MissingRange,
  ReconcileItem,
  ReconcileProgress,
  ReconcileReport,
} from '../../api/ipam-types.ts'
import type { Subnet } from '../../api/neutron-types.ts'
import { BusyIndicator } from '../../components/busy-indicator.tsx'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorMessage } from '../../components/error-message.tsx'
import { useLoad } from '../../hooks/use-load.ts'
import { formatTime, shortId } from '../../lib/display-format.ts'
import { Link } from '../../router/router.tsx'
import { useSession } from '../../session/session-context.ts'
import { ipamCall } from './ipam-call.ts'

/** Props of {@link IpamReconcileSection}. */
export interface IpamReconcileSectionProps {
  /** Called after a run (repairs change the audit trail and the status). */
  readonly onChanged: () => void
}

const KINDS: readonly {
  key: 'orphans' | 'missing' | 'stale'
  title: string
  help: string
}[] = [
  {
    key: 'orphans',
    title: 'Orphans',
    help: 'Reservations in the IPAM system tagged as ours with no allocation of ours.',
  },
  {
    key: 'missing',
    title: 'Missing',
    help: 'Allocations of ours that the IPAM system no longer has.',
  },
  {
    key: 'stale',
    title: 'Stale',
    help: 'Both exist, but the DNS name, MAC or device differ.',
  },
]

/** At most this many subnets are looked up (in one query) to link missing ranges to networks. */
const MAX_LINKED_RANGES = 100

function progressLabel(p: ReconcileProgress | undefined): string {
  if (p === undefined || !p.running) return 'Reconciling…'
  const phase = p.phase === null ? '' : ` (${p.phase})`
  if (p.done === null) return `Reconciling${phase}…`
  return p.total === null
    ? `Reconciling${phase}: ${p.done} compared…`
    : `Reconciling${phase}: ${p.done} of ${p.total} compared…`
}

function DifferenceTable({
  items,
  kind,
}: {
  items: readonly ReconcileItem[]
  kind: (typeof KINDS)[number]
}): ReactNode {
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {kind.title} ({items.length}) — {kind.help}
        </caption>
        <thead>
          <tr>
            <th scope="col">IP address</th>
            <th scope="col">Subnet</th>
            <th scope="col">Port</th>
            {kind.key === 'stale' ? (
              <>
                <th scope="col">Field</th>
                <th scope="col">Ours</th>
                <th scope="col">IPAM system</th>
              </>
            ) : (
              <th scope="col">External reference</th>
            )}
            <th scope="col">Repaired</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={`${d.ip_address}/${d.subnet_id ?? ''}/${d.field ?? ''}`}>
              <th scope="row" className="mono">
                {d.ip_address}
              </th>
              <td className="mono" title={d.subnet_id ?? ''}>
                {shortId(d.subnet_id)}
              </td>
              <td className="mono" title={d.port_id ?? ''}>
                {shortId(d.port_id)}
              </td>
              {kind.key === 'stale' ? (
                <>
                  <td>{d.field ?? ''}</td>
                  <td>{d.ours ?? ''}</td>
                  <td>{d.external ?? ''}</td>
                </>
              ) : (
                <td className="mono">{d.external_ref ?? ''}</td>
              )}
              <td>{d.repaired ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/**
 * Subnets whose range is missing in the IPAM system. `networkOf` maps a subnet id to its
 * network (for a link), when known.
 */
function MissingRangeTable({
  ranges,
  networkOf,
}: {
  ranges: readonly MissingRange[]
  networkOf: ReadonlyMap<string, string>
}): ReactNode {
  return (
    <div className="table-wrap">
      <table data-testid="reconcile-missing-ranges">
        <caption>
          Missing ranges ({ranges.length}) — Subnets of ours whose range is gone in the IPAM system,
          or was never recorded there: their addresses are not reserved in it. Not repaired
          automatically: a repair run links each to its range as the IPAM system has it now (as a
          new subnet would be) and reserves its addresses again. Define the range again in the IPAM
          system first, or delete the subnet here.
        </caption>
        <thead>
          <tr>
            <th scope="col">CIDR</th>
            <th scope="col">Subnet</th>
            <th scope="col">External reference</th>
            <th scope="col">Detail</th>
            <th scope="col">Repaired</th>
          </tr>
        </thead>
        <tbody>
          {ranges.map((r) => {
            const network = networkOf.get(r.subnet_id)
            return (
              <tr key={r.subnet_id}>
                <th scope="row" className="mono">
                  {network === undefined ? (
                    r.cidr
                  ) : (
                    <Link to={`/networks/${network}`} title={`Network ${network}`}>
                      {r.cidr}
                    </Link>
                  )}
                </th>
                <td className="mono" title={r.subnet_id}>
                  {shortId(r.subnet_id)}
                </td>
                <td className="mono">{r.external_ref ?? 'none recorded'}</td>
                <td>{r.detail}</td>
                <td>{r.repaired ? 'Yes' : 'No'}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/** Subnets that could not be compared and repairs that failed. */
function ReconcileErrors({ errors }: { errors: readonly string[] }): ReactNode {
  return (
    <div className="error-message reconcile-errors" data-testid="reconcile-errors">
      <strong>
        {errors.length === 1 ? '1 error' : `${errors.length} errors`}: subnets that could not be
        compared and repairs that failed.
      </strong>
      <p>
        The report is incomplete for these: run it again once the IPAM system answers (see its
        status above).
      </p>
      <ul>
        {errors.map((e, i) => (
          // NOTE: two lines may read the same: keyed by position too.
          <li key={`${i}:${e}`}>{e}</li>
        ))}
      </ul>
    </div>
  )
}

/** The outcome line of a report: in sync only with no finding and no error. */
function outcomeOf(report: ReconcileReport, findings: number, errors: number): ReactNode {
  if (findings === 0 && errors === 0)
    return <p className="outcome outcome-ok">No differences: in sync, both sides agree.</p>
  if (findings === 0)
    return (
      <p className="outcome outcome-failed">
        No differences in what could be compared, but the errors above leave the comparison
        incomplete.
      </p>
    )
  const all = [
    ...report.orphans,
    ...report.missing,
    ...report.stale,
    ...(report.missing_ranges ?? []),
  ]
  const left = all.filter((f) => !f.repaired).length
  if (left === 0 && errors === 0)
    return <p className="outcome outcome-ok">Everything found was repaired.</p>
  return (
    <p className="outcome outcome-failed">
      {left === 1 ? '1 finding' : `${left} findings`} left unrepaired
      {report.repair
        ? '.'
        : ': “Reconcile and repair” fixes them (a missing range once the IPAM system has it again).'}
    </p>
  )
}

/** The last reconcile report, and running a new one (report only, or repair) with progress. */
export function IpamReconcileSection({ onChanged }: IpamReconcileSectionProps): ReactNode {
  const { api } = useSession()
  const last = useLoad(
    () =>
      ipamCall(api.get<{ reconcile: ReconcileReport | null }>('/v2.0/ipam/reconcile')).then(
        (b) => b.reconcile,
      ),
    [],
  )
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<ReconcileProgress | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [confirmRepair, setConfirmRepair] = useState(false)
  /** The report the last run from this page answered. */
  const [latest, setLatest] = useState<ReconcileReport | undefined>(undefined)

  // NOTE: a reconcile pages through the whole IPAM system; poll its progress while it runs.
  useEffect(() => {
    if (!running) return
    let live = true
    const timer = window.setInterval(() => {
      ipamCall(api.get<{ progress: ReconcileProgress }>('/v2.0/ipam/reconcile/progress')).then(
        (b) => {
          if (live) setProgress(b.progress)
        },
        () => undefined,
      )
    }, 1000)
    return () => {
      live = false
      window.clearInterval(timer)
    }
  }, [running, api])

  const run = async (repair: boolean): Promise<void> => {
    setRunning(true)
    setProgress(undefined)
    setError(undefined)
    try {
      const body = await ipamCall(
        api.post<{ reconcile: ReconcileReport }>('/v2.0/ipam/reconcile', { repair }),
      )
      setLatest(body.reconcile)
      last.reload()
      onChanged()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setRunning(false)
    }
  }

  // NOTE: the run's own answer is shown at once; the stored last report wins when newer (e.g. a
  // run started elsewhere).
  const stored = last.data
  const report =
    latest !== undefined &&
    (stored === undefined || stored === null || latest.started_at >= stored.started_at)
      ? latest
      : stored
  const ranges = report?.missing_ranges ?? []
  const errors = report?.errors ?? []
  const differences =
    report === null || report === undefined
      ? 0
      : report.orphans.length + report.missing.length + report.stale.length
  const findings = differences + ranges.length
  // NOTE: the report names subnets only; their networks are looked up for links to them.
  const rangeIds = ranges
    .slice(0, MAX_LINKED_RANGES)
    .map((r) => r.subnet_id)
    .join(',')
  const networks = useLoad(async () => {
    const map = new Map<string, string>()
    if (rangeIds === '') return map
    const body = await api.get<{ subnets: Pick<Subnet, 'id' | 'network_id'>[] }>('/v2.0/subnets', {
      id: rangeIds.split(','),
      fields: ['id', 'network_id'],
    })
    for (const s of body.subnets) map.set(s.id, s.network_id)
    return map
  }, [api, rangeIds])
  return (
    <section className="panel" aria-labelledby="ipam-reconcile-heading">
      <div className="section-title-row">
        <h2 id="ipam-reconcile-heading">Reconcile</h2>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={running}
            onClick={() => {
              void run(false)
            }}
          >
            Run reconcile (report only)
          </button>
          <button
            type="button"
            disabled={running}
            onClick={() => {
              setConfirmRepair(true)
            }}
          >
            Reconcile and repair…
          </button>
        </div>
      </div>
      <p className="help">
        Compares our allocations with the IPAM system’s reservations and reports the differences.
      </p>
      <ErrorMessage message={last.error} title="Could not load the last report." />
      <ErrorMessage message={error} title="The reconcile failed." />
      {running ? (
        <BusyIndicator
          label={progressLabel(progress)}
          value={progress?.done ?? undefined}
          max={progress?.total ?? undefined}
        />
      ) : null}
      {report === undefined ? null : report === null ? (
        <p className="muted" data-testid="reconcile-report">
          No reconcile has run yet.
        </p>
      ) : (
        <div data-testid="reconcile-report" data-started-at={report.started_at}>
          <h3>Last report</h3>
          <dl className="details">
            <div>
              <dt>Started</dt>
              <dd>{formatTime(report.started_at)}</dd>
            </div>
            <div>
              <dt>Finished</dt>
              <dd>
                {report.finished_at === null ? 'still running' : formatTime(report.finished_at)}
              </dd>
            </div>
            <div>
              <dt>Mode</dt>
              <dd>{report.repair ? 'Repair' : 'Report only'}</dd>
            </div>
            <div>
              <dt>Compared</dt>
              <dd>
                {report.scanned.ours} of ours, {report.scanned.external} in the IPAM system
              </dd>
            </div>
            <div>
              <dt>Findings</dt>
              <dd>
                <span data-testid="reconcile-findings">{findings}</span>
                {/* NOTE: the internal driver's reports have no missing_ranges (no ranges elsewhere). */}
                {report.missing_ranges === undefined ? null : (
                  <span className="muted">
                    {' '}
                    ({differences} {differences === 1 ? 'address' : 'addresses'}, {ranges.length}{' '}
                    missing {ranges.length === 1 ? 'range' : 'ranges'})
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-testid="reconcile-error-count">{errors.length}</dd>
            </div>
          </dl>
          {errors.length === 0 ? null : <ReconcileErrors errors={errors} />}
          {outcomeOf(report, findings, errors.length)}
          {ranges.length === 0 ? null : (
            <MissingRangeTable ranges={ranges} networkOf={networks.data ?? new Map()} />
          )}
          {KINDS.map((k) =>
            report[k.key].length === 0 ? null : (
              <DifferenceTable key={k.key} kind={k} items={report[k.key]} />
            ),
          )}
        </div>
      )}
      {confirmRepair ? (
        <ConfirmDialog
          title="Reconcile and repair"
          confirmLabel="Reconcile and repair"
          busyLabel="Starting…"
          onClose={() => {
            setConfirmRepair(false)
          }}
          onConfirm={async () => {
            setConfirmRepair(false)
            await run(true)
          }}
        >
          <p>
            Repair changes the IPAM system: orphaned reservations are released, missing ones
            re-created, stale metadata updated, and subnets with a missing range linked to the range
            as the IPAM system has it now (as a new subnet would be). Run it?
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}
