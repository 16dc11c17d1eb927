import { useState, type ReactNode } from 'react'
import { describeError } from '../../api/api-client.ts'
import type { ConnectivityCheck } from '../../api/ipam-types.ts'
import { BusyIndicator } from '../../components/busy-indicator.tsx'
import { ErrorMessage } from '../../components/error-message.tsx'
import { useSession } from '../../session/session-context.ts'
import { ipamCall } from './ipam-call.ts'

const STATUS_TEXT: Readonly<Record<string, string>> = {
  pass: 'Pass',
  fail: 'Fail',
  skipped: 'Skipped',
}

/** Props of {@link IpamCheckSection}. */
export interface IpamCheckSectionProps {
  /** Called after a check (the driver status may have changed). */
  readonly onChecked: () => void
}

/** Runs the driver's connectivity check from the page and shows each step, pass or fail. */
export function IpamCheckSection({ onChecked }: IpamCheckSectionProps): ReactNode {
  const { api } = useSession()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ConnectivityCheck | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const run = async (): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      const body = await ipamCall(api.post<{ check: ConnectivityCheck }>('/v2.0/ipam/check'))
      setResult(body.check)
      onChecked()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const failed = result?.steps.find((s) => s.status === 'fail')
  return (
    <section className="panel" aria-labelledby="ipam-check-heading">
      <div className="section-title-row">
        <h2 id="ipam-check-heading">Connectivity check</h2>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => {
            void run()
          }}
        >
          Run connectivity check
        </button>
      </div>
      <p className="help">
        Checks, step by step, that the driver can reach and use its IPAM system; stops at the first
        failure.
      </p>
      <ErrorMessage message={error} title="The check could not run." />
      {busy ? <BusyIndicator label="Running connectivity check…" /> : null}
      {result === undefined ? null : (
        <div aria-live="polite" data-testid="ipam-check-result">
          <p className={result.ok ? 'outcome outcome-ok' : 'outcome outcome-failed'}>
            {result.ok
              ? `All checks passed for driver ${result.driver}.`
              : `The check failed${failed === undefined ? '' : ` at “${failed.name}”`} for driver ${result.driver}.`}
          </p>
          <ol className="check-steps">
            {result.steps.map((s) => (
              <li key={s.name} className={`step step-${s.status}`}>
                <span className="step-status">{STATUS_TEXT[s.status] ?? s.status}</span>
                <span className="step-name">{s.name}</span>
                {s.detail === '' ? null : <span className="step-detail">{s.detail}</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  )
}
