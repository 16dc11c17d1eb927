import { useState, type ReactNode } from 'react'
import { describeError } from '../../api/api-client.ts'
import type { PendingRelease, RetryResult } from '../../api/ipam-types.ts'
import { BusyIndicator } from '../../components/busy-indicator.tsx'
import { ErrorMessage } from '../../components/error-message.tsx'
import { useLoad } from '../../hooks/use-load.ts'
import { formatTime, shortId } from '../../lib/display-format.ts'
import { useSession } from '../../session/session-context.ts'
import { ipamCall } from './ipam-call.ts'

/** Props of {@link IpamReleasesSection}. */
export interface IpamReleasesSectionProps {
  /** Called after a retry (queue depth and audit change). */
  readonly onChanged: () => void
}

/** Releases waiting in the durable queue, with "retry now" for one or all. */
export function IpamReleasesSection({ onChanged }: IpamReleasesSectionProps): ReactNode {
  const { api } = useSession()
  const releases = useLoad(
    () =>
      ipamCall(api.get<{ releases: PendingRelease[] }>('/v2.0/ipam/releases')).then(
        (b) => b.releases,
      ),
    [],
  )
  const [busy, setBusy] = useState<string | undefined>(undefined)
  const [outcome, setOutcome] = useState<string | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)

  const retry = async (release: PendingRelease | undefined): Promise<void> => {
    setBusy(
      release === undefined ? 'Retrying every pending release…' : `Retrying ${release.ip_address}…`,
    )
    setError(undefined)
    setOutcome(undefined)
    try {
      const path =
        release === undefined
          ? '/v2.0/ipam/releases/retry'
          : `/v2.0/ipam/releases/${encodeURIComponent(release.id)}/retry`
      const r = await ipamCall(api.post<RetryResult>(path))
      setOutcome(`Released ${r.released}; ${r.pending} still pending.`)
      releases.reload()
      onChanged()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(undefined)
    }
  }

  const items = releases.data
  return (
    <section className="panel" aria-labelledby="ipam-releases-heading">
      <div className="section-title-row">
        <h2 id="ipam-releases-heading">Pending releases</h2>
        <button
          type="button"
          disabled={busy !== undefined || items === undefined || items.length === 0}
          onClick={() => {
            void retry(undefined)
          }}
        >
          Retry all now
        </button>
      </div>
      <p className="help">
        Addresses of deleted ports that the IPAM system could not release at the time; they are
        retried automatically.
      </p>
      <ErrorMessage message={releases.error} title="Could not load pending releases." />
      <ErrorMessage message={error} title="The retry failed." />
      {busy === undefined ? null : <BusyIndicator label={busy} />}
      {outcome === undefined ? null : (
        <p className="outcome" role="status">
          {outcome}
        </p>
      )}
      {items === undefined ? null : (
        <div className="table-wrap">
          <table>
            <caption>Releases waiting to be retried ({items.length})</caption>
            <thead>
              <tr>
                <th scope="col">IP address</th>
                <th scope="col">Subnet</th>
                <th scope="col">Port</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    Nothing pending: every release went through.
                  </td>
                </tr>
              ) : (
                items.map((r) => (
                  <tr key={r.id}>
                    <th scope="row" className="mono">
                      {r.ip_address}
                    </th>
                    <td className="mono" title={r.subnet_id ?? ''}>
                      {shortId(r.subnet_id)}
                    </td>
                    <td className="mono" title={r.port_id ?? ''}>
                      {shortId(r.port_id)}
                    </td>
                    <td>{r.attempts}</td>
                    <td>{formatTime(r.next_attempt_at)}</td>
                    <td>{r.last_error ?? ''}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="small"
                        disabled={busy !== undefined}
                        aria-label={`Retry release of ${r.ip_address} now`}
                        onClick={() => {
                          void retry(r)
                        }}
                      >
                        Retry now
                      </button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
