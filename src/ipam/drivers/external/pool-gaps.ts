import { firstAddress } from '../../../domain/cidr.ts'
import { IntervalSet } from '../../../domain/interval-set.ts'
import type { ExternalSubnetSpec } from './external-backend.ts'

/** At most this many holds are placed for one subnet (more: the subnet is refused). */
export const MAX_HOLDS = 256

/**
 * Addresses a system's "first free" call (NetBox available-ips, phpIPAM first_free) could hand
 * out before our allocation pools are full but that no pool covers (the gateway, in the usual
 * case): from the first address the system gives (`skipFirst`: the network / Subnet-Router
 * anycast address is never given) to the end of the
 * last pool. Addresses after the last pool are only reached when every pool is full.
 */
export function poolGaps(spec: ExternalSubnetSpec, skipFirst: boolean): IntervalSet {
  const pools = IntervalSet.of(spec.pools)
  const last = pools.intervals.at(-1)
  if (last === undefined) return IntervalSet.empty
  const first = firstAddress(spec.cidr) + (skipFirst ? 1n : 0n)
  if (first > last.end) return IntervalSet.empty
  return IntervalSet.of([{ start: first, end: last.end }]).subtract(pools)
}

/** Every value of a (small) set, in order. */
export function valuesOf(set: IntervalSet): bigint[] {
  const out: bigint[] = []
  for (const range of set.intervals) for (let v = range.start; v <= range.end; v++) out.push(v)
  return out
}

/** The end of the last allocation pool (undefined: no pools). */
export function lastPoolEnd(spec: ExternalSubnetSpec): bigint | undefined {
  return IntervalSet.of(spec.pools).intervals.at(-1)?.end
}

/** Whether an address value lies in one of the allocation pools. */
export function inPools(spec: ExternalSubnetSpec, value: bigint): boolean {
  return spec.pools.some((p) => value >= p.start && value <= p.end)
}

/**
 * Whether an address lies in the gaps between (or before) the pools: such an address is held
 * while free, so a port that had it gives it back as a hold.
 */
export function isGap(spec: ExternalSubnetSpec, value: bigint): boolean {
  const end = lastPoolEnd(spec)
  return end !== undefined && value <= end && !inPools(spec, value)
}
