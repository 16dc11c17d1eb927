import type { IpAddress } from '../../domain/ip-address.ts'
import type { AllocationPoolView, HostRouteView } from '../../services/resources.ts'
import type { SubnetCreate, SubnetUpdate } from '../../services/subnet-service.ts'
import type { AddressRange } from '../../services/subnet-rules.ts'
import { formatIp } from '../../domain/ip-address.ts'
import { attr, parseItem, readOnlyAttr, type AttrMap } from '../body.ts'
import {
  checkKeys,
  InvalidValue,
  toBoolean,
  toChoice,
  toDict,
  toInteger,
  toIpAddress,
  toList,
  toRouteCidr,
  toStringList,
  toStringValue,
  toUuid,
} from '../validators.ts'

const IPV6_MODES = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'] as const

const nullable =
  <T>(convert: (v: unknown) => T) =>
  (v: unknown): T | null =>
    v === null ? null : convert(v)

function ipVersion(v: unknown): 4 | 6 {
  return toChoice(toInteger(v), [4, 6] as const)
}

/** Pools as written (for Neutron's messages) and as addresses. */
interface Pools {
  readonly raw: AllocationPoolView[]
  readonly ranges: AddressRange[]
}

function pools(v: unknown): Pools {
  const raw: AllocationPoolView[] = []
  const ranges: AddressRange[] = []
  for (const item of toList(v)) {
    const pool = toDict(item)
    checkKeys(pool, ['start', 'end'], ['start', 'end'])
    raw.push({ start: String(pool.start), end: String(pool.end) })
    ranges.push({ start: toIpAddress(pool.start), end: toIpAddress(pool.end) })
  }
  return { raw, ranges }
}

function nameservers(v: unknown): string[] {
  const out: string[] = []
  for (const item of toList(v)) {
    let ip: IpAddress
    try {
      ip = toIpAddress(item)
    } catch (error) {
      if (error instanceof InvalidValue)
        throw new InvalidValue(`'${String(item)}' is not a valid nameserver. ${error.message}`)
      throw error
    }
    const text = formatIp(ip)
    if (out.includes(text)) throw new InvalidValue(`Duplicate nameserver '${String(item)}'`)
    out.push(text)
  }
  return out
}

function hostRoutes(v: unknown): HostRouteView[] {
  const out: HostRouteView[] = []
  for (const item of toList(v)) {
    const route = toDict(item)
    checkKeys(route, ['destination', 'nexthop'], ['destination', 'nexthop'])
    const destination = toRouteCidr(route.destination).text
    const nexthop = formatIp(toIpAddress(route.nexthop))
    if (out.some((r) => r.destination === destination && r.nexthop === nexthop)) {
      throw new InvalidValue(`Duplicate hostroute '${JSON.stringify(route)}'`)
    }
    out.push({ destination, nexthop })
  }
  return out
}

const cidrText = (v: unknown): string => toStringValue(v).trim()

export const SUBNET_ATTRIBUTES = {
  id: readOnlyAttr(),
  name: attr(true, true, toStringValue),
  description: attr(true, true, toStringValue),
  network_id: attr(true, false, toUuid, true),
  ip_version: attr(true, false, ipVersion, true),
  cidr: attr(true, false, nullable(cidrText)),
  subnetpool_id: attr(true, false, nullable(toUuid)),
  prefixlen: attr(true, false, toInteger),
  use_default_subnetpool: attr(true, false, toBoolean),
  gateway_ip: attr(true, true, nullable(toIpAddress)),
  allocation_pools: attr(true, true, pools),
  dns_nameservers: attr(true, true, nameservers),
  host_routes: attr(true, true, hostRoutes),
  enable_dhcp: attr(true, true, toBoolean),
  ipv6_ra_mode: attr(
    true,
    false,
    nullable((v) => toChoice(v, IPV6_MODES)),
  ),
  ipv6_address_mode: attr(
    true,
    false,
    nullable((v) => toChoice(v, IPV6_MODES)),
  ),
  service_types: attr(true, true, toStringList),
  segment_id: attr(true, false, (v) => (v === null ? null : toUuid(v))),
  tenant_id: attr(true, false, toStringValue),
  project_id: attr(true, false, toStringValue),
  tags: readOnlyAttr(),
  created_at: readOnlyAttr(),
  updated_at: readOnlyAttr(),
  revision_number: readOnlyAttr(),
} satisfies AttrMap

export function subnetCreate(item: Record<string, unknown>): SubnetCreate {
  const {
    allocation_pools,
    network_id,
    ip_version,
    segment_id: _segment,
    ...rest
  } = parseItem(SUBNET_ATTRIBUTES, item, 'POST')
  return {
    ...rest,
    network_id: network_id ?? '',
    ip_version: ip_version ?? 4,
    ...(allocation_pools === undefined
      ? {}
      : { allocation_pools: allocation_pools.ranges, allocation_pools_raw: allocation_pools.raw }),
  }
}

export function subnetUpdate(item: Record<string, unknown>): SubnetUpdate {
  const { allocation_pools, ...rest } = parseItem(SUBNET_ATTRIBUTES, item, 'PUT')
  return {
    ...rest,
    ...(allocation_pools === undefined
      ? {}
      : { allocation_pools: allocation_pools.ranges, allocation_pools_raw: allocation_pools.raw }),
  }
}
