import { randomBytes } from 'node:crypto'

/**
 * JSON text with BigInt values written as exact integers (an IPv6 /64 holds
 * 18446744073709551615 addresses; JSON numbers are unbounded but JavaScript's are not).
 *
 * NOTE: BigInts are first written as strings carrying a per-process random marker, then the
 * quotes and marker are removed. The marker is unguessable, so no user-supplied string can be
 * turned into a number this way.
 */
const MARKER = `bigint:${randomBytes(12).toString('hex')}:`
const PATTERN = new RegExp(`"${MARKER}(-?[0-9]+)"`, 'g')

export function toJson(value: unknown): string {
  let sawBigint = false
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v
    sawBigint = true
    return `${MARKER}${v.toString()}`
  })
  return sawBigint ? text.replace(PATTERN, '$1') : text
}
