import {
  cidrContains,
  cidrSize,
  firstAddress,
  formatCidr,
  lastAddress,
  parseCidrText,
  type Cidr,
} from '../domain/cidr.ts'
import { Errors, NeutronError } from '../domain/errors.ts'
import { formatIp, parseIp, type IpAddress } from '../domain/ip-address.ts'
import { IntervalSet, type Interval } from '../domain/interval-set.ts'
import type { AllocationPoolView, HostRouteView } from './resources.ts'

/**
 * Neutron's rules for a subnet's gateway and allocation pools (neutron/ipam/utils.py and
 * db_base_plugin_v2), as pure functions. Verified against the real Neutron, including its
 * handling of /31, /32, /127 and /128.
 */

export interface AddressRange {
  readonly start: IpAddress
  readonly end: IpAddress
}

const show = (version: 4 | 6, i: Interval): string =>
  `${formatIp({ version, value: i.start })}-${formatIp({ version, value: i.end })}`

/** The gateway Neutron picks when none is given: .1 for IPv4, the subnet-router anycast (::) for IPv6. */
export function defaultGateway(cidr: Cidr): IpAddress {
  return {
    version: cidr.version,
    value: cidr.version === 4 ? firstAddress(cidr) + 1n : firstAddress(cidr),
  }
}

/** An IPv4 gateway may not be the network or broadcast address; outside the CIDR anything goes. */
export function isGatewayInvalid(cidr: Cidr, gateway: IpAddress): boolean {
  return (
    cidr.version === 4 &&
    cidrContains(cidr, gateway) &&
    (gateway.value === firstAddress(cidr) || gateway.value === lastAddress(cidr))
  )
}

/**
 * Where a port may be given a specific address: anywhere in the CIDR but, for IPv4, the
 * network address and (below /31) the broadcast address.
 */
export function isValidPortAddress(cidr: Cidr, address: IpAddress): boolean {
  if (!cidrContains(cidr, address)) return false
  if (cidr.version === 6) return true
  if (address.value === firstAddress(cidr)) return false
  return cidr.prefixLength >= 31 || address.value !== lastAddress(cidr)
}

/** The pools Neutron generates for a subnet without explicit ones. */
export function defaultPools(cidr: Cidr, gateway: IpAddress | undefined): IntervalSet {
  const first = firstAddress(cidr)
  const last = lastAddress(cidr)
  if (cidrSize(cidr) === 1n) return IntervalSet.of([{ start: first, end: last }])
  let range: Interval
  if (cidr.version === 4 && cidr.prefixLength === 31) range = { start: first, end: last }
  else range = { start: first + 1n, end: last - (cidr.version === 4 ? 1n : 0n) }
  let pools = IntervalSet.of([range])
  if (gateway !== undefined && cidrContains(cidr, gateway)) {
    pools = pools.subtract(IntervalSet.of([{ start: gateway.value, end: gateway.value }]))
  }
  return pools
}

/**
 * Checks explicit pools against the CIDR and each other, in Neutron's order.
 * @throws InvalidAllocationPool (400) for a reversed or mixed-family pool
 * @throws OutOfBoundsAllocationPool (400) for a pool outside the usable part of the CIDR
 * @throws OverlappingAllocationPools (409)
 */
export function validatePools(
  cidr: Cidr,
  pools: readonly AddressRange[],
  rawPools: readonly AllocationPoolView[],
): Interval[] {
  const usableFirst = firstAddress(cidr) + 1n
  const usableLast = lastAddress(cidr) - (cidr.version === 4 ? 1n : 0n)
  const intervals = pools.map((p, i) => {
    const raw = rawPools[i] ?? { start: formatIp(p.start), end: formatIp(p.end) }
    if (
      p.start.version !== cidr.version ||
      p.end.version !== cidr.version ||
      p.start.value > p.end.value
    ) {
      throw Errors.invalidAllocationPool(raw.start, raw.end)
    }
    return { start: p.start.value, end: p.end.value }
  })
  for (const i of intervals) {
    if (i.start < usableFirst || i.end > usableLast) {
      throw Errors.outOfBoundsAllocationPool(show(cidr.version, i), formatCidr(cidr))
    }
  }
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1] as Interval
    const next = sorted[k] as Interval
    if (next.start <= prev.end) {
      throw Errors.overlappingAllocationPools(
        show(cidr.version, prev),
        show(cidr.version, next),
        formatCidr(cidr),
      )
    }
  }
  return sorted
}

