/**
 * Address expressions and object functions: `func:nextavailableip:<cidr|start-end|ref>[,view]`
 * and `func:nextavailablenetwork:…` inside creates, the `_object_function` form, and
 * `POST <ref>?_function=next_available_ip|next_available_network`.
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
import {
  allocateAddresses,
  allocateNetworks,
  familyOfType,
  findNetwork,
  networkContaining,
  parseNextAvailableIp,
  recordCidr,
  type AllocationTarget,
  type NetworkEntry,
} from './address-space.ts'
import type { ObjectReader } from './object-reader.ts'
import { DEFAULT_VIEW } from './record-fields.ts'
import { WapiErrors } from './wapi-error.ts'
import { isJsonObject, jsonText, type Json, type JsonObject } from './wapi-json.ts'
import type { SearchTerm } from './wapi-query.ts'
import { parseRef } from './wapi-ref.ts'
import { text, type WapiRecord, type WapiStore } from './wapi-store.ts'

const MAX_NEXT_IPS = 20

/** An address an expression resolved to, and the network view it belongs to. */
interface Resolved {
  readonly ip: IpAddress
  readonly view: string
}

const NEXT_NETWORK = 'func:nextavailablenetwork:'

/** Resolves address and network expressions, and runs the next-available functions. */
export class AddressAllocator {
  constructor(
    private readonly store: WapiStore,
    private readonly reader: ObjectReader,
  ) {}

  /**
   * The prefix (and network view) of a network or container create: a literal CIDR,
   * `func:nextavailablenetwork:<container cidr|ref>,<view>,<prefix length>`, or an
   * `_object_function` on a container. The view is the one requested, else the function's.
   * @throws WapiError 400 for a malformed prefix or a full container
   */
  networkValue(
    raw: Json | undefined,
    version: IpVersion,
    requestedView: string | undefined,
  ): { cidr: Cidr; view: string } {
    if (raw === undefined) throw WapiErrors.proto('Required field missing: network')
    if (typeof raw === 'string' && raw.startsWith(NEXT_NETWORK)) {
      const [target = '', fnView, lenText] = raw
        .slice(NEXT_NETWORK.length)
        .split(',')
        .map((s) => s.trim())
      const named = fnView === undefined || fnView === '' ? undefined : fnView
      const view = this.sameView(named, requestedView)
      const container = this.containerFor(target, view)
      if (container.cidr.version !== version) throw WapiErrors.invalidValue('network', raw)
      const prefix = positiveInt(lenText === undefined ? undefined : Number(lenText), 'network')
      const [next] = allocateNetworks(this.store, view, container.cidr, prefix, {
        exclude: [],
        count: 1,
      })
      if (next === undefined) throw WapiErrors.invalidValue('network', raw)
      return { cidr: next, view }
    }
    if (isJsonObject(raw)) {
      const { value, view } = this.objectFunction(raw, 'next_available_network', [])
      const cidr = parseCidr(value)
      if (cidr === undefined || cidr.version !== version)
        throw WapiErrors.invalidValue('network', raw)
      return { cidr, view: this.sameView(view, requestedView) }
    }
    if (typeof raw !== 'string') throw WapiErrors.invalidValue('network', raw)
    const parsed = parseCidrText(raw)
    if (parsed === undefined || !raw.includes('/') || parsed.address.version !== version) {
      throw WapiErrors.invalidValue('network', raw)
    }
    if (hasHostBits(parsed)) throw WapiErrors.data(`Invalid network ${raw}: host bits are set.`)
    const cidr = parseCidr(raw)
    if (cidr === undefined) throw WapiErrors.invalidValue('network', raw)
    return { cidr, view: requestedView ?? DEFAULT_VIEW }
  }

  /**
   * The network view of an object whose address comes from a function: the function's and the
   * object's, which must agree when both are given.
   */
  private sameView(fromFunction: string | undefined, requested: string | undefined): string {
    if (fromFunction !== undefined && requested !== undefined && fromFunction !== requested) {
      throw WapiErrors.data(
        `The network view ${fromFunction} in the function differs from the object's network view ${requested}.`,
      )
    }
    const view = fromFunction ?? requested ?? DEFAULT_VIEW
    this.reader.requireNetworkView(view)
    return view
  }

