import type { Cidr } from '../../../domain/cidr.ts'
import type { Interval } from '../../../domain/interval-set.ts'
import type { IpAddress } from '../../../domain/ip-address.ts'

/** An IPv4 network of Address Manager, as both API generations describe it. */
export interface BamNetwork {
  readonly id: number
  readonly cidr: Cidr
  /** Its GATEWAY address (BAM never hands that one out), if it has one. */
  readonly gateway: IpAddress | undefined
  readonly name: string
}

/** An IPv4 block (the pre-defined range networks are created in). */
export interface BamBlock {
  readonly id: number
  readonly cidr: Cidr
}

/** An assigned IPv4 address. */
export interface BamAddress {
  readonly id: number
  readonly address: IpAddress
  /** STATIC, RESERVED, DHCP_RESERVED, GATEWAY, … */
  readonly state: string
  readonly name: string
  /** As BAM prints it (FA-16-3E-11-22-33), '' when none. */
  readonly mac: string
  readonly udfs: Readonly<Record<string, string>>
}

/** A DNS host record pointing to an address. */
export interface BamHostRecord {
  readonly id: number
  readonly absoluteName: string
}

/** Where host records go: the DNS view and the zone (id and absolute name). */
export interface HostPlace {
  readonly viewId: number
  readonly zoneId: number
  readonly zone: string
}

/** What a new address carries: its name, MAC, user-defined fields and host record. */
export interface BamAssignment {
  readonly name: string
  /** BAM form (FA-16-3E-11-22-33). */
  readonly mac: string
  readonly udfs: Readonly<Record<string, string>>
  /** Host record created with the address (fully qualified), in the DNS view. */
  readonly host: { readonly fqdn: string; readonly viewId: number } | undefined
}

/** Where a CIDR stands in a configuration: its network, what overlaps it, its enclosing block. */
export interface BamPlacement {
  /** The network with exactly this CIDR. */
  readonly network: BamNetwork | undefined
  /** A block or network overlapping the CIDR without being that network or enclosing it. */
  readonly overlapping: string | undefined
  /** The most specific block enclosing the CIDR. */
  readonly block: BamBlock | undefined
}

/**
 * The operations of Address Manager the BlueCat mapping needs, implemented once per API
 * generation (RESTful v2, legacy v1). Every method throws ExternalIpamError: 'not-found' for an
 * object that does not exist, 'taken' for an address in use, 'exhausted' for a full network,
 * 'range-overlap' for a network create that collides, and the outage kinds.
 */
export interface BamApi {
  readonly generation: 'v1' | 'v2'
  /** The API's path below the appliance URL (for messages). */
  readonly basePath: string
  /** A path that answers without credentials (any status proves the endpoint is there). */
  readonly probePath: string
  /** Logins so far. */
  readonly logins: number
  configuration(name: string): Promise<number | undefined>
  view(configurationId: number, name: string): Promise<number | undefined>
  /** The zone with this absolute name in the view. */
  zone(configurationId: number, viewId: number, absoluteName: string): Promise<number | undefined>
  /** Blocks of the configuration (for the connectivity check), at most `limit`. */
  blocks(configurationId: number, limit: number): Promise<BamBlock[]>
  place(configurationId: number, cidr: Cidr): Promise<BamPlacement>
  /** Creates a network in a block, with its gateway address when one is given and none otherwise. */
  createNetwork(
    blockId: number,
    cidr: Cidr,
    name: string,
    gateway: IpAddress | undefined,
  ): Promise<BamNetwork>
  deleteNetwork(id: number): Promise<void>
  /** Assigns the next available address (`at` undefined) or a given one, in one call. */
  assign(
    configurationId: number,
    networkId: number,
    at: IpAddress | undefined,
    what: BamAssignment,
  ): Promise<BamAddress>
  /** The lowest unassigned address of a network inside the pools (non-reserving). */
  firstFree(networkId: number, pools: readonly Interval[]): Promise<IpAddress | undefined>
  /** Every assigned address of a network, paging to the end. */
  addresses(networkId: number): AsyncGenerator<BamAddress>
  /** Assigned addresses carrying a user-defined field value, in the configuration. */
  addressesTagged(
    configurationId: number,
    field: string,
    value: string,
    name: string,
  ): Promise<BamAddress[]>
  address(id: number): Promise<BamAddress | undefined>
  /** Rewrites an address's name, MAC and user-defined fields (its state is kept). */
  updateAddress(address: BamAddress, what: Omit<BamAssignment, 'host'>): Promise<void>
  deleteAddress(id: number): Promise<void>
  hostRecords(addressId: number): Promise<BamHostRecord[]>
  addHostRecord(place: HostPlace, fqdn: string, address: IpAddress): Promise<void>
  deleteHostRecord(id: number): Promise<void>
  /** Ends the session (best effort). */
  logout(): Promise<void>
}
