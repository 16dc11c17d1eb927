import { Errors } from '../domain/errors.ts'
import { formatIp, type IpAddress } from '../domain/ip-address.ts'
import type { MacOctets } from '../domain/mac-address.ts'
import type { AddressRequest } from '../ipam/requests.ts'
import { isAutoAddress, rowCidr } from './ipam-spec.ts'
import { isValidPortAddress } from './subnet-rules.ts'
import type { SubnetRow } from './views.ts'

/** One fixed IP as the API gave it. */
export interface FixedIpInput {
  readonly subnet_id?: string
  readonly ip_address?: IpAddress
}

/**
 * One address a port needs: from exactly one subnet, or (for a port without fixed_ips) from the
 * first of several candidate subnets of one family that has space.
 */
export interface PlannedAddress {
  readonly candidates: readonly SubnetRow[]
  readonly request: AddressRequest
}

/** Device owners that get the lowest free address (Neutron's PreferNextAddressRequest). */
const PREFER_NEXT_OWNERS = new Set(['network:dhcp', 'network:distributed'])

/** Router ports may hold specific addresses on SLAAC subnets. */
const ROUTER_OWNERS = new Set([
  'network:router_interface',
  'network:router_gateway',
  'network:ha_router_replicated_interface',
  'network:router_interface_distributed',
])

/**
 * Which addresses a new port gets, as Neutron decides (ipam_pluggable_backend):
 * without fixed_ips, one IPv4 address from the first IPv4 subnet with space and one from the
 * first DHCPv6-stateful subnet; with fixed_ips, what they say; and in both cases an EUI-64
 * address on every SLAAC / DHCPv6-stateless subnet.
 * @throws SubnetNotFound (404), InvalidInput, InvalidIpForSubnet, InvalidIpForNetwork,
 *   AllocationOnAutoAddressSubnet (400)
 */
export function planFixedIps(
  networkId: string,
  subnets: readonly SubnetRow[],
  fixedIps: readonly FixedIpInput[] | undefined,
  deviceOwner: string,
  mac: MacOctets,
  lookup: ReadonlyMap<string, SubnetRow>,
): PlannedAddress[] {
  const automatic = (s: SubnetRow): PlannedAddress => ({
    candidates: [s],
    request: { kind: 'automatic', mac },
  })
  const anyKind: AddressRequest = PREFER_NEXT_OWNERS.has(deviceOwner)
    ? { kind: 'prefer-next' }
    : { kind: 'any' }
  const autoSubnets = subnets.filter(isAutoAddress)
  if (fixedIps === undefined) {
    const plan: PlannedAddress[] = []
    const v4 = subnets.filter((s) => s.ip_version === 4)
    const v6 = subnets.filter((s) => s.ip_version === 6 && !isAutoAddress(s))
    if (v4.length > 0) plan.push({ candidates: v4, request: anyKind })
    if (v6.length > 0) plan.push({ candidates: v6, request: anyKind })
    return [...plan, ...autoSubnets.map(automatic)]
  }
  const plan: PlannedAddress[] = []
  const mentioned = new Set<string>()
  for (const fixed of fixedIps) {
    let subnet: SubnetRow | undefined
    if (fixed.subnet_id !== undefined) {
      subnet = lookup.get(fixed.subnet_id)
      if (subnet === undefined) throw Errors.subnetNotFound(fixed.subnet_id)
      if (subnet.network_id !== networkId) {
        throw Errors.invalidInput(
          `Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${fixed.subnet_id}`,
        )
      }
      if (
        fixed.ip_address !== undefined &&
        !isValidPortAddress(rowCidr(subnet), fixed.ip_address)
      ) {
        throw Errors.invalidIpForSubnet(formatIp(fixed.ip_address))
      }
    } else if (fixed.ip_address !== undefined) {
      const address = fixed.ip_address
      subnet = subnets.find((s) => isValidPortAddress(rowCidr(s), address))
      if (subnet === undefined) throw Errors.invalidIpForNetwork(formatIp(address))
    } else {
      throw Errors.badRequest(
        'Invalid input for fixed_ips. Reason: Exactly one of subnet_id or ip_address must be given.',
      )
    }
    mentioned.add(subnet.id)
    if (fixed.ip_address !== undefined) {
      if (isAutoAddress(subnet) && !ROUTER_OWNERS.has(deviceOwner)) {
        throw Errors.allocationOnAutoAddressSubnet(formatIp(fixed.ip_address), subnet.id)
      }
      plan.push({ candidates: [subnet], request: { kind: 'specific', address: fixed.ip_address } })
    } else {
      plan.push(
        isAutoAddress(subnet) ? automatic(subnet) : { candidates: [subnet], request: anyKind },
      )
    }
  }
  if (ROUTER_OWNERS.has(deviceOwner)) return plan
  return [...plan, ...autoSubnets.filter((s) => !mentioned.has(s.id)).map(automatic)]
}
