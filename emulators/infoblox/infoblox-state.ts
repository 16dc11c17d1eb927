/**
 * The emulated grid's database: network views, DNS views, containers, networks, ranges, fixed
 * addresses, host / A / PTR records, zones and EA definitions, with the rules NIOS enforces on
 * them (contract §1). Every operation is synchronous, so concurrent HTTP calls are applied one
 * after the other, as the appliance serialises `func:nextavailableip` creates.
 */
import {
  cidrContains,
  firstAddress,
  formatCidr,
  lastAddress,
  parseCidr,
  parseCidrText,
  hasHostBits,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { formatIp, parseIp, type IpAddress, type IpVersion } from '../../src/domain/ip-address.ts'
import { parseMac, formatMac } from '../../src/domain/mac-address.ts'
import {
  allocateAddresses,
  allocateNetworks,
  entriesWithin,
  familyOfType,
  findNetwork,
  NETWORK_TYPES,
  networkContaining,
  networkEntries,
  networkViewOfDnsView,
  parentContainer,
  parseNextAvailableIp,
  recordCidr,
  unusableAddresses,
  type NetworkEntry,
} from './address-space.ts'
import { EA_TYPES, eaSearchKind, eaValue, normaliseExtattrs, updateExtattrs } from './extattrs.ts'
import { WapiError, WapiErrors } from './wapi-error.ts'
import { cloneJson, isJsonObject, jsonText, type Json, type JsonObject } from './wapi-json.ts'
import { checkTerm, matches, type SearchTerm } from './wapi-query.ts'
import { buildRef, parseRef } from './wapi-ref.ts'
import { typeDef, type TypeDef } from './wapi-schema.ts'
import { text, WapiStore, type StoreSnapshot, type WapiRecord } from './wapi-store.ts'

/** An object as the HTTP layer sees it: its reference and its readable fields. */
export interface WapiObject {
  readonly ref: string
  readonly type: TypeDef
  read(field: string): Json | undefined
}

/** EAs as test helpers take them: plain name → value. */
export type PlainExtattrs = Readonly<Record<string, string | number | readonly string[]>>

/** The extensible attributes our Infoblox driver writes (contract §6.2), defined by one call. */
export const STANDARD_EA_NAMES = [
  'Port ID',
  'Tenant ID',
  'Network ID',
  'Subnet ID',
  'Port Attached Device - Device ID',
  'Port Attached Device - Device Owner',
  'CMP Type',
  'Cloud API Owned',
  'VM ID',
  'Account',
] as const

/** A fixed address as inspection helpers return it. */
export interface FixedAddressInfo {
  readonly ref: string
  readonly address: string
  readonly mac: string | undefined
  readonly duid: string | undefined
  readonly networkView: string
  readonly extattrs: JsonObject
}

/** A host record as inspection helpers return it. */
export interface HostRecordInfo {
  readonly ref: string
  readonly name: string
  readonly view: string
  readonly networkView: string
  readonly addresses: readonly { address: string; mac: string | undefined; dhcp: boolean }[]
  readonly extattrs: JsonObject
}

/** A network or container as inspection helpers return it. */
export interface NetworkInfo {
  readonly ref: string
  readonly type: string
  readonly network: string
  readonly networkView: string
  readonly networkContainer: string
  readonly extattrs: JsonObject
}

const DEFAULT_VIEW = 'default'
const ZERO_MAC = '00:00:00:00:00:00'
const MAX_NEXT_IPS = 20
const RESERVED_MATCHES = new Set(['RESERVED', 'CLIENT_ID', 'CIRCUIT_ID', 'REMOTE_ID'])

/** Fields each creatable type handles itself (everything else writable is stored as given). */
const SPECIAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  networkview: ['name'],
  view: ['name', 'network_view'],
  networkcontainer: ['network', 'network_view'],
  network: ['network', 'network_view', 'template'],
  ipv6networkcontainer: ['network', 'network_view'],
  ipv6network: ['network', 'network_view'],
  range: ['start_addr', 'end_addr', 'network', 'network_view'],
  fixedaddress: ['ipv4addr', 'mac', 'network', 'network_view', 'match_client'],
  ipv6fixedaddress: ['ipv6addr', 'duid', 'network', 'network_view'],
  'record:host': ['name', 'view', 'network_view', 'configure_for_dns', 'ipv4addrs', 'ipv6addrs'],
  'record:a': ['name', 'ipv4addr', 'view'],
  'record:ptr': ['ptrdname', 'name', 'ipv4addr', 'view'],
  zone_auth: ['fqdn', 'view', 'zone_format'],
  extensibleattributedef: ['name', 'type', 'list_values'],
}

/** Where an address expression allocates, for the fields that follow from it. */
interface Resolved {
  readonly ip: IpAddress
  /** The network view a function named, when it named one. */
  readonly view: string | undefined
}

export class InfobloxState {
  private readonly store = new WapiStore()

  constructor() {
    this.store.insert('networkview', { name: DEFAULT_VIEW, is_default: true, extattrs: {} })
    this.store.insert('view', {
      name: DEFAULT_VIEW,
      network_view: DEFAULT_VIEW,
      is_default: true,
      extattrs: {},
    })
    this.store.insert('member', {
      host_name: 'infoblox.localdomain',
      config_addr_type: 'IPV4',
      platform: 'VNIOS',
      service_type_configuration: 'ALL_V4',
      vip_setting: { address: '127.0.0.1', gateway: '127.0.0.1', subnet_mask: '255.0.0.0' },
      extattrs: {},
    })
  }

  // ------------------------------------------------------------------ WAPI operations

  /**
   * The definition of an object type named in a path.
   * @throws WapiError 400 Proto "Unknown object type (x)"
   */
  typeOf(name: string): TypeDef {
    const def = typeDef(name)
    if (def === undefined) throw WapiErrors.proto(`Unknown object type (${name})`)
    return def
  }

  /**
   * Objects of a type matching every term, in creation order (address order for
   * `ipv4address`). Lazy, so an address search over a large network stops when the caller does.
   * @throws WapiError 400 Proto for an unknown or unsearchable field, or an undefined EA
   */
  search(type: TypeDef, terms: readonly SearchTerm[]): Iterable<WapiObject> {
    const checks = terms.map((term) => {
      if (term.ea) {
        if (!type.extattrs) throw WapiErrors.notSearchable(`*${term.field}`)
        const kind = eaSearchKind(this.store, term.field)
        return (o: WapiObject) => matches(kind, eaValue(o.read('extattrs'), term.field), term)
      }
      const def = checkTerm(type, term)
      if (term.field === 'contains_address') {
        const ip = parseIp(term.value)
        if (ip === undefined) throw WapiErrors.invalidValue(term.field, term.value)
        return (o: WapiObject) => {
          const net = parseCidr(jsonText(o.read('network')))
          return net !== undefined && cidrContains(net, ip)
        }
      }
      return (o: WapiObject) => matches(def.kind, o.read(term.field), term)
    })
    const accept = (o: WapiObject) => checks.every((c) => c(o))
    if (type.name === 'ipv4address') return filter(this.addressObjects(terms), accept)
    if (type.name === 'record:host_ipv4addr' || type.name === 'record:host_ipv6addr') {
      return filter(this.hostAddressObjects(type.name === 'record:host_ipv4addr' ? 4 : 6), accept)
    }
    return filter(
      this.store.all(type.name).map((r) => this.wrap(r)),
      accept,
    )
  }

  /**
   * The object a reference names (the readable part is ignored).
   * @throws WapiError 404 "Reference … not found"
   */
  get(ref: string): WapiObject {
    return this.resolve(ref).object
  }

  /**
   * Creates an object from a POST body.
   * @throws WapiError 400 for invalid bodies and broken rules (see each type), 404 for a
   *   missing view
   */
  create(type: TypeDef, body: Json): WapiObject {
    if (!type.creatable) throw WapiErrors.proto(`Operation create not allowed for ${type.name}`)
    if (!isJsonObject(body)) throw WapiErrors.proto('Request body must be a JSON object')
    this.checkBody(type, body, 'create')
    const fields = this.build(type, body, undefined)
    const record = this.store.insert(type.name, fields)
    this.afterCreate(record)
    return this.wrap(record)
  }

  /**
   * Updates the object a reference names with a PUT body (`extattrs+` / `extattrs-` and
   * `ipv4addrs+` / `ipv4addrs-` add and remove).
   * @throws WapiError 404 unknown reference; 400 as for create, or for a create-only field
   */
  update(ref: string, body: Json): WapiObject {
    const { record } = this.resolve(ref)
    if (record === undefined) throw WapiErrors.proto('Operation update not allowed for this object')
    const type = this.typeOf(record.type)
    if (!type.creatable) throw WapiErrors.proto(`Operation update not allowed for ${type.name}`)
    if (!isJsonObject(body)) throw WapiErrors.proto('Request body must be a JSON object')
    this.checkBody(type, body, 'update')
    const merged: JsonObject = { ...cloneJson(record.fields) }
    for (const [k, v] of Object.entries(body)) {
      if (!k.endsWith('+') && !k.endsWith('-') && k !== 'extattrs') merged[k] = v
    }
    if (type.name === 'record:host') this.mergeHostLists(record, body, merged)
    const extattrs = updateExtattrs(
      this.store,
      isJsonObject(record.fields.extattrs) ? record.fields.extattrs : {},
      body,
    )
    const fields = this.build(type, merged, record)
    fields.extattrs =
      extattrs ?? (isJsonObject(record.fields.extattrs) ? record.fields.extattrs : {})
    if (type.name === 'extensibleattributedef') delete fields.extattrs
    const oldName = text(record, 'name')
    record.fields = fields
    if (oldName !== undefined && oldName !== text(record, 'name')) this.renamed(record, oldName)
    return this.wrap(record)
  }

