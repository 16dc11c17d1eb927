import { cidrContains, formatCidr, lastAddress, type Cidr } from '../../../domain/cidr.ts'
import { IntervalSet, type Interval } from '../../../domain/interval-set.ts'
import { formatIp, parseIp, type IpAddress } from '../../../domain/ip-address.ts'
import type {
  AddressAsk,
  CheckStep,
  ExternalBackend,
  ExternalSubnet,
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from '../external/external-backend.ts'
import { runCheck } from '../external/check-runner.ts'
import { ExternalIpamError } from '../external/external-errors.ts'
import type { VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import type { BamAddress, BamApi, BamAssignment, HostPlace } from './bluecat-api.ts'
import { addressName, bamMac, ourMac, tagFields, tagOf, UDF } from './bluecat-tag.ts'
import { qualifiedName } from '../external/qualified-name.ts'

/** What the BlueCat mapping reads from `[bluecat]` (the credentials stay in the client). */
export interface BluecatSettings {
  readonly username: string
  readonly configuration: string
  /** Both set: host records for ports; either empty: no DNS. */
  readonly dnsView: string
  readonly dnsZone: string
}

/** How many times an address probed free may be taken by someone else before we give up. */
const PROBE_ATTEMPTS = 5

/** The addresses BAM can hand out in a network: all of a /31 or /32, else all but the ends. */
function usable(cidr: Cidr): Interval {
  if (cidr.prefixLength >= 31) return { start: cidr.network, end: lastAddress(cidr) }
  return { start: cidr.network + 1n, end: lastAddress(cidr) - 1n }
}

/** The numeric id at the end of one of our refs (`addresses/123`, `networks/45`). */
function idOf(ref: string): number {
  const id = /([0-9]+)$/.exec(ref)?.[1]
  return id === undefined ? 0 : Number(id)
}

/**
 * The BlueCat Address Manager mapping, over either API generation: a subnet is an IPv4 network
 * of the configured configuration, adopted when it exists or created in the most specific IPv4
 * block enclosing it (with the subnet's gateway as its GATEWAY address, or none); a port's
 * address is an IPv4 address (STATIC) assigned by BAM's next-available in one call, carrying the
 * name `port-<id>`, the MAC and our tag as user-defined fields, and with DNS configured a host
 * record created with it. Refs are `networks/<id>` and `addresses/<id>`; releases delete by id.
 */
export class BluecatBackend implements ExternalBackend {
  readonly driver = 'bluecat'
  readonly capabilities: { ipv6: boolean; dns: boolean; mac: boolean }
  private configurationId: number | undefined
  private viewId: number | undefined
  private place: HostPlace | undefined

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly api: BamApi,
    private readonly settings: BluecatSettings,
    private readonly baseUrl: string,
  ) {
    this.capabilities = { ipv6: false, dns: this.dns, mac: true }
  }

  get endpoint(): string {
    return `${this.baseUrl}${this.api.basePath}`
  }

  get scope(): string {
    return `configuration ${this.settings.configuration}`
  }

  /** Logins so far (each is one call carrying credentials). */
  get logins(): number {
    return this.api.logins
  }

  private get dns(): boolean {
    return this.settings.dnsView !== '' && this.settings.dnsZone !== ''
  }

  private fail(kind: ExternalIpamError['kind'], cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, this.driver, this.endpoint, cause)
  }

  /** The configuration's id (looked up once). @throws 'range-not-defined' when it does not exist */
  private async configuration(): Promise<number> {
    if (this.configurationId !== undefined) return this.configurationId
    const id = await this.api.configuration(this.settings.configuration)
    if (id === undefined)
      throw this.fail(
        'range-not-defined',
        `configuration ${this.settings.configuration} does not exist in Address Manager`,
      )
    this.configurationId = id
    return id
  }

  /** The DNS view's id (looked up once). @throws 'protocol' when it does not exist */
  private async view(configurationId: number): Promise<number> {
    if (this.viewId !== undefined) return this.viewId
    const id = await this.api.view(configurationId, this.settings.dnsView)
    if (id === undefined)
      throw this.fail(
        'protocol',
        `DNS view ${this.settings.dnsView} does not exist in configuration ${this.settings.configuration}`,
      )
    this.viewId = id
    return id
  }

  /** The view and zone host records are added to outside an assignment (renames). */
  private async hostPlace(): Promise<HostPlace> {
    if (this.place !== undefined) return this.place
    const cfg = await this.configuration()
    const viewId = await this.view(cfg)
    const zoneId = await this.api.zone(cfg, viewId, this.settings.dnsZone)
    if (zoneId === undefined)
      throw this.fail(
        'protocol',
        `zone ${this.settings.dnsZone} does not exist in DNS view ${this.settings.dnsView}`,
      )
    this.place = { viewId, zoneId, zone: this.settings.dnsZone }
    return this.place
  }

  private hostName(tag: ReservationTag): string {
    return qualifiedName(
      tag.dnsName === '' ? `port-${tag.portId}` : tag.dnsName,
      this.settings.dnsZone,
    )
  }

  // ---------------------------------------------------------------- subnets

  async prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet> {
    const cidr = formatCidr(spec.cidr)
    if (spec.cidr.version !== 4)
      throw this.fail('range-not-defined', 'the bluecat driver maps IPv4 blocks only')
    const configurationId = await this.configuration()
    const base: Record<string, number> = { configurationId }
    if (this.dns) base.viewId = await this.view(configurationId)
    const at = await this.api.place(configurationId, spec.cidr)
    if (at.network !== undefined) {
      return {
        ref: `networks/${at.network.id}`,
        createdByUs: false,
        detail: {
          ...base,
          networkId: at.network.id,
          gateway: at.network.gateway === undefined ? '' : formatIp(at.network.gateway),
          adopted: true,
        },
      }
    }
    if (at.overlapping !== undefined) throw this.fail('range-overlap', at.overlapping)
    if (at.block === undefined)
      throw this.fail(
        'range-not-defined',
        `no IPv4 block in configuration ${this.settings.configuration} encloses ${cidr}; create one there first`,
      )
    let network
    try {
      network = await this.api.createNetwork(
        at.block.id,
        spec.cidr,
        `xloud-${spec.subnetId}`,
        spec.gateway,
      )
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'range-overlap')
        throw this.fail(
          'range-overlap',
          `an existing network or block of block ${formatCidr(at.block.cidr)} (Address Manager: ${error.reason})`,
        )
      throw error
    }
    return {
      ref: `networks/${network.id}`,
      createdByUs: true,
      detail: {
        ...base,
        networkId: network.id,
        blockId: at.block.id,
        // NOTE: the gateway BAM reports, not the one asked for (v2 ignores what it does not
        // know): it decides whether BAM's next-available stays inside our pools.
        gateway: network.gateway === undefined ? '' : formatIp(network.gateway),
      },
    }
  }

  async releaseSubnet(ref: string): Promise<void> {
    try {
      await this.api.deleteNetwork(idOf(ref))
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  // ---------------------------------------------------------------- addresses

  async reserve(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const configurationId = Number(subnet.detail.configurationId)
    const networkId = Number(subnet.detail.networkId)
    let host: BamAssignment['host']
    if (this.dns && tag.primary) {
      const viewId =
        typeof subnet.detail.viewId === 'number'
          ? subnet.detail.viewId
          : await this.view(configurationId)
      host = { fqdn: this.hostName(tag), viewId }
    }
    const what: BamAssignment = {
      name: addressName(tag.portId),
      mac: bamMac(tag.macAddress),
      udfs: tagFields(tag),
      host,
    }
    let assigned: BamAddress
    if (ask.kind === 'specific')
      assigned = await this.api.assign(configurationId, networkId, ask.address, what)
    else if (this.serverPicksInPools(spec, subnet))
      assigned = await this.api.assign(configurationId, networkId, undefined, what)
    else assigned = await this.assignInPools(spec, configurationId, networkId, what)
    if (assigned.udfs[UDF.port] !== tag.portId) {
      // NOTE: BAM drops fields it does not know without a word (v2): an address without our tag
      // could never be found again, so it is given back and the create fails.
      await this.release(`addresses/${assigned.id}`).catch(() => undefined)
      throw this.fail(
        'protocol',
        `address ${formatIp(assigned.address)} was created without the user-defined field ${UDF.port}: define ${Object.values(UDF).join(', ')} for IPv4 addresses`,
      )
    }
    return {
      ref: `addresses/${assigned.id}`,
      address: assigned.address,
      tag,
      dnsName: host?.fqdn ?? '',
      macAddress: tag.macAddress,
    }
  }

  /**
   * Whether BAM's own next-available can only give addresses of our pools: every address it
   * may hand out (the usable ones but its GATEWAY) lies in a pool. True for the networks we
   * create with default pools, so the common create is one call.
   */
  private serverPicksInPools(spec: ExternalSubnetSpec, subnet: ExternalSubnet): boolean {
    let free = IntervalSet.of([usable(spec.cidr)])
    const gateway = parseIp(String(subnet.detail.gateway ?? ''))
    if (gateway !== undefined)
      free = free.subtract(IntervalSet.of([{ start: gateway.value, end: gateway.value }]))
    return IntervalSet.of(spec.pools).covers(free)
  }

  /**
   * Pools BAM does not know about (a hole, an adopted network's other gateway): probe the first
   * unassigned address inside the pools, then assign exactly it; another client taking it first
   * sends us probing again, a bounded number of times.
   */
  private async assignInPools(
    spec: ExternalSubnetSpec,
    configurationId: number,
    networkId: number,
    what: BamAssignment,
  ): Promise<BamAddress> {
    const pools = IntervalSet.of(spec.pools).intervals
    for (let attempt = 1; ; attempt++) {
      const free = await this.api.firstFree(networkId, pools)
      if (free === undefined)
        throw this.fail(
          'exhausted',
          `no unassigned address in the allocation pools of ${formatCidr(spec.cidr)}`,
        )
      try {
        return await this.api.assign(configurationId, networkId, free, what)
      } catch (error) {
        if (!(error instanceof ExternalIpamError) || error.kind !== 'taken') throw error
      }
      if (attempt >= PROBE_ATTEMPTS)
        throw this.fail(
          'unavailable',
          `${PROBE_ATTEMPTS} addresses probed free in ${formatCidr(spec.cidr)} were taken by other clients first`,
        )
    }
  }

  async release(ref: string): Promise<void> {
    try {
      await this.api.deleteAddress(idOf(ref))
    } catch (error) {
      // NOTE: an address removed by hand is gone for good (BAM never reuses ids): released.
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  async update(ref: string, _address: IpAddress, tag: ReservationTag): Promise<void> {
    const id = idOf(ref)
    const current = await this.api.address(id)
    if (current === undefined) throw this.fail('not-found', `address ${id} no longer exists`)
    await this.api.updateAddress(current, {
      name: addressName(tag.portId),
      mac: bamMac(tag.macAddress),
      udfs: tagFields(tag),
    })
    if (!this.dns) return
    // NOTE: the port's first address is the one with a host record; a rename replaces it.
    const records = await this.api.hostRecords(id)
    const wanted = this.hostName(tag)
    if (records.length === 0 || records.some((r) => r.absoluteName === wanted)) return
    for (const r of records) await this.api.deleteHostRecord(r.id)
    await this.api.addHostRecord(await this.hostPlace(), wanted, current.address)
  }

  // ---------------------------------------------------------------- lookups

  private reservation(a: BamAddress): Reservation {
    return {
      ref: `addresses/${a.id}`,
      address: a.address,
      tag: tagOf(a.udfs),
      dnsName: '',
      macAddress: ourMac(a.mac),
    }
  }

  async *list(_spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncGenerator<Reservation> {
    for await (const a of this.api.addresses(Number(subnet.detail.networkId)))
      yield this.reservation(a)
  }

  async findByPort(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]> {
    const found = await this.api.addressesTagged(
      Number(subnet.detail.configurationId),
      UDF.port,
      portId,
      addressName(portId),
    )
    return found.filter((a) => cidrContains(spec.cidr, a.address)).map((a) => this.reservation(a))
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuit
  }

  // ---------------------------------------------------------------- check

  async check(): Promise<CheckStep[]> {
    let found: number | undefined
    return runCheck(
      this.endpoint,
      () => this.http.request({ method: 'GET', path: this.api.probePath }),
      [
        {
          name: 'authenticate',
          run: async () => {
            found = await this.api.configuration(this.settings.configuration)
            return `user ${this.settings.username} accepted (API ${this.api.generation})`
          },
        },
        {
          name: 'configuration',
          run: async () => {
            if (found === undefined)
              throw new Error(`configuration ${this.settings.configuration} does not exist`)
            return `configuration ${this.settings.configuration} found (id ${found})`
          },
        },
        {
          name: 'DNS view and zone',
          run: async () => {
            if (!this.dns)
              return 'DNS not configured (dns_view or dns_zone empty): addresses without host records'
            const place = await this.hostPlace()
            return `DNS view ${this.settings.dnsView} (id ${place.viewId}), zone ${this.settings.dnsZone} (id ${place.zoneId}) found`
          },
        },
        {
          name: 'pre-defined blocks',
          run: async () => {
            const blocks = await this.api.blocks(found ?? 0, 11)
            if (blocks.length === 0)
              return `none in configuration ${this.settings.configuration}: subnet creates will be refused until one is defined`
            const shown = blocks.slice(0, 10).map((b) => formatCidr(b.cidr))
            return `${blocks.length > 10 ? 'more than 10' : blocks.length} in configuration ${this.settings.configuration}: ${shown.join(', ')}${blocks.length > 10 ? ', …' : ''}; our addresses carry the user-defined fields ${Object.values(UDF).join(', ')}`
          },
        },
      ],
    )
  }

  async close(): Promise<void> {
    try {
      await this.api.logout()
    } catch {
      // Best effort: the session ends by itself when it expires.
    }
    await this.http.close()
  }
}
