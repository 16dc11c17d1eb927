import {
  cidrContains,
  cidrsOverlap,
  cidrWithin,
  formatCidr,
  lastAddress,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { IntervalSet } from '../../src/domain/interval-set.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import type { MacOctets } from '../../src/domain/mac-address.ts'
import { BamErrors } from './bluecat-errors.ts'
import { BamTree } from './bluecat-tree.ts'
import type {
  AddressEntity,
  AddressState,
  BlockEntity,
  ConfigurationEntity,
  HostRecordEntity,
  NetworkEntity,
  ViewEntity,
  ZoneEntity,
} from './bluecat-model.ts'

/** What an address assignment carries besides the address itself. */
export interface AssignSpec {
  readonly state: AddressState
  readonly name?: string | null
  readonly mac?: MacOctets | undefined
  readonly udfs?: ReadonlyMap<string, string>
}

/** Where a new network's gateway goes: the first usable address, none, or a given one. */
export type GatewaySpec = { kind: 'auto' } | { kind: 'none' } | { kind: 'at'; value: bigint }

/** The usable host addresses of a network: all of a /31 or /32, else without network and broadcast. */
export function usableRange(cidr: Cidr): { first: bigint; last: bigint } {
  if (cidr.prefixLength >= 31) return { first: cidr.network, last: lastAddress(cidr) }
  return { first: cidr.network + 1n, last: lastAddress(cidr) - 1n }
}

/**
 * The operations of one emulated Address Manager on its object tree: configurations, IPv4
 * blocks, networks and addresses, DNS views, zones and host records. Both API generations work on this one state,
 * synchronously, so every call is atomic (BAM's own "select and assign in one call").
 */
export class BamState extends BamTree {
  /** Per network id: address value → address entity id. */
  private readonly assigned = new Map<number, Map<bigint, number>>()

  addConfiguration(name: string): ConfigurationEntity {
    if (this.childrenOf(0, 'Configuration').some((c) => c.name === name)) {
      throw BamErrors.duplicateName(name)
    }
    return this.insert({
      kind: 'Configuration',
      id: this.newId(),
      parentId: 0,
      name,
      udfs: new Map(),
    })
  }

  /**
   * Adds a block under a configuration or a block.
   * @throws InvalidIpRange outside the parent block; IpRangeOverlapsSiblings / ResourceConflictsWithOther
   */
  addBlock(parentId: number, cidr: Cidr, name: string | null, udfs = new Map<string, string>()) {
    const parent = this.require(parentId, 'Configuration', 'IP4Block')
    if (parent.kind === 'IP4Block' && !cidrWithin(cidr, parent.cidr)) {
      throw BamErrors.outsideParent(formatCidr(cidr), formatCidr(parent.cidr))
    }
    this.checkSiblings(parentId, cidr)
    return this.insert<BlockEntity>({
      kind: 'IP4Block',
      id: this.newId(),
      parentId,
      name,
      udfs,
      cidr,
    })
  }

  /** The lowest free aligned prefix of a length inside a block. @throws NoSpaceForAddress */
  freePrefix(blockId: number, prefixLength: number): Cidr {
    const block = this.require(blockId, 'IP4Block')
    const used = IntervalSet.ofCidrs(
      this.childrenOf(blockId)
        .filter(
          (c): c is BlockEntity | NetworkEntity => c.kind === 'IP4Block' || c.kind === 'IP4Network',
        )
        .map((c) => c.cidr),
    )
    const free = IntervalSet.ofCidrs([block.cidr]).subtract(used).firstFreePrefix(4, prefixLength)
    if (free === undefined) throw BamErrors.noFreeRange(prefixLength, formatCidr(block.cidr))
    return free
  }

  /**
   * Adds a network under a block, with its gateway address unless told otherwise.
   * @throws InvalidIpRange, IpRangeOverlapsSiblings, ResourceConflictsWithOther, AddressNotInNetwork
   */
  addNetwork(
    blockId: number,
    cidr: Cidr,
    name: string | null,
    gateway: GatewaySpec = { kind: 'auto' },
    udfs = new Map<string, string>(),
  ): NetworkEntity {
    const block = this.require(blockId, 'IP4Block')
    const range = formatCidr(cidr)
    if (!cidrWithin(cidr, block.cidr)) throw BamErrors.outsideParent(range, formatCidr(block.cidr))
    this.checkSiblings(blockId, cidr)
    const config = this.configurationOf(block)
    for (const other of this.descendants(config.id, 'IP4Network')) {
      if (cidrsOverlap(other.cidr, cidr))
        throw BamErrors.overlapsSiblings(range, formatCidr(other.cidr))
    }
    const usable = usableRange(cidr)
    let gw: bigint | undefined
    if (gateway.kind === 'auto') gw = cidr.prefixLength <= 30 ? usable.first : undefined
    else if (gateway.kind === 'at') {
      if (gateway.value < usable.first || gateway.value > usable.last) {
        throw BamErrors.notInNetwork(formatIpv4(gateway.value))
      }
      gw = gateway.value
    }
    const network = this.insert<NetworkEntity>({
      kind: 'IP4Network',
      id: this.newId(),
      parentId: blockId,
      name,
      udfs,
      cidr,
      gateway: gw,
    })
    this.assigned.set(network.id, new Map())
    if (gw !== undefined) this.place(network, gw, { state: 'GATEWAY' })
    return network
  }

  addView(configurationId: number, name: string): ViewEntity {
    this.require(configurationId, 'Configuration')
    if (this.childrenOf(configurationId, 'View').some((v) => v.name === name)) {
      throw BamErrors.duplicateName(name)
    }
    return this.insert<ViewEntity>({
      kind: 'View',
      id: this.newId(),
      parentId: configurationId,
      name,
      udfs: new Map(),
    })
  }

  /** The zone for an absolute name in a view, creating it and its missing parents. */
  ensureZone(viewId: number, absoluteName: string): ZoneEntity {
    this.require(viewId, 'View')
    const labels = absoluteName.replace(/\.$/, '').toLowerCase().split('.').reverse()
    let parentId = viewId
    let zone: ZoneEntity | undefined
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] ?? ''
      const fqdn = labels
        .slice(0, i + 1)
        .reverse()
        .join('.')
      zone = this.childrenOf(parentId, 'Zone').find((z) => z.name === label)
      zone ??= this.insert<ZoneEntity>({
        kind: 'Zone',
        id: this.newId(),
        parentId,
        name: label,
        udfs: new Map(),
        absoluteName: fqdn,
      })
      parentId = zone.id
    }
    if (zone === undefined) throw BamErrors.invalidValue('absoluteName', absoluteName)
    return zone
  }

  /** The deepest zone of a view that holds `fqdn`, and the record name inside it. */
  zoneFor(viewId: number, fqdn: string): { zone: ZoneEntity; name: string } | undefined {
    const name = fqdn.replace(/\.$/, '').toLowerCase()
    let best: ZoneEntity | undefined
    for (const zone of this.descendants(viewId, 'Zone')) {
      const fits = name === zone.absoluteName || name.endsWith(`.${zone.absoluteName}`)
      if (fits && (best === undefined || zone.absoluteName.length > best.absoluteName.length)) {
        best = zone
      }
    }
    if (best === undefined) return undefined
    const label = name === best.absoluteName ? '' : name.slice(0, -best.absoluteName.length - 1)
    return { zone: best, name: label }
  }

  /**
   * Adds a host record. Addresses inside a network of the configuration that are not assigned yet
   * become STATIC addresses, as BAM does.
   * @throws ResourceAlreadyExists when a host record of that name exists in the zone
   */
  addHostRecord(
    zoneId: number,
    name: string,
    addresses: readonly bigint[],
    reverseRecord: boolean,
    ttl: number | undefined,
  ): HostRecordEntity {
    const zone = this.require(zoneId, 'Zone')
    const absoluteName =
      name === '' ? zone.absoluteName : `${name.toLowerCase()}.${zone.absoluteName}`
    if (this.childrenOf(zoneId, 'HostRecord').some((h) => h.absoluteName === absoluteName)) {
      throw BamErrors.duplicateName(absoluteName)
    }
    const config = this.configurationOf(zone)
    for (const value of addresses) {
      const network = this.networkContaining(config.id, value)
      if (network !== undefined && this.addressIn(network, value) === undefined) {
        this.place(network, value, { state: 'STATIC' })
      }
    }
    return this.insert<HostRecordEntity>({
      kind: 'HostRecord',
      id: this.newId(),
      parentId: zoneId,
      name,
      udfs: new Map(),
      absoluteName,
      addresses: [...addresses],
      reverseRecord,
      ttl,
    })
  }

  /** Host records of the address's configuration that point to it. */
  hostRecordsOf(address: AddressEntity): HostRecordEntity[] {
    const config = this.configurationOf(address)
    return this.descendants(config.id, 'HostRecord').filter((h) =>
      h.addresses.includes(address.value),
    )
  }

  /** The network of a configuration that contains the address. */
  networkContaining(configurationId: number, value: bigint): NetworkEntity | undefined {
    return this.descendants(configurationId, 'IP4Network').find((n) =>
      cidrContains(n.cidr, { version: 4, value }),
    )
  }

  addressIn(network: NetworkEntity, value: bigint): AddressEntity | undefined {
    const id = this.assigned.get(network.id)?.get(value)
    return id === undefined ? undefined : (this.get(id) as AddressEntity | undefined)
  }

  /** Assigned addresses of a network, in address order. */
  addressesOf(network: NetworkEntity): AddressEntity[] {
    return this.childrenOf(network.id, 'IP4Address').sort((a, b) =>
      a.value < b.value ? -1 : a.value > b.value ? 1 : 0,
    )
  }

  /** The lowest usable unassigned address of a network (non-reserving). */
  nextFree(network: NetworkEntity): bigint | undefined {
    const taken = this.assigned.get(network.id) ?? new Map<bigint, number>()
    const { first, last } = usableRange(network.cidr)
    for (let v = first; v <= last; v++) if (!taken.has(v)) return v
    return undefined
  }

  /** Assigns the lowest free address of the network. @throws NoSpaceForAddress */
  assignNext(network: NetworkEntity, spec: AssignSpec): AddressEntity {
    const value = this.nextFree(network)
    if (value === undefined) throw BamErrors.noSpace(formatCidr(network.cidr))
    return this.place(network, value, spec)
  }

  /**
   * Assigns a given address of the network.
   * @throws AddressNotInNetwork, AddressIsNetworkId, AddressIsBroadcastAddress, ResourceAlreadyExists
   */
  assignAt(network: NetworkEntity, value: bigint, spec: AssignSpec): AddressEntity {
    const text = formatIpv4(value)
    if (!cidrContains(network.cidr, { version: 4, value })) throw BamErrors.notInNetwork(text)
    if (network.cidr.prefixLength <= 30) {
      if (value === network.cidr.network) throw BamErrors.networkId(text)
      if (value === lastAddress(network.cidr)) throw BamErrors.broadcast(text)
    }
    if (this.addressIn(network, value) !== undefined) throw BamErrors.addressInUse(text)
    return this.place(network, value, spec)
  }

  /** Deletes an object and everything under it; an address also leaves its host records. */
  delete(id: number): void {
    const entity = this.get(id)
    if (entity === undefined) throw BamErrors.notFound(id)
    for (const child of this.childrenOf(id)) if (this.has(child.id)) this.delete(child.id)
    if (entity.kind === 'IP4Address') {
      // NOTE: BAM drops a released address from its host records and removes host records left
      // without any address (not captured on a real appliance: external-apis.md §4 is silent).
      for (const record of this.hostRecordsOf(entity)) {
        record.addresses = record.addresses.filter((v) => v !== entity.value)
        if (record.addresses.length === 0) this.delete(record.id)
      }
      this.assigned.get(entity.parentId)?.delete(entity.value)
    }
    if (entity.kind === 'IP4Network') this.assigned.delete(id)
    this.detach(entity)
  }

  private place(network: NetworkEntity, value: bigint, spec: AssignSpec): AddressEntity {
    const address = this.insert<AddressEntity>({
      kind: 'IP4Address',
      id: this.newId(),
      parentId: network.id,
      name: spec.name ?? null,
      udfs: new Map(spec.udfs ?? []),
      value,
      state: spec.state,
      mac: spec.mac,
    })
    this.assigned.get(network.id)?.set(value, address.id)
    return address
  }

  private checkSiblings(parentId: number, cidr: Cidr): void {
    const range = formatCidr(cidr)
    for (const sibling of this.childrenOf(parentId)) {
      if (sibling.kind !== 'IP4Block' && sibling.kind !== 'IP4Network') continue
      if (!cidrsOverlap(sibling.cidr, cidr)) continue
      if (
        sibling.cidr.network === cidr.network &&
        sibling.cidr.prefixLength === cidr.prefixLength
      ) {
        throw BamErrors.conflicts(range)
      }
      throw BamErrors.overlapsSiblings(range, formatCidr(sibling.cidr))
    }
  }
}