  /**
   * Deletes the object a reference names, and what NIOS deletes with it (a network's fixed
   * addresses and ranges; a container's subnets unless `remove_subnets=false`; a zone's
   * records; a network view's contents).
   * @throws WapiError 404 unknown reference; 400 for the default views or computed objects
   */
  remove(ref: string, args: ReadonlyMap<string, string> = new Map()): string {
    const { record, object } = this.resolve(ref)
    if (record === undefined || !object.type.creatable) {
      throw WapiErrors.proto(`Operation delete not allowed for ${object.type.name}`)
    }
    const current = object.ref
    switch (record.type) {
      case 'networkview':
        if (record.fields.is_default === true) {
          throw WapiErrors.data('The default network view cannot be deleted.')
        }
        this.deleteNetworkView(record)
        break
      case 'view':
        if (record.fields.is_default === true) {
          throw WapiErrors.data('The default DNS view cannot be deleted.')
        }
        this.deleteDnsView(record)
        break
      case 'networkcontainer':
      case 'ipv6networkcontainer':
        if (args.get('remove_subnets') !== 'false') {
          const view = text(record, 'network_view') ?? DEFAULT_VIEW
          for (const e of entriesWithin(this.store, view, recordCidr(record))) this.deleteNetwork(e)
        }
        this.store.delete(record.key)
        break
      case 'network':
      case 'ipv6network':
        this.deleteNetwork({ record, cidr: recordCidr(record), container: false })
        break
      case 'zone_auth':
        this.deleteZone(record)
        break
      case 'extensibleattributedef':
        this.deleteEaDefinition(record)
        break
      default:
        this.store.delete(record.key)
    }
    return current
  }

  /**
   * Runs an object function (`POST <ref>?_function=…`): `next_available_ip` on a network or
   * range (`{"num", "exclude"}` → `{"ips": […]}`, nothing reserved), `next_available_network`
   * on a container (`{"cidr", "num", "exclude"}` → `{"networks": […]}`).
   * @throws WapiError 400 Proto for an unknown function; 400 Data when too little is free
   */
  callFunction(ref: string, name: string, body: Json): JsonObject {
    const { record, object } = this.resolve(ref)
    const args = isJsonObject(body) ? body : {}
    if (record === undefined)
      throw WapiErrors.proto(`Function ${name} is not valid for this object`)
    if (name === 'next_available_ip') {
      const num = positiveInt(args.num ?? 1, 'num')
      if (num > MAX_NEXT_IPS) {
        throw WapiErrors.proto(`Cannot request more than ${MAX_NEXT_IPS} IP addresses at once`)
      }
      const exclude = addressList(args.exclude, 'exclude')
      const ips = this.nextIps(record, num, exclude)
      const version: IpVersion = record.type === 'ipv6network' ? 6 : 4
      return { ips: ips.map((value) => formatIp({ version, value })) }
    }
    if (
      name === 'next_available_network' &&
      (record.type === 'networkcontainer' || record.type === 'ipv6networkcontainer')
    ) {
      const container = recordCidr(record)
      const prefix = positiveInt(args.cidr, 'cidr')
      if (prefix <= container.prefixLength || prefix > (container.version === 4 ? 32 : 128)) {
        throw WapiErrors.invalidValue('cidr', args.cidr ?? null)
      }
      const num = positiveInt(args.num ?? 1, 'num')
      const exclude = cidrList(args.exclude)
      const view = text(record, 'network_view') ?? DEFAULT_VIEW
      const nets = allocateNetworks(this.store, view, container, prefix, { exclude, count: num })
      return { networks: nets.map(formatCidr) }
    }
    throw WapiErrors.proto(`Function ${name} is not valid for ${object.type.name}`)
  }

  /** A copy of everything, for a multi-call `request` to roll back to. */
  snapshot(): StoreSnapshot {
    return this.store.snapshot()
  }

  restore(snapshot: StoreSnapshot): void {
    this.store.restore(snapshot)
  }

  // ------------------------------------------------------------------ seed helpers

  /** Creates a network view (and its DNS view `default.<name>`, as NIOS does). Returns its ref. */
  addNetworkView(name: string, extattrs?: PlainExtattrs): string {
    return this.seed('networkview', { name, ...eas(extattrs) })
  }

  /** Creates a network container in a network view. Returns its ref. */
  addNetworkContainer(cidr: string, view = DEFAULT_VIEW, extattrs?: PlainExtattrs): string {
    const type = cidr.includes(':') ? 'ipv6networkcontainer' : 'networkcontainer'
    return this.seed(type, { network: cidr, network_view: view, ...eas(extattrs) })
  }

  /** Creates a network (nested under its container, if any). Returns its ref. */
  addNetwork(cidr: string, view = DEFAULT_VIEW, extattrs?: PlainExtattrs): string {
    const type = cidr.includes(':') ? 'ipv6network' : 'network'
    return this.seed(type, { network: cidr, network_view: view, ...eas(extattrs) })
  }

  /** Creates a DHCP range inside a network. Returns its ref. */
  addRange(start: string, end: string, view = DEFAULT_VIEW): string {
    return this.seed('range', { start_addr: start, end_addr: end, network_view: view })
  }

  /** Creates a DNS view bound to a network view. Returns its ref. */
  addDnsView(name: string, networkView = DEFAULT_VIEW): string {
    return this.seed('view', { name, network_view: networkView })
  }

  /** Creates an authoritative zone (FORWARD, or IPV4/IPV6 for a CIDR). Returns its ref. */
  addZone(fqdn: string, view = DEFAULT_VIEW): string {
    return this.seed('zone_auth', { fqdn, view })
  }

  /** Defines an extensible attribute (`flags` 'V' allows several values). Returns its ref. */
  addEaDefinition(
    name: string,
    type: (typeof EA_TYPES)[number] = 'STRING',
    flags?: string,
  ): string {
    return this.seed('extensibleattributedef', {
      name,
      type,
      ...(flags === undefined ? {} : { flags }),
    })
  }

  /** Defines several STRING attributes (those already defined are left alone). */
  addEaDefinitions(names: readonly string[]): string[] {
    return names.map((name) => {
      const existing = this.store
        .all('extensibleattributedef')
        .find((r) => text(r, 'name') === name)
      return existing === undefined ? this.addEaDefinition(name) : this.wrap(existing).ref
    })
  }

  /** Defines the attributes our driver writes ({@link STANDARD_EA_NAMES}). */
  addStandardEaDefinitions(): string[] {
    return this.addEaDefinitions(STANDARD_EA_NAMES)
  }

  /** Creates a fixed address as an operator would (literal address). Returns its ref. */
  addFixedAddress(
    address: string,
    mac: string,
    view = DEFAULT_VIEW,
    extattrs?: PlainExtattrs,
  ): string {
    return this.seed('fixedaddress', {
      ipv4addr: address,
      mac,
      network_view: view,
      ...eas(extattrs),
    })
  }

  /** Creates a host record as an operator would. Returns its ref. */
  addHostRecord(
    name: string,
    address: string,
    options: { view?: string; configureForDns?: boolean; mac?: string } = {},
  ): string {
    const entry: JsonObject = { ipv4addr: address }
    if (options.mac !== undefined)
      Object.assign(entry, { mac: options.mac, configure_for_dhcp: true })
    return this.seed('record:host', {
      name,
      view: options.view ?? DEFAULT_VIEW,
      configure_for_dns: options.configureForDns ?? true,
      ipv4addrs: [entry],
    })
  }

  // ------------------------------------------------------------------ inspection helpers

  /** Fixed addresses (IPv4 and IPv6), optionally of one network view. */
  listFixedAddresses(view?: string): FixedAddressInfo[] {
    return this.store
      .all()
      .filter((r) => r.type === 'fixedaddress' || r.type === 'ipv6fixedaddress')
      .filter((r) => view === undefined || text(r, 'network_view') === view)
      .map((r) => ({
        ref: this.wrap(r).ref,
        address: text(r, 'ipv4addr') ?? text(r, 'ipv6addr') ?? '',
        mac: text(r, 'mac'),
        duid: text(r, 'duid'),
        networkView: text(r, 'network_view') ?? DEFAULT_VIEW,
        extattrs: objectField(r, 'extattrs'),
      }))
  }

  /** Host records, optionally of one network view. */
  listHostRecords(view?: string): HostRecordInfo[] {
    return this.store
      .all('record:host')
      .filter((r) => view === undefined || text(r, 'network_view') === view)
      .map((r) => ({
        ref: this.wrap(r).ref,
        name: text(r, 'name') ?? '',
        view: text(r, 'view') ?? '',
        networkView: text(r, 'network_view') ?? DEFAULT_VIEW,
        addresses: [...hostEntries(r, 4), ...hostEntries(r, 6)].map((e) => ({
          address: jsonText(e.ipv4addr ?? e.ipv6addr),
          mac: typeof e.mac === 'string' ? e.mac : undefined,
          dhcp: e.configure_for_dhcp === true,
        })),
        extattrs: objectField(r, 'extattrs'),
      }))
  }

