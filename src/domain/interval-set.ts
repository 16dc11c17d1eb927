import { bitsOf, type IpVersion } from './ip-address.ts'
import { cidrSize, firstAddress, lastAddress, type Cidr } from './cidr.ts'

/** An inclusive range of address values. */
export interface Interval {
  readonly start: bigint
  readonly end: bigint
}

/**
 * An immutable set of address values held as sorted, disjoint, non-adjacent intervals.
 * Every operation is linear in the number of intervals, never in the number of addresses.
 */
export class IntervalSet {
  private constructor(readonly intervals: readonly Interval[]) {}

  static readonly empty = new IntervalSet([])

  /** Builds a set from intervals in any order, merging overlapping and adjacent ones. */
  static of(intervals: readonly Interval[]): IntervalSet {
    const sorted = intervals
      .filter((i) => i.start <= i.end)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    const merged: Interval[] = []
    for (const next of sorted) {
      const last = merged.at(-1)
      if (last !== undefined && next.start <= last.end + 1n) {
        if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end }
      } else {
        merged.push(next)
      }
    }
    return new IntervalSet(merged)
  }

  static ofCidrs(cidrs: readonly Cidr[]): IntervalSet {
    return IntervalSet.of(cidrs.map((c) => ({ start: firstAddress(c), end: lastAddress(c) })))
  }

  get isEmpty(): boolean {
    return this.intervals.length === 0
  }

  /** Number of values in the set, exact. */
  size(): bigint {
    let total = 0n
    for (const i of this.intervals) total += i.end - i.start + 1n
    return total
  }

  has(value: bigint): boolean {
    let lo = 0
    let hi = this.intervals.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const i = this.intervals[mid] as Interval
      if (value < i.start) hi = mid - 1
      else if (value > i.end) lo = mid + 1
      else return true
    }
    return false
  }

  union(other: IntervalSet): IntervalSet {
    return IntervalSet.of([...this.intervals, ...other.intervals])
  }

  subtract(other: IntervalSet): IntervalSet {
    const out: Interval[] = []
    let j = 0
    const cut = other.intervals
    for (const range of this.intervals) {
      let start = range.start
      while (j < cut.length && (cut[j] as Interval).end < start) j++
      let k = j
      while (k < cut.length && (cut[k] as Interval).start <= range.end) {
        const c = cut[k] as Interval
        if (c.start > start) out.push({ start, end: c.start - 1n })
        start = c.end + 1n
        if (start > range.end) break
        k++
      }
      if (start <= range.end) out.push({ start, end: range.end })
    }
    return new IntervalSet(out)
  }

  intersect(other: IntervalSet): IntervalSet {
    const out: Interval[] = []
    let i = 0
    let j = 0
    const a = this.intervals
    const b = other.intervals
    while (i < a.length && j < b.length) {
      const x = a[i] as Interval
      const y = b[j] as Interval
      const start = x.start > y.start ? x.start : y.start
      const end = x.end < y.end ? x.end : y.end
      if (start <= end) out.push({ start, end })
      if (x.end < y.end) i++
      else j++
    }
    return new IntervalSet(out)
  }

  overlaps(other: IntervalSet): boolean {
    return !this.intersect(other).isEmpty
  }

  /** True when every value of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty
  }

  /** The set as the fewest CIDR blocks, in address order (what netaddr's IPSet.iter_cidrs gives). */
  toCidrs(version: IpVersion): Cidr[] {
    const bits = bitsOf(version)
    const out: Cidr[] = []
    for (const range of this.intervals) {
      let start = range.start
      while (start <= range.end) {
        // The largest aligned block starting at `start` that does not pass the end of the range.
        let hostBits = 0
        while (hostBits < bits) {
          const size = 1n << BigInt(hostBits + 1)
          if (start % size !== 0n || start + size - 1n > range.end) break
          hostBits++
        }
        out.push({ version, network: start, prefixLength: bits - hostBits })
        start += 1n << BigInt(hostBits)
      }
    }
    return out
  }

  /** The lowest aligned prefix of the given length that lies entirely within the set. */
  firstFreePrefix(version: IpVersion, prefixLength: number): Cidr | undefined {
    const size = cidrSize({ version, network: 0n, prefixLength })
    for (const range of this.intervals) {
      const aligned = ((range.start + size - 1n) / size) * size
      if (aligned + size - 1n <= range.end) return { version, network: aligned, prefixLength }
    }
    return undefined
  }
}
