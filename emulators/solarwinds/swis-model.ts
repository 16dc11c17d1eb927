import type { Cidr } from '../../src/domain/cidr.ts'

/** IPAM.IPNode `Status` values (Morpheus plugin / third-party enum, external-apis.md §5.3). */
export const NODE_STATUS = {
  Used: 1,
  Available: 2,
  Reserved: 4,
  Transient: 8,
  Blocked: 16,
} as const

export type NodeStatusName = keyof typeof NODE_STATUS
export type NodeStatus = (typeof NODE_STATUS)[NodeStatusName]

/** The status of a verb argument ("Used", "available", …), or undefined when not one. */
export function statusFromName(name: string): NodeStatus | undefined {
  const key = (Object.keys(NODE_STATUS) as NodeStatusName[]).find(
    (k) => k.toLowerCase() === name.trim().toLowerCase(),
  )
  return key === undefined ? undefined : NODE_STATUS[key]
}

/** True for the numeric Status values IPAM knows. */
export function isNodeStatus(value: number): value is NodeStatus {
  return (Object.values(NODE_STATUS) as number[]).includes(value)
}

/** IPAM.Subnet `GroupType`: 1 Root, 2 Group (hierarchy groups too), 4 Supernet, 8 Subnet. */
export type GroupType = 1 | 2 | 4 | 8

/** IPAM.Subnet `GroupTypeText` per GroupType. */
export const GROUP_TYPE_TEXT: Record<GroupType, string> = {
  1: 'Root',
  2: 'Group',
  4: 'Supernet',
  8: 'Subnet',
}

/** What an IP node holds beyond its address; nodes never written keep the defaults. */
export interface NodeData {
  status: NodeStatus
  mac: string | null
  alias: string | null
  dnsBackward: string | null
  description: string | null
  comments: string | null
  skipScan: boolean
  allocPolicy: number
  /** While a StartIpReservation holds the node: when it lapses back to Available (ms). */
  reservedUntil: number | undefined
}

/** The data of a node nobody has written: Available, no MAC, no comments. */
export function defaultNode(): NodeData {
  return {
    status: NODE_STATUS.Available,
    mac: null,
    alias: null,
    dnsBackward: null,
    description: null,
    comments: null,
    skipScan: false,
    allocPolicy: 0,
    reservedUntil: undefined,
  }
}

/**
 * A node of the IPAM group tree: the root folder, a (hierarchy) group, a supernet or a subnet.
 * One node may be placed under several parents (`parentIds`): IPAM.Subnet shows one row per
 * placement, keyed by SubnetId and ParentId together.
 */
export interface GroupNode {
  readonly id: number
  readonly groupType: GroupType
  parentIds: number[]
  readonly cidr: Cidr | undefined
  friendlyName: string
  comments: string | null
  vlan: string | null
  location: string | null
  /** Subnets: the IpNodeId of ordinal 0; node ids are `nodeBase + ordinal`. */
  readonly nodeBase: number
  /** Subnets: the nodes that differ from the defaults, by address value. */
  readonly nodes: Map<bigint, NodeData>
}

/** A DNS record pushed through IPAM.IPAddressManagement. */
export interface DnsRecord {
  readonly name: string
  readonly address: string
  readonly dnsServer: string
  readonly zone: string
  readonly ptr: boolean
}

/** A SWIS failure: HTTP 400 (unless said otherwise) with `{"Message", …}`. */
export class SwisError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
    this.name = 'SwisError'
  }
}