/** @throws GatewayConflictWithAllocationPools (409) when an explicit pool holds the gateway */
export function checkGatewayOutsidePools(
  cidr: Cidr,
  gateway: IpAddress | undefined,
  pools: readonly Interval[],
): void {
  if (gateway === undefined) return
  for (const p of pools) {
    if (gateway.value >= p.start && gateway.value <= p.end) {
      throw Errors.gatewayConflictWithAllocationPools(formatIp(gateway), show(cidr.version, p))
    }
  }
}

/** The pools as the API shows them. */
export function poolViews(
  version: 4 | 6,
  pools: IntervalSet | readonly Interval[],
): AllocationPoolView[] {
  const list = pools instanceof IntervalSet ? pools.intervals : pools
  return list.map((i) => ({
    start: formatIp({ version, value: i.start }),
    end: formatIp({ version, value: i.end }),
  }))
}

/**
 * Neutron's checks of the IPv6 modes.
 * @throws InvalidInput (400) with Neutron's wording
 */
export function validateIpv6Modes(
  cidr: Cidr,
  raMode: string | null | undefined,
  addressMode: string | null | undefined,
): void {
  const ra = raMode ?? null
  const address = addressMode ?? null
  if (cidr.version === 4) {
    if (ra !== null) throw Errors.invalidInput('ipv6_ra_mode is not valid when ip_version is 4')
    if (address !== null)
      throw Errors.invalidInput('ipv6_address_mode is not valid when ip_version is 4')
    return
  }
  if (ra !== null && address !== null && ra !== address) {
    throw Errors.invalidInput(
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${address}' is not valid. If both attributes are set, they must be the same value`,
    )
  }
  const auto =
    address === 'slaac' ||
    address === 'dhcpv6-stateless' ||
    (address === null && (ra === 'slaac' || ra === 'dhcpv6-stateless'))
  if (auto && cidr.prefixLength !== 64) {
    throw Errors.invalidInput(
      `Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    )
  }
}

/** @throws InvalidInput (400) for a /31 or /32 (/127 or /128) subnet with DHCP enabled */
export function validateDhcpPrefix(cidr: Cidr, enableDhcp: boolean): void {
  const limit = cidr.version === 4 ? 31 : 127
  if (enableDhcp && cidr.prefixLength >= limit) {
    throw Errors.invalidInput(
      'Subnet has a prefix length that is incompatible with DHCP service enabled',
    )
  }
}

/** Neutron's error when the default gateway of a /31 would fall inside it. */
export function gatewayNotAllocatable(gateway: IpAddress, cidr: Cidr): NeutronError {
  return new NeutronError(
    'IpamValueInvalid',
    409,
    `Gateway IP ${formatIp(gateway)} cannot be allocated in CIDR ${formatCidr(cidr)}`,
  )
}

/**
 * Route destinations and next hops must be of the subnet's family.
 * @throws InvalidInput (400) with Neutron's wording
 */
export function validateHostRoutes(version: 4 | 6, routes: readonly HostRouteView[]): void {
  for (const route of routes) {
    const destination = parseCidrText(route.destination, true)
    if (destination !== undefined && destination.address.version !== version) {
      throw Errors.invalidInput(
        `destination '${route.destination}' does not match the ip_version '${version}'`,
      )
    }
    const nexthop = parseIp(route.nexthop)
    if (nexthop !== undefined && nexthop.version !== version) {
      throw Errors.invalidInput(
        `nexthop '${route.nexthop}' does not match the ip_version '${version}'`,
      )
    }
  }
}

/** Neutron's defaults for `max_dns_nameservers` and `max_subnet_host_routes`. */
const MAX_DNS_NAMESERVERS = 5
const MAX_HOST_ROUTES = 20

/**
 * Neutron's per-subnet limits; `subnet` names it in the message ("new subnet" on create).
 * @throws DNSNameServersExhausted, HostRoutesExhausted (400)
 */
export function checkSubnetLimits(
  subnet: string,
  nameservers: readonly string[] | undefined,
  routes: readonly HostRouteView[] | undefined,
): void {
  if ((nameservers?.length ?? 0) > MAX_DNS_NAMESERVERS)
    throw Errors.dnsNameServersExhausted(subnet, MAX_DNS_NAMESERVERS)
  if ((routes?.length ?? 0) > MAX_HOST_ROUTES)
    throw Errors.hostRoutesExhausted(subnet, MAX_HOST_ROUTES)
}