  /** Networks and containers (both families), optionally of one network view. */
  listNetworks(view?: string): NetworkInfo[] {
    return this.store
      .all()
      .filter((r) => familyOfType(r.type) !== undefined)
      .filter((r) => view === undefined || text(r, 'network_view') === view)
      .map((r) => {
        const o = this.wrap(r)
        return {
          ref: o.ref,
          type: r.type,
          network: text(r, 'network') ?? '',
          networkView: text(r, 'network_view') ?? DEFAULT_VIEW,
          networkContainer: jsonText(o.read('network_container')),
          extattrs: objectField(r, 'extattrs'),
        }
      })
  }

  /** How many objects of a type are stored. */
  count(type: string): number {
    return this.store.all(type).length
  }

  /**
   * Deletes an object by reference as an operator would in the UI (same cascades as DELETE).
   * @throws WapiError 404 when the reference does not resolve
   */
  removeByRef(ref: string): void {
    this.remove(ref)
  }

  /** Deletes the fixed address holding an address; false when there is none. */
  removeFixedAddress(address: string, view = DEFAULT_VIEW): boolean {
    const ip = parseIp(address)
    if (ip === undefined) return false
    const field = ip.version === 4 ? 'ipv4addr' : 'ipv6addr'
    const r = this.store
      .all(ip.version === 4 ? 'fixedaddress' : 'ipv6fixedaddress')
      .find((x) => text(x, 'network_view') === view && sameIp(text(x, field), ip))
    if (r === undefined) return false
    this.store.delete(r.key)
    return true
  }

  // ------------------------------------------------------------------ internals: objects

  private seed(type: string, body: JsonObject): string {
    return this.create(this.typeOf(type), body).ref
  }

  private wrap(record: WapiRecord): WapiObject {
    const type = this.typeOf(record.type)
    return {
      ref: buildRef(type.name, type.prefix, record.key, this.readable(record)),
      type,
      read: (field) => this.readField(record, field),
    }
  }

  private resolve(ref: string): { record: WapiRecord | undefined; object: WapiObject } {
    const parsed = parseRef(ref)
    if (parsed === undefined) throw WapiErrors.unknownRef(ref)
    const type = typeDef(parsed.type)
    if (type === undefined || type.prefix !== parsed.prefix) throw WapiErrors.unknownRef(ref)
    if (type.name === 'ipv4address') {
      const slash = parsed.key.indexOf('/')
      const ip = parseIp(parsed.key.slice(0, slash))
      const view = parsed.key.slice(slash + 1)
      if (slash < 0 || ip === undefined || !this.networkViewExists(view))
        throw WapiErrors.unknownRef(ref)
      return { record: undefined, object: this.addressObject(view, ip) }
    }
    if (type.name === 'record:host_ipv4addr' || type.name === 'record:host_ipv6addr') {
      const version = type.name === 'record:host_ipv4addr' ? 4 : 6
      const [hostKey, entryKey] = parsed.key.split('.')
      const host = hostKey === undefined ? undefined : this.store.get(hostKey)
      const entry =
        host === undefined ? undefined : hostEntries(host, version).find((e) => e.key === entryKey)
      if (host === undefined || entry === undefined) throw WapiErrors.unknownRef(ref)
      return { record: undefined, object: this.hostAddressObject(host, entry, version) }
    }
    const record = this.store.get(parsed.key)
    if (record === undefined || record.type !== type.name) throw WapiErrors.unknownRef(ref)
    return { record, object: this.wrap(record) }
  }

  private readable(r: WapiRecord): string {
    const f = (name: string) => text(r, name) ?? ''
    switch (r.type) {
      case 'networkview':
      case 'view':
        return `${f('name')}/${String(r.fields.is_default === true)}`
      case 'networkcontainer':
      case 'network':
      case 'ipv6networkcontainer':
      case 'ipv6network':
        return `${f('network')}/${f('network_view')}`
      case 'range':
        return `${f('start_addr')}/${f('end_addr')}/${f('network_view')}`
      case 'fixedaddress':
        return `${f('ipv4addr')}/${f('network_view')}`
      case 'ipv6fixedaddress':
        return `${f('ipv6addr')}/${f('network_view')}`
      case 'record:host':
      case 'record:a':
      case 'record:ptr':
        return `${f('name')}/${f('view')}`
      case 'zone_auth':
        return `${f('fqdn')}/${f('view')}`
      case 'member':
        return f('host_name')
      default:
        return f('name')
    }
  }

  private readField(r: WapiRecord, field: string): Json | undefined {
    if (field === 'extattrs') return r.fields.extattrs ?? {}
    const version = familyOfType(r.type)
    if (version !== undefined) {
      const cidr = recordCidr(r)
      switch (field) {
        case 'network_container': {
          const parent = parentContainer(this.store, text(r, 'network_view') ?? DEFAULT_VIEW, cidr)
          return parent === undefined ? '/' : formatCidr(parent.cidr)
        }
        case 'ipv4addr':
          return formatIp({ version, value: cidr.network })
        case 'netmask':
          return cidr.prefixLength
      }
    }
    switch (r.type) {
      case 'networkview':
        if (field === 'associated_dns_views') {
          return this.store
            .all('view')
            .filter((v) => text(v, 'network_view') === text(r, 'name'))
            .map((v) => text(v, 'name') ?? '')
        }
        break
      case 'fixedaddress':
      case 'ipv6fixedaddress':
        if (field === 'network') {
          const ip = parseIp(text(r, r.type === 'fixedaddress' ? 'ipv4addr' : 'ipv6addr') ?? '')
          const net =
            ip === undefined
              ? undefined
              : networkContaining(this.store, text(r, 'network_view') ?? DEFAULT_VIEW, ip)
          return net === undefined ? undefined : formatCidr(net.cidr)
        }
        break
      case 'record:host': {
        const v4 = hostEntries(r, 4)
        const v6 = hostEntries(r, 6)
        switch (field) {
          case 'ipv4addrs':
            return v4.map((e) => this.renderHostEntry(r, e, 4))
          case 'ipv6addrs':
            return v6.map((e) => this.renderHostEntry(r, e, 6))
          case 'ipv4addr':
            return v4.map((e) => e.ipv4addr ?? null)
          case 'ipv6addr':
            return v6.map((e) => e.ipv6addr ?? null)
          case 'mac':
            return v4.flatMap((e) => (typeof e.mac === 'string' ? [e.mac] : []))
          case 'duid':
            return v6.flatMap((e) => (typeof e.duid === 'string' ? [e.duid] : []))
          case 'zone':
            return this.zoneOf(r)
        }
        break
      }
      case 'record:a':
      case 'record:ptr':
        if (field === 'zone') return this.zoneOf(r)
        break
    }
    return r.fields[field]
  }

  private renderHostEntry(host: WapiRecord, entry: JsonObject, version: IpVersion): JsonObject {
    const o = this.hostAddressObject(host, entry, version)
    const out: JsonObject = { _ref: o.ref }
    for (const [k, v] of Object.entries(entry)) if (k !== 'key') out[k] = v
    out.host = text(host, 'name') ?? ''
    return out
  }

