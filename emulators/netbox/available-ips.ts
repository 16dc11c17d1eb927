import { firstAddress, lastAddress } from '../../src/domain/cidr.ts'
import { IntervalSet } from '../../src/domain/interval-set.ts'
import type { NbIpAddress, NbPrefix, NetboxState } from './netbox-state.ts'

/**
 * The IP addresses of a prefix's VRF that count against it (`Prefix.get_child_ips`): those of
 * the same VRF inside the prefix, whatever their mask; a container in the global table counts
 * addresses of every VRF.
 */
export function childIps(state: NetboxState, prefix: NbPrefix): NbIpAddress[] {
  const anyVrf = prefix.vrfId === null && prefix.status === 'container'
  const first = firstAddress(prefix.cidr)
  const last = lastAddress(prefix.cidr)
  return [...state.ipAddresses.values()].filter(
    (ip) =>
      (anyVrf || ip.vrfId === prefix.vrfId) &&
      ip.inet.version === prefix.cidr.version &&
      ip.inet.value >= first &&
      ip.inet.value <= last,
  )
}

/**
 * Free addresses of a prefix (`Prefix.get_available_ips`): the whole prefix for a pool, an
 * IPv4 /31–/32 or an IPv6 /127–/128; otherwise IPv4 loses its network and broadcast addresses
 * and IPv6 its Subnet-Router anycast (first) address. Child IPs are removed by host address.
 *
 * NOTE: the IPv6 rule is current NetBox's (RFC 4291 anycast); NetBox 3.1 itself still handed
 * out the first IPv6 address. ip-ranges (`mark_populated`) are not emulated.
 */
export function availableIps(state: NetboxState, prefix: NbPrefix): IntervalSet {
  const first = firstAddress(prefix.cidr)
  const last = lastAddress(prefix.cidr)
  const v4 = prefix.cidr.version === 4
  const whole =
    prefix.isPool ||
    (v4 && prefix.cidr.prefixLength >= 31) ||
    (!v4 && prefix.cidr.prefixLength >= 127)
  let span = IntervalSet.of([{ start: first, end: last }])
  if (!whole) {
    const excluded = v4
      ? [
          { start: first, end: first },
          { start: last, end: last },
        ]
      : [{ start: first, end: first }]
    span = span.subtract(IntervalSet.of(excluded))
  }
  const used = IntervalSet.of(
    childIps(state, prefix).map((ip) => ({ start: ip.inet.value, end: ip.inet.value })),
  )
  return span.subtract(used)
}

/** The lowest `count` values of a set, in order. */
export function lowest(set: IntervalSet, count: number): bigint[] {
  const out: bigint[] = []
  for (const range of set.intervals) {
    for (let v = range.start; v <= range.end && out.length < count; v++) out.push(v)
    if (out.length >= count) break
  }
  return out
}
