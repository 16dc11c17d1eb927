import { parseCidr, type Cidr } from '../domain/cidr.ts'
import { parseIp } from '../domain/ip-address.ts'
import { IntervalSet } from '../domain/interval-set.ts'
import type { IpamSubnetSpec } from '../ipam/driver.ts'
import type { AllocationPoolView } from './resources.ts'
import { jsonColumn, type SubnetRow } from './views.ts'

export const AUTO_ADDRESS_MODES = new Set(['slaac', 'dhcpv6-stateless'])

/** True for SLAAC and DHCPv6-stateless subnets: their addresses are EUI-64, not from the pools. */
export function isAutoAddress(row: Pick<SubnetRow, 'ipv6_address_mode' | 'ipv6_ra_mode'>): boolean {
  if (row.ipv6_address_mode !== null) return AUTO_ADDRESS_MODES.has(row.ipv6_address_mode)
  return row.ipv6_ra_mode !== null && AUTO_ADDRESS_MODES.has(row.ipv6_ra_mode)
}

/** The pools of a stored subnet as a set of address values. */
export function poolSet(pools: readonly AllocationPoolView[]): IntervalSet {
  return IntervalSet.of(
    pools.map((p) => ({ start: parseIp(p.start)?.value ?? 0n, end: parseIp(p.end)?.value ?? -1n })),
  )
}

/** The stored CIDR (always canonical, written by us). */
export function rowCidr(row: Pick<SubnetRow, 'cidr'>): Cidr {
  const cidr = parseCidr(row.cidr)
  if (cidr === undefined) throw new Error(`stored subnet CIDR ${row.cidr} is unreadable`)
  return cidr
}

/** What the IPAM driver needs to know of a stored subnet. */
export function ipamSpec(row: SubnetRow): IpamSubnetSpec {
  return {
    id: row.id,
    networkId: row.network_id,
    projectId: row.project_id,
    name: row.name,
    cidr: rowCidr(row),
    gateway: row.gateway_ip === null ? undefined : parseIp(row.gateway_ip),
    pools: poolSet(jsonColumn<AllocationPoolView[]>(row.allocation_pools)),
    autoAddress: isAutoAddress(row),
  }
}