  private hostAddressObject(host: WapiRecord, entry: JsonObject, version: IpVersion): WapiObject {
    const type = this.typeOf(version === 4 ? 'record:host_ipv4addr' : 'record:host_ipv6addr')
    const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
    const address = jsonText(entry[addrField])
    const view = text(host, 'network_view') ?? DEFAULT_VIEW
    const fields: JsonObject = {
      ...Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'key')),
      host: text(host, 'name') ?? '',
      configure_for_dhcp: entry.configure_for_dhcp === true,
      network_view: view,
    }
    const ip = parseIp(address)
    const net = ip === undefined ? undefined : networkContaining(this.store, view, ip)
    if (net !== undefined) fields.network = formatCidr(net.cidr)
    return {
      ref: buildRef(
        type.name,
        type.prefix,
        `${host.key}.${jsonText(entry.key)}`,
        `${address}/${text(host, 'name') ?? ''}/${text(host, 'view') ?? ''}`,
      ),
      type,
      read: (field) => fields[field],
    }
  }

  private *hostAddressObjects(version: IpVersion): Iterable<WapiObject> {
    for (const host of this.store.all('record:host')) {
      for (const entry of hostEntries(host, version))
        yield this.hostAddressObject(host, entry, version)
    }
  }

  /** `ipv4address` objects for an `ip_address=` or `network=` search. */
  private *addressObjects(terms: readonly SearchTerm[]): Iterable<WapiObject> {
    const exact = (field: string) =>
      terms.find((t) => !t.ea && t.field === field && t.modifiers === '')?.value
    const view = exact('network_view') ?? DEFAULT_VIEW
    const ipText = exact('ip_address')
    const netText = exact('network')
    if (!this.networkViewExists(view)) return
    if (ipText !== undefined) {
      const ip = parseIp(ipText)
      if (ip === undefined || ip.version !== 4) throw WapiErrors.invalidValue('ip_address', ipText)
      const o = this.addressObject(view, ip)
      if (o.read('network') !== undefined || o.read('status') === 'USED') yield o
      return
    }
    if (netText === undefined) {
      throw WapiErrors.proto('Either ip_address or network is required to search ipv4address')
    }
    const cidr = parseCidr(netText)
    if (cidr === undefined || cidr.version !== 4) throw WapiErrors.invalidValue('network', netText)
    const net = findNetwork(this.store, view, cidr)
    if (net === undefined || net.container) return
    for (let v = firstAddress(cidr); v <= lastAddress(cidr); v++) {
      yield this.addressObject(view, { version: 4, value: v })
    }
  }

  /** What the appliance knows about one IPv4 address of a view. */
  private addressObject(view: string, ip: IpAddress): WapiObject {
    const type = this.typeOf('ipv4address')
    const net = networkContaining(this.store, view, ip)
    const objects: string[] = []
    const types = new Set<string>()
    const names: string[] = []
    const usage = new Set<string>()
    let mac = ''
    if (net !== undefined) {
      if (ip.value === firstAddress(net.cidr)) types.add('NETWORK')
      if (ip.value === lastAddress(net.cidr)) types.add('BROADCAST')
    }
    const dnsViews = new Set(
      this.store
        .all('view')
        .filter((v) => text(v, 'network_view') === view)
        .map((v) => text(v, 'name')),
    )
    for (const r of this.store.all()) {
      if (
        r.type === 'fixedaddress' &&
        text(r, 'network_view') === view &&
        sameIp(text(r, 'ipv4addr'), ip)
      ) {
        objects.push(this.wrap(r).ref)
        types.add('FA')
        usage.add('DHCP')
        mac = text(r, 'mac') ?? mac
        const name = text(r, 'name')
        if (name !== undefined) names.push(name)
      } else if (r.type === 'record:host' && text(r, 'network_view') === view) {
        for (const e of hostEntries(r, 4)) {
          if (!sameIp(typeof e.ipv4addr === 'string' ? e.ipv4addr : undefined, ip)) continue
          objects.push(this.wrap(r).ref)
          types.add('HOST')
          names.push(text(r, 'name') ?? '')
          if (r.fields.configure_for_dns !== false) usage.add('DNS')
          if (e.configure_for_dhcp === true) usage.add('DHCP')
          if (typeof e.mac === 'string') mac = e.mac
        }
      } else if (
        (r.type === 'record:a' || r.type === 'record:ptr') &&
        dnsViews.has(text(r, 'view'))
      ) {
        if (!sameIp(text(r, 'ipv4addr'), ip)) continue
        objects.push(this.wrap(r).ref)
        types.add(r.type === 'record:a' ? 'A' : 'PTR')
        usage.add('DNS')
        names.push(text(r, r.type === 'record:a' ? 'name' : 'ptrdname') ?? '')
      }
    }
    const address = formatIp(ip)
    const fields: JsonObject = {
      ip_address: address,
      network_view: view,
      status: types.size > 0 ? 'USED' : 'UNUSED',
      types: [...types],
      objects,
      names: [...new Set(names)],
      mac_address: mac,
      usage: [...usage],
      is_conflict: false,
      lease_state: 'FREE',
      dhcp_client_identifier: '',
      username: '',
      extattrs: {},
    }
    if (net !== undefined) fields.network = formatCidr(net.cidr)
    return {
      ref: buildRef(type.name, type.prefix, `${address}/${view}`, address),
      type,
      read: (field) => fields[field],
    }
  }

  // ------------------------------------------------------------------ internals: validation

  /**
   * Every key of a body must be a writable field of the type (create-only fields are refused on
   * update), with a value of the field's kind.
   */
  private checkBody(type: TypeDef, body: JsonObject, mode: 'create' | 'update'): void {
    for (const [key, value] of Object.entries(body)) {
      if (mode === 'update' && ['extattrs+', 'extattrs-'].includes(key) && type.extattrs) continue
      if (
        mode === 'update' &&
        type.name === 'record:host' &&
        ['ipv4addrs+', 'ipv4addrs-', 'ipv6addrs+', 'ipv6addrs-'].includes(key)
      )
        continue
      if (key === 'extattrs' && !type.extattrs) throw WapiErrors.unknownField(key)
      const def = type.fields[key]
      if (def === undefined || def.searchOnly === true) throw WapiErrors.unknownField(key)
      if (def.write === undefined || (mode === 'update' && def.write === 'create')) {
        throw WapiErrors.proto(`Field is not writable: ${key}`)
      }
      const ok =
        def.kind === 'bool'
          ? typeof value === 'boolean'
          : def.kind === 'int'
            ? typeof value === 'number' && Number.isInteger(value)
            : def.kind === 'json'
              ? true
              : // NOTE: address fields may hold a function expression object (`_object_function`).
                typeof value === 'string' || (def.kind === 'ip' && isJsonObject(value))
      if (!ok) throw WapiErrors.invalidValue(key, value)
    }
  }

  /** Validates a (merged) body for a type and returns the fields to store. */
  private build(type: TypeDef, body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const fields: JsonObject = {}
    const special = SPECIAL_FIELDS[type.name] ?? []
    for (const [key, value] of Object.entries(body)) {
      const def = type.fields[key]
      if (def?.write === undefined || special.includes(key) || key === 'extattrs') continue
      fields[key] = value
    }
    if (type.extattrs)
      fields.extattrs =
        self === undefined ? normaliseExtattrs(this.store, body.extattrs) : (body.extattrs ?? {})
    switch (type.name) {
      case 'networkview':
        return { ...fields, ...this.buildNetworkView(body, self) }
      case 'view':
        return { ...fields, ...this.buildDnsView(body, self) }
      case 'networkcontainer':
      case 'network':
      case 'ipv6networkcontainer':
      case 'ipv6network':
        return { ...fields, ...this.buildNetwork(type.name, body, self) }
      case 'range':
        return { ...fields, ...this.buildRange(body, self) }
      case 'fixedaddress':
      case 'ipv6fixedaddress':
        return {
          ...fields,
          ...this.buildFixedAddress(type.name === 'fixedaddress' ? 4 : 6, body, self),
        }
      case 'record:host':
        return { ...fields, ...this.buildHost(body, self) }
      case 'record:a':
        return { ...fields, ...this.buildA(body, self) }
      case 'record:ptr':
        return { ...fields, ...this.buildPtr(body, self) }
      case 'zone_auth':
        return { ...fields, ...this.buildZone(body, self) }
      case 'extensibleattributedef':
        return { ...fields, ...this.buildEaDefinition(body, self) }
      default:
        return fields
    }
  }

  private buildNetworkView(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const name = requiredString(body, 'name')
    if (this.store.all('networkview').some((r) => r !== self && text(r, 'name') === name)) {
      throw WapiErrors.duplicate(name, 'network_view')
    }
    return { name, is_default: self?.fields.is_default === true }
  }

  private buildDnsView(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const name = requiredString(body, 'name')
    const networkView = optionalString(body, 'network_view') ?? DEFAULT_VIEW
    this.requireNetworkView(networkView)
    if (this.store.all('view').some((r) => r !== self && text(r, 'name') === name)) {
      throw WapiErrors.duplicate(name, 'view')
    }
    return { name, network_view: networkView, is_default: self?.fields.is_default === true }
  }

  private afterCreate(record: WapiRecord): void {
    if (record.type !== 'networkview') return
    // NOTE: NIOS creates the DNS view "default.<network view>" with every new network view.
    const name = `default.${text(record, 'name') ?? ''}`
    if (!this.store.all('view').some((v) => text(v, 'name') === name)) {
      this.store.insert('view', {
        name,
        network_view: text(record, 'name') ?? '',
        is_default: false,
        extattrs: {},
      })
    }
  }

  private buildNetwork(
    typeName: string,
    body: JsonObject,
    self: WapiRecord | undefined,
  ): JsonObject {
    const version = familyOfType(typeName) ?? 4
    const isContainer = typeName === NETWORK_TYPES[version].container
    const view = optionalString(body, 'network_view') ?? DEFAULT_VIEW
    this.requireNetworkView(view)
    if (typeof body.template === 'string') {
      throw WapiErrors.data(`Network template '${body.template}' does not exist.`)
    }
    const cidr = this.networkValue(body.network, version, view)
    const text4 = formatCidr(cidr)
    const others = networkEntries(this.store, view, version).filter((e) => e.record !== self)
    for (const e of others) {
      const same = e.cidr.network === cidr.network && e.cidr.prefixLength === cidr.prefixLength
      if (same) throw WapiErrors.duplicate(text4, isContainer ? 'network_container' : 'network')
    }
    for (const e of others) {
      if (e.container && !isContainer) continue
      const inside = e.cidr.prefixLength > cidr.prefixLength && cidrContainsCidr(cidr, e.cidr)
      const around = e.cidr.prefixLength < cidr.prefixLength && cidrContainsCidr(e.cidr, cidr)
      // A container may enclose anything; a network encloses nothing and sits in no network.
      if ((around && !e.container) || (inside && !isContainer)) {
        throw WapiErrors.conflict(
          `The network ${text4} overlaps with ${e.container ? 'network container' : 'network'} ${formatCidr(e.cidr)}.`,
        )
      }
    }
    return { network: text4, network_view: view }
  }

  /** The prefix of a network create: a literal CIDR, `func:nextavailablenetwork:…`, or an object function. */
  private networkValue(raw: Json | undefined, version: IpVersion, view: string): Cidr {
    if (raw === undefined) throw WapiErrors.proto('Required field missing: network')
    if (typeof raw === 'string' && raw.startsWith('func:nextavailablenetwork:')) {
      const [target = '', fnView, lenText] = raw
        .slice('func:nextavailablenetwork:'.length)
        .split(',')
        .map((s) => s.trim())
      const containerView = fnView === undefined || fnView === '' ? view : fnView
      const container = this.containerFor(target, containerView)
      const prefix = positiveInt(Number(lenText), 'network')
      const [next] = allocateNetworks(this.store, containerView, container.cidr, prefix, {
        exclude: [],
        count: 1,
      })
      if (next === undefined)
        throw WapiErrors.data('Cannot find 1 available network(s) in this container.')
      return next
    }
    if (isJsonObject(raw)) {
      const result = this.objectFunction(raw, 'next_available_network', [])
      const cidr = parseCidr(result)
      if (cidr === undefined) throw WapiErrors.invalidValue('network', raw)
      return cidr
    }
    if (typeof raw !== 'string') throw WapiErrors.invalidValue('network', raw)
    const parsed = parseCidrText(raw)
    if (parsed === undefined || !raw.includes('/') || parsed.address.version !== version) {
      throw WapiErrors.invalidValue('network', raw)
    }
    if (hasHostBits(parsed)) throw WapiErrors.data(`Invalid network ${raw}: host bits are set.`)
    const cidr = parseCidr(raw)
    if (cidr === undefined) throw WapiErrors.invalidValue('network', raw)
    return cidr
  }

  private containerFor(target: string, view: string): NetworkEntry {
    const parsedRef = parseRef(target)
    if (parsedRef !== undefined && familyOfType(parsedRef.type) !== undefined) {
      const { record } = this.resolve(target)
      if (record === undefined) throw WapiErrors.unknownRef(target)
      return { record, cidr: recordCidr(record), container: true }
    }
    const cidr = parseCidr(target)
    if (cidr === undefined) throw WapiErrors.proto(`Invalid function call: ${target}`)
    const entry = findNetwork(this.store, view, cidr)
    if (entry === undefined || !entry.container) {
      throw WapiErrors.data(
        `Cannot find network container ${formatCidr(cidr)} in network view ${view}.`,
      )
    }
    return entry
  }

  private buildRange(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const view = optionalString(body, 'network_view') ?? DEFAULT_VIEW
    this.requireNetworkView(view)
    const start = literalIp(body.start_addr, 'start_addr', 4)
    const end = literalIp(body.end_addr, 'end_addr', 4)
    if (start.value > end.value) {
      throw WapiErrors.data(
        `The start address ${formatIp(start)} is greater than the end address ${formatIp(end)}.`,
      )
    }
    const net = networkContaining(this.store, view, start)
    if (net === undefined || !cidrContains(net.cidr, end)) {
      throw WapiErrors.data(
        `The range ${formatIp(start)}-${formatIp(end)} is not inside a network in network view ${view}.`,
      )
    }
    const given = optionalString(body, 'network')
    if (given !== undefined && formatCidr(parseCidr(given) ?? net.cidr) !== formatCidr(net.cidr)) {
      throw WapiErrors.data(
        `The range ${formatIp(start)}-${formatIp(end)} is not inside network ${given}.`,
      )
    }
    const edges = unusableAddresses(net.cidr)
    if (
      edges.has(start.value) ||
      edges.has(end.value) ||
      start.value < firstAddress(net.cidr) + 1n
    ) {
      throw WapiErrors.data(
        `The range ${formatIp(start)}-${formatIp(end)} includes the network or broadcast address.`,
      )
    }
    for (const r of this.store.all('range')) {
      if (r === self || text(r, 'network_view') !== view) continue
      const s = parseIp(text(r, 'start_addr') ?? '')
      const e = parseIp(text(r, 'end_addr') ?? '')
      if (s === undefined || e === undefined) continue
      if (s.value <= end.value && start.value <= e.value) {
        throw WapiErrors.conflict(
          `The range ${formatIp(start)}-${formatIp(end)} overlaps with range ${formatIp(s)}-${formatIp(e)}.`,
        )
      }
    }
    return {
      start_addr: formatIp(start),
      end_addr: formatIp(end),
      network: formatCidr(net.cidr),
      network_view: view,
    }
  }

  private buildFixedAddress(
    version: IpVersion,
    body: JsonObject,
    self: WapiRecord | undefined,
  ): JsonObject {
    const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
    const requestedView = optionalString(body, 'network_view')
    const out: JsonObject = {}
    let idField: string
    let idValue: string
    if (version === 4) {
      const matchClient = optionalString(body, 'match_client')
      const macText = optionalString(body, 'mac')
      if (matchClient !== undefined) out.match_client = matchClient
      if (macText === undefined) {
        if (matchClient === undefined || !RESERVED_MATCHES.has(matchClient)) {
          throw WapiErrors.proto('Required field missing: mac')
        }
        idValue = ZERO_MAC
      } else {
        const octets = parseMac(macText)
        if (octets === undefined) throw WapiErrors.invalidValue('mac', macText)
        idValue = formatMac(octets)
      }
      idField = 'mac'
    } else {
      const duid = optionalString(body, 'duid')
      if (duid === undefined) throw WapiErrors.proto('Required field missing: duid')
      if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})+$/.test(duid))
        throw WapiErrors.invalidValue('duid', duid)
      idField = 'duid'
      idValue = duid.toLowerCase()
    }
    const current = self === undefined ? undefined : text(self, addrField)
    const { ip, view } = this.addressFor(
      body[addrField],
      version,
      addrField,
      requestedView,
      current,
    )
    this.requireNetworkView(view)
    const net = networkContaining(this.store, view, ip)
    if (net === undefined) {
      throw WapiErrors.data(
        `The IP address ${formatIp(ip)} does not belong to a network in network view ${view}.`,
      )
    }
    const given = optionalString(body, 'network')
    if (
      given !== undefined &&
      self === undefined &&
      formatCidr(parseCidr(given) ?? net.cidr) !== formatCidr(net.cidr)
    ) {
      throw WapiErrors.data(`The IP address ${formatIp(ip)} is not in network ${given}.`)
    }
    if (unusableAddresses(net.cidr).has(ip.value)) {
      throw WapiErrors.data(
        `The IP address ${formatIp(ip)} is the network or broadcast address of ${formatCidr(net.cidr)}.`,
      )
    }
    this.checkDhcpAddress(view, ip, net, idField, idValue, self, undefined)
    return { ...out, [addrField]: formatIp(ip), [idField]: idValue, network_view: view }
  }

  /**
   * A DHCP reservation (fixed address, or host address with DHCP) must not share its address
   * with another reservation of the view, nor its MAC / DUID with one of the same network.
   */
  private checkDhcpAddress(
    view: string,
    ip: IpAddress,
    net: NetworkEntry,
    idField: string,
    idValue: string | undefined,
    selfRecord: WapiRecord | undefined,
    selfEntryKey: string | undefined,
  ): void {
    const version = ip.version
    const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
    const fixedType = version === 4 ? 'fixedaddress' : 'ipv6fixedaddress'
    const kind = version === 4 ? 'fixed addresses' : 'IPv6 fixed addresses'
    const sameId = (other: Json | undefined) =>
      idValue !== undefined &&
      idValue !== ZERO_MAC &&
      typeof other === 'string' &&
      other.toLowerCase() === idValue
    const label = idField === 'mac' ? 'MAC address' : 'DUID'
    for (const r of this.store.all(fixedType)) {
      if (r === selfRecord || text(r, 'network_view') !== view) continue
      const other = parseIp(text(r, addrField) ?? '')
      if (other === undefined) continue
      if (other.value === ip.value) throw WapiErrors.duplicate(formatIp(ip), 'fixed address')
      if (cidrContains(net.cidr, other) && sameId(r.fields[idField])) {
        throw WapiErrors.conflict(
          `${label} ${String(idValue)} is used in two ${kind} ${formatIp(ip)} and ${formatIp(other)}, which are in the same network ${formatCidr(net.cidr)}.`,
        )
      }
    }
    for (const host of this.store.all('record:host')) {
      if (text(host, 'network_view') !== view) continue
      for (const e of hostEntries(host, version)) {
        if (host === selfRecord && e.key === selfEntryKey) continue
        if (e.configure_for_dhcp !== true) continue
        const other = parseIp(jsonText(e[addrField]))
        if (other === undefined) continue
        if (other.value === ip.value) {
          throw WapiErrors.conflict(
            `The IP address ${formatIp(ip)} is already used by the host record '${text(host, 'name') ?? ''}'.`,
          )
        }
        if (cidrContains(net.cidr, other) && sameId(e[idField])) {
          throw WapiErrors.conflict(
            `${label} ${String(idValue)} is used in two ${kind} ${formatIp(ip)} and ${formatIp(other)}, which are in the same network ${formatCidr(net.cidr)}.`,
          )
        }
      }
    }
  }

  private buildHost(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const name = dnsName(requiredString(body, 'name'))
    const configureForDns = body.configure_for_dns !== false
    let view = optionalString(body, 'view')
    let networkView = optionalString(body, 'network_view')
    if (configureForDns) {
      view ??= DEFAULT_VIEW
      const dnsNetworkView = this.requireDnsView(view)
      if (networkView !== undefined && networkView !== dnsNetworkView) {
        throw WapiErrors.data(
          `The DNS view ${view} is not associated with network view ${networkView}.`,
        )
      }
      networkView = dnsNetworkView
      if (this.findZone(view, name) === undefined) {
        throw WapiErrors.conflict('The action is not allowed. A parent was not found.')
      }
    } else {
      networkView ??=
        (view !== undefined && view.trim() !== ''
          ? networkViewOfDnsView(this.store, view)
          : undefined) ?? DEFAULT_VIEW
      this.requireNetworkView(networkView)
      view ??= ' '
    }
    for (const other of this.store.all('record:host')) {
      if (other === self) continue
      const clash = configureForDns
        ? other.fields.configure_for_dns !== false && text(other, 'view') === view
        : other.fields.configure_for_dns === false && text(other, 'network_view') === networkView
      if (clash && (text(other, 'name') ?? '').toLowerCase() === name.toLowerCase()) {
        throw WapiErrors.conflict(`The record '${name}' already exists.`)
      }
    }
    const pending = new Set<bigint>()
    const v4 = this.hostAddresses(body.ipv4addrs, 4, networkView, pending, self)
    const v6 = this.hostAddresses(body.ipv6addrs, 6, networkView, pending, self)
    if (v4.length + v6.length === 0) {
      throw WapiErrors.proto('A host record needs at least one address in ipv4addrs or ipv6addrs')
    }
    const out: JsonObject = {
      name,
      view,
      network_view: networkView,
      configure_for_dns: configureForDns,
      ipv4addrs: v4,
    }
    if (v6.length > 0 || body.ipv6addrs !== undefined) out.ipv6addrs = v6
    return out
  }

  private hostAddresses(
    raw: Json | undefined,
    version: IpVersion,
    networkView: string,
    pending: Set<bigint>,
    self: WapiRecord | undefined,
  ): JsonObject[] {
    if (raw === undefined || raw === null) return []
    const listField = version === 4 ? 'ipv4addrs' : 'ipv6addrs'
    const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
    const idField = version === 4 ? 'mac' : 'duid'
    if (!Array.isArray(raw)) throw WapiErrors.invalidValue(listField, raw)
    const previous = self === undefined ? [] : hostEntries(self, version)
    const out: JsonObject[] = []
    for (const item of raw) {
      if (!isJsonObject(item)) throw WapiErrors.invalidValue(listField, item)
      const entry: JsonObject = {}
      for (const [k, v] of Object.entries(item)) {
        if (k !== '_ref' && k !== 'host' && k !== 'key') entry[k] = v
      }
      const kept =
        typeof item.key === 'string' ? previous.find((p) => p.key === item.key) : undefined
      const { ip, view } = this.addressFor(
        item[addrField],
        version,
        `${listField}.${addrField}`,
        networkView,
        kept === undefined ? undefined : jsonText(kept[addrField]),
        pending,
      )
      if (view !== networkView) {
        throw WapiErrors.data(
          `The address ${formatIp(ip)} is requested in network view ${view}, but the host record is in network view ${networkView}.`,
        )
      }
      if (
        pending.has(ip.value) &&
        kept === undefined &&
        out.some((o) => sameIp(jsonText(o[addrField]), ip))
      ) {
        throw WapiErrors.conflict(`The address ${formatIp(ip)} appears twice in the host record.`)
      }
      pending.add(ip.value)
      entry[addrField] = formatIp(ip)
      entry.configure_for_dhcp = item.configure_for_dhcp === true
      let id: string | undefined
      const idText = item[idField]
      if (idText !== undefined && idText !== null) {
        if (typeof idText !== 'string')
          throw WapiErrors.invalidValue(`${listField}.${idField}`, idText)
        if (version === 4) {
          const octets = parseMac(idText)
          if (octets === undefined) throw WapiErrors.invalidValue(`${listField}.mac`, idText)
          id = formatMac(octets)
        } else {
          id = idText.toLowerCase()
        }
        entry[idField] = id
      }
      const key =
        kept !== undefined && sameIp(jsonText(kept[addrField]), ip)
          ? jsonText(kept.key)
          : this.store.nextKey()
      entry.key = key
      if (entry.configure_for_dhcp) {
        if (id === undefined)
          throw WapiErrors.proto(`Required field missing: ${idField} (configure_for_dhcp is true)`)
        const net = networkContaining(this.store, networkView, ip)
        if (net === undefined) {
          throw WapiErrors.data(
            `The IP address ${formatIp(ip)} does not belong to a network in network view ${networkView}.`,
          )
        }
        if (unusableAddresses(net.cidr).has(ip.value)) {
          throw WapiErrors.data(
            `The IP address ${formatIp(ip)} is the network or broadcast address of ${formatCidr(net.cidr)}.`,
          )
        }
        this.checkDhcpAddress(networkView, ip, net, idField, id, self, key)
      }
      out.push(entry)
    }
    return out
  }

  private mergeHostLists(record: WapiRecord, body: JsonObject, merged: JsonObject): void {
    for (const version of [4, 6] as const) {
      const listField = version === 4 ? 'ipv4addrs' : 'ipv6addrs'
      const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
      const existing = hostEntries(record, version)
      let list: Json[] =
        body[listField] === undefined
          ? existing
          : Array.isArray(body[listField])
            ? [...body[listField]]
            : []
      if (body[listField] !== undefined && Array.isArray(body[listField])) {
        // Entries naming an existing address keep their identity (and reference).
        list = list.map((item) => {
          if (!isJsonObject(item)) return item
          const same = existing.find((e) =>
            sameIp(jsonText(e[addrField]), parseIp(jsonText(item[addrField]))),
          )
          return same === undefined ? item : { ...item, key: same.key ?? null }
        })
      }
      const add = body[`${listField}+`]
      if (add !== undefined) {
        if (!Array.isArray(add)) throw WapiErrors.invalidValue(`${listField}+`, add)
        list = [...list, ...add]
      }
      const remove = body[`${listField}-`]
      if (remove !== undefined) {
        if (!Array.isArray(remove)) throw WapiErrors.invalidValue(`${listField}-`, remove)
        const gone = remove.flatMap((r) =>
          isJsonObject(r) && typeof r[addrField] === 'string' ? [r[addrField]] : [],
        )
        list = list.filter(
          (e) => !(isJsonObject(e) && gone.some((g) => sameIp(jsonText(e[addrField]), parseIp(g)))),
        )
      }
      merged[listField] = list
    }
  }

  private buildA(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const name = dnsName(requiredString(body, 'name'))
    const view = optionalString(body, 'view') ?? DEFAULT_VIEW
    const networkView = this.requireDnsView(view)
    if (this.findZone(view, name) === undefined) {
      throw WapiErrors.conflict('The action is not allowed. A parent was not found.')
    }
    const current = self === undefined ? undefined : text(self, 'ipv4addr')
    const { ip } = this.addressFor(body.ipv4addr, 4, 'ipv4addr', networkView, current)
    for (const r of this.store.all('record:a')) {
      if (r === self || text(r, 'view') !== view) continue
      if (
        (text(r, 'name') ?? '').toLowerCase() === name.toLowerCase() &&
        sameIp(text(r, 'ipv4addr'), ip)
      ) {
        throw WapiErrors.conflict(`The record '${name}' already exists.`)
      }
    }
    return { name, ipv4addr: formatIp(ip), view }
  }

  private buildPtr(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const ptrdname = dnsName(requiredString(body, 'ptrdname'))
    const view = optionalString(body, 'view') ?? DEFAULT_VIEW
    const networkView = this.requireDnsView(view)
    let ip: IpAddress | undefined
    if (body.ipv4addr !== undefined) {
      const current = self === undefined ? undefined : text(self, 'ipv4addr')
      ip = this.addressFor(body.ipv4addr, 4, 'ipv4addr', networkView, current).ip
    }
    let name = optionalString(body, 'name')
    if (name !== undefined) name = dnsName(name)
    if (ip === undefined && name !== undefined) ip = fromReverseName(name)
    if (ip === undefined && name === undefined)
      throw WapiErrors.proto('Required field missing: ipv4addr or name')
    if (ip !== undefined) {
      const reverse = reverseName(ip)
      if (
        name !== undefined &&
        name !== reverse &&
        body.ipv4addr !== undefined &&
        self === undefined
      ) {
        throw WapiErrors.data(`The name ${name} does not match the address ${formatIp(ip)}.`)
      }
      name ??= reverse
    }
    const zoneFound =
      (ip !== undefined && this.reverseZone(view, ip) !== undefined) ||
      (name !== undefined && this.findZone(view, name) !== undefined)
    if (!zoneFound) throw WapiErrors.conflict('The action is not allowed. A parent was not found.')
    for (const r of this.store.all('record:ptr')) {
      if (r === self || text(r, 'view') !== view) continue
      if (
        text(r, 'name') === name &&
        (text(r, 'ptrdname') ?? '').toLowerCase() === ptrdname.toLowerCase()
      ) {
        throw WapiErrors.conflict(`The record '${String(name)}' already exists.`)
      }
    }
    const out: JsonObject = { ptrdname, name: name ?? '', view }
    if (ip !== undefined) out.ipv4addr = formatIp(ip)
    return out
  }

  private buildZone(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const raw = requiredString(body, 'fqdn')
    const view = optionalString(body, 'view') ?? DEFAULT_VIEW
    this.requireDnsView(view)
    const cidr = raw.includes('/') ? parseCidr(raw) : undefined
    const format =
      optionalString(body, 'zone_format') ??
      (cidr === undefined ? 'FORWARD' : cidr.version === 4 ? 'IPV4' : 'IPV6')
    if (!['FORWARD', 'IPV4', 'IPV6'].includes(format))
      throw WapiErrors.invalidValue('zone_format', format)
    if (
      format !== 'FORWARD' &&
      (cidr === undefined || (format === 'IPV4') !== (cidr.version === 4))
    ) {
      throw WapiErrors.invalidValue('fqdn', raw)
    }
    const fqdn = cidr === undefined ? dnsName(raw) : formatCidr(cidr)
    if (
      this.store
        .all('zone_auth')
        .some((z) => z !== self && text(z, 'view') === view && text(z, 'fqdn') === fqdn)
    ) {
      throw WapiErrors.duplicate(fqdn, 'zone')
    }
    return { fqdn, view, zone_format: format }
  }

  private buildEaDefinition(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const name = requiredString(body, 'name')
    const type = requiredString(body, 'type')
    if (!(EA_TYPES as readonly string[]).includes(type)) throw WapiErrors.invalidValue('type', type)
    if (
      this.store.all('extensibleattributedef').some((r) => r !== self && text(r, 'name') === name)
    ) {
      throw WapiErrors.duplicate(name, 'extensible attribute definition')
    }
    const out: JsonObject = { name, type }
    if (body.list_values !== undefined) {
      const list = body.list_values
      if (
        !Array.isArray(list) ||
        !list.every((v) => isJsonObject(v) && typeof v.value === 'string')
      ) {
        throw WapiErrors.invalidValue('list_values', list)
      }
      out.list_values = list
    } else if (type === 'ENUM') {
      throw WapiErrors.proto('Required field missing: list_values')
    }
    return out
  }

  // ------------------------------------------------------------------ internals: addresses

  /**
   * Resolves an address field: a literal, `func:nextavailableip:…`, or an `_object_function`
   * object. A literal equal to the object's current address (on update) is kept as is.
   */
  private addressFor(
    raw: Json | undefined,
    version: IpVersion,
    field: string,
    requestedView: string | undefined,
    current: string | undefined,
    pending: Set<bigint> = new Set(),
  ): Resolved & { view: string } {
    if (raw === undefined || raw === null)
      throw WapiErrors.proto(`Required field missing: ${field}`)
    let resolved: Resolved
    if (typeof raw === 'string' && raw.startsWith('func:')) {
      const parsed = parseNextAvailableIp(raw)
      if (parsed === undefined) throw WapiErrors.proto(`Invalid function call: ${raw}`)
      if (
        parsed.view !== undefined &&
        requestedView !== undefined &&
        parsed.view !== requestedView
      ) {
        throw WapiErrors.data(
          `The network view ${parsed.view} in the function differs from the object's network view ${requestedView}.`,
        )
      }
      const view = parsed.view ?? requestedView ?? DEFAULT_VIEW
      this.requireNetworkView(view)
      const [value] = this.allocateFor(parsed.target, version, view, pending, 1)
      if (value === undefined) throw WapiErrors.noFreeAddress(1)
      resolved = { ip: { version, value }, view }
    } else if (isJsonObject(raw)) {
      const exclude = [...pending].map((v) => formatIp({ version, value: v }))
      const result = this.objectFunction(raw, 'next_available_ip', exclude)
      const ip = parseIp(result)
      if (ip === undefined || ip.version !== version) throw WapiErrors.invalidValue(field, raw)
      resolved = { ip, view: requestedView }
    } else if (typeof raw === 'string') {
      const ip = parseIp(raw)
      if (ip === undefined || ip.version !== version) throw WapiErrors.invalidValue(field, raw)
      resolved = { ip, view: requestedView }
      if (current !== undefined && sameIp(current, ip))
        return { ip, view: requestedView ?? DEFAULT_VIEW }
    } else {
      throw WapiErrors.invalidValue(field, raw)
    }
    return { ip: resolved.ip, view: resolved.view ?? requestedView ?? DEFAULT_VIEW }
  }

  private allocateFor(
    target: ReturnType<typeof parseNextAvailableIp> extends infer T
      ? T extends { target: infer U }
        ? U
        : never
      : never,
    version: IpVersion,
    view: string,
    pending: ReadonlySet<bigint>,
    count: number,
  ): bigint[] {
    if (target.kind === 'ref') {
      const { record } = this.resolve(target.ref)
      if (record === undefined) throw WapiErrors.unknownRef(target.ref)
      return this.nextIps(record, count, [...pending])
    }
    if (target.kind === 'cidr') {
      if (target.cidr.version !== version)
        throw WapiErrors.proto(`Invalid function call: ${formatCidr(target.cidr)}`)
      const net = findNetwork(this.store, view, target.cidr)
      if (net === undefined || net.container) {
        throw WapiErrors.data(
          `Cannot find network ${formatCidr(target.cidr)} in network view ${view}.`,
        )
      }
      const span = { start: firstAddress(net.cidr), end: lastAddress(net.cidr) }
      return allocateAddresses(this.store, view, net.cidr, span, {
        skipRanges: true,
        exclude: pending,
        count,
      })
    }
    if (target.start.version !== version)
      throw WapiErrors.proto('Invalid function call: address family')
    const net = networkContaining(this.store, view, target.start)
    if (net === undefined || !cidrContains(net.cidr, target.end)) {
      throw WapiErrors.data(
        `The range ${formatIp(target.start)}-${formatIp(target.end)} is not inside a network in network view ${view}.`,
      )
    }
    const span = { start: target.start.value, end: target.end.value }
    return allocateAddresses(this.store, view, net.cidr, span, {
      skipRanges: false,
      exclude: pending,
      count,
    })
  }

  /** Free addresses of a network (DHCP ranges skipped) or of a range, without reserving them. */
  private nextIps(
    record: WapiRecord,
    count: number,
    exclude: readonly (string | bigint)[],
  ): bigint[] {
    const view = text(record, 'network_view') ?? DEFAULT_VIEW
    const excluded = exclude.map((e) => (typeof e === 'bigint' ? e : (parseIp(e)?.value ?? -1n)))
    if (record.type === 'network' || record.type === 'ipv6network') {
      const cidr = recordCidr(record)
      const span = { start: firstAddress(cidr), end: lastAddress(cidr) }
      return allocateAddresses(this.store, view, cidr, span, {
        skipRanges: true,
        exclude: excluded,
        count,
      })
    }
    if (record.type === 'range') {
      const start = parseIp(text(record, 'start_addr') ?? '')
      const end = parseIp(text(record, 'end_addr') ?? '')
      const net = start === undefined ? undefined : networkContaining(this.store, view, start)
      if (start === undefined || end === undefined || net === undefined)
        throw WapiErrors.noFreeAddress(count)
      return allocateAddresses(
        this.store,
        view,
        net.cidr,
        { start: start.value, end: end.value },
        { skipRanges: false, exclude: excluded, count },
      )
    }
    throw WapiErrors.proto(`Function next_available_ip is not valid for ${record.type}`)
  }

  /**
   * Evaluates `{"_object_function", "_object", "_object_parameters", "_result_field",
   * "_parameters"}`: finds the one object the parameters select (EA keys start with `*`) and
   * returns the first value of the function's result field.
   */
  private objectFunction(spec: JsonObject, expected: string, exclude: readonly string[]): string {
    const fn = spec._object_function
    const objectType = spec._object
    const resultField = spec._result_field
    const params = spec._object_parameters ?? {}
    if (
      typeof fn !== 'string' ||
      typeof objectType !== 'string' ||
      typeof resultField !== 'string' ||
      !isJsonObject(params)
    ) {
      throw WapiErrors.proto('Invalid _object_function specification')
    }
    if (fn !== expected) throw WapiErrors.proto(`Function ${fn} cannot be used here`)
    const type = this.typeOf(objectType)
    const terms: SearchTerm[] = Object.entries(params).map(([k, v]) => {
      const ea = k.startsWith('*')
      return { field: ea ? k.slice(1) : k, ea, modifiers: '', value: jsonText(v) }
    })
    const found = [...this.search(type, terms)]
    if (found.length !== 1) {
      throw WapiErrors.data(
        `The object function found ${found.length} ${objectType} objects; exactly one is required.`,
      )
    }
    const [target] = found
    if (target === undefined) throw WapiErrors.data('No object for the object function.')
    const extra = isJsonObject(spec._parameters) ? spec._parameters : {}
    const givenExclude = Array.isArray(extra.exclude) ? extra.exclude.map(String) : []
    const result = this.callFunction(target.ref, fn, {
      ...extra,
      num: 1,
      exclude: [...givenExclude, ...exclude],
    })
    const values = result[resultField]
    const first = Array.isArray(values) ? values[0] : undefined
    if (typeof first !== 'string') throw WapiErrors.proto(`Unknown result field: ${resultField}`)
    return first
  }

  // ------------------------------------------------------------------ internals: views, zones

  private networkViewExists(name: string): boolean {
    return this.store.all('networkview').some((r) => text(r, 'name') === name)
  }

  private requireNetworkView(name: string): void {
    if (!this.networkViewExists(name)) throw WapiErrors.notFound(`Network view ${name} not found`)
  }

  /** The network view of a DNS view. @throws WapiError 404 "View x not found" */
  private requireDnsView(name: string): string {
    const nv = networkViewOfDnsView(this.store, name)
    if (nv === undefined) throw WapiErrors.notFound(`View ${name} not found`)
    return nv
  }

  /** The forward zone of a view that holds a name: the longest zone name it ends with. */
  private findZone(view: string, name: string): WapiRecord | undefined {
    const lower = name.toLowerCase()
    let best: WapiRecord | undefined
    for (const z of this.store.all('zone_auth')) {
      if (text(z, 'view') !== view) continue
      const fqdn = text(z, 'fqdn') ?? ''
      const zf = text(z, 'zone_format') ?? 'FORWARD'
      const candidate = zf === 'FORWARD' ? fqdn : (this.reverseZoneName(z) ?? '')
      if (candidate === '') continue
      if (lower === candidate || lower.endsWith(`.${candidate}`)) {
        if (best === undefined || candidate.length > (text(best, 'fqdn') ?? '').length) best = z
      }
    }
    return best
  }

  private reverseZoneName(z: WapiRecord): string | undefined {
    const cidr = parseCidr(text(z, 'fqdn') ?? '')
    if (cidr === undefined || cidr.version !== 4) return undefined
    const octets = Math.floor(cidr.prefixLength / 8)
    const parts = formatIp({ version: 4, value: cidr.network })
      .split('.')
      .slice(0, octets)
      .reverse()
    return [...parts, 'in-addr', 'arpa'].join('.')
  }

  private reverseZone(view: string, ip: IpAddress): WapiRecord | undefined {
    return this.store.all('zone_auth').find((z) => {
      if (text(z, 'view') !== view) return false
      const cidr = parseCidr(text(z, 'fqdn') ?? '')
      return cidr !== undefined && cidrContains(cidr, ip)
    })
  }

  private zoneOf(r: WapiRecord): string | undefined {
    if (r.type === 'record:host' && r.fields.configure_for_dns === false) return undefined
    const view = text(r, 'view') ?? DEFAULT_VIEW
    const ip = parseIp(text(r, 'ipv4addr') ?? '')
    if (r.type === 'record:ptr' && ip !== undefined) {
      const z = this.reverseZone(view, ip)
      if (z !== undefined) return text(z, 'fqdn')
    }
    const z = this.findZone(view, text(r, 'name') ?? '')
    return z === undefined ? undefined : text(z, 'fqdn')
  }

  // ------------------------------------------------------------------ internals: cascades

  private deleteNetwork(entry: NetworkEntry): void {
    const view = text(entry.record, 'network_view') ?? DEFAULT_VIEW
    const version = entry.cidr.version
    if (!entry.container) {
      const fixedType = version === 4 ? 'fixedaddress' : 'ipv6fixedaddress'
      const field = version === 4 ? 'ipv4addr' : 'ipv6addr'
      for (const r of this.store.all(fixedType)) {
        const ip = parseIp(text(r, field) ?? '')
        if (text(r, 'network_view') === view && ip !== undefined && cidrContains(entry.cidr, ip))
          this.store.delete(r.key)
      }
      for (const r of this.store.all('range')) {
        const ip = parseIp(text(r, 'start_addr') ?? '')
        if (text(r, 'network_view') === view && ip !== undefined && cidrContains(entry.cidr, ip))
          this.store.delete(r.key)
      }
    }
    this.store.delete(entry.record.key)
  }

  private deleteNetworkView(record: WapiRecord): void {
    const name = text(record, 'name')
    for (const v of this.store.all('view'))
      if (text(v, 'network_view') === name) this.deleteDnsView(v)
    for (const r of this.store.all()) if (text(r, 'network_view') === name) this.store.delete(r.key)
    this.store.delete(record.key)
  }

  private deleteDnsView(record: WapiRecord): void {
    const name = text(record, 'name')
    for (const r of this.store.all()) {
      if (r.type !== 'view' && r.type !== 'networkview' && text(r, 'view') === name)
        this.store.delete(r.key)
    }
    this.store.delete(record.key)
  }

  private deleteZone(zone: WapiRecord): void {
    for (const r of this.store.all()) {
      if (r.type !== 'record:host' && r.type !== 'record:a' && r.type !== 'record:ptr') continue
      if (text(r, 'view') !== text(zone, 'view')) continue
      const z = this.zoneOf(r)
      if (z === text(zone, 'fqdn')) this.store.delete(r.key)
    }
    this.store.delete(zone.key)
  }

  private deleteEaDefinition(def: WapiRecord): void {
    const name = text(def, 'name') ?? ''
    for (const r of this.store.all()) {
      const ea = r.fields.extattrs
      if (isJsonObject(ea) && name in ea) {
        r.fields.extattrs = Object.fromEntries(Object.entries(ea).filter(([k]) => k !== name))
      }
    }
    this.store.delete(def.key)
  }

  /** A network view, DNS view or EA definition was renamed: objects follow the new name. */
  private renamed(record: WapiRecord, oldName: string): void {
    const newName = text(record, 'name') ?? ''
    const field =
      record.type === 'networkview' ? 'network_view' : record.type === 'view' ? 'view' : undefined
    if (field !== undefined) {
      for (const r of this.store.all())
        if (r !== record && text(r, field) === oldName) r.fields[field] = newName
    }
    if (record.type === 'extensibleattributedef') {
      for (const r of this.store.all()) {
        const ea = r.fields.extattrs
        if (!isJsonObject(ea) || !(oldName in ea)) continue
        const next: JsonObject = {}
        for (const [k, v] of Object.entries(ea)) next[k === oldName ? newName : k] = v
        r.fields.extattrs = next
      }
    }
  }
}

