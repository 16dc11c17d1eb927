import type { Subnet } from '../api/neutron-types.ts'

/** The subnet attributes that decide how a port's automatic addresses are chosen. */
export type AddressingSubnet = Pick<Subnet, 'ip_version' | 'ipv6_address_mode' | 'ipv6_ra_mode'>

/** IPv6 modes in which a port's address comes from its MAC (EUI-64), not from a pool. */
const AUTO_ADDRESS_MODES = new Set(['slaac', 'dhcpv6-stateless'])

/**
 * Whether a subnet gives every port an address of its own (SLAAC or DHCPv6-stateless), as the
 * server decides it: by the address mode, or by the RA mode when the address mode is unset.
 */
export function isAutoAddressSubnet(subnet: AddressingSubnet): boolean {
  if (subnet.ip_version !== 6) return false
  if (subnet.ipv6_address_mode !== null) return AUTO_ADDRESS_MODES.has(subnet.ipv6_address_mode)
  return subnet.ipv6_ra_mode !== null && AUTO_ADDRESS_MODES.has(subnet.ipv6_ra_mode)
}

/** What a port created without fixed IPs gets on a network, counted by kind. */
export interface AutomaticAddresses {
  /** 1 when the network has an IPv4 subnet (the first with room gives the address). */
  readonly ipv4: number
  /** 1 when the network has a stateful IPv6 subnet (the first with room gives it). */
  readonly ipv6: number
  /** One per SLAAC / DHCPv6-stateless subnet. */
  readonly slaac: number
  readonly total: number
}

/**
 * The addresses the server gives a port created without fixed IPs, as Neutron plans them: one
 * from the first IPv4 subnet with room, one from the first stateful IPv6 subnet, and one on
 * every SLAAC subnet. NOTE: not one per subnet, which is what people tend to expect.
 */
export function automaticAddresses(subnets: readonly AddressingSubnet[]): AutomaticAddresses {
  const ipv4 = subnets.some((s) => s.ip_version === 4) ? 1 : 0
  const ipv6 = subnets.some((s) => s.ip_version === 6 && !isAutoAddressSubnet(s)) ? 1 : 0
  const slaac = subnets.filter(isAutoAddressSubnet).length
  return { ipv4, ipv6, slaac, total: ipv4 + ipv6 + slaac }
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/** A sentence saying what an automatic port gets on a network with these subnets. */
export function describeAutomaticAddresses(subnets: readonly AddressingSubnet[]): string {
  if (subnets.length === 0) return 'This network has no subnet: the port gets no address.'
  const plan = automaticAddresses(subnets)
  const parts: string[] = []
  if (plan.ipv4 > 0) parts.push('one IPv4')
  if (plan.ipv6 > 0) parts.push('one stateful IPv6')
  if (plan.slaac > 0)
    parts.push(`one on each of ${count(plan.slaac, 'SLAAC subnet', 'SLAAC subnets')}`)
  const list =
    parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}` : parts[0]
  return (
    `On this network (${count(subnets.length, 'subnet', 'subnets')}) the port gets ` +
    `${count(plan.total, 'address', 'addresses')}: ${list ?? ''}.`
  )
}
