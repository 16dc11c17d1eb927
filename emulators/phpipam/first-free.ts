import { cidrSize, firstAddress, lastAddress } from '../../src/domain/cidr.ts'
import type { PhpipamState, PiSubnet } from './phpipam-state.ts'

/**
 * `has_network_broadcast`: IPv4 subnets below /31 that are not pools reserve their network and
 * broadcast addresses; IPv6 subnets and pools do not.
 */
export function hasNetworkBroadcast(subnet: PiSubnet): boolean {
  if (subnet.cidr.version === 6 || subnet.isPool === 1) return false
  return subnet.cidr.prefixLength < 31
}

/** `subnet_boundaries`: the lowest and highest address a host may have. */
export function subnetBoundaries(subnet: PiSubnet): { min: bigint; max: bigint } {
  const min = firstAddress(subnet.cidr)
  const max = lastAddress(subnet.cidr)
  return hasNetworkBroadcast(subnet) ? { min: min + 1n, max: max - 1n } : { min, max }
}

/** `max_hosts`: how many addresses the subnet can hold. */
export function maxHosts(subnet: PiSubnet): bigint {
  const size = cidrSize(subnet.cidr)
  return hasNetworkBroadcast(subnet) ? size - 2n : size
}

/**
 * `Addresses::get_first_available_address`, gap-walking exactly as phpIPAM does: nothing for
 * a folder, a subnet with child subnets, or a full one (count ≥ max hosts); otherwise the
 * first gap after the lowest address, starting at network+1 (network itself for /31, /32 and
 * empty IPv6 subnets), else the highest address + 1.
 *
 * NOTE: faithful quirks kept: an empty IPv4 pool still starts at network+1, and an empty IPv6
 * subnet hands out its subnet-zero address.
 */
export function firstAvailableAddress(state: PhpipamState, subnet: PiSubnet): bigint | undefined {
  if (subnet.isFolder === 1) return undefined
  if (state.slaves(subnet.id).length > 0) return undefined
  const values = state.rowsOf(subnet.id).map((a) => a.ip.value)
  if (BigInt(values.length) >= maxHosts(subnet)) return undefined
  const network = subnet.cidr.network
  const v6 = subnet.cidr.version === 6
  const mask = subnet.cidr.prefixLength
  if (values.length === 0) return mask === 32 || mask === 31 || v6 ? network : network + 1n
  for (let k = 0; k < values.length; k++) {
    const current = values[k] ?? 0n
    if (k === 0) {
      if (mask === 31) {
        if (current - network > 0n) return network
      } else if (current - network > 1n) return network + 1n
      else if (v6 && values.length === 1 && current === network) return network + 1n
    } else {
      const previous = values[k - 1] ?? 0n
      if (current - previous > 1n) return previous + 1n
    }
  }
  return (values.at(-1) ?? network) + 1n
}
