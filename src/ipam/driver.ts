import type { Cidr } from '../domain/cidr.ts'
import type { IpAddress } from '../domain/ip-address.ts'
import type { IntervalSet } from '../domain/interval-set.ts'
import type { Tx } from '../db/transaction.ts'
import type { AddressRequest } from './requests.ts'
import type { ExternalIpam } from './drivers/external/external-ipam.ts'

/** What the IPAM layer knows of a subnet: enough to allocate in it, nothing of the API. */
export interface IpamSubnetSpec {
  readonly id: string
  readonly networkId: string
  readonly projectId: string
  readonly name: string
  readonly cidr: Cidr
  readonly gateway: IpAddress | undefined
  /** Automatic allocation draws from these; specific addresses may be anywhere in the CIDR. */
  readonly pools: IntervalSet
  /** SLAAC or DHCPv6-stateless: addresses are EUI-64, never drawn from the pools. */
  readonly autoAddress: boolean
}

/** Who an address is for: recorded with the allocation, and in an external IPAM as its tag. */
export interface AllocationOwner {
  readonly portId: string
  readonly projectId: string
  readonly deviceId: string
  readonly deviceOwner: string
  readonly dnsName: string
  readonly macAddress: string
}

/**
 * Addresses of one subnet, bound to one of our transactions. Modelled on Neutron's
 * `neutron/ipam/driver.py` Subnet.
 */
export interface IpamSubnet {
  /**
   * Allocates one address and records it for `owner`.
   * @throws IpAddressGenerationFailure (409) when the pools have no free address (any, prefer-next)
   * @throws IpAddressAlreadyAllocated (409) when a specific or EUI-64 address is taken
   */
  allocate(request: AddressRequest, owner: AllocationOwner): Promise<IpAddress>
  /**
   * Allocates one automatic address for each owner, all or nothing.
   * @throws IpAddressGenerationFailure (409) when fewer are free than asked for
   */
  allocateBulk(owners: readonly AllocationOwner[]): Promise<IpAddress[]>
  /** Releases an address (no error when it was not allocated). */
  deallocate(address: IpAddress): Promise<void>
  /** Addresses allocated in the subnet, pools or not; constant cost, whatever the subnet size. */
  usedCount(): Promise<bigint>
}

/** Subnets of one driver, bound to one of our transactions (Neutron's `Pool`). */
export interface IpamPool {
  /** Prepares a new subnet for allocation. */
  addSubnet(subnet: IpamSubnetSpec): Promise<IpamSubnet>
  getSubnet(subnet: IpamSubnetSpec): IpamSubnet
  /** The subnet's pools changed: free space follows; allocations stay. */
  updateSubnet(before: IpamSubnetSpec, after: IpamSubnetSpec): Promise<void>
  /** Forgets a subnet that has no allocation left. */
  removeSubnet(subnetId: string): Promise<void>
}

export interface IpamDriver {
  readonly name: string
  /**
   * True when allocations live outside our database, so that a failed commit of ours must be
   * compensated by releasing what was reserved (Neutron's `needs_rollback`).
   */
  readonly needsRollback: boolean
  pool(tx: Tx): IpamPool
  /**
   * For drivers whose allocations live in an external system: the reservations made before our
   * transaction (phase one), their compensation, releases, recovery and reconcile.
   */
  readonly external?: ExternalIpam
}
