import { cidrSize, hostMask } from '../../src/domain/cidr.ts'
import { formatIpv4, parseIpv4 } from '../../src/domain/ip-address.ts'
import { GROUP_TYPE_TEXT, NODE_STATUS, type GroupNode } from './swis-model.ts'
import { hostRange, type NodeRef, type SwisState } from './swis-state.ts'

/** A value in a SWIS row or query parameter. */
export type SwisValue = string | number | boolean | null
export type Row = Record<string, SwisValue>

/** Equalities on key columns found at the top of a WHERE clause, to avoid scanning every node. */
export interface RowHints {
  readonly SubnetId?: SwisValue
  readonly IPAddress?: SwisValue
  readonly IpNodeId?: SwisValue
}

/** A queryable entity: its canonical column names and its rows. */
export interface EntityDef {
  readonly name: string
  readonly columns: readonly string[]
  rows(state: SwisState, hints: RowHints): Iterable<Row>
}

/** The host part of SWIS URIs (`swis://<host>/Orion/…`). */
export const SWIS_HOST = 'orion'

/** The URI of one IPAM.Subnet placement: it carries both SubnetId and ParentId. */
export function subnetUri(subnetId: number, parentId: number): string {
  return `swis://${SWIS_HOST}/Orion/IPAM.Subnet/SubnetId=${subnetId},ParentId=${parentId}`
}

/** The URI of an IPAM.IPNode. */
export function nodeUri(ipNodeId: number): string {
  return `swis://${SWIS_HOST}/Orion/IPAM.IPNode/IpNodeId=${ipNodeId}`
}

/** Status counts of a subnet's host rows. */
function counts(node: GroupNode): Record<string, number> {
  if (node.groupType !== 8 || node.cidr === undefined) {
    return { TotalCount: 0, UsedCount: 0, AvailableCount: 0, ReservedCount: 0, TransientCount: 0 }
  }
  const { first, last } = hostRange(node.cidr)
  const total = Number(last - first + 1n)
  const by = new Map<number, number>()
  for (const data of node.nodes.values()) by.set(data.status, (by.get(data.status) ?? 0) + 1)
  const written = [...by.values()].reduce((a, b) => a + b, 0)
  return {
    TotalCount: total,
    UsedCount: by.get(NODE_STATUS.Used) ?? 0,
    AvailableCount: total - written + (by.get(NODE_STATUS.Available) ?? 0),
    ReservedCount: by.get(NODE_STATUS.Reserved) ?? 0,
    TransientCount: by.get(NODE_STATUS.Transient) ?? 0,
  }
}

/** The IPAM.Subnet row of one placement of a tree node. */
export function subnetRow(node: GroupNode, parentId: number): Row {
  const c = counts(node)
  const cidr = node.cidr
  return {
    SubnetId: node.id,
    ParentId: parentId,
    Address: cidr === undefined ? null : formatIpv4(cidr.network),
    AddressMask:
      cidr === undefined ? null : formatIpv4(~hostMask(4, cidr.prefixLength) & 0xffffffffn),
    CIDR: cidr === undefined ? null : cidr.prefixLength,
    AllocSize: cidr === undefined ? null : Number(cidrSize(cidr)),
    FriendlyName: node.friendlyName,
    Comments: node.comments,
    VLAN: node.vlan,
    Location: node.location,
    Status: 1,
    ...c,
    PercentUsed:
      (c.TotalCount ?? 0) === 0
        ? 0
        : Math.round(
            (((c.TotalCount ?? 0) - (c.AvailableCount ?? 0)) / (c.TotalCount ?? 1)) * 10000,
          ) / 100,
    GroupType: node.groupType,
    GroupTypeText: GROUP_TYPE_TEXT[node.groupType],
    DisplayName: node.friendlyName,
    Description: null,
    InstanceType: 'IPAM.Subnet',
    Uri: subnetUri(node.id, parentId),
  }
}

/** The IPAM.IPNode row of an address. */
export function nodeRow(state: SwisState, ref: NodeRef): Row {
  const data = state.read(ref)
  const network = ref.subnet.cidr?.network ?? 0n
  const ordinal = Number(ref.value - network)
  const address = formatIpv4(ref.value)
  return {
    IpNodeId: ref.subnet.nodeBase + ordinal,
    SubnetId: ref.subnet.id,
    IPOrdinal: ordinal,
    IPAddress: address,
    IPMapped: null,
    Alias: data.alias,
    MAC: data.mac,
    DnsBackward: data.dnsBackward,
    DhcpClientName: null,
    SysName: null,
    Description: data.description,
    Contact: null,
    Location: null,
    Vendor: null,
    MachineType: null,
    Comments: data.comments,
    ResponseTime: null,
    LastBoot: null,
    LastSync: null,
    Status: data.status,
    AllocPolicy: data.allocPolicy,
    SkipScan: data.skipScan,
    LeaseExpires: null,
    DisplayName: address,
    InstanceType: 'IPAM.IPNode',
    Uri: nodeUri(ref.subnet.nodeBase + ordinal),
  }
}

function asNumber(value: SwisValue | undefined): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value.trim()))
    return Number.parseInt(value, 10)
  return undefined
}

const SUBNET_COLUMNS = Object.keys(
  subnetRow(
    {
      id: 0,
      groupType: 1,
      parentIds: [],
      cidr: undefined,
      friendlyName: '',
      comments: null,
      vlan: null,
      location: null,
      nodeBase: 0,
      nodes: new Map(),
    },
    0,
  ),
)

const NODE_COLUMNS = [
  'IpNodeId',
  'SubnetId',
  'IPOrdinal',
  'IPAddress',
  'IPMapped',
  'Alias',
  'MAC',
  'DnsBackward',
  'DhcpClientName',
  'SysName',
  'Description',
  'Contact',
  'Location',
  'Vendor',
  'MachineType',
  'Comments',
  'ResponseTime',
  'LastBoot',
  'LastSync',
  'Status',
  'AllocPolicy',
  'SkipScan',
  'LeaseExpires',
  'DisplayName',
  'InstanceType',
  'Uri',
]

function* nodeRows(state: SwisState, hints: RowHints): Generator<Row> {
  const byId = asNumber(hints.IpNodeId ?? undefined)
  if (hints.IpNodeId !== undefined) {
    const ref = byId === undefined ? undefined : state.nodeById(byId)
    if (ref !== undefined) yield nodeRow(state, ref)
    return
  }
  const subnetId = asNumber(hints.SubnetId ?? undefined)
  const ip = typeof hints.IPAddress === 'string' ? parseIpv4(hints.IPAddress.trim()) : undefined
  if (hints.IPAddress !== undefined && ip === undefined) return
  for (const subnet of state.subnets()) {
    if (hints.SubnetId !== undefined && subnet.id !== subnetId) continue
    if (subnet.cidr === undefined) continue
    const { first, last } = hostRange(subnet.cidr)
    if (ip !== undefined) {
      if (ip.value >= first && ip.value <= last) yield nodeRow(state, { subnet, value: ip.value })
      continue
    }
    for (let value = first; value <= last; value++) yield nodeRow(state, { subnet, value })
  }
}

/** The entities the emulator answers queries on, by lower-case name. */
export const ENTITIES: Readonly<Record<string, EntityDef>> = {
  'ipam.subnet': {
    name: 'IPAM.Subnet',
    columns: SUBNET_COLUMNS,
    *rows(state) {
      for (const node of state.all())
        for (const parentId of node.parentIds) yield subnetRow(node, parentId)
    },
  },
  'ipam.ipnode': { name: 'IPAM.IPNode', columns: NODE_COLUMNS, rows: nodeRows },
}
