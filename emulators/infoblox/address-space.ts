/**
 * Address arithmetic over the store: which networks and containers a view holds, how they
 * nest, which addresses are taken, and the next free addresses or networks. Everything is
 * BigInt interval arithmetic (src/domain), never a walk over single addresses.
 */
import {
  cidrContains,
  cidrWithin,
  firstAddress,
  lastAddress,
  parseCidr,
  parseCidrText,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { IntervalSet, type Interval } from '../../src/domain/interval-set.ts'
import { parseIp, type IpAddress, type IpVersion } from '../../src/domain/ip-address.ts'
import { WapiErrors } from './wapi-error.ts'
import { isJsonObject } from './wapi-json.ts'
import { text, type WapiRecord, type WapiStore } from './wapi-store.ts'

/** A network or network container and its prefix. */
export interface NetworkEntry {
  readonly record: WapiRecord
  readonly cidr: Cidr
  readonly container: boolean
}

/** The type names of networks and containers per address family. */
export const NETWORK_TYPES: Readonly<Record<IpVersion, { network: string; container: string }>> = {
  4: { network: 'network', container: 'networkcontainer' },
  6: { network: 'ipv6network', container: 'ipv6networkcontainer' },
}

/** The family a network-like type belongs to, or undefined for other types. */
export function familyOfType(type: string): IpVersion | undefined {
  if (type === 'network' || type === 'networkcontainer') return 4
  if (type === 'ipv6network' || type === 'ipv6networkcontainer') return 6
  return undefined
}

/** The prefix of a network-like record (stored canonical, so it always parses). */
export function recordCidr(record: WapiRecord): Cidr {
  const cidr = parseCidr(text(record, 'network') ?? '')
  if (cidr === undefined) throw new Error(`corrupt network record ${record.key}`)
  return cidr
}

/** Networks and containers of one family in a network view. */
export function networkEntries(store: WapiStore, view: string, version: IpVersion): NetworkEntry[] {
  const types = NETWORK_TYPES[version]
  const out: NetworkEntry[] = []
  for (const record of store.all()) {
    if (record.type !== types.network && record.type !== types.container) continue
    if (text(record, 'network_view') !== view) continue
    out.push({ record, cidr: recordCidr(record), container: record.type === types.container })
  }
  return out
}

/** The network (not container) of the view that holds an address. */
export function networkContaining(
  store: WapiStore,
  view: string,
  ip: IpAddress,
): NetworkEntry | undefined {
  return networkEntries(store, view, ip.version).find(
    (e) => !e.container && cidrContains(e.cidr, ip),
  )
}

/** The network or container with exactly this prefix in the view. */
export function findNetwork(store: WapiStore, view: string, cidr: Cidr): NetworkEntry | undefined {
  return networkEntries(store, view, cidr.version).find(
    (e) => e.cidr.network === cidr.network && e.cidr.prefixLength === cidr.prefixLength,
  )
}

/**
 * The smallest container enclosing `cidr` (what NIOS reports as `network_container`): strictly
 * larger for a container, of at least the same size for a network (which may fill its container).
 */
export function parentContainer(
  store: WapiStore,
  view: string,
  cidr: Cidr,
  forNetwork = false,
): NetworkEntry | undefined {
  let best: NetworkEntry | undefined
  for (const e of networkEntries(store, view, cidr.version)) {
    if (!e.container || e.cidr.prefixLength > cidr.prefixLength) continue
    if (e.cidr.prefixLength === cidr.prefixLength && !forNetwork) continue
    if (!cidrWithin(cidr, e.cidr)) continue
    if (best === undefined || e.cidr.prefixLength > best.cidr.prefixLength) best = e
  }
  return best
}

/** Networks and containers strictly inside `cidr` (any depth). */
export function entriesWithin(store: WapiStore, view: string, cidr: Cidr): NetworkEntry[] {
  return networkEntries(store, view, cidr.version).filter(
    (e) => e.cidr.prefixLength > cidr.prefixLength && cidrWithin(e.cidr, cidr),
  )
}

/** The network view a DNS view belongs to (DNS views map to exactly one network view). */
export function networkViewOfDnsView(store: WapiStore, dnsView: string): string | undefined {
  const v = store.all('view').find((r) => text(r, 'name') === dnsView)
  return v === undefined ? undefined : text(v, 'network_view')
}

function point(value: bigint): Interval {
  return { start: value, end: value }
}

function addressOf(value: unknown, version: IpVersion): bigint | undefined {
  if (typeof value !== 'string') return undefined
  const ip = parseIp(value)
  return ip !== undefined && ip.version === version ? ip.value : undefined
}

/**
 * Addresses of a view that objects hold: fixed addresses, host record addresses (with or
 * without DHCP), and A / PTR records of the view's DNS views.
 */
export function usedAddresses(store: WapiStore, view: string, version: IpVersion): IntervalSet {
  const used: Interval[] = []
  const dnsViews = new Set(
    store
      .all('view')
      .filter((v) => text(v, 'network_view') === view)
      .map((v) => text(v, 'name')),
  )
  for (const r of store.all()) {
    switch (r.type) {
      case 'fixedaddress':
      case 'ipv6fixedaddress': {
        if (text(r, 'network_view') !== view) break
        const v = addressOf(r.fields[version === 4 ? 'ipv4addr' : 'ipv6addr'], version)
        if (v !== undefined) used.push(point(v))
        break
      }
      case 'record:host': {
        if (text(r, 'network_view') !== view) break
        const list = r.fields[version === 4 ? 'ipv4addrs' : 'ipv6addrs']
        if (!Array.isArray(list)) break
        for (const entry of list) {
          if (!isJsonObject(entry)) continue
          const v = addressOf(entry[version === 4 ? 'ipv4addr' : 'ipv6addr'], version)
          if (v !== undefined) used.push(point(v))
        }
        break
      }
      case 'record:a':
      case 'record:ptr': {
        if (version !== 4 || !dnsViews.has(text(r, 'view'))) break
        const v = addressOf(r.fields.ipv4addr, 4)
        if (v !== undefined) used.push(point(v))
        break
      }
    }
  }
  return IntervalSet.of(used)
}

/** Addresses inside DHCP ranges of the view (IPv4). */
export function dhcpRangeAddresses(store: WapiStore, view: string): IntervalSet {
  const spans: Interval[] = []
  for (const r of store.all('range')) {
    if (text(r, 'network_view') !== view) continue
    const s = addressOf(r.fields.start_addr, 4)
    const e = addressOf(r.fields.end_addr, 4)
    if (s !== undefined && e !== undefined) spans.push({ start: s, end: e })
  }
  return IntervalSet.of(spans)
}

/** The addresses of a network no object may take: network and broadcast (IPv4), anycast (IPv6). */
export function unusableAddresses(network: Cidr): IntervalSet {
  const first = firstAddress(network)
  const last = lastAddress(network)
  if (network.version === 6) return IntervalSet.of([point(first)])
  return IntervalSet.of([point(first), point(last)])
}

/** Where a next-available function looks: a whole network, or a start-end span in one. */
export type AllocationTarget =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'range'; readonly start: IpAddress; readonly end: IpAddress }
  | { readonly kind: 'ref'; readonly ref: string }

