import { cidrWithin, formatCidr, lastAddress, type Cidr } from '../../../domain/cidr.ts'
import { IntervalSet } from '../../../domain/interval-set.ts'
import { formatIpv4, parseIp, parseIpv4, type IpAddress } from '../../../domain/ip-address.ts'
import { formatMac, parseMac } from '../../../domain/mac-address.ts'
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
import {
  IpamHierarchy,
  PLACEMENT_COLUMNS,
  placementOf,
  type SubnetPlacement,
} from './solarwinds-hierarchy.ts'
import { portPattern, tagComment, tagOfComment } from './solarwinds-tag.ts'
import { SWIS_PATH, type SwisClient, type SwisRow, type SwisValue } from './swis-client.ts'

/** What the SolarWinds mapping reads from `[solarwinds]` (the credentials stay in the client). */
export interface SolarwindsSettings {
  readonly username: string
  /** Hierarchy group of the subnets ('' none: the `*ForGroup` verbs are not used). */
  readonly group: string
  /** Minutes a StartIpReservation holds its address. */
  readonly reservationMinutes: number
  /**
   * How long after a StartIpReservation answered we may still finish it: the reservation's
   * lifetime less a margin for the finishing call itself.
   */
  readonly finishWithinMs: number
  /** The clock (tests replace it). */
  readonly now?: () => number
}

/** IPAM.IPNode Status values (§5.3). */
const USED = 1
const AVAILABLE = 2

const SM = 'IPAM.SubnetManagement'

const NODE_COLUMNS = 'IpNodeId, IPAddress, Status, MAC, Comments, Uri'

/** A MAC as IPAM shows it (FA:16:3E:11:22:33); '' when none. */
function swisMac(mac: string): string {
  const octets = parseMac(mac)
  return octets === undefined ? '' : formatMac(octets).toUpperCase()
}

/** Host addresses of a subnet: all of a /31 or /32, else without network and broadcast. */
function hosts(cidr: Cidr): { first: bigint; last: bigint } {
  if (cidr.prefixLength >= 31) return { first: cidr.network, last: lastAddress(cidr) }
  return { first: cidr.network + 1n, last: lastAddress(cidr) - 1n }
}

/**
 * The SolarWinds IPAM mapping: a subnet is an `IPAM.Subnet` found by SWQL (adopted), or created
 * in the supernet enclosing it; a port's address is one of its pre-created `IPAM.IPNode` rows,
 * taken with the two-phase reservation (StartIpReservation, then finished as Used together with
 * the MAC and our tag in Comments, in one update of the node), so two calls per create. Any
 * failure in between cancels the reservation; a process that dies in between leaves it to lapse
 * on the SolarWinds side, and only Used nodes carrying our tag are ever treated as ours. Refs are
 * the nodes' `swis://` URIs; a release sets the node Available and clears what we wrote.
 */
