import { formatCidr, parseCidr, type Cidr } from '../../../domain/cidr.ts'
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
import { NetboxClient, query, type NetboxObject } from './netbox-client.ts'
import {
  HOLD_DESCRIPTION,
  HOLD_PREFIX,
  describeReservation,
  describeSubnet,
  isHold,
  readReservation,
  subnetOfPrefix,
} from './netbox-marks.ts'
import {
  MAX_HOLDS,
  inPools,
  isGap,
  lastPoolEnd,
  poolGaps,
  valuesOf,
} from '../external/pool-gaps.ts'
import { qualifiedName } from '../external/qualified-name.ts'

export interface NetboxSettings {
  readonly token: string
  /** VRF name; empty: the global table. */
  readonly vrf: string
  /** Tenant slug set on our prefixes and addresses; empty: none. */
  readonly tenant: string
  /** Appended to a port's DNS name in `dns_name`; empty: the name as given. */
  readonly dnsDomain: string
  /** Slug of the tag on everything we create. */
  readonly tag: string
  /** `limit` of list calls (the server may cap it lower; `next` is followed anyway). */
  readonly pageSize: number
}

/** Where a subnet lives in NetBox: its prefix and VRF (null: the global table). */
interface Place {
  readonly prefixId: number
  readonly vrfId: number | null
}

interface Prefix {
  readonly id: number
  readonly cidr: Cidr
  readonly status: string
  readonly description: string
  readonly isPool: boolean
}

/** Addresses turned into holds in one reserve before giving up (pools changed a lot). */
const MAX_CONVERSIONS = 16

/** Addresses per `address=` lookup (keeps the URL short). */
const LOOKUP_BATCH = 64

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined

/** A choice field: `{value, label}` on read, a plain value in older answers. */
function choice(v: unknown): string {
  if (typeof v === 'object' && v !== null && 'value' in v) return String(v.value)
  return str(v)
}

function readPrefix(o: NetboxObject): Prefix | undefined {
  const id = num(o.id)
  const cidr = parseCidr(str(o.prefix))
  if (id === undefined || cidr === undefined) return undefined
  return {
    id,
    cidr,
    status: choice(o.status),
    description: str(o.description),
    isPool: o.is_pool === true,
  }
}

/** The host part of NetBox's `address` (`10.0.0.5/24` → 10.0.0.5). */
function hostOf(o: NetboxObject): IpAddress | undefined {
  return parseIp(str(o.address).split('/')[0] ?? '')
}

/** `ip-addresses/<id>`, with `#hold` for a hold a port took over. */
function refOf(id: number, held: boolean): string {
  return `ip-addresses/${id}${held ? '#hold' : ''}`
}