// -------------------------------------------------------------------- helpers

function* filter<T>(items: Iterable<T>, accept: (item: T) => boolean): Iterable<T> {
  for (const item of items) if (accept(item)) yield item
}

function eas(extattrs: PlainExtattrs | undefined): JsonObject {
  if (extattrs === undefined) return {}
  const out: JsonObject = {}
  for (const [k, v] of Object.entries(extattrs))
    out[k] = { value: typeof v === 'object' ? [...v] : v }
  return { extattrs: out }
}

function hostEntries(host: WapiRecord, version: IpVersion): JsonObject[] {
  const list = host.fields[version === 4 ? 'ipv4addrs' : 'ipv6addrs']
  return Array.isArray(list) ? list.filter(isJsonObject) : []
}

function objectField(r: WapiRecord, field: string): JsonObject {
  const v = r.fields[field]
  return isJsonObject(v) ? cloneJson(v) : {}
}

function sameIp(textValue: string | undefined, ip: IpAddress | undefined): boolean {
  if (textValue === undefined || ip === undefined) return false
  const other = parseIp(textValue)
  return other !== undefined && other.version === ip.version && other.value === ip.value
}

function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.version === inner.version &&
    firstAddress(inner) >= firstAddress(outer) &&
    lastAddress(inner) <= lastAddress(outer)
  )
}