  private containerFor(target: string, view: string): NetworkEntry {
    const parsedRef = parseRef(target)
    if (parsedRef !== undefined && familyOfType(parsedRef.type) !== undefined) {
      const { record } = this.reader.resolve(target)
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

  /**
   * Resolves an address field: a literal, `func:nextavailableip:<cidr|start-end|ref>[,view]`,
   * or an `_object_function` object. `pending` holds addresses already taken by the same
   * request (a host's other addresses); what is allocated is added to it.
   * @throws WapiError 400 for a malformed value or when nothing is free, 404 for a missing view
   */
  addressFor(
    raw: Json | undefined,
    version: IpVersion,
    field: string,
    requestedView: string | undefined,
    pending: Set<bigint> = new Set(),
  ): Resolved {
    if (raw === undefined || raw === null) {
      throw WapiErrors.proto(`Required field missing: ${field}`)
    }
    let resolved: Resolved
    if (typeof raw === 'string' && raw.startsWith('func:')) {
      const parsed = parseNextAvailableIp(raw)
      if (parsed === undefined) throw WapiErrors.proto(`Invalid function call: ${raw}`)
      const view = this.sameView(parsed.view, requestedView)
      const [value] = this.allocateFor(parsed.target, version, view, pending, 1)
      if (value === undefined) throw WapiErrors.noFreeAddress(1)
      resolved = { ip: { version, value }, view }
    } else if (isJsonObject(raw)) {
      const exclude = [...pending].map((v) => formatIp({ version, value: v }))
      const { value, view } = this.objectFunction(raw, 'next_available_ip', exclude)
      const ip = parseIp(value)
      if (ip === undefined || ip.version !== version) throw WapiErrors.invalidValue(field, raw)
      resolved = { ip, view: this.sameView(view, requestedView) }
    } else if (typeof raw === 'string') {
      const ip = parseIp(raw)
      if (ip === undefined || ip.version !== version) throw WapiErrors.invalidValue(field, raw)
      resolved = { ip, view: requestedView ?? DEFAULT_VIEW }
    } else {
      throw WapiErrors.invalidValue(field, raw)
    }
    pending.add(resolved.ip.value)
    return resolved
  }

  private allocateFor(
    target: AllocationTarget,
    version: IpVersion,
    view: string,
    pending: ReadonlySet<bigint>,
    count: number,
  ): bigint[] {
    if (target.kind === 'ref') {
      const { record } = this.reader.resolve(target.ref)
      if (record === undefined) throw WapiErrors.unknownRef(target.ref)
      if ((record.type === 'ipv6network') !== (version === 6)) {
        throw WapiErrors.proto(`Invalid function call: ${target.ref}`)
      }
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
   * returns the first value of the function's result field, with the object's network view.
   */
  private objectFunction(
    spec: JsonObject,
    expected: string,
    exclude: readonly string[],
  ): { value: string; view: string } {
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
    const type = this.reader.typeOf(objectType)
    const terms: SearchTerm[] = Object.entries(params).map(([k, v]) => {
      const ea = k.startsWith('*')
      return { field: ea ? k.slice(1) : k, ea, modifiers: '', value: jsonText(v) }
    })
    const found = [...this.reader.search(type, terms)]
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
    return { value: first, view: jsonText(target.read('network_view')) || DEFAULT_VIEW }
  }

  /**
   * Runs an object function (`POST <ref>?_function=…`): `next_available_ip` on a network or
   * range (`{"num", "exclude"}` → `{"ips": […]}`, nothing reserved), `next_available_network`
   * on a container (`{"cidr", "num", "exclude"}` → `{"networks": […]}`).
   * @throws WapiError 400 Proto for an unknown function; 400 Data when too little is free
   */
  callFunction(ref: string, name: string, body: Json): JsonObject {
    const { record, object } = this.reader.resolve(ref)
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
