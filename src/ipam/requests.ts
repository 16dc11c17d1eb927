import type { Cidr } from '../domain/cidr.ts'
import type { IpAddress } from '../domain/ip-address.ts'
import type { MacOctets } from '../domain/mac-address.ts'

/**
 * What a port asks of a subnet, modelled on Neutron's `neutron/ipam/requests.py`. Immutable
 * values; the service builds them after validation, so their invariants already hold.
 */
export type AddressRequest =
  /** Any free address of the allocation pools (lowest first, or as `allocation_strategy` says). */
  | { readonly kind: 'any' }
  /** The lowest free address, whatever the strategy (Neutron gives DHCP ports this). */
  | { readonly kind: 'prefer-next' }
  /** Exactly this address: anywhere in the CIDR, pools or not, as Neutron allows. */
  | { readonly kind: 'specific'; readonly address: IpAddress }
  /** The SLAAC / DHCPv6-stateless EUI-64 address built from the port's MAC. */
  | { readonly kind: 'automatic'; readonly mac: MacOctets }
  /** An address an external IPAM has already reserved for us: record it, with its reference. */
  | { readonly kind: 'reserved'; readonly address: IpAddress; readonly externalRef: string }

/** What a subnet create asks of a subnet pool. */
export type SubnetRequest =
  | { readonly kind: 'any'; readonly prefixLength: number }
  | { readonly kind: 'specific'; readonly cidr: Cidr }