function requiredString(body: JsonObject, field: string): string {
  const v = body[field]
  if (v === undefined || v === null) throw WapiErrors.proto(`Required field missing: ${field}`)
  if (typeof v !== 'string' || v.trim() === '') throw WapiErrors.invalidValue(field, v)
  return v
}

function optionalString(body: JsonObject, field: string): string | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw WapiErrors.invalidValue(field, v)
  return v
}

function literalIp(raw: Json | undefined, field: string, version: IpVersion): IpAddress {
  if (raw === undefined) throw WapiErrors.proto(`Required field missing: ${field}`)
  const ip = typeof raw === 'string' ? parseIp(raw) : undefined
  if (ip === undefined || ip.version !== version) throw WapiErrors.invalidValue(field, raw)
  return ip
}

function positiveInt(raw: Json | number | undefined, field: string): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
    throw WapiErrors.invalidValue(field, raw ?? null)
  }
  return raw
}

function addressList(raw: Json | undefined, field: string): string[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string' && parseIp(v) !== undefined)) {
    throw WapiErrors.invalidValue(field, raw)
  }
  return raw.map(String)
}

function cidrList(raw: Json | undefined): Cidr[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw WapiErrors.invalidValue('exclude', raw)
  return raw.map((v) => {
    const c = typeof v === 'string' ? parseCidr(v) : undefined
    if (c === undefined) throw WapiErrors.invalidValue('exclude', raw)
    return c
  })
}

/** A DNS name as stored: no trailing dot; case kept (compared case-insensitively). */
function dnsName(name: string): string {
  const trimmed = name.trim().replace(/\.$/, '')
  if (
    trimmed === '' ||
    /\s/.test(trimmed) ||
    trimmed.split('.').some((l) => l === '' || l.length > 63)
  ) {
    throw WapiErrors.invalidValue('name', name)
  }
  return trimmed
}

function reverseName(ip: IpAddress): string {
  return `${formatIp(ip).split('.').reverse().join('.')}.in-addr.arpa`
}

function fromReverseName(name: string): IpAddress | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/i.exec(name)
  if (m === null) return undefined
  return parseIp(`${m[4] ?? ''}.${m[3] ?? ''}.${m[2] ?? ''}.${m[1] ?? ''}`)
}

/** True when an error is a WAPI error (as opposed to a bug). */
export function isWapiError(e: unknown): e is WapiError {
  return e instanceof WapiError
}
