import type { ReactNode } from 'react'
import { usagePercent } from '../lib/usage-percent.ts'

/** Props of {@link UsageBar}. */
export interface UsageBarProps {
  readonly used: bigint
  readonly total: bigint
  /** What is counted, for screen readers, e.g. "10.50.0.0/24". */
  readonly label: string
}

/**
 * Used / total addresses with a bar. Both counts are shown as exact integers (an IPv6 /64's
 * 18446744073709551615 is written out in full); the share is computed with BigInt arithmetic.
 */
export function UsageBar({ used, total, label }: UsageBarProps): ReactNode {
  const usage = usagePercent(used, total)
  const level = usage.basisPoints >= 9000 ? 'high' : usage.basisPoints >= 7000 ? 'medium' : 'low'
  return (
    <div className="usage">
      <div
        className={`usage-bar usage-${level}`}
        role="img"
        aria-label={`${label}: ${used.toString()} of ${total.toString()} addresses used (${usage.label})`}
      >
        <div
          className={used > 0n ? 'usage-fill usage-fill-nonzero' : 'usage-fill'}
          style={{ width: `${usage.basisPoints / 100}%` }}
        />
      </div>
      <span className="usage-text" aria-hidden="true">
        <span className="usage-count">
          <span data-testid="used">{used.toString()}</span> /{' '}
          <span data-testid="total">{total.toString()}</span>
        </span>{' '}
        <span className="usage-percent">{usage.label}</span>
      </span>
    </div>
  )
}
