import {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  cidrWithin,
  formatCidr,
  lastAddress,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import {
  defaultNode,
  NODE_STATUS,
  SwisError,
  type DnsRecord,
  type GroupNode,
  type GroupType,
  type NodeData,
  type NodeStatus,
} from './swis-model.ts'

/** SubnetId of the root folder ("IP Addresses"); CreateSubnet places subnets under it. */
export const ROOT_ID = 0

/** The largest IPv4 subnet the emulator pre-creates node rows for. */
export const MAX_SUBNET_PREFIX = 16

/** One address row of a subnet. */
export interface NodeRef {
  readonly subnet: GroupNode
  readonly value: bigint
}

/** The host addresses of a subnet: all of a /31 or /32, else without network and broadcast. */
export function hostRange(cidr: Cidr): { first: bigint; last: bigint } {
  if (cidr.prefixLength >= 31) return { first: cidr.network, last: lastAddress(cidr) }
  return { first: cidr.network + 1n, last: lastAddress(cidr) - 1n }
}

/**
 * The IPAM tree of one emulated Orion server: the root folder, (hierarchy) groups, supernets and
 * subnets with one IP node per host address, and the two-phase reservations on those nodes.
 * Node rows exist for every address (status Available) but are stored only once written.
 */
export class SwisState {
  private readonly groups = new Map<number, GroupNode>()
  readonly dns: DnsRecord[] = []
  private nextGroupId = 1
  private nextNodeBase = 1

  constructor(private readonly ttlOverrideSeconds: number | undefined) {
    this.insert(ROOT_ID, 1, [-1], undefined, 'IP Addresses')
  }

  group(id: number): GroupNode | undefined {
    return this.groups.get(id)
  }

  /** Every tree node, by SubnetId. */
  all(): GroupNode[] {
    return [...this.groups.values()].sort((a, b) => a.id - b.id)
  }

  subnets(): GroupNode[] {
    return this.all().filter((g) => g.groupType === 8)
  }

  childrenOf(id: number): GroupNode[] {
    return this.all().filter((g) => g.parentIds.includes(id))
  }

  /** The top-level nodes (root folder or hierarchy groups) a node sits under, by any placement. */
  hierarchiesOf(node: GroupNode): Set<number> {
    const out = new Set<number>()
    const walk = (n: GroupNode, seen: Set<number>): void => {
      if (seen.has(n.id)) return
      seen.add(n.id)
      for (const parentId of n.parentIds) {
        const parent = this.groups.get(parentId)
        if (parentId === -1 || parent === undefined) out.add(n.id)
        else walk(parent, seen)
      }
    }
    walk(node, new Set())
    return out
  }

  /** A hierarchy group by name. @throws SwisError when there is none */
  hierarchyGroup(name: string): GroupNode {
    const found = this.all().find(
      (g) =>
        g.id !== ROOT_ID &&
        g.parentIds.includes(-1) &&
        g.friendlyName.toLowerCase() === name.toLowerCase(),
    )
    if (found === undefined) throw new SwisError(`Hierarchy group '${name}' was not found.`)
    return found
  }

  /** Adds a group: a hierarchy group (top level) or a folder under `parentId`. */
  addGroup(name: string, parentId: number | 'hierarchy'): GroupNode {
    if (parentId !== 'hierarchy') this.requireContainer(parentId)
    return this.insert(
      this.nextGroupId++,
      2,
      [parentId === 'hierarchy' ? -1 : parentId],
      undefined,
      name,
    )
  }

  addSupernet(cidr: Cidr, parentId: number, name?: string): GroupNode {
    this.requireContainer(parentId)
    return this.insert(
      this.nextGroupId++,
      4,
      [parentId],
      cidr,
      name ?? `${formatIpv4(cidr.network)} /${cidr.prefixLength}`,
    )
  }

  /** Adds a subnet under one or more parents, with no overlap checks (seeding). */
  addSubnet(cidr: Cidr, parentIds: readonly number[], name?: string): GroupNode {
    if (cidr.version !== 4 || cidr.prefixLength < MAX_SUBNET_PREFIX) {
      throw new SwisError(
        `Subnet ${formatCidr(cidr)} is larger than /${MAX_SUBNET_PREFIX}; the emulator does not create it.`,
      )
    }
    for (const parentId of parentIds) this.requireContainer(parentId)
    const node = this.insert(
      this.nextGroupId++,
      8,
      [...parentIds],
      cidr,
      name ?? `${formatIpv4(cidr.network)} /${cidr.prefixLength}`,
    )
    this.nextNodeBase += Number(cidrSize(cidr))
    return node
  }

  /**
   * CreateSubnet*: a subnet under a container, refusing overlaps with subnets of the same
   * hierarchy and subnets outside their supernet.
   * @throws SwisError (400)
   */
  createSubnet(cidr: Cidr, parentId: number): GroupNode {
    const parent = this.requireContainer(parentId)
    if (parent.groupType === 4 && parent.cidr !== undefined && !cidrWithin(cidr, parent.cidr)) {
      throw new SwisError(
        `Subnet ${formatCidr(cidr)} is outside of supernet ${formatCidr(parent.cidr)}.`,
      )
    }
    const hierarchies = this.hierarchiesOf(parent)
    for (const other of this.subnets()) {
      if (other.cidr === undefined || !cidrsOverlap(other.cidr, cidr)) continue
      if ([...this.hierarchiesOf(other)].some((h) => hierarchies.has(h))) {
        throw new SwisError(
          `Subnet ${formatCidr(cidr)} overlaps with existing subnet ${formatCidr(other.cidr)}.`,
        )
      }
    }
    return this.addSubnet(cidr, [parentId])
  }

  /** Removes one placement of a node; with the last one the node (and what is under it) goes. */
  removePlacement(id: number, parentId: number): void {
    const node = this.groups.get(id)
    if (node === undefined || !node.parentIds.includes(parentId) || id === ROOT_ID) {
      throw new SwisError(
        `Entity IPAM.Subnet with SubnetId=${id},ParentId=${parentId} does not exist.`,
      )
    }
    node.parentIds = node.parentIds.filter((p) => p !== parentId)
    if (node.parentIds.length > 0) return
    for (const child of this.childrenOf(id)) this.removePlacement(child.id, id)
    this.groups.delete(id)
  }

  /**
   * The subnet with this address and CIDR: in `hierarchy` when given, else preferably in the root
   * hierarchy; the lowest SubnetId among equals.
   */
  findSubnet(cidr: Cidr, hierarchy?: number): GroupNode | undefined {
    return this.pick(
      this.subnets().filter(
        (s) => s.cidr?.network === cidr.network && s.cidr.prefixLength === cidr.prefixLength,
      ),
      hierarchy,
    )
  }

  /** The node of an address, chosen among subnets as {@link findSubnet} does. */
  locate(value: bigint, hierarchy?: number): NodeRef | undefined {
    const subnet = this.pick(
      this.subnets().filter((s) => {
        if (s.cidr === undefined) return false
        const { first, last } = hostRange(s.cidr)
        return value >= first && value <= last
      }),
      hierarchy,
    )
    return subnet === undefined ? undefined : { subnet, value }
  }

  nodeById(ipNodeId: number): NodeRef | undefined {
    for (const subnet of this.subnets()) {
      if (subnet.cidr === undefined) continue
      const ordinal = BigInt(ipNodeId - subnet.nodeBase)
      if (ordinal < 0n || ordinal >= cidrSize(subnet.cidr)) continue
      const value = subnet.cidr.network + ordinal
      const { first, last } = hostRange(subnet.cidr)
      return value >= first && value <= last ? { subnet, value } : undefined
    }
    return undefined
  }

  /** A node's data (the defaults when never written); do not mutate, use {@link write}. */
  read(ref: NodeRef): NodeData {
    return ref.subnet.nodes.get(ref.value) ?? defaultNode()
  }

  write(ref: NodeRef): NodeData {
    let data = ref.subnet.nodes.get(ref.value)
    if (data === undefined) {
      data = defaultNode()
      ref.subnet.nodes.set(ref.value, data)
    }
    return data
  }

  /** Lapsed reservations return to Available. Called before every read or change. */
  sweep(now = Date.now()): void {
    for (const subnet of this.groups.values()) {
      for (const data of subnet.nodes.values()) {
        if (data.reservedUntil !== undefined && data.reservedUntil <= now) {
          data.reservedUntil = undefined
          data.status = NODE_STATUS.Available
        }
      }
    }
  }

  /** The lowest Available host of a subnet at or after `from`. */
  firstAvailable(subnet: GroupNode, from?: bigint): bigint | undefined {
    if (subnet.cidr === undefined) return undefined
    const { first, last } = hostRange(subnet.cidr)
    for (let v = from !== undefined && from > first ? from : first; v <= last; v++) {
      if ((subnet.nodes.get(v)?.status ?? NODE_STATUS.Available) === NODE_STATUS.Available) return v
    }
    return undefined
  }

  /**
   * StartIpReservation: holds the first Available node (Transient) until the reservation lapses.
   * @throws SwisError when none is available
   *
   * NOTE: the held status is not documented; Transient (8) is our reading of "temporarily held".
   * The emulator's reservationTtlSeconds, when set, replaces the verb's minutes (for tests).
   */
  startReservation(subnet: GroupNode, minutes: number, from?: bigint): bigint {
    this.sweep()
    const value = this.firstAvailable(subnet, from)
    if (value === undefined || subnet.cidr === undefined) {
      throw new SwisError(`No available IP address found in subnet ${subnet.friendlyName}.`)
    }
    const ttlMs =
      this.ttlOverrideSeconds !== undefined
        ? this.ttlOverrideSeconds * 1000
        : (minutes > 0 ? minutes : 10) * 60_000
    const data = this.write({ subnet, value })
    data.status = NODE_STATUS.Transient
    data.reservedUntil = Date.now() + ttlMs
    return value
  }

  /** Finish (with a status) or cancel (back to Available) a live reservation. @throws SwisError */
  endReservation(ref: NodeRef, status: NodeStatus): void {
    this.sweep()
    const data = this.write(ref)
    if (data.reservedUntil === undefined) {
      throw new SwisError(`IP address ${formatIpv4(ref.value)} is not reserved.`)
    }
    data.reservedUntil = undefined
    data.status = status
  }

  /** ChangeIpStatus and Status updates: set the status, dropping any reservation. */
  setStatus(ref: NodeRef, status: NodeStatus): void {
    const data = this.write(ref)
    data.reservedUntil = undefined
    data.status = status
  }

  contains(subnet: GroupNode, value: bigint): boolean {
    return subnet.cidr !== undefined && cidrContains(subnet.cidr, { version: 4, value })
  }

  private pick(candidates: GroupNode[], hierarchy?: number): GroupNode | undefined {
    const inHierarchy = (h: number) => candidates.filter((c) => this.hierarchiesOf(c).has(h))
    const pool =
      hierarchy !== undefined
        ? inHierarchy(hierarchy)
        : inHierarchy(ROOT_ID).length > 0
          ? inHierarchy(ROOT_ID)
          : candidates
    return pool.sort((a, b) => a.id - b.id)[0]
  }

  private requireContainer(id: number): GroupNode {
    const node = this.groups.get(id)
    if (node === undefined || node.groupType === 8)
      throw new SwisError(`Parent group ${id} was not found.`)
    return node
  }

  private insert(
    id: number,
    groupType: GroupType,
    parentIds: number[],
    cidr: Cidr | undefined,
    name: string,
  ): GroupNode {
    const node: GroupNode = {
      id,
      groupType,
      parentIds,
      cidr,
      friendlyName: name,
      comments: null,
      vlan: null,
      location: null,
      nodeBase: this.nextNodeBase,
      nodes: new Map(),
    }
    this.groups.set(id, node)
    return node
  }
}
