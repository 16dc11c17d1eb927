/**
 * The read side of the grid: object references, readable fields (stored and derived: a
 * network's `network_container`, a fixed address's `network`, a host's `ipv4addrs` with their
 * own references, `ipv4address` status), searches, and the view / zone lookups the rules use.
 */
import {
  cidrContains,
  firstAddress,
  formatCidr,
  lastAddress,
  parseCidr,
} from '../../src/domain/cidr.ts'
import { formatIp, parseIp, type IpAddress, type IpVersion } from '../../src/domain/ip-address.ts'
import {
  familyOfType,
  findNetwork,
  networkContaining,
  networkViewOfDnsView,
  parentContainer,
  recordCidr,
} from './address-space.ts'
import { eaSearchKind, eaValue } from './extattrs.ts'
import { DEFAULT_VIEW, hostEntries, sameIp } from './record-fields.ts'
import { WapiErrors } from './wapi-error.ts'
import { jsonText, type Json, type JsonObject } from './wapi-json.ts'
import { checkTerm, matches, type SearchTerm } from './wapi-query.ts'
import { buildRef, parseRef } from './wapi-ref.ts'
import { typeDef, type TypeDef } from './wapi-schema.ts'
import { text, type WapiRecord, type WapiStore } from './wapi-store.ts'

/** An object as the HTTP layer sees it: its reference and its readable fields. */
export interface WapiObject {
  readonly ref: string
  readonly type: TypeDef
  read(field: string): Json | undefined
}

/** Reads objects out of the store. */
export class ObjectReader {
  constructor(private readonly store: WapiStore) {}

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

  /** The object view of a stored record (reference with its current readable name). */
  wrap(record: WapiRecord): WapiObject {
    const type = this.typeOf(record.type)
    return {
      ref: buildRef(type.name, type.prefix, record.key, this.readable(record)),
      type,
      read: (field) => this.readField(record, field),
    }
  }

  /**
   * The object a reference names; `record` is undefined for computed objects (`ipv4address`,
   * host address sub-objects), which cannot be updated or deleted.
   * @throws WapiError 404 "Reference … not found"
   */
  resolve(ref: string): { record: WapiRecord | undefined; object: WapiObject } {
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
          const isNetwork = !r.type.endsWith('container')
          const parent = parentContainer(
            this.store,
            text(r, 'network_view') ?? DEFAULT_VIEW,
            cidr,
            isNetwork,
          )
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
  addressObject(view: string, ip: IpAddress): WapiObject {
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

  /** True when a network view of that name exists. */
  networkViewExists(name: string): boolean {
    return this.store.all('networkview').some((r) => text(r, 'name') === name)
  }

  /** @throws WapiError 404 "Network view x not found" when the network view does not exist */
  requireNetworkView(name: string): void {
    if (!this.networkViewExists(name)) throw WapiErrors.notFound(`Network view ${name} not found`)
  }

  /** The network view of a DNS view. @throws WapiError 404 "View x not found" */
  requireDnsView(name: string): string {
    const nv = networkViewOfDnsView(this.store, name)
    if (nv === undefined) throw WapiErrors.notFound(`View ${name} not found`)
    return nv
  }

  /** The zone of a view that holds a name: the longest zone name the name ends with. */
  findZone(view: string, name: string): WapiRecord | undefined {
    const lower = name.toLowerCase()
    let best: WapiRecord | undefined
    let bestLength = -1
    for (const z of this.store.all('zone_auth')) {
      if (text(z, 'view') !== view) continue
      const fqdn = text(z, 'fqdn') ?? ''
      const zf = text(z, 'zone_format') ?? 'FORWARD'
      const candidate = zf === 'FORWARD' ? fqdn : (this.reverseZoneName(z) ?? '')
      if (candidate === '') continue
      if (lower === candidate || lower.endsWith(`.${candidate}`)) {
        if (candidate.length > bestLength) {
          best = z
          bestLength = candidate.length
        }
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

  /** The reverse (IPV4 / IPV6) zone of a view that covers an address. */
  reverseZone(view: string, ip: IpAddress): WapiRecord | undefined {
    return this.store.all('zone_auth').find((z) => {
      if (text(z, 'view') !== view) return false
      const cidr = parseCidr(text(z, 'fqdn') ?? '')
      return cidr !== undefined && cidrContains(cidr, ip)
    })
  }

  /** The zone a DNS record (host, A, PTR) belongs to, or undefined for a host without DNS. */
  zoneOf(r: WapiRecord): string | undefined {
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
}

function* filter<T>(items: Iterable<T>, accept: (item: T) => boolean): Iterable<T> {
  for (const item of items) if (accept(item)) yield item
}
