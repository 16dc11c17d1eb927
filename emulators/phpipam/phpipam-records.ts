import { formatIp } from '../../src/domain/ip-address.ts'
import { maxHosts } from './first-free.ts'
import type { PhpipamState, PiAddress, PiSection, PiSubnet } from './phpipam-state.ts'

type Row = Record<string, unknown>

/**
 * A subnet as the API returns it (`prepare_result`): `subnet` dotted, `mask` a string (a
 * varchar column), `state` renamed `tag`, other columns with PHP 8.1 native types, then the
 * custom fields.
 */
export function subnetRow(subnet: PiSubnet): Row {
  return {
    id: subnet.id,
    subnet: formatIp({ version: subnet.cidr.version, value: subnet.cidr.network }),
    mask: String(subnet.cidr.prefixLength),
    sectionId: subnet.sectionId,
    description: subnet.description,
    linked_subnet: subnet.linked_subnet,
    firewallAddressObject: subnet.firewallAddressObject,
    vrfId: subnet.vrfId,
    masterSubnetId: subnet.masterSubnetId,
    allowRequests: subnet.allowRequests,
    vlanId: subnet.vlanId,
    showName: subnet.showName,
    device: subnet.device,
    permissions: subnet.permissions,
    pingSubnet: subnet.pingSubnet,
    discoverSubnet: subnet.discoverSubnet,
    resolveDNS: subnet.resolveDNS,
    DNSrecursive: subnet.DNSrecursive,
    DNSrecords: subnet.DNSrecords,
    nameserverId: subnet.nameserverId,
    scanAgent: subnet.scanAgent,
    customer_id: subnet.customer_id,
    isFolder: subnet.isFolder,
    isFull: subnet.isFull,
    isPool: subnet.isPool,
    tag: subnet.state,
    threshold: subnet.threshold,
    location: subnet.location,
    editDate: subnet.editDate,
    lastScan: subnet.lastScan,
    lastDiscovery: subnet.lastDiscovery,
    ...subnet.custom,
  }
}

function addressColumns(a: PiAddress): [Row, Row] {
  const head: Row = { id: a.id, subnetId: a.subnetId }
  const tail: Row = {
    is_gateway: a.is_gateway,
    description: a.description,
    hostname: a.hostname,
    mac: a.mac,
    owner: a.owner,
  }
  return [head, tail]
}

/** An address as the API returns it: `ip` dotted, `state` → `tag`, `switch` → `deviceId`. */
export function addressRow(a: PiAddress): Row {
  const [head, tail] = addressColumns(a)
  return {
    ...head,
    ip: formatIp(a.ip),
    ...tail,
    tag: a.state,
    deviceId: a.switch,
    location: a.location,
    port: a.port,
    note: a.note,
    lastSeen: a.lastSeen,
    excludePing: a.excludePing,
    PTRignore: a.PTRignore,
    PTR: a.PTR,
    firewallAddressObject: a.firewallAddressObject,
    editDate: a.editDate,
    customer_id: a.customer_id,
    ...a.custom,
  }
}

/**
 * An address row as the database holds it (what `GET /addresses/{ip}/{subnetId}/` returns
 * unprepared): `ip_addr` as a decimal string, `state`, `switch`, then the cache's dotted `ip`.
 */
export function rawAddressRow(a: PiAddress): Row {
  const [head, tail] = addressColumns(a)
  return {
    ...head,
    ip_addr: a.ip.value.toString(),
    ...tail,
    state: a.state,
    switch: a.switch,
    location: a.location,
    port: a.port,
    note: a.note,
    lastSeen: a.lastSeen,
    excludePing: a.excludePing,
    PTRignore: a.PTRignore,
    PTR: a.PTR,
    firewallAddressObject: a.firewallAddressObject,
    editDate: a.editDate,
    customer_id: a.customer_id,
    ...a.custom,
    ip: formatIp(a.ip),
  }
}

/** A section as the API returns it. */
export function sectionRow(s: PiSection): Row {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    masterSection: s.masterSection,
    permissions: s.permissions,
    strictMode: s.strictMode,
    subnetOrdering: s.subnetOrdering,
    order: s.order,
    editDate: s.editDate,
    showSubnet: s.showSubnet,
    showVLAN: s.showVLAN,
    showVRF: s.showVRF,
    showSupernetOnly: s.showSupernetOnly,
    DNS: s.DNS,
  }
}

const percent = (part: bigint, whole: bigint): number =>
  whole === 0n ? 0 : Math.round((Number((part * 1_000_000n) / whole) / 10_000) * 100) / 100

/**
 * `calculate_subnet_usage`, in the recorded shape: counts per tag (Used, Reserved; a non-zero
 * count is a string, zero the integer 0), `used`, the percentages, `freehosts`,
 * `freehosts_percent` and `maxhosts` (strings).
 */
export function subnetUsage(state: PhpipamState, subnet: PiSubnet): Row {
  const rows = state.rowsOf(subnet.id)
  const max = maxHosts(subnet)
  const count = (tag: number): bigint => BigInt(rows.filter((r) => r.state === tag).length)
  const used = BigInt(rows.length)
  const free = max > used ? max - used : 0n
  const asCount = (n: bigint): string | number => (n === 0n ? 0 : n.toString())
  return {
    Used: asCount(count(2)),
    Reserved: asCount(count(3)),
    used: used.toString(),
    Used_percent: percent(count(2), max),
    Reserved_percent: percent(count(3), max),
    freehosts: free.toString(),
    freehosts_percent: percent(free, max),
    maxhosts: max.toString(),
  }
}
