/** How much of a range is used, computed exactly. */
export interface Usage {
  /** Used share in hundredths of a percent (0–10000), for a bar's width. */
  readonly basisPoints: number
  /** The share for people, e.g. "0.4%", "<0.1%" (some used, but under a tenth), "100%". */
  readonly label: string
}

/**
 * The used share of `total`, with BigInt arithmetic only: an IPv6 /64 has 2^64 − 1 addresses,
 * which a double cannot hold, so a floating-point ratio would be wrong.
 */
export function usagePercent(used: bigint, total: bigint): Usage {
  if (total <= 0n) return { basisPoints: 0, label: used > 0n ? '—' : '0%' }
  const clamped = used < 0n ? 0n : used > total ? total : used
  // NOTE: the bar needs a Number, which is exact here since 0 ≤ basis points ≤ 10000.
  const basisPoints = Number((clamped * 10000n) / total)
  // Tenths of a percent, rounded half up: (2·x·1000/total + 1) / 2.
  const tenths = ((clamped * 2000n) / total + 1n) / 2n
  let label: string
  if (clamped > 0n && tenths === 0n) label = '<0.1%'
  else if (clamped < total && tenths === 1000n) label = '>99.9%'
  else {
    const whole = tenths / 10n
    const fraction = tenths % 10n
    label = fraction === 0n ? `${whole.toString()}%` : `${whole.toString()}.${fraction.toString()}%`
  }
  return { basisPoints, label }
}
