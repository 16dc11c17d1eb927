import type { Cidr } from '../../src/domain/cidr.ts'
import type { MacOctets } from '../../src/domain/mac-address.ts'

/** The states an assigned IPv4 address can hold (read states add UNASSIGNED and DHCP_*). */
export type AddressState = 'STATIC' | 'RESERVED' | 'DHCP_RESERVED' | 'GATEWAY'

/** The states an address can be given on create. */
export const ADDRESS_STATES: readonly AddressState[] = [
  'STATIC',
  'RESERVED',
  'DHCP_RESERVED',
  'GATEWAY',
]

interface EntityBase {
  readonly id: number
  /** The parent object (0 for a configuration). */
  readonly parentId: number
  name: string | null
  /** User-defined fields: v1 `properties` beyond the built-in keys, v2 `userDefinedFields`. */
  udfs: Map<string, string>
}

/** A configuration: the top of an object tree (parent 0). */
export interface ConfigurationEntity extends EntityBase {
  readonly kind: 'Configuration'
}

/** An IPv4 block: under a configuration or another block. */
export interface BlockEntity extends EntityBase {
  readonly kind: 'IP4Block'
  readonly cidr: Cidr
}

/** An IPv4 network: always under a block. */
export interface NetworkEntity extends EntityBase {
  readonly kind: 'IP4Network'
  readonly cidr: Cidr
  gateway: bigint | undefined
}

/** An assigned IPv4 address: under its network. Unassigned addresses are not objects. */
export interface AddressEntity extends EntityBase {
  readonly kind: 'IP4Address'
  readonly value: bigint
  state: AddressState
  mac: MacOctets | undefined
}

/** A DNS view: under a configuration. */
export interface ViewEntity extends EntityBase {
  readonly kind: 'View'
}

/** A DNS zone: under a view or a parent zone; `name` is its label. */
export interface ZoneEntity extends EntityBase {
  readonly kind: 'Zone'
  readonly absoluteName: string
}

/** A host record: under its zone; `addresses` are the values it points to. */
export interface HostRecordEntity extends EntityBase {
  readonly kind: 'HostRecord'
  readonly absoluteName: string
  addresses: bigint[]
  reverseRecord: boolean
  ttl: number | undefined
}

/** Every object of the emulated Address Manager. */
export type Entity =
  | ConfigurationEntity
  | BlockEntity
  | NetworkEntity
  | AddressEntity
  | ViewEntity
  | ZoneEntity
  | HostRecordEntity

export type EntityKind = Entity['kind']

/** The entity of a given kind. */
export type EntityOf<K extends EntityKind> = Extract<Entity, { kind: K }>

/**
 * A failure of an Address Manager operation: the v2 status and error code, and the message both
 * API generations show. The legacy v1 API answers most of these with HTTP 500 and the message.
 */
export class BamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = code
  }
}
