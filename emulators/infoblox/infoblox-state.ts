/**
 * The emulated grid's database: network views, DNS views, containers, networks, ranges, fixed
 * addresses, host / A / PTR records, zones and EA definitions, with the rules NIOS enforces on
 * them (contract §1), plus seed and inspection helpers for tests. Every operation is
 * synchronous, so concurrent HTTP calls are applied one after the other, as the appliance
 * serialises `func:nextavailableip` creates.
 */
import { cidrContains } from '../../src/domain/cidr.ts'
import { parseIp } from '../../src/domain/ip-address.ts'
import { entriesWithin, familyOfType, recordCidr, type NetworkEntry } from './address-space.ts'
import { updateExtattrs, type EA_TYPES } from './extattrs.ts'
import { AddressAllocator } from './address-allocator.ts'
import { ObjectBuilder } from './object-builder.ts'
import { ObjectReader, type WapiObject } from './object-reader.ts'
import { DEFAULT_VIEW, hostEntries, sameIp } from './record-fields.ts'
import { WapiErrors } from './wapi-error.ts'
import { cloneJson, isJsonObject, jsonText, type Json, type JsonObject } from './wapi-json.ts'
import type { SearchTerm } from './wapi-query.ts'
import type { TypeDef } from './wapi-schema.ts'
import { text, WapiStore, type StoreSnapshot, type WapiRecord } from './wapi-store.ts'

export type { WapiObject } from './object-reader.ts'

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

/** The grid: WAPI operations for the HTTP layer, helpers for tests. */
export class InfobloxState {
  private readonly store = new WapiStore()
  private readonly reader = new ObjectReader(this.store)
  private readonly allocator = new AddressAllocator(this.store, this.reader)
  private readonly builder = new ObjectBuilder(this.store, this.reader, this.allocator)

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

  /**
   * The definition of an object type named in a path.
   * @throws WapiError 400 Proto "Unknown object type (x)"
   */
  typeOf(name: string): TypeDef {
    return this.reader.typeOf(name)
  }

  /**
   * Objects of a type matching every term, in creation order (address order for
   * `ipv4address`). Lazy, so an address search over a large network stops when the caller does.
   * @throws WapiError 400 Proto for an unknown or unsearchable field, or an undefined EA
   */
  search(type: TypeDef, terms: readonly SearchTerm[]): Iterable<WapiObject> {
    return this.reader.search(type, terms)
  }

  /**
   * The object a reference names (the readable part is ignored).
   * @throws WapiError 404 "Reference … not found"
   */
  get(ref: string): WapiObject {
    return this.reader.resolve(ref).object
  }

  /**
   * Creates an object from a POST body.
   * @throws WapiError 400 for invalid bodies and broken rules (see each type), 404 for a
   *   missing view
   */
  create(type: TypeDef, body: Json): WapiObject {
    if (!type.creatable) throw WapiErrors.proto(`Operation create not allowed for ${type.name}`)
    if (!isJsonObject(body)) throw WapiErrors.proto('Request body must be a JSON object')
    this.builder.checkBody(type, body, 'create')
    const fields = this.builder.build(type, body, undefined)
    const record = this.store.insert(type.name, fields)
    this.builder.afterCreate(record)
    return this.reader.wrap(record)
  }

  /**
   * Updates the object a reference names with a PUT body (`extattrs+` / `extattrs-` and
   * `ipv4addrs+` / `ipv4addrs-` add and remove).
   * @throws WapiError 404 unknown reference; 400 as for create, or for a create-only field
   */
  update(ref: string, body: Json): WapiObject {
    const { record } = this.reader.resolve(ref)
    if (record === undefined) throw WapiErrors.proto('Operation update not allowed for this object')
    const type = this.typeOf(record.type)
    if (!type.creatable) throw WapiErrors.proto(`Operation update not allowed for ${type.name}`)
    if (!isJsonObject(body)) throw WapiErrors.proto('Request body must be a JSON object')
    this.builder.checkBody(type, body, 'update')
    const merged: JsonObject = { ...cloneJson(record.fields) }
    for (const [k, v] of Object.entries(body)) {
      if (!k.endsWith('+') && !k.endsWith('-') && k !== 'extattrs') merged[k] = v
    }
    if (type.name === 'record:host') this.builder.mergeHostLists(record, body, merged)
    const extattrs = updateExtattrs(
      this.store,
      isJsonObject(record.fields.extattrs) ? record.fields.extattrs : {},
      body,
    )
    const fields = this.builder.build(type, merged, record)
    fields.extattrs =
      extattrs ?? (isJsonObject(record.fields.extattrs) ? record.fields.extattrs : {})
    if (type.name === 'extensibleattributedef') delete fields.extattrs
    const oldName = text(record, 'name')
    record.fields = fields
    if (oldName !== undefined && oldName !== text(record, 'name')) this.renamed(record, oldName)
    return this.reader.wrap(record)
  }

  /**
   * Deletes the object a reference names, and what NIOS deletes with it (a network's fixed
   * addresses and ranges; a container's subnets unless `remove_subnets=false`; a zone's
   * records; a network view's contents).
   * @throws WapiError 404 unknown reference; 400 for the default views or computed objects
   */
  remove(ref: string, args: ReadonlyMap<string, string> = new Map()): string {
    const { record, object } = this.reader.resolve(ref)
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
    return this.allocator.callFunction(ref, name, body)
  }

  /** A copy of everything, for a multi-call `request` to roll back to. */
  snapshot(): StoreSnapshot {
    return this.store.snapshot()
  }

  /** Puts everything back as it was at `snapshot`. */
  restore(snapshot: StoreSnapshot): void {
    this.store.restore(snapshot)
  }

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
      return existing === undefined ? this.addEaDefinition(name) : this.reader.wrap(existing).ref
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

  /** Fixed addresses (IPv4 and IPv6), optionally of one network view. */
  listFixedAddresses(view?: string): FixedAddressInfo[] {
    return this.store
      .all()
      .filter((r) => r.type === 'fixedaddress' || r.type === 'ipv6fixedaddress')
      .filter((r) => view === undefined || text(r, 'network_view') === view)
      .map((r) => ({
        ref: this.reader.wrap(r).ref,
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
        ref: this.reader.wrap(r).ref,
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
        const o = this.reader.wrap(r)
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

  private seed(type: string, body: JsonObject): string {
    return this.create(this.typeOf(type), body).ref
  }

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
      const z = this.reader.zoneOf(r)
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

function eas(extattrs: PlainExtattrs | undefined): JsonObject {
  if (extattrs === undefined) return {}
  const out: JsonObject = {}
  for (const [k, v] of Object.entries(extattrs))
    out[k] = { value: typeof v === 'object' ? [...v] : v }
  return { extattrs: out }
}

function objectField(r: WapiRecord, field: string): JsonObject {
  const v = r.fields[field]
  return isJsonObject(v) ? cloneJson(v) : {}
}