function parseRef(ref: string): { id: number; held: boolean } | undefined {
  const m = /^ip-addresses\/(\d+)(#hold)?$/.exec(ref)
  return m === null ? undefined : { id: Number(m[1]), held: m[2] !== undefined }
}

/**
 * The NetBox mapping: a subnet is a `prefix` in the configured VRF (or the global table),
 * adopted when it exists, else created inside the deepest enclosing `container` prefix; a
 * port's address is an `ip-address` created by the prefix's `available-ips` call (one call,
 * under NetBox's allocation lock) carrying `dns_name`, our tag and a description holding the
 * port's ids. A specific address is a plain create, then checked for a duplicate, because
 * NetBox does not refuse one. Addresses that available-ips could hand out but no allocation
 * pool covers (the gateway) are kept by "holds": reserved addresses of ours.
 *
 * NetBox has no MAC field on an IP address: the MAC is only written into the description.
 */
export class NetboxBackend implements ExternalBackend {
  readonly driver = 'netbox'
  readonly capabilities = { ipv6: true, dns: true, mac: false }
  private readonly client: NetboxClient
  private vrfLookup: Promise<number | null> | undefined
  private tagLookup: Promise<void> | undefined

  constructor(
    http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly settings: NetboxSettings,
    private readonly baseUrl: string,
  ) {
    this.client = new NetboxClient(http, resilience, settings.token)
  }

  get endpoint(): string {
    return `${this.baseUrl}/api`
  }

  get scope(): string {
    return this.settings.vrf === '' ? 'global table' : `VRF ${this.settings.vrf}`
  }

  private fail(kind: ExternalIpamError['kind'], cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, this.driver, this.endpoint, cause)
  }

  // ---------------------------------------------------------------- lookups of the scope

  /** The configured VRF's id (null: the global table), looked up once. */
  private vrfId(): Promise<number | null> {
    this.vrfLookup ??= this.findVrf().catch((error: unknown) => {
      this.vrfLookup = undefined
      throw error
    })
    return this.vrfLookup
  }

  private async findVrf(): Promise<number | null> {
    if (this.settings.vrf === '') return null
    const found = await this.client.all(
      `/api/ipam/vrfs/?${query({ name: this.settings.vrf, limit: this.settings.pageSize })}`,
    )
    if (found.length > 1)
      throw this.fail('protocol', `${found.length} VRFs are named ${this.settings.vrf}`)
    const id = num(found[0]?.id)
    if (id === undefined)
      throw this.fail('range-not-defined', `VRF ${this.settings.vrf} does not exist in NetBox`)
    return id
  }

  /** Makes sure our tag exists (NetBox refuses references to unknown tags), once. */
  private ensureTag(): Promise<void> {
    this.tagLookup ??= this.createTagIfMissing().catch((error: unknown) => {
      this.tagLookup = undefined
      throw error
    })
    return this.tagLookup
  }

  private async createTagIfMissing(): Promise<void> {
    const found = await this.client.all(`/api/extras/tags/?${query({ slug: this.settings.tag })}`)
    if (found.length > 0) return
    await this.client.call('POST', '/api/extras/tags/', {
      name: this.settings.tag,
      slug: this.settings.tag,
      description: 'Created by Xloud Networking: objects of its IPAM driver',
    })
  }

  private tenant(): Record<string, unknown> {
    return this.settings.tenant === '' ? {} : { tenant: { slug: this.settings.tenant } }
  }

  private place(subnet: ExternalSubnet): Place {
    const prefixId = num(subnet.detail.prefix)
    if (prefixId === undefined)
      throw this.fail('protocol', `subnet object ${subnet.ref} has no NetBox prefix id`)
    const vrf = num(subnet.detail.vrf) ?? 0
    return { prefixId, vrfId: vrf === 0 ? null : vrf }
  }

  // ---------------------------------------------------------------- subnets

  async prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet> {
    const vrfId = await this.vrfId()
    await this.ensureTag()
    const cidr = formatCidr(spec.cidr)
    const page = this.settings.pageSize
    const enclosing = (
      await this.client.all(
        `/api/ipam/prefixes/?${query({ contains: cidr, vrf_id: vrfId, limit: page })}`,
      )
    )
      .map(readPrefix)
      .filter((p): p is Prefix => p !== undefined)
    const nested = (
      await this.client.all(
        `/api/ipam/prefixes/?${query({ within: cidr, vrf_id: vrfId, limit: page })}`,
      )
    )
      .map(readPrefix)
      .filter((p): p is Prefix => p !== undefined)
    const inside = nested[0]
    const exact = enclosing.find((p) => formatCidr(p.cidr) === cidr)
    if (exact !== undefined) {
      const owner = subnetOfPrefix(exact.description)
      if (owner !== undefined && owner !== spec.subnetId)
        throw this.fail('range-overlap', `prefix ${cidr} (created by Xloud for subnet ${owner})`)
      if (inside !== undefined)
        throw this.fail('range-overlap', `prefix ${formatCidr(inside.cidr)} inside ${cidr}`)
      await this.placeHolds(spec, vrfId, exact.isPool)
      return {
        ref: `prefixes/${exact.id}`,
        createdByUs: false,
        detail: { prefix: exact.id, vrf: vrfId ?? 0, cidr, adopted: true },
      }
    }
    const container = enclosing
      .filter((p) => p.status === 'container')
      .sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength)[0]
    if (container === undefined) {
      throw this.fail(
        'range-not-defined',
        `no container prefix in the ${this.scope} encloses ${cidr}; create one there first`,
      )
    }
    const between = enclosing.find(
      (p) => p.status !== 'container' && p.cidr.prefixLength > container.cidr.prefixLength,
    )
    const clash = between ?? inside
    if (clash !== undefined) {
      const owner = subnetOfPrefix(clash.description)
      throw this.fail(
        'range-overlap',
        `prefix ${formatCidr(clash.cidr)}${owner === undefined ? ' (not created by Xloud)' : ` (created by Xloud for subnet ${owner})`}`,
      )
    }
    const created = readPrefix(
      (await this.client.call('POST', '/api/ipam/prefixes/', {
        prefix: cidr,
        vrf: vrfId,
        status: 'active',
        description: describeSubnet(spec.subnetId, spec.name),
        tags: [{ slug: this.settings.tag }],
        ...this.tenant(),
      })) as NetboxObject,
    )
    if (created === undefined) throw this.fail('protocol', 'prefix created without an id')
    try {
      await this.placeHolds(spec, vrfId, false)
    } catch (error) {
      await this.releaseSubnet(`prefixes/${created.id}`).catch(() => undefined)
      throw error
    }
    return {
      ref: `prefixes/${created.id}`,
      createdByUs: true,
      detail: { prefix: created.id, vrf: vrfId ?? 0, cidr, container: formatCidr(container.cidr) },
    }
  }

  /**
   * Puts holds on the addresses available-ips could hand out outside the pools (addresses
   * already there, ours or anybody's, hold themselves), and removes holds of ours that a pool
   * now covers.
   * @throws ExternalIpamError 'range-not-defined' when the pools leave too many such addresses
   */
  private async placeHolds(
    spec: ExternalSubnetSpec,
    vrfId: number | null,
    isPool: boolean,
  ): Promise<void> {
    const cidr = formatCidr(spec.cidr)
    // NOTE: available-ips never gives the IPv4 network address (below /31, outside pool
    // prefixes). The IPv6 Subnet-Router anycast address is held too: NetBox 3.1 hands it out,
    // later versions do not.
    const skipFirst = spec.cidr.version === 4 && !isPool && spec.cidr.prefixLength < 31
    const gaps = poolGaps(spec, skipFirst)
    if (gaps.size() > BigInt(MAX_HOLDS)) {
      throw this.fail(
        'range-not-defined',
        `the allocation pools of ${cidr} leave ${gaps.size().toString()} addresses uncovered before their end; at most ${MAX_HOLDS} can be held back from NetBox's available-ips`,
      )
    }
    const held = await this.client.all(
      `/api/ipam/ip-addresses/?${query({ parent: cidr, vrf_id: vrfId, description__isw: HOLD_PREFIX, limit: this.settings.pageSize })}`,
    )
    const stale = held.filter((o) => {
      const ip = hostOf(o)
      return ip !== undefined && inPools(spec, ip.value)
    })
    await this.deleteRecords(stale)
    const have = new Set(held.map((o) => hostOf(o)?.value))
    let missing = valuesOf(gaps).filter((v) => !have.has(v))
    for (let attempt = 1; missing.length > 0; attempt++) {
      const occupied = await this.occupied(spec, vrfId, missing)
      missing = missing.filter((v) => !occupied.has(v))
      if (missing.length === 0) return
      try {
        await this.client.call(
          'POST',
          '/api/ipam/ip-addresses/',
          missing.map((value) => ({
            address: `${formatIp({ version: spec.cidr.version, value })}/${spec.cidr.prefixLength}`,
            vrf: vrfId,
            ...this.holdBody(),
          })),
        )
        return
      } catch (error) {
        // NOTE: where NetBox enforces uniqueness, an address created meanwhile refuses the
        // whole list: look again once.
        if (!(error instanceof ExternalIpamError) || error.kind !== 'taken') throw error
        if (attempt > 1)
          throw this.fail(
            'unavailable',
            `holds in ${cidr} raced with other creates: ${error.reason}`,
          )
      }
    }
  }

  /** Which of these addresses NetBox already has in the VRF (any record, any mask). */
  private async occupied(
    spec: ExternalSubnetSpec,
    vrfId: number | null,
    values: readonly bigint[],
  ): Promise<Set<bigint>> {
    const found = new Set<bigint>()
    for (let i = 0; i < values.length; i += LOOKUP_BATCH) {
      const batch = values
        .slice(i, i + LOOKUP_BATCH)
        .map((v) => formatIp({ version: spec.cidr.version, value: v }))
      for await (const o of this.client.list(
        `/api/ipam/ip-addresses/?${query({ address: batch, vrf_id: vrfId, limit: this.settings.pageSize })}`,
      )) {
        const ip = hostOf(o)
        if (ip !== undefined) found.add(ip.value)
      }
    }
    return found
  }

  private holdBody(): Record<string, unknown> {
    return {
      status: 'reserved',
      dns_name: '',
      description: HOLD_DESCRIPTION,
      tags: [{ slug: this.settings.tag }],
      ...this.tenant(),
    }
  }

  async releaseSubnet(ref: string): Promise<void> {
    const id = /^prefixes\/(\d+)$/.exec(ref)?.[1]
    if (id === undefined) throw this.fail('protocol', `not a prefix reference: ${ref}`)
    let prefix: Prefix | undefined
    let vrfId: number | null = null
    try {
      const o = (await this.client.call('GET', `/api/ipam/prefixes/${id}/`)) as NetboxObject
      prefix = readPrefix(o)
      const vrf = o.vrf
      vrfId = typeof vrf === 'object' && vrf !== null && 'id' in vrf ? (num(vrf.id) ?? null) : null
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
    if (prefix !== undefined) {
      // NOTE: IP addresses are not children of a prefix in NetBox's database: our holds
      // would outlive it.
      const holds = await this.client.all(
        `/api/ipam/ip-addresses/?${query({ parent: formatCidr(prefix.cidr), vrf_id: vrfId, description__isw: HOLD_PREFIX, limit: this.settings.pageSize })}`,
      )
      await this.deleteRecords(holds)
    }
    await this.deletePath(`/api/ipam/prefixes/${id}/`)
  }

  // ---------------------------------------------------------------- addresses

  private dnsName(tag: ReservationTag): string {
    return tag.dnsName === '' ? '' : qualifiedName(tag.dnsName, this.settings.dnsDomain)
  }

  private addressBody(tag: ReservationTag, held: boolean): Record<string, unknown> {
    return {
      status: 'active',
      dns_name: this.dnsName(tag),
      description: describeReservation(tag, held),
      tags: [{ slug: this.settings.tag }],
      ...this.tenant(),
    }
  }

  async reserve(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const where = this.place(subnet)
    if (ask.kind === 'specific') return this.createSpecific(spec, where, ask.address, tag)
    const end = lastPoolEnd(spec)
    if (end === undefined)
      throw this.fail('exhausted', `${formatCidr(spec.cidr)} has no allocation pool`)
    // NOTE: one call, under NetBox's global `available-ips` lock (never "list free, then
    // create": a plain create does not stop a duplicate).
    for (let conversions = 0; conversions < MAX_CONVERSIONS; conversions++) {
      const created = (await this.client.call(
        'POST',
        `/api/ipam/prefixes/${where.prefixId}/available-ips/`,
        this.addressBody(tag, false),
      )) as NetboxObject
      const reservation = this.toReservation(created)
      const id = num(created.id)
      if (reservation === undefined || id === undefined)
        throw this.fail('protocol', 'available-ips answered without an address')
      if (inPools(spec, reservation.address.value)) return reservation
      if (reservation.address.value > end) {
        // NetBox hands out the lowest free address: every pool address is taken.
        await this.deletePath(`/api/ipam/ip-addresses/${id}/`)
        throw this.fail(
          'exhausted',
          `every address of the allocation pools of ${formatCidr(spec.cidr)} is in use`,
        )
      }
      // NOTE: an address outside the pools (they changed since the subnet was created): it
      // becomes a hold, and the next call gets the next free address.
      await this.client.call('PATCH', `/api/ipam/ip-addresses/${id}/`, this.holdBody())
    }
    throw this.fail(
      'exhausted',
      `available-ips kept answering addresses outside the allocation pools of ${formatCidr(spec.cidr)} (${MAX_CONVERSIONS} now held back); try again`,
    )
  }

  /** Addresses NetBox holds at one address of the VRF (every mask). */
  private async atAddress(vrfId: number | null, address: IpAddress): Promise<NetboxObject[]> {
    return this.client.all(
      `/api/ipam/ip-addresses/?${query({ address: formatIp(address), vrf_id: vrfId, limit: this.settings.pageSize })}`,
    )
  }

  /**
   * A specific address: a plain create, then a look at the address. NetBox only refuses a
   * duplicate where uniqueness is enforced, and even then not one created concurrently, so a
   * record that appeared beside ours means ours is backed out ('taken'), unless every other is
   * a port's of ours created after ours (those back out). Our hold on the address (the gateway,
   * for a router interface) gives way: it is deleted, and ours becomes a hold again on release.
   */
  private async createSpecific(
    spec: ExternalSubnetSpec,
    where: Place,
    address: IpAddress,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const text = formatIp(address)
    const held = isGap(spec, address.value)
    let created: NetboxObject | undefined
    for (let attempt = 1; created === undefined; attempt++) {
      try {
        created = (await this.client.call('POST', '/api/ipam/ip-addresses/', {
          address: `${text}/${spec.cidr.prefixLength}`,
          vrf: where.vrfId,
          ...this.addressBody(tag, held),
        })) as NetboxObject
      } catch (error) {
        if (!(error instanceof ExternalIpamError) || error.kind !== 'taken') throw error
        // NOTE: uniqueness is enforced here: when our hold is what refused it, it goes.
        const others = await this.atAddress(where.vrfId, address)
        const holds = others.filter((o) => isHold(str(o.description)))
        if (holds.length === 0 || holds.length < others.length || attempt > 1)
          throw this.fail(
            'taken',
            `${text} is already allocated in NetBox (${describeRecords(others)})`,
          )
        await this.deleteRecords(holds)
      }
    }
    const mine = num(created.id)
    const reservation = this.toReservation(created)
    if (mine === undefined || reservation === undefined)
      throw this.fail('protocol', 'ip-address created without an id')
    const others = (await this.atAddress(where.vrfId, address)).filter((o) => num(o.id) !== mine)
    const holds = others.filter((o) => isHold(str(o.description)))
    const rivals = others.filter((o) => !isHold(str(o.description)))
    const first = rivals.every(
      (o) => readReservation(str(o.description)) !== undefined && (num(o.id) ?? 0) > mine,
    )
    if (!first) {
      await this.deletePath(`/api/ipam/ip-addresses/${mine}/`)
      throw this.fail(
        'taken',
        `${text} is already allocated in NetBox (${describeRecords(rivals)}); our duplicate was backed out`,
      )
    }
    await this.deleteRecords(holds)
    return reservation
  }

  /** Bulk delete of records by id (those already gone are skipped by NetBox). */
  private async deleteRecords(records: readonly NetboxObject[]): Promise<void> {
    if (records.length === 0) return
    await this.client.call(
      'DELETE',
      '/api/ipam/ip-addresses/',
      records.map((o) => ({ id: num(o.id) })),
    )
  }

  async release(ref: string, _address: IpAddress): Promise<void> {
    const parsed = parseRef(ref)
    if (parsed === undefined) throw this.fail('protocol', `not an ip-address reference: ${ref}`)
    if (!parsed.held) {
      await this.deletePath(`/api/ipam/ip-addresses/${parsed.id}/`)
      return
    }
    try {
      await this.client.call('PATCH', `/api/ipam/ip-addresses/${parsed.id}/`, this.holdBody())
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  /** DELETE; "already gone" (404) is success. */
  private async deletePath(path: string): Promise<void> {
    try {
      await this.client.call('DELETE', path)
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  async update(ref: string, _address: IpAddress, tag: ReservationTag): Promise<void> {
    const parsed = parseRef(ref)
    if (parsed === undefined) throw this.fail('protocol', `not an ip-address reference: ${ref}`)
    const body = this.addressBody(tag, parsed.held)
    await this.client.call('PATCH', `/api/ipam/ip-addresses/${parsed.id}/`, {
      dns_name: body.dns_name,
      description: body.description,
    })
  }

  // ---------------------------------------------------------------- lookups

  private toReservation(o: NetboxObject): Reservation | undefined {
    const id = num(o.id)
    const address = hostOf(o)
    if (id === undefined || address === undefined) return undefined
    const ours = readReservation(str(o.description))
    return {
      ref: refOf(id, ours?.held ?? false),
      address,
      tag: ours?.tag,
      dnsName: str(o.dns_name),
      macAddress: ours?.tag.macAddress ?? '',
    }
  }

  /**
   * Every IP address inside the subnet's CIDR, after one lookup of its prefix by id: a prefix
   * deleted in NetBox leaves its addresses behind (they are not its children), so without the
   * lookup a gone range would look intact.
   * @throws ExternalIpamError 'not-found' naming the prefix when it no longer exists
   */
  async *list(spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncGenerator<Reservation> {
    const { prefixId, vrfId } = this.place(subnet)
    await this.requirePrefix(spec, prefixId)
    for await (const o of this.client.list(
      `/api/ipam/ip-addresses/?${query({ parent: formatCidr(spec.cidr), vrf_id: vrfId, limit: this.settings.pageSize })}`,
    )) {
      const r = this.toReservation(o)
      if (r !== undefined) yield r
    }
  }

  /**
   * Makes sure the subnet's prefix still exists: `GET /api/ipam/prefixes/{id}/` (404
   * `{"detail": "Not found."}` once it is deleted).
   * @throws ExternalIpamError 'not-found' when it is gone, or the outage kinds
   */
  private async requirePrefix(spec: ExternalSubnetSpec, prefixId: number): Promise<void> {
    try {
      await this.client.call('GET', `/api/ipam/prefixes/${prefixId}/`)
    } catch (error) {
      if (!(error instanceof ExternalIpamError) || error.kind !== 'not-found') throw error
      throw this.fail(
        'not-found',
        `prefix ${formatCidr(spec.cidr)} (id ${prefixId}, ${this.scope}) no longer exists in NetBox`,
      )
    }
  }

  async findByPort(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]> {
    const { vrfId } = this.place(subnet)
    const found = await this.client.all(
      `/api/ipam/ip-addresses/?${query({ parent: formatCidr(spec.cidr), vrf_id: vrfId, description__ic: `port=${portId}`, limit: this.settings.pageSize })}`,
    )
    return found
      .map((o) => this.toReservation(o))
      .filter((r): r is Reservation => r !== undefined && r.tag?.portId === portId)
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuit
  }

  // ---------------------------------------------------------------- check

  async check(): Promise<CheckStep[]> {
    return runCheck(this.client.endpoint, () => this.client.probe('/api/'), [
      {
        name: 'authenticate',
        run: async () => {
          const status = (await this.client.call('GET', '/api/status/')) as NetboxObject | undefined
          const version = str(status?.['netbox-version'])
          return `token accepted${version === '' ? '' : ` by NetBox ${version}`}`
        },
      },
      {
        name: 'VRF',
        run: async () => {
          const id = await this.vrfId()
          return id === null
            ? 'global table (no VRF configured)'
            : `VRF ${this.settings.vrf} (id ${id})`
        },
      },
      {
        name: 'tag',
        run: async () => {
          const found = await this.client.all(
            `/api/extras/tags/?${query({ slug: this.settings.tag })}`,
          )
          return found.length > 0
            ? `tag ${this.settings.tag} exists`
            : `tag ${this.settings.tag} does not exist yet: it is created with the first subnet`
        },
      },
      {
        name: 'pre-defined containers',
        run: async () => {
          const found: string[] = []
          for await (const o of this.client.list(
            `/api/ipam/prefixes/?${query({ status: 'container', vrf_id: await this.vrfId(), limit: this.settings.pageSize })}`,
          ))
            found.push(str(o.prefix))
          if (found.length === 0)
            return `none in the ${this.scope}: subnet creates will be refused until one is defined`
          return `${found.length} in the ${this.scope}: ${found.slice(0, 10).join(', ')}${found.length > 10 ? ', …' : ''}`
        },
      },
    ])
  }

  async close(): Promise<void> {
    await this.client.close()
  }
}

/** Short description of conflicting records, for messages. */
function describeRecords(records: readonly NetboxObject[]): string {
  const parts = records.slice(0, 3).map((o) => {
    const ours = readReservation(str(o.description))
    if (ours !== undefined) return `id ${String(o.id)}, port ${ours.tag.portId ?? '?'}`
    if (isHold(str(o.description))) return `id ${String(o.id)}, held outside the pools`
    return `id ${String(o.id)}, not created by Xloud`
  })
  return parts.length === 0 ? 'found again on lookup' : parts.join('; ')
}
