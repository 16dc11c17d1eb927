import { cidrWithin, formatCidr, parseCidr, type Cidr } from '../../../domain/cidr.ts'
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
import { ExternalIpamError, vendorReason } from '../external/external-errors.ts'
import type { VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import { PhpipamClient, type PhpipamAnswer, type PhpipamClientOptions } from './phpipam-client.ts'
import {
  HOLD_DESCRIPTION,
  describeReservation,
  describeSubnet,
  isHold,
  noteOf,
  readReservation,
  subnetOfDescription,
} from './phpipam-marks.ts'
import {
  MAX_HOLDS,
  inPools,
  isGap,
  lastPoolEnd,
  poolGaps,
  valuesOf,
} from '../external/pool-gaps.ts'

export interface PhpipamSettings extends PhpipamClientOptions {
  /** Section (name) holding the pre-defined master subnets. */
  readonly section: string
}

interface SubnetRow {
  readonly id: number
  readonly cidr: Cidr
  readonly sectionId: number
  readonly description: string
  readonly isPool: boolean
}

interface AddressRow {
  readonly id: number
  readonly subnetId: number
  readonly ip: IpAddress
  readonly description: string
  readonly hostname: string
  readonly mac: string
  readonly note: string
}

/**
 * first_free calls refused as duplicates (409 "IP address already exists", or a 500 carrying
 * MariaDB's duplicate-key error) before giving up. Each refusal means another caller took that
 * address, so a subnet of n addresses can refuse a caller at most about n times.
 */
const MAX_COLLISIONS = 40

/** Addresses turned into holds in one reserve before giving up (pools changed a lot). */
const MAX_CONVERSIONS = 16

const HOLD_TAG = 3
const USED_TAG = 2

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
/** phpIPAM ids: strings in 201 bodies, integers in GETs (strings again with stringify). */
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v)
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : undefined

function readSubnet(o: unknown): SubnetRow | undefined {
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  const id = num(r.id)
  const sectionId = num(r.sectionId)
  const cidr = parseCidr(`${str(r.subnet)}/${String(r.mask)}`)
  if (id === undefined || sectionId === undefined || cidr === undefined) return undefined
  return {
    id,
    cidr,
    sectionId,
    description: str(r.description),
    isPool: num(r.isPool) === 1,
  }
}

function readAddress(o: unknown): AddressRow | undefined {
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  const id = num(r.id)
  const ip = parseIp(str(r.ip))
  if (id === undefined || ip === undefined) return undefined
  return {
    id,
    subnetId: num(r.subnetId) ?? 0,
    ip,
    description: str(r.description),
    hostname: str(r.hostname),
    mac: str(r.mac),
    note: str(r.note),
  }
}

function rowsOf<T>(answer: PhpipamAnswer, read: (o: unknown) => T | undefined): T[] {
  const data = Array.isArray(answer.data) ? (answer.data as unknown[]) : []
  return data.map(read).filter((r): r is T => r !== undefined)
}

/** `addresses/<id>`, with `#hold` for a hold a port took over. */
function refOf(id: number, held: boolean): string {
  return `addresses/${id}${held ? '#hold' : ''}`
}

