import { cidrWithin, formatCidr, type Cidr } from '../../src/domain/cidr.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import type { AddressState, BlockEntity, NetworkEntity } from './bluecat-model.ts'
import { parseV4, parseV4Cidr } from './bluecat-parse.ts'
import type { BamSessions } from './bluecat-sessions.ts'
import type { BamState, GatewaySpec } from './bluecat-state.ts'
import { formatBamMac } from './v1-properties.ts'

/** An assigned address as tests see it. */
export interface BamAddressSnapshot {
  readonly id: number
  readonly networkId: number
  readonly address: string
  readonly state: AddressState
  readonly name: string | null
  readonly macAddress: string | null
  readonly userDefinedFields: Readonly<Record<string, string>>
}

/** A host record as tests see it. */
export interface BamHostRecordSnapshot {
  readonly id: number
  readonly zoneId: number
  readonly absoluteName: string
  readonly addresses: readonly string[]
  readonly reverseRecord: boolean
}

type Udfs = Readonly<Record<string, string>>

/**
 * Seeding and inspection of an emulated Address Manager, for tests and demos: what an operator
 * would set up by hand (blocks, networks, DNS views and zones) and what a test wants to check or
 * break (addresses, host records, sessions). Works on the default configuration unless told.
 * Every method throws the emulator's BamError for what the appliance would refuse.
 */
export class BluecatStateHelpers {
  constructor(
    readonly bam: BamState,
    private readonly sessions: BamSessions,
    readonly configurationId: number,
  ) {}

  addConfiguration(name: string): number {
    return this.bam.addConfiguration(name).id
  }

  /** Adds a block (under the configuration, or `parentId`); returns its id. */
  addBlock(
    cidr: string,
    options: { parentId?: number; name?: string; userDefinedFields?: Udfs } = {},
  ): number {
    const parentId = options.parentId ?? this.configurationId
    return this.bam.addBlock(
      parentId,
      parseV4Cidr(cidr, 'cidr'),
      options.name ?? null,
      new Map(Object.entries(options.userDefinedFields ?? {})),
    ).id
  }

  /**
   * Adds a network under `blockId`, or under the smallest block of the configuration that holds it;
   * `gateway: false` for none, an address for a given one, else the first usable address.
   */
  addNetwork(
    cidr: string,
    options: {
      blockId?: number
      name?: string
      gateway?: string | false
      userDefinedFields?: Udfs
    } = {},
  ): number {
    const range = parseV4Cidr(cidr, 'cidr')
    const blockId = options.blockId ?? this.enclosingBlock(range).id
    let gateway: GatewaySpec = { kind: 'auto' }
    if (options.gateway === false) gateway = { kind: 'none' }
    else if (options.gateway !== undefined)
      gateway = { kind: 'at', value: parseV4(options.gateway, 'gateway') }
    const udfs = new Map(Object.entries(options.userDefinedFields ?? {}))
    return this.bam.addNetwork(blockId, range, options.name ?? null, gateway, udfs).id
  }

  addView(name: string, configurationId = this.configurationId): number {
    return this.bam.addView(configurationId, name).id
  }

  /** Adds a zone (and its missing parents) to a view; returns the zone id. */
  addZone(absoluteName: string, viewId: number): number {
    return this.bam.ensureZone(viewId, absoluteName).id
  }

  /** The id of the network with this CIDR in the configuration. */
  networkId(cidr: string, configurationId = this.configurationId): number | undefined {
    return this.network(cidr, configurationId)?.id
  }

  /** Assigned addresses of a network (by id or CIDR), in address order. */
  listAddresses(network: number | string): BamAddressSnapshot[] {
    return this.bam.addressesOf(this.resolveNetwork(network)).map((a) => ({
      id: a.id,
      networkId: a.parentId,
      address: formatIpv4(a.value),
      state: a.state,
      name: a.name,
      macAddress: a.mac === undefined ? null : formatBamMac(a.mac),
      userDefinedFields: Object.fromEntries(a.udfs),
    }))
  }

  /** The assigned address with this value in the configuration, if any. */
  address(address: string, configurationId = this.configurationId): BamAddressSnapshot | undefined {
    const value = parseV4(address, 'address')
    const network = this.bam.networkContaining(configurationId, value)
    if (network === undefined) return undefined
    return this.listAddresses(network.id).find((a) => a.address === formatIpv4(value))
  }

  /** Removes an assigned address by hand (as an operator would in the UI); false when none. */
  removeAddress(address: string, configurationId = this.configurationId): boolean {
    const found = this.address(address, configurationId)
    if (found === undefined) return false
    this.bam.delete(found.id)
    return true
  }

  /** Assigns every free address of a network; returns how many were assigned. */
  fillNetwork(network: number | string, state: AddressState = 'STATIC'): number {
    const target = this.resolveNetwork(network)
    let count = 0
    while (this.bam.nextFree(target) !== undefined) {
      this.bam.assignNext(target, { state, name: 'filled-by-test' })
      count++
    }
    return count
  }

  hostRecords(): BamHostRecordSnapshot[] {
    return this.bam.all('HostRecord').map((h) => ({
      id: h.id,
      zoneId: h.parentId,
      absoluteName: h.absoluteName,
      addresses: h.addresses.map(formatIpv4),
      reverseRecord: h.reverseRecord,
    }))
  }

  /** Ends every v1 and v2 session now: the next call with an old token gets 401. */
  expireSessions(): void {
    this.sessions.expireAll()
  }

  private network(cidr: string, configurationId: number): NetworkEntity | undefined {
    const range = parseV4Cidr(cidr, 'cidr')
    return this.bam
      .descendants(configurationId, 'IP4Network')
      .find((n) => n.cidr.network === range.network && n.cidr.prefixLength === range.prefixLength)
  }

  private resolveNetwork(network: number | string): NetworkEntity {
    if (typeof network === 'number') return this.bam.require(network, 'IP4Network')
    const found = this.network(network, this.configurationId)
    if (found === undefined) throw new Error(`No network ${network} in the configuration`)
    return found
  }

  private enclosingBlock(range: Cidr): BlockEntity {
    let best: BlockEntity | undefined
    for (const block of this.bam.descendants(this.configurationId, 'IP4Block')) {
      if (
        cidrWithin(range, block.cidr) &&
        (best === undefined || block.cidr.prefixLength > best.cidr.prefixLength)
      ) {
        best = block
      }
    }
    if (best === undefined) throw new Error(`No block holds ${formatCidr(range)}: add one first`)
    return best
  }
}
