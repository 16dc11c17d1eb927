/**
 * The write side of the grid: validates create and update bodies against the rules NIOS
 * enforces (duplicates, overlaps, networks holding fixed addresses, one MAC per network, zones
 * for DNS records, EA definitions); addresses come from the {@link AddressAllocator}.
 */
import {
  cidrContains,
  firstAddress,
  formatCidr,
  lastAddress,
  parseCidr,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { formatIp, parseIp, type IpAddress, type IpVersion } from '../../src/domain/ip-address.ts'
import { formatMac, parseMac } from '../../src/domain/mac-address.ts'
import {
  familyOfType,
  NETWORK_TYPES,
  networkContaining,
  networkEntries,
  networkViewOfDnsView,
  unusableAddresses,
  type NetworkEntry,
} from './address-space.ts'
import { EA_TYPES, normaliseExtattrs } from './extattrs.ts'
import type { AddressAllocator } from './address-allocator.ts'
import type { ObjectReader } from './object-reader.ts'
import { DEFAULT_VIEW, hostEntries, sameIp } from './record-fields.ts'
import { WapiErrors } from './wapi-error.ts'
import { isJsonObject, jsonText, type Json, type JsonObject } from './wapi-json.ts'
import type { TypeDef } from './wapi-schema.ts'
import { text, type WapiRecord, type WapiStore } from './wapi-store.ts'

const ZERO_MAC = '00:00:00:00:00:00'
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

/** Validates bodies into stored fields, and runs object functions. */
export class ObjectBuilder {
  constructor(
    private readonly store: WapiStore,
    private readonly reader: ObjectReader,
    private readonly allocator: AddressAllocator,
  ) {}

  /**
   * Every key of a body must be a writable field of the type (create-only fields are refused on
   * update), with a value of the field's kind.
   * @throws WapiError 400 Proto "Unknown argument/field" or "Field is not writable"
   */
  checkBody(type: TypeDef, body: JsonObject, mode: 'create' | 'update'): void {
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

  /**
   * Validates a (merged) body for a type and returns the fields to store; `self` is the object
   * being updated, left out of duplicate and conflict checks.
   * @throws WapiError 400 Data / Conflict / Proto for a broken rule, 404 for a missing view
   */
  build(type: TypeDef, body: JsonObject, self: WapiRecord | undefined): JsonObject {
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
    this.reader.requireNetworkView(networkView)
    if (this.store.all('view').some((r) => r !== self && text(r, 'name') === name)) {
      throw WapiErrors.duplicate(name, 'view')
    }
    return { name, network_view: networkView, is_default: self?.fields.is_default === true }
  }

  /** What NIOS creates alongside an object (a new network view's DNS view). */
  afterCreate(record: WapiRecord): void {
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
    const requested = optionalString(body, 'network_view')
    if (requested !== undefined) this.reader.requireNetworkView(requested)
    if (typeof body.template === 'string') {
      throw WapiErrors.data(`Network template '${body.template}' does not exist.`)
    }
    const { cidr, view } = this.allocator.networkValue(body.network, version, requested)
    const text4 = formatCidr(cidr)
    const others = networkEntries(this.store, view, version).filter((e) => e.record !== self)
    for (const e of others) {
      const same = e.cidr.network === cidr.network && e.cidr.prefixLength === cidr.prefixLength
      // NOTE: a network may fill a container of exactly its size (the seed pre-defines the
      // container 10.50.0.0/24 and then creates the network 10.50.0.0/24 in it); the contract
      // records nothing on this case, so the emulator takes the permissive reading.
      if (same && e.container === isContainer) {
        throw WapiErrors.duplicate(text4, isContainer ? 'network_container' : 'network')
      }
    }
    for (const e of others) {
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

  private buildRange(body: JsonObject, self: WapiRecord | undefined): JsonObject {
    const view = optionalString(body, 'network_view') ?? DEFAULT_VIEW
    this.reader.requireNetworkView(view)
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
    if (edges.has(start.value) || edges.has(end.value)) {
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
    const { ip, view } = this.allocator.addressFor(
      body[addrField],
      version,
      addrField,
      requestedView,
    )
    this.reader.requireNetworkView(view)
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
      const dnsNetworkView = this.reader.requireDnsView(view)
      if (networkView !== undefined && networkView !== dnsNetworkView) {
        throw WapiErrors.data(
          `The DNS view ${view} is not associated with network view ${networkView}.`,
        )
      }
      networkView = dnsNetworkView
      if (this.reader.findZone(view, name) === undefined) {
        throw WapiErrors.conflict('The action is not allowed. A parent was not found.')
      }
    } else {
      networkView ??=
        (view !== undefined && view.trim() !== ''
          ? networkViewOfDnsView(this.store, view)
          : undefined) ?? DEFAULT_VIEW
      this.reader.requireNetworkView(networkView)
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
    const v4 = this.hostAddresses(body.ipv4addrs, 4, networkView, self)
    const v6 = this.hostAddresses(body.ipv6addrs, 6, networkView, self)
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
    if (v6.length > 0) out.ipv6addrs = v6
    return out
  }

  private hostAddresses(
    raw: Json | undefined,
    version: IpVersion,
    networkView: string,
    self: WapiRecord | undefined,
  ): JsonObject[] {
    if (raw === undefined || raw === null) return []
    // Addresses this request already took, so two nextavailableip entries differ.
    const pending = new Set<bigint>()
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
      const { ip } = this.allocator.addressFor(
        item[addrField],
        version,
        `${listField}.${addrField}`,
        networkView,
        pending,
      )
      if (out.some((o) => sameIp(jsonText(o[addrField]), ip))) {
        throw WapiErrors.conflict(`The address ${formatIp(ip)} appears twice in the host record.`)
      }
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

  /**
   * Folds a host PUT's `ipv4addrs` / `ipv6addrs` (replace) and their `+` / `-` forms (add,
   * remove by address) into the merged body; entries naming an existing address keep it.
   */
  mergeHostLists(record: WapiRecord, body: JsonObject, merged: JsonObject): void {
    for (const version of [4, 6] as const) {
      const listField = version === 4 ? 'ipv4addrs' : 'ipv6addrs'
      const addrField = version === 4 ? 'ipv4addr' : 'ipv6addr'
      const existing = hostEntries(record, version)
      const given = body[listField]
      if (given !== undefined && !Array.isArray(given)) {
        throw WapiErrors.invalidValue(listField, given)
      }
      let list: Json[] = existing
      if (given !== undefined) {
        // Entries naming an existing address keep their identity (and reference).
        list = given.map((item) => {
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
    const networkView = this.reader.requireDnsView(view)
    if (this.reader.findZone(view, name) === undefined) {
      throw WapiErrors.conflict('The action is not allowed. A parent was not found.')
    }
    const { ip } = this.allocator.addressFor(body.ipv4addr, 4, 'ipv4addr', networkView)
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
    const networkView = this.reader.requireDnsView(view)
    let ip: IpAddress | undefined
    if (body.ipv4addr !== undefined) {
      ip = this.allocator.addressFor(body.ipv4addr, 4, 'ipv4addr', networkView).ip
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
      (ip !== undefined && this.reader.reverseZone(view, ip) !== undefined) ||
      (name !== undefined && this.reader.findZone(view, name) !== undefined)
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
    this.reader.requireDnsView(view)
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
