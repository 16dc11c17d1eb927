import type { ReactNode } from 'react'
import type { IpamStatus } from '../../api/ipam-types.ts'
import { BusyIndicator } from '../../components/busy-indicator.tsx'
import { ErrorMessage } from '../../components/error-message.tsx'
import type { Loaded } from '../../hooks/use-load.ts'
import { formatTime } from '../../lib/display-format.ts'

/** Props of {@link IpamStatusSection}. */
export interface IpamStatusSectionProps {
  readonly status: Loaded<IpamStatus>
}

/** The active IPAM driver, its endpoint and health, and the queue depths. */
export function IpamStatusSection({ status }: IpamStatusSectionProps): ReactNode {
  const s = status.data
  return (
    <section className="panel" aria-labelledby="ipam-status-heading">
      <div className="section-title-row">
        <h2 id="ipam-status-heading">Driver status</h2>
        <button type="button" onClick={status.reload}>
          Refresh status
        </button>
      </div>
      <ErrorMessage message={status.error} title="Could not load the driver status." />
      {status.loading ? <BusyIndicator label="Loading driver status…" /> : null}
      {s === undefined ? null : (
        <dl className="details" data-testid="ipam-status">
          <div>
            <dt>Driver</dt>
            <dd data-testid="ipam-driver">{s.driver}</dd>
          </div>
          <div>
            <dt>Endpoint</dt>
            <dd className="mono">
              {s.endpoint ?? <span className="muted">none (in this database)</span>}
            </dd>
          </div>
          <div>
            <dt>View</dt>
            <dd>{s.view ?? <span className="muted">—</span>}</dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>
              <span className={`badge state-${s.state}`} data-testid="ipam-state">
                {s.state}
              </span>
            </dd>
          </div>
          <div>
            <dt>Circuit breaker</dt>
            <dd>{s.circuit}</dd>
          </div>
          <div>
            <dt>Pending releases</dt>
            <dd>{s.pending_releases}</dd>
          </div>
          <div>
            <dt>Open journal intents</dt>
            <dd>{s.journal_open}</dd>
          </div>
          <div className="wide">
            <dt>Last error</dt>
            <dd>
              {s.last_error === null ? (
                <span className="muted">none</span>
              ) : (
                <>
                  {s.last_error.message}{' '}
                  <span className="muted">({formatTime(s.last_error.at)})</span>
                </>
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  )
}