function parseRef(ref: string): { id: number; held: boolean } | undefined {
  const m = /^addresses\/(\d+)(#hold)?$/.exec(ref)
  return m === null ? undefined : { id: Number(m[1]), held: m[2] !== undefined }
}

/** A refusal meaning "that address was just taken by someone else". */
function isDuplicate(answer: PhpipamAnswer): boolean {
  return (
    (answer.status === 409 && /already exists/i.test(answer.message)) ||
    (answer.status === 500 && /Duplicate entry/i.test(answer.message))
  )
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * The phpIPAM mapping: a subnet is a phpIPAM `subnet` of the configured section, adopted when
 * it exists, else created under the deepest enclosing (master) subnet; a port's address is an
 * `address` created by first-free (one call) with hostname, MAC, a description naming the port
 * and a note holding the rest of our tag. phpIPAM 1.8 serialises API writes with a lock that
 * may be disabled; without it concurrent first-free calls collide and are refused (409, or a
 * 500 from the unique key), which this driver retries. Addresses that first-free could hand out
 * but no allocation pool covers (the gateway: phpIPAM does not skip it) are kept by "holds".
 * Releases delete by the address id, never by address (missing addresses make phpIPAM 1.8.2
 * fail with an empty 500 there).
 */
export class PhpipamBackend implements ExternalBackend {
  readonly driver = 'phpipam'
  readonly capabilities = { ipv6: true, dns: true, mac: true }
  private readonly client: PhpipamClient
  private sectionLookup: Promise<number> | undefined

  constructor(
    http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly settings: PhpipamSettings,
    private readonly baseUrl: string,
  ) {
    this.client = new PhpipamClient(http, resilience, settings)
  }

  get endpoint(): string {
    return `${this.baseUrl}/api/${this.settings.appId}`
  }

  get scope(): string {
    return `section ${this.settings.section}`
  }

  /** Logins so far (user token mode). */
  get logins(): number {
    return this.client.logins
  }

  private fail(kind: ExternalIpamError['kind'], cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, this.driver, this.endpoint, cause)
  }

  /**
   * An answer the caller did not expect: a 5xx is an outage; a 400 or 422 is phpIPAM refusing
   * this request ('rejected', with phpIPAM's message: not an outage); anything else a protocol
   * error.
   */
  private unexpected(what: string, answer: PhpipamAnswer): ExternalIpamError {
    if (answer.status === 400 || answer.status === 422)
      return this.fail('rejected', vendorReason(answer.message, `${what}: HTTP ${answer.status}`))
    const text = `${what}: HTTP ${answer.status}${answer.message === '' ? '' : ` ${answer.message}`}`
    return this.fail(answer.status >= 500 ? 'unavailable' : 'protocol', text)
  }

  // ---------------------------------------------------------------- subnets

  /** The configured section's id, looked up once. */
  private sectionId(): Promise<number> {
    this.sectionLookup ??= this.findSection().catch((error: unknown) => {
      this.sectionLookup = undefined
      throw error
    })
    return this.sectionLookup
  }

  private async findSection(): Promise<number> {
    const answer = await this.client.call(
      'GET',
      `sections/${encodeURIComponent(this.settings.section)}/`,
    )
    const data = answer.data
    const id = typeof data === 'object' && data !== null && 'id' in data ? num(data.id) : undefined
    if (answer.status === 200 && id !== undefined) return id
    if (answer.status === 404)
      throw this.fail('range-not-defined', `section ${this.settings.section} does not exist`)
    throw this.unexpected(`section ${this.settings.section}`, answer)
  }

  private subnetIdOf(subnet: ExternalSubnet): number {
    const id = num(subnet.detail.subnet)
    if (id === undefined)
      throw this.fail('protocol', `subnet object ${subnet.ref} has no phpIPAM subnet id`)
    return id
  }

  /** Subnets of a search in our section (a 404 is "none"). */
  private async subnetsAt(rest: string, sectionId: number): Promise<SubnetRow[]> {
    const answer = await this.client.call('GET', rest)
    if (answer.status === 404) return []
    if (answer.status !== 200) throw this.unexpected(`subnet search ${rest}`, answer)
    return rowsOf(answer, readSubnet).filter((s) => s.sectionId === sectionId)
  }

  async prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet> {
    const sectionId = await this.sectionId()
    const cidr = formatCidr(spec.cidr)
    const network = formatIp({ version: spec.cidr.version, value: spec.cidr.network })
    const where = `${network}/${spec.cidr.prefixLength}/`
    const exact = (await this.subnetsAt(`subnets/cidr/${where}`, sectionId))[0]
    if (exact !== undefined) {
      const owner = subnetOfDescription(exact.description)
      if (owner !== undefined && owner !== spec.subnetId)
        throw this.fail('range-overlap', `subnet ${cidr} (created by Xloud for subnet ${owner})`)
      const slaves = await this.client.call('GET', `subnets/${exact.id}/slaves/`)
      if (slaves.status === 200)
        throw this.fail('range-overlap', `subnet ${cidr} has subnets inside it`)
      await this.placeHolds(spec, exact.id, exact.isPool, false)
      return {
        ref: `subnets/${exact.id}`,
        createdByUs: false,
        detail: { subnet: exact.id, section: sectionId, cidr, adopted: true },
      }
    }
    const overlapping = await this.subnetsAt(`subnets/overlapping/${where}`, sectionId)
    const master = overlapping
      .filter((s) => cidrWithin(spec.cidr, s.cidr) && s.cidr.prefixLength < spec.cidr.prefixLength)
      .sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength)[0]
    if (master === undefined) {
      throw this.fail(
        'range-not-defined',
        `no subnet of section ${this.settings.section} encloses ${cidr}; create a master subnet there first`,
      )
    }
    const clash =
      subnetOfDescription(master.description) !== undefined
        ? master
        : overlapping.find((s) => cidrWithin(s.cidr, spec.cidr))
    if (clash !== undefined) {
      const owner = subnetOfDescription(clash.description)
      throw this.fail(
        'range-overlap',
        `subnet ${formatCidr(clash.cidr)}${owner === undefined ? ' (not created by Xloud)' : ` (created by Xloud for subnet ${owner})`}`,
      )
    }
    const created = await this.client.call('POST', 'subnets/', {
      subnet: network,
      mask: spec.cidr.prefixLength,
      sectionId,
      masterSubnetId: master.id,
      description: describeSubnet(spec.subnetId, spec.name),
    })
    const id = num(created.id)
    if (created.status === 409) throw this.fail('range-overlap', created.message)
    if (created.status === 404) throw this.fail('range-not-defined', created.message)
    if (created.status !== 201 || id === undefined)
      throw this.unexpected(`subnet create ${cidr}`, created)
    try {
      await this.placeHolds(spec, id, false, true)
    } catch (error) {
      await this.releaseSubnet(`subnets/${id}`).catch(() => undefined)
      throw error
    }
    return {
      ref: `subnets/${id}`,
      createdByUs: true,
      detail: { subnet: id, section: sectionId, cidr, master: formatCidr(master.cidr) },
    }
  }

  /**
   * Puts holds on the addresses first-free could hand out outside the pools (addresses already
   * there hold themselves), and removes holds of ours that a pool now covers.
   * @throws ExternalIpamError 'range-not-defined' when the pools leave too many such addresses
   */
  private async placeHolds(
    spec: ExternalSubnetSpec,
    subnetId: number,
    isPool: boolean,
    fresh: boolean,
  ): Promise<void> {
    // NOTE: phpIPAM's first-free skips the IPv4 network address (below /31, outside pools);
    // an empty IPv6 subnet gets its subnet-zero address.
    const skipFirst = spec.cidr.version === 4 && !isPool && spec.cidr.prefixLength < 31
    const gaps = poolGaps(spec, skipFirst)
    if (gaps.size() > BigInt(MAX_HOLDS)) {
      throw this.fail(
        'range-not-defined',
        `the allocation pools of ${formatCidr(spec.cidr)} leave ${gaps.size().toString()} addresses uncovered before their end; at most ${MAX_HOLDS} can be held back from phpIPAM's first-free`,
      )
    }
    const rows = fresh ? [] : await this.addressRows(subnetId)
    const occupied = new Set<bigint>()
    for (const row of rows) {
      if (isHold(row.description) && inPools(spec, row.ip.value)) {
        await this.deleteAddress(row.id)
        continue
      }
      occupied.add(row.ip.value)
    }
    for (const value of valuesOf(gaps)) {
      if (occupied.has(value)) continue
      const answer = await this.client.call('POST', 'addresses/', {
        ip: formatIp({ version: spec.cidr.version, value }),
        subnetId,
        is_gateway: value === spec.gateway?.value ? 1 : 0,
        ...this.holdBody(),
      })
      if (answer.status !== 201 && !isDuplicate(answer))
        throw this.unexpected(`hold of ${formatIp({ version: spec.cidr.version, value })}`, answer)
    }
  }

  private holdBody(): Record<string, unknown> {
    return { description: HOLD_DESCRIPTION, hostname: '', mac: '', note: '', tag: HOLD_TAG }
  }

  async releaseSubnet(ref: string): Promise<void> {
    const id = /^subnets\/(\d+)$/.exec(ref)?.[1]
    if (id === undefined) throw this.fail('protocol', `not a subnet reference: ${ref}`)
    // NOTE: phpIPAM deletes the subnet's addresses (our holds included) with it.
    const answer = await this.client.call('DELETE', `subnets/${id}/`)
    if (answer.status === 200 || answer.status === 404) return
    if (answer.status === 400 && /Invalid subnet Id/i.test(answer.message)) return
    throw this.unexpected(`subnet delete ${id}`, answer)
  }

  // ---------------------------------------------------------------- addresses

  private addressBody(tag: ReservationTag, held: boolean): Record<string, unknown> {
    return {
      hostname: tag.dnsName,
      mac: tag.macAddress,
      description: describeReservation(tag, held),
      note: noteOf(tag),
      tag: USED_TAG,
    }
  }

  async reserve(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const subnetId = this.subnetIdOf(subnet)
    if (ask.kind === 'specific') return this.createSpecific(spec, subnetId, ask.address, tag)
    const end = lastPoolEnd(spec)
    if (end === undefined)
      throw this.fail('exhausted', `${formatCidr(spec.cidr)} has no allocation pool`)
    let collisions = 0
    let conversions = 0
    for (;;) {
      // NOTE: one call; never "peek first-free, then create" (GETs are not locked).
      const answer = await this.client.call(
        'POST',
        `addresses/first_free/${subnetId}/`,
        this.addressBody(tag, false),
      )
      if (answer.status === 201) {
        const id = num(answer.id)
        const address = parseIp(str(answer.data))
        if (id === undefined || address === undefined)
          throw this.fail('protocol', 'first_free answered without an id or an address')
        if (inPools(spec, address.value)) return this.reservation(id, address, tag, false)
        if (address.value > end) {
          // first-free hands out the lowest free address: every pool address is taken.
          await this.deleteAddress(id)
          throw this.fail(
            'exhausted',
            `every address of the allocation pools of ${formatCidr(spec.cidr)} is in use`,
          )
        }
        // NOTE: an address outside the pools (they changed since the subnet was created): it
        // becomes a hold, and the next call gets the next free address.
        const held = await this.client.call('PATCH', `addresses/${id}/`, this.holdBody())
        if (held.status !== 200) throw this.unexpected(`hold of ${formatIp(address)}`, held)
        if (++conversions >= MAX_CONVERSIONS) {
          throw this.fail(
            'exhausted',
            `first_free kept answering addresses outside the allocation pools of ${formatCidr(spec.cidr)} (${MAX_CONVERSIONS} now held back); try again`,
          )
        }
        continue
      }
      if (answer.status === 404) throw this.fail('exhausted', answer.message)
      if (!isDuplicate(answer)) throw this.unexpected(`first_free in subnet ${subnetId}`, answer)
      // NOTE: another caller took the same address (API write lock disabled): try again, after
      // a short random pause so that the losers spread out.
      if (++collisions >= MAX_COLLISIONS) {
        throw this.fail(
          'unavailable',
          `first_free in subnet ${subnetId} was refused ${collisions} times as a duplicate (concurrent writes without phpIPAM's API lock)`,
        )
      }
      await pause(Math.random() * 5 * Math.min(collisions, 10))
    }
  }

  private reservation(
    id: number,
    address: IpAddress,
    tag: ReservationTag,
    held: boolean,
  ): Reservation {
    return {
      ref: refOf(id, held),
      address,
      tag,
      dnsName: tag.dnsName,
      macAddress: tag.macAddress,
    }
  }

  /**
   * A specific address: one create; refused as a duplicate, it is taken, unless our hold is
   * what refused it (the gateway, for a router interface): the hold goes and the create is
   * tried once more (phpIPAM's unique key decides between concurrent takers). An address in
   * the gaps of the pools becomes a hold again on release.
   */
  private async createSpecific(
    spec: ExternalSubnetSpec,
    subnetId: number,
    address: IpAddress,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const text = formatIp(address)
    const held = isGap(spec, address.value)
    for (let attempt = 1; ; attempt++) {
      const answer = await this.client.call('POST', 'addresses/', {
        ip: text,
        subnetId,
        // NOTE: the gateway address is flagged as such (kept when it turns back into a hold).
        is_gateway: spec.gateway?.value === address.value ? 1 : 0,
        ...this.addressBody(tag, held),
      })
      const id = num(answer.id)
      if (answer.status === 201 && id !== undefined) return this.reservation(id, address, tag, held)
      if (!isDuplicate(answer)) throw this.unexpected(`create of ${text}`, answer)
      // NOTE: the search call, not `addresses/<ip>/<subnet>/` (which only finds the subnet's
      // lowest-id address on phpIPAM 1.8.2).
      const found = await this.client.call('GET', `addresses/search/${encodeURIComponent(text)}/`)
      const there = rowsOf(found, readAddress).filter((r) => r.subnetId === subnetId)
      const hold = there.find((r) => isHold(r.description))
      if (hold === undefined || attempt > 1) {
        const owner = there.map((r) => readReservation(r.description, r.note)?.tag.portId)[0]
        throw this.fail(
          'taken',
          `${text} is already allocated in phpIPAM${owner === undefined ? '' : ` (port ${owner})`}`,
        )
      }
      await this.deleteAddress(hold.id)
    }
  }

  /** DELETE by id; "already gone" (404 "Address does not exist") is success. */
  private async deleteAddress(id: number): Promise<void> {
    const answer = await this.client.call('DELETE', `addresses/${id}/`)
    if (answer.status === 200 || answer.status === 404) return
    throw this.unexpected(`delete of address ${id}`, answer)
  }

  async release(ref: string, _address: IpAddress): Promise<void> {
    const parsed = parseRef(ref)
    if (parsed === undefined) throw this.fail('protocol', `not an address reference: ${ref}`)
    if (!parsed.held) {
      await this.deleteAddress(parsed.id)
      return
    }
    const answer = await this.client.call('PATCH', `addresses/${parsed.id}/`, this.holdBody())
    if (answer.status === 200 || answer.status === 404) return
    throw this.unexpected(`release of the hold ${parsed.id}`, answer)
  }

  async update(ref: string, _address: IpAddress, tag: ReservationTag): Promise<void> {
    const parsed = parseRef(ref)
    if (parsed === undefined) throw this.fail('protocol', `not an address reference: ${ref}`)
    const answer = await this.client.call(
      'PATCH',
      `addresses/${parsed.id}/`,
      this.addressBody(tag, parsed.held),
    )
    if (answer.status === 404) throw this.fail('not-found', answer.message)
    if (answer.status !== 200) throw this.unexpected(`update of address ${parsed.id}`, answer)
  }

  // ---------------------------------------------------------------- lookups

  /** Every address of a subnet (phpIPAM does not page; an empty subnet is a 404). */
  private async addressRows(subnetId: number, filter = ''): Promise<AddressRow[]> {
    const answer = await this.client.call('GET', `subnets/${subnetId}/addresses/${filter}`)
    if (answer.status === 404 && !/Invalid subnet/i.test(answer.message)) return []
    if (answer.status === 404) throw this.fail('not-found', answer.message)
    if (answer.status !== 200) throw this.unexpected(`addresses of subnet ${subnetId}`, answer)
    return rowsOf(answer, readAddress)
  }

  private toReservation(row: AddressRow): Reservation {
    const ours = readReservation(row.description, row.note)
    return {
      ref: refOf(row.id, ours?.held ?? false),
      address: row.ip,
      tag: ours === undefined ? undefined : { ...ours.tag, macAddress: row.mac },
      dnsName: row.hostname,
      macAddress: row.mac,
    }
  }

  async *list(_spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncGenerator<Reservation> {
    for (const row of await this.addressRows(this.subnetIdOf(subnet))) yield this.toReservation(row)
  }

  async findByPort(
    _spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]> {
    const filter = `?${new URLSearchParams({ filter_by: 'description', filter_value: portId, filter_match: 'partial' }).toString()}`
    return (await this.addressRows(this.subnetIdOf(subnet), filter))
      .map((r) => this.toReservation(r))
      .filter((r) => r.tag?.portId === portId)
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuit
  }

  // ---------------------------------------------------------------- check

  async check(): Promise<CheckStep[]> {
    return runCheck(this.client.endpoint, () => this.client.probe('sections/'), [
      {
        name: 'authenticate',
        run: async () => {
          const answer = await this.client.call('GET', 'sections/')
          if (answer.status !== 200) throw this.unexpected('sections', answer)
          return `${this.client.who} accepted by app ${this.settings.appId}`
        },
      },
      {
        name: 'section',
        run: async () => {
          const id = await this.sectionId()
          return `section ${this.settings.section} (id ${id})`
        },
      },
      {
        name: 'pre-defined subnets',
        run: async () => {
          const answer = await this.client.call(
            'GET',
            `sections/${await this.sectionId()}/subnets/`,
          )
          const found = answer.status === 200 ? rowsOf(answer, readSubnet) : []
          if (answer.status !== 200 && answer.status !== 404)
            throw this.unexpected('subnets of the section', answer)
          if (found.length === 0)
            return `none in section ${this.settings.section}: subnet creates will be refused until one is defined`
          const names = found.map((s) => formatCidr(s.cidr))
          return `${found.length} in section ${this.settings.section}: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`
        },
      },
    ])
  }

  async close(): Promise<void> {
    await this.client.close()
  }
}
