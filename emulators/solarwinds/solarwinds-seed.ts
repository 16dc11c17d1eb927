import { formatCidr, hasHostBits, parseCidrText, toCidr, type Cidr } from '../../src/domain/cidr.ts'
import { formatIpv4, parseIpv4 } from '../../src/domain/ip-address.ts'
import {
  NODE_STATUS,
  SwisError,
  type DnsRecord,
  type GroupNode,
  type NodeStatus,
  type NodeStatusName,
} from './swis-model.ts'
import { hostRange, ROOT_ID, type NodeRef, type SwisState } from './swis-state.ts'

/** An IP node as tests see it. */
export interface SwisNodeSnapshot {
  readonly ipNodeId: number
  readonly subnetId: number
  readonly address: string
  readonly status: NodeStatus
  readonly statusName: NodeStatusName
  readonly mac: string | null
  readonly comments: string | null
  readonly dnsBackward: string | null
  readonly reserved: boolean
}

/** One tree node (root, group, supernet or subnet) as tests see it. */
export interface SwisSubnetSnapshot {
  readonly subnetId: number
  readonly parentIds: readonly number[]
  readonly groupType: number
  readonly range: string | null
  readonly friendlyName: string
  readonly comments: string | null
}

function cidrOf(text: string): Cidr {
  const parsed = parseCidrText(text)
  if (parsed?.address.version !== 4 || !text.includes('/') || hasHostBits(parsed)) {
    throw new SwisError(`Not an IPv4 CIDR: ${text}`)
  }
  return toCidr(parsed.address, parsed.prefixLength)
}

function nameOf(status: NodeStatus): NodeStatusName {
  return (
    (Object.keys(NODE_STATUS) as NodeStatusName[]).find((k) => NODE_STATUS[k] === status) ??
    'Available'
  )
}

/**
 * Seeding and inspection of an emulated SolarWinds IPAM: the group tree an operator builds by
 * hand (groups, hierarchy groups, supernets, subnets, also a subnet placed twice), and node
 * statuses to check or force. Throws SwisError for what IPAM would refuse.
 */
export class SolarwindsStateHelpers {
  readonly rootId = ROOT_ID

  constructor(readonly swis: SwisState) {}

  /** A group under `parentId` (default: the root folder), or a top-level hierarchy group. */
  addGroup(name: string, options: { parentId?: number; hierarchy?: boolean } = {}): number {
    return this.swis.addGroup(
      name,
      options.hierarchy === true ? 'hierarchy' : (options.parentId ?? ROOT_ID),
    ).id
  }

  addSupernet(cidr: string, options: { parentId?: number; name?: string } = {}): number {
    return this.swis.addSupernet(cidrOf(cidr), options.parentId ?? ROOT_ID, options.name).id
  }

  /**
   * Adds a subnet (all its addresses Available) under `parentId` (default: the root folder);
   * `alsoUnder` places the same subnet under more parents, so IPAM.Subnet lists it more than once
   * with the same SubnetId. Calling this twice with one CIDR makes two distinct subnets.
   */
  addSubnet(
    cidr: string,
    options: {
      parentId?: number
      name?: string
      comments?: string
      vlan?: string
      alsoUnder?: readonly number[]
    } = {},
  ): number {
    const parents = [options.parentId ?? ROOT_ID, ...(options.alsoUnder ?? [])]
    const subnet = this.swis.addSubnet(cidrOf(cidr), parents, options.name)
    subnet.comments = options.comments ?? null
    subnet.vlan = options.vlan ?? null
    return subnet.id
  }

  subnets(): SwisSubnetSnapshot[] {
    return this.swis.all().map((g) => ({
      subnetId: g.id,
      parentIds: [...g.parentIds],
      groupType: g.groupType,
      range: g.cidr === undefined ? null : formatCidr(g.cidr),
      friendlyName: g.friendlyName,
      comments: g.comments,
    }))
  }

  /** Every node of a subnet (by SubnetId, or the first subnet with that CIDR), in address order. */
  nodes(subnet: number | string): SwisNodeSnapshot[] {
    const target = this.subnet(subnet)
    if (target.cidr === undefined) return []
    this.swis.sweep()
    const out: SwisNodeSnapshot[] = []
    const { first, last } = hostRange(target.cidr)
    for (let value = first; value <= last; value++)
      out.push(this.snapshot({ subnet: target, value }))
    return out
  }

  /** The node of an address (in `subnetId`, else as the verbs choose it). */
  node(address: string, subnetId?: number): SwisNodeSnapshot | undefined {
    this.swis.sweep()
    const ref = this.locate(address, subnetId)
    return ref === undefined ? undefined : this.snapshot(ref)
  }

  /** Sets a node's status by hand, as an operator would in the IPAM UI. */
  setNodeStatus(address: string, status: NodeStatus | NodeStatusName, subnetId?: number): void {
    const ref = this.locate(address, subnetId)
    if (ref === undefined) throw new SwisError(`IP address ${address} was not found.`)
    this.swis.setStatus(ref, typeof status === 'number' ? status : NODE_STATUS[status])
  }

  /** Marks every Available node of a subnet with a status (Used by default); returns how many. */
  fillSubnet(subnet: number | string, status: NodeStatusName = 'Used'): number {
    const target = this.subnet(subnet)
    let count = 0
    for (
      let v = this.swis.firstAvailable(target);
      v !== undefined;
      v = this.swis.firstAvailable(target, v)
    ) {
      this.swis.setStatus({ subnet: target, value: v }, NODE_STATUS[status])
      count++
    }
    return count
  }

  dnsRecords(): readonly DnsRecord[] {
    return [...this.swis.dns]
  }

  private subnet(subnet: number | string): GroupNode {
    const found =
      typeof subnet === 'number'
        ? this.swis.group(subnet)
        : this.swis
            .subnets()
            .find((s) => s.cidr !== undefined && formatCidr(s.cidr) === formatCidr(cidrOf(subnet)))
    if (found?.groupType !== 8) throw new SwisError(`Subnet ${String(subnet)} was not found.`)
    return found
  }

  private locate(address: string, subnetId?: number): NodeRef | undefined {
    const ip = parseIpv4(address)
    if (ip === undefined) throw new SwisError(`'${address}' is not a valid IPv4 address.`)
    if (subnetId === undefined) return this.swis.locate(ip.value)
    const subnet = this.subnet(subnetId)
    return subnet.cidr !== undefined && this.swis.contains(subnet, ip.value)
      ? { subnet, value: ip.value }
      : undefined
  }

  private snapshot(ref: NodeRef): SwisNodeSnapshot {
    const data = this.swis.read(ref)
    const network = ref.subnet.cidr?.network ?? 0n
    return {
      ipNodeId: ref.subnet.nodeBase + Number(ref.value - network),
      subnetId: ref.subnet.id,
      address: formatIpv4(ref.value),
      status: data.status,
      statusName: nameOf(data.status),
      mac: data.mac,
      comments: data.comments,
      dnsBackward: data.dnsBackward,
      reserved: data.reservedUntil !== undefined,
    }
  }
}