const NEXT_IP = 'func:nextavailableip:'

/**
 * Parses `func:nextavailableip:<cidr|start-end|ref>[,<network view>]`; undefined when the value
 * is not a function expression.
 * @throws WapiError 400 Proto when the expression is malformed
 */
export function parseNextAvailableIp(
  value: string,
): { target: AllocationTarget; view: string | undefined } | undefined {
  if (!value.startsWith(NEXT_IP)) return undefined
  const body = value.slice(NEXT_IP.length)
  const comma = body.indexOf(',')
  const targetText = (comma < 0 ? body : body.slice(0, comma)).trim()
  const view = comma < 0 ? undefined : body.slice(comma + 1).trim() || undefined
  const bad = () => WapiErrors.proto(`Invalid function call: ${value}`)
  if (
    /^[a-z0-9:]+\/[A-Za-z0-9_-]+(:|$)/.test(targetText) &&
    !/^[0-9a-fA-F:.]+\//.test(targetText)
  ) {
    return { target: { kind: 'ref', ref: targetText }, view }
  }
  if (targetText.includes('/')) {
    const parsed = parseCidrText(targetText)
    const cidr = parseCidr(targetText)
    if (parsed === undefined || cidr === undefined) throw bad()
    return { target: { kind: 'cidr', cidr }, view }
  }
  const dash = targetText.indexOf('-')
  if (dash < 0) throw bad()
  const start = parseIp(targetText.slice(0, dash).trim())
  const end = parseIp(targetText.slice(dash + 1).trim())
  if (start === undefined || end === undefined || start.version !== end.version) throw bad()
  if (start.value > end.value) throw bad()
  return { target: { kind: 'range', start, end }, view }
}

/**
 * The first `count` free addresses of `span` inside `network`: not held by any object of the
 * view, not the network's unusable addresses, not excluded, and (when `skipRanges`) not inside
 * a DHCP range.
 * @throws WapiError 400 Client.Ibap.Data "Cannot find N available IP address(es) in this network."
 */
export function allocateAddresses(
  store: WapiStore,
  view: string,
  network: Cidr,
  span: Interval,
  options: { skipRanges: boolean; exclude: Iterable<bigint>; count: number },
): bigint[] {
  let free = IntervalSet.of([span])
    .intersect(IntervalSet.ofCidrs([network]))
    .subtract(unusableAddresses(network))
    .subtract(usedAddresses(store, view, network.version))
    .subtract(IntervalSet.of([...options.exclude].map(point)))
  if (options.skipRanges && network.version === 4)
    free = free.subtract(dhcpRangeAddresses(store, view))
  const out: bigint[] = []
  for (const i of free.intervals) {
    for (let v = i.start; v <= i.end && out.length < options.count; v++) out.push(v)
    if (out.length >= options.count) break
  }
  if (out.length < options.count) throw WapiErrors.noFreeAddress(options.count)
  return out
}

/**
 * The first `count` free prefixes of length `prefixLength` in a container: not overlapping any
 * network or container inside it, nor the excluded prefixes.
 * @throws WapiError 400 Client.Ibap.Data when fewer are free
 */
export function allocateNetworks(
  store: WapiStore,
  view: string,
  container: Cidr,
  prefixLength: number,
  options: { exclude: readonly Cidr[]; count: number },
): Cidr[] {
  let free = IntervalSet.ofCidrs([container])
    .subtract(IntervalSet.ofCidrs(entriesWithin(store, view, container).map((e) => e.cidr)))
    .subtract(IntervalSet.ofCidrs([...options.exclude]))
  const out: Cidr[] = []
  while (out.length < options.count) {
    const next = free.firstFreePrefix(container.version, prefixLength)
    if (next === undefined) {
      throw WapiErrors.data(`Cannot find ${options.count} available network(s) in this container.`)
    }
    out.push(next)
    free = free.subtract(IntervalSet.ofCidrs([next]))
  }
  return out
}