export class SolarwindsBackend implements ExternalBackend {
  readonly driver = 'solarwinds'
  readonly capabilities = { ipv6: false, dns: false, mac: true }
  private readonly now: () => number

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly swis: SwisClient,
    private readonly settings: SolarwindsSettings,
  ) {
    this.now = settings.now ?? Date.now
  }

  get endpoint(): string {
    return this.swis.endpoint
  }

  get scope(): string {
    return this.settings.group === '' ? 'all hierarchies' : `hierarchy group ${this.settings.group}`
  }

  private get group(): string {
    return this.settings.group
  }

  private fail(kind: ExternalIpamError['kind'], cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, this.driver, this.endpoint, cause)
  }

  // ---------------------------------------------------------------- subnets

  async prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet> {
    const cidr = formatCidr(spec.cidr)
    if (spec.cidr.version !== 4)
      throw this.fail('range-not-defined', 'the solarwinds driver maps IPv4 subnets only')
    const address = formatIpv4(spec.cidr.network)
    const exact = await this.placements(address, spec.cidr.prefixLength)
    const hierarchy =
      this.group !== '' || exact.length === 0 ? await IpamHierarchy.load(this.swis) : undefined
    if (hierarchy !== undefined && this.group !== '' && !hierarchy.hasGroup(this.group))
      throw this.fail('range-not-defined', `hierarchy group ${this.group} does not exist`)
    // With a group, one subnet placed twice inside it is still one subnet for the *ForGroup verbs.
    const mine =
      hierarchy === undefined || this.group === ''
        ? exact
        : exact
            .filter((p) => hierarchy.inGroup(p, this.group))
            .filter((p, i, all) => all.findIndex((q) => q.subnetId === p.subnetId) === i)
    if (mine.length > 1) {
      // NOTE: the plain verbs (StartIpReservation, ChangeIpStatus, …) name a subnet by address
      // alone: with two copies they may act on the other one. A hierarchy group disambiguates.
      const tree = hierarchy ?? (await IpamHierarchy.load(this.swis))
      const where = mine
        .map((p) => `SubnetId ${p.subnetId} in "${[...tree.topsOf(p)].join('", "')}"`)
        .join(', ')
      throw this.fail(
        'range-overlap',
        `its own copies: it exists ${mine.length} times in the IPAM hierarchy (${where}); set [solarwinds] group to the hierarchy group whose copy to use`,
      )
    }
    const found = mine[0]
    if (found !== undefined) return this.adopted(found, false)
    if (exact.length > 0)
      throw this.fail(
        'range-not-defined',
        `${cidr} exists in IPAM but not in hierarchy group ${this.group}`,
      )
    const supernet = (hierarchy?.supernets() ?? [])
      .filter((s) => s.cidr !== undefined && cidrWithin(spec.cidr, s.cidr))
      .filter((s) => this.group === '' || hierarchy?.inGroup(s, this.group) === true)
      .sort((a, b) => (b.cidr?.prefixLength ?? 0) - (a.cidr?.prefixLength ?? 0))[0]
    if (supernet === undefined)
      throw this.fail(
        'range-not-defined',
        `no subnet ${cidr} and no supernet enclosing it in IPAM (${this.scope}); define one there first`,
      )
    await this.swis.invoke(
      SM,
      'CreateSubnetForGivenParentNode',
      [address, String(spec.cidr.prefixLength), supernet.subnetId],
      false,
    )
    const created = (await this.placements(address, spec.cidr.prefixLength)).find(
      (p) => p.parentId === supernet.subnetId,
    )
    if (created === undefined)
      throw this.fail('protocol', `subnet ${cidr} was created but cannot be found again`)
    return this.adopted(created, true)
  }

  /** Placements of the subnet with this address and CIDR (GroupType 8). */
  private async placements(address: string, prefixLength: number): Promise<SubnetPlacement[]> {
    const rows = await this.swis.query(
      `SELECT ${PLACEMENT_COLUMNS} FROM IPAM.Subnet WHERE Address = @a AND CIDR = @c AND GroupType = 8`,
      { a: address, c: prefixLength },
    )
    return rows.flatMap((r) => placementOf(r) ?? [])
  }

  /**
   * Our record of a subnet, with what makes a create two calls: how node ids follow addresses.
   *
   * NOTE: IPAM creates a subnet's node rows in one go, so IpNodeId − address is the same for its
   * first and last host; when it is, a node's URI is computed from the address Start answers.
   * Otherwise the node is looked up after the Start (one call more per create).
   */
  private async adopted(p: SubnetPlacement, createdByUs: boolean): Promise<ExternalSubnet> {
    const cidr = p.cidr
    if (cidr === undefined) throw this.fail('protocol', `subnet ${p.subnetId} without a range`)
    const { first, last } = hosts(cidr)
    const ends = await this.swis.query(
      `SELECT ${NODE_COLUMNS} FROM IPAM.IPNode WHERE SubnetId = @s AND IPAddress IN (@first, @last)`,
      { s: p.subnetId, first: formatIpv4(first), last: formatIpv4(last) },
    )
    const offsets = new Set<number>()
    let nodeUri = ''
    for (const row of ends) {
      const ip = parseIpv4(String(row.IPAddress ?? ''))
      if (ip === undefined || typeof row.IpNodeId !== 'number') continue
      offsets.add(row.IpNodeId - Number(ip.value))
      nodeUri = String(row.Uri ?? '').replace(/[0-9]+$/, '')
    }
    const detail: Record<string, string | number | boolean> = {
      subnetId: p.subnetId,
      parentId: p.parentId,
      address: formatIpv4(cidr.network),
      cidr: cidr.prefixLength,
    }
    const expected = first === last ? 1 : 2
    if (offsets.size === 1 && ends.length === expected && nodeUri.endsWith('IpNodeId=')) {
      detail.nodeOffset = [...offsets][0] ?? 0
      detail.nodeUri = nodeUri
    }
    if (this.group !== '') detail.group = this.group
    if (!createdByUs) detail.adopted = true
    return { ref: p.uri, createdByUs, detail }
  }

  async releaseSubnet(ref: string): Promise<void> {
    try {
      await this.swis.remove(ref)
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
    if (ask.kind === 'specific') {
      // NOTE: "is the node available?" and "take it" in one atomic step: a reservation starting
      // at the address holds exactly it when it is Available, else some later one (cancelled).
      const held = await this.start(subnet, ask.address.value)
      if (held?.address.value !== ask.address.value) {
        if (held !== undefined) await this.abandon(subnet, held.address, tag)
        throw this.fail('taken', `${formatIpv4(ask.address.value)} is not Available`)
      }
      return this.finish(subnet, held.address, held.at, tag)
    }
    const pools = IntervalSet.of(spec.pools)
    let from = pools.intervals[0]?.start
    while (from !== undefined) {
      const held = await this.start(subnet, from)
      if (held === undefined) break
      if (pools.has(held.address.value)) return this.finish(subnet, held.address, held.at, tag)
      // Available only outside our pools from there on: give it back, try the next pool.
      await this.abandon(subnet, held.address, tag)
      const after = held.address.value
      from = pools.intervals.find((i) => i.start > after)?.start
    }
    throw this.fail(
      'exhausted',
      `no Available address in the allocation pools of ${formatCidr(spec.cidr)}`,
    )
  }

  /** Positional arguments of a verb, with the hierarchy group where the verb takes one. */
  private verb(
    name: string,
    head: readonly SwisValue[],
    tail: readonly SwisValue[] = [],
  ): [string, SwisValue[]] {
    return this.group === ''
      ? [name, [...head, ...tail]]
      : [`${name}ForGroup`, [...head, this.group, ...tail]]
  }

  /**
   * Phase one: StartIpReservation from an address on; undefined when none is Available.
   * Returns the held address and when it was asked for (its lifetime runs from then).
   */
  private async start(
    subnet: ExternalSubnet,
    from: bigint,
  ): Promise<{ address: IpAddress; at: number } | undefined> {
    const at = this.now()
    const [verb, args] = this.verb(
      'StartIpReservation',
      [String(subnet.detail.address), String(subnet.detail.cidr)],
      [this.settings.reservationMinutes, formatIpv4(from)],
    )
    let answer: unknown
    try {
      answer = await this.swis.invoke(SM, verb, args, false)
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'exhausted') return undefined
      throw error
    }
    const address = typeof answer === 'string' ? parseIpv4(answer.trim()) : undefined
    if (address === undefined)
      throw this.fail('protocol', `StartIpReservation answered ${JSON.stringify(answer)}`)
    return { address, at }
  }

  /** The URI of an address's node: computed when the subnet allows it, else looked up. */
  private async nodeUri(subnet: ExternalSubnet, address: IpAddress): Promise<string> {
    const { nodeOffset, nodeUri } = subnet.detail
    if (typeof nodeOffset === 'number' && typeof nodeUri === 'string')
      return `${nodeUri}${nodeOffset + Number(address.value)}`
    const [row] = await this.swis.query(
      `SELECT ${NODE_COLUMNS} FROM IPAM.IPNode WHERE SubnetId = @s AND IPAddress = @ip`,
      { s: Number(subnet.detail.subnetId), ip: formatIpv4(address.value) },
    )
    if (typeof row?.Uri !== 'string')
      throw this.fail('protocol', `no IP node for ${formatIpv4(address.value)}`)
    return row.Uri
  }

  /**
   * Phase two: the held node becomes Used with the MAC and our tag, in one update. When the
   * reservation may have lapsed already it is not finished (the address could be someone
   * else's by now). Any failure cancels the reservation; it is an outage (503) unless SolarWinds
   * refused the update itself (400).
   */
  private async finish(
    subnet: ExternalSubnet,
    address: IpAddress,
    startedAt: number,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const ip = formatIpv4(address.value)
    let uri: string | undefined
    try {
      if (this.now() - startedAt > this.settings.finishWithinMs)
        throw this.fail(
          'timeout',
          `the reservation of ${ip} may have lapsed (held for ${this.settings.reservationMinutes} min) before it was finished`,
        )
      uri = await this.nodeUri(subnet, address)
      await this.swis.update(
        uri,
        { Status: USED, MAC: swisMac(tag.macAddress), Comments: tagComment(tag) },
        false,
      )
    } catch (error) {
      await this.abandon(subnet, address, tag, uri)
      // NOTE: a refusal of this request stays one (400), after the cancel, like any other.
      if (error instanceof ExternalIpamError && (error.isOutage || error.kind === 'rejected'))
        throw error
      throw this.fail(
        'unavailable',
        `finishing the reservation of ${ip} failed (${error instanceof ExternalIpamError ? error.reason : String(error)}); it was cancelled`,
      )
    }
    return { ref: uri, address, tag, dnsName: '', macAddress: tag.macAddress }
  }

  /**
   * Gives a held address back: CancelIpReservation. When there is no reservation to cancel and
   * the node turns out Used with our port's tag (a finish whose answer was lost), it is released.
   * Other failures are left to the reservation's own expiry.
   */
  private async abandon(
    subnet: ExternalSubnet,
    address: IpAddress,
    tag: ReservationTag,
    uri?: string,
  ): Promise<void> {
    const [verb, args] = this.verb('CancelIpReservation', [formatIpv4(address.value)])
    try {
      await this.swis.invoke(SM, verb, args, true)
    } catch (error) {
      if (!(error instanceof ExternalIpamError) || error.kind !== 'not-found') return
      try {
        const node = await this.swis.read(uri ?? (await this.nodeUri(subnet, address)))
        if (
          node.Status === USED &&
          tagOfComment(String(node.Comments ?? ''))?.portId === tag.portId
        )
          await this.release(String(node.Uri ?? uri))
      } catch {
        // Left to reconcile: the node carries our tag, so it shows as an orphan.
      }
    }
  }

  async release(ref: string): Promise<void> {
    try {
      // NOTE: one update sets the node Available and clears what we wrote (ChangeIpStatus and a
      // node update would be two calls); a node set Available by hand is simply set again. SWIS
      // has no conditional update: checking first that the node still carries our tag would
      // double the calls of every delete.
      await this.swis.update(ref, { Status: AVAILABLE, MAC: '', Comments: '' }, true)
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  async update(ref: string, _address: IpAddress, tag: ReservationTag): Promise<void> {
    await this.swis.update(ref, { MAC: swisMac(tag.macAddress), Comments: tagComment(tag) }, true)
  }

  // ---------------------------------------------------------------- lookups

  /** A node row as a reservation: ours only when Used and carrying our tag. */
  private reservation(row: SwisRow): Reservation | undefined {
    const address = parseIp(String(row.IPAddress ?? ''))
    if (address === undefined || typeof row.Uri !== 'string') return undefined
    const mac = parseMac(String(row.MAC ?? ''))
    return {
      ref: row.Uri,
      address,
      // NOTE: a Transient node (someone's reservation, or ours from a process that died before
      // finishing) or a node set Available by hand is never ours, whatever its Comments say.
      tag: row.Status === USED ? tagOfComment(String(row.Comments ?? '')) : undefined,
      dnsName: '',
      macAddress: mac === undefined ? '' : formatMac(mac),
    }
  }

  /**
   * The subnet's nodes that are not Available, after one query for its IPAM.Subnet row: a subnet
   * deleted in IPAM takes its nodes with it, which is a gone range, not every address missing.
   * @throws ExternalIpamError 'not-found' naming the subnet when it no longer exists
   */
  async *list(spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncGenerator<Reservation> {
    await this.requireSubnet(spec, subnet)
    for await (const row of this.swis.rows(
      `SELECT ${NODE_COLUMNS} FROM IPAM.IPNode WHERE SubnetId = @s AND Status <> ${AVAILABLE} ORDER BY IpNodeId`,
      { s: Number(subnet.detail.subnetId) },
    )) {
      const r = this.reservation(row)
      if (r !== undefined) yield r
    }
  }

  /**
   * Makes sure the subnet still exists: its IPAM.Subnet row by SubnetId (SWIS answers a query
   * with no rows once it is deleted). NOTE: by SubnetId alone, not its URI: a subnet placed twice
   * whose other placement was removed is still there.
   * @throws ExternalIpamError 'not-found' when it is gone, or the outage kinds
   */
  private async requireSubnet(spec: ExternalSubnetSpec, subnet: ExternalSubnet): Promise<void> {
    const id = Number(subnet.detail.subnetId)
    const rows = await this.swis.query(
      'SELECT TOP 1 SubnetId FROM IPAM.Subnet WHERE SubnetId = @s',
      { s: id },
    )
    if (rows.length === 0)
      throw this.fail(
        'not-found',
        `subnet ${formatCidr(spec.cidr)} (SubnetId ${id}) no longer exists in SolarWinds IPAM`,
      )
  }

  async findByPort(
    _spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]> {
    const rows = await this.swis.query(
      `SELECT ${NODE_COLUMNS} FROM IPAM.IPNode WHERE SubnetId = @s AND Status = ${USED} AND Comments LIKE @p`,
      { s: Number(subnet.detail.subnetId), p: portPattern(portId) },
    )
    return rows
      .map((row) => this.reservation(row))
      .filter((r): r is Reservation => r?.tag?.portId === portId)
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuit
  }

  // ---------------------------------------------------------------- check

  async check(): Promise<CheckStep[]> {
    let hierarchy: IpamHierarchy | undefined
    return runCheck(
      this.endpoint,
      () => this.http.request({ method: 'GET', path: `${SWIS_PATH}/Query` }),
      [
        {
          name: 'authenticate',
          run: async () => {
            hierarchy = await IpamHierarchy.load(this.swis)
            return `user ${this.settings.username} accepted`
          },
        },
        {
          name: 'hierarchy group',
          run: async () => {
            if (this.group === '')
              return 'none configured: subnets are looked up in every hierarchy'
            if (hierarchy?.hasGroup(this.group) !== true)
              throw new Error(`hierarchy group ${this.group} does not exist`)
            return `hierarchy group ${this.group} found`
          },
        },
        {
          name: 'pre-defined subnets',
          run: async () => {
            const rows = await this.swis.query(
              `SELECT TOP 11 ${PLACEMENT_COLUMNS} FROM IPAM.Subnet WHERE GroupType = 8`,
            )
            const shown = rows
              .flatMap((r) => placementOf(r)?.cidr ?? [])
              .slice(0, 10)
              .map(formatCidr)
            const supernets = hierarchy?.supernets().length ?? 0
            if (rows.length === 0 && supernets === 0)
              return 'no subnet and no supernet: subnet creates will be refused until one is defined'
            return `${rows.length > 10 ? 'more than 10' : rows.length} subnets (${shown.join(', ')}${rows.length > 10 ? ', …' : ''}) and ${supernets} supernets`
          },
        },
      ],
    )
  }

  async close(): Promise<void> {
    await this.http.close()
  }
}
