import { parseCidr, type Cidr } from '../../../domain/cidr.ts'
import type { SwisClient, SwisRow } from './swis-client.ts'

/** One placement of an IPAM.Subnet tree node (a node placed twice has two rows). */
export interface SubnetPlacement {
  readonly subnetId: number
  readonly parentId: number
  readonly cidr: Cidr | undefined
  /** 1 root, 2 group, 4 supernet, 8 subnet. */
  readonly groupType: number
  readonly name: string
  readonly uri: string
}

/** The columns {@link placementOf} reads. */
export const PLACEMENT_COLUMNS = 'SubnetId, ParentId, Address, CIDR, GroupType, FriendlyName, Uri'

/** A row of `SELECT PLACEMENT_COLUMNS FROM IPAM.Subnet …` as a placement. */
export function placementOf(row: SwisRow): SubnetPlacement | undefined {
  if (typeof row.SubnetId !== 'number') return undefined
  const cidr =
    typeof row.Address === 'string' && row.CIDR !== null && row.CIDR !== undefined
      ? parseCidr(`${row.Address}/${String(row.CIDR)}`)
      : undefined
  return {
    subnetId: row.SubnetId,
    parentId: typeof row.ParentId === 'number' ? row.ParentId : -1,
    cidr,
    groupType: typeof row.GroupType === 'number' ? row.GroupType : 0,
    name: typeof row.FriendlyName === 'string' ? row.FriendlyName : '',
    uri: typeof row.Uri === 'string' ? row.Uri : '',
  }
}

/**
 * The containers of the IPAM tree (root folder, groups, hierarchy groups, supernets), to tell
 * which top-level hierarchy a placement belongs to: the root folder ("IP Addresses") or a
 * hierarchy group (the `*ForGroup` verbs' group, for overlapping address spaces).
 */
export class IpamHierarchy {
  private constructor(private readonly containers: Map<number, SubnetPlacement[]>) {}

  /** Reads every container placement (one query). */
  static async load(swis: SwisClient): Promise<IpamHierarchy> {
    const rows = await swis.query(
      `SELECT ${PLACEMENT_COLUMNS} FROM IPAM.Subnet WHERE GroupType <> 8`,
    )
    const containers = new Map<number, SubnetPlacement[]>()
    for (const row of rows) {
      const p = placementOf(row)
      if (p === undefined) continue
      containers.set(p.subnetId, [...(containers.get(p.subnetId) ?? []), p])
    }
    return new IpamHierarchy(containers)
  }

  /** Supernets (GroupType 4), every placement. */
  supernets(): SubnetPlacement[] {
    return [...this.containers.values()].flat().filter((p) => p.groupType === 4)
  }

  /** Names of the top-level hierarchies a placement sits in (through every parent placement). */
  topsOf(placement: SubnetPlacement): Set<string> {
    const tops = new Set<string>()
    const walk = (id: number, seen: Set<number>): void => {
      if (seen.has(id)) return
      seen.add(id)
      for (const p of this.containers.get(id) ?? []) {
        if (p.parentId < 0 || !this.containers.has(p.parentId)) tops.add(p.name)
        else walk(p.parentId, seen)
      }
    }
    walk(placement.parentId, new Set())
    return tops
  }

  /** Whether a placement sits in the named hierarchy group. */
  inGroup(placement: SubnetPlacement, group: string): boolean {
    return [...this.topsOf(placement)].some((t) => t.toLowerCase() === group.toLowerCase())
  }

  /** Whether a hierarchy group of that name exists. */
  hasGroup(group: string): boolean {
    return [...this.containers.values()]
      .flat()
      .some((p) => p.parentId < 0 && p.name.toLowerCase() === group.toLowerCase())
  }
}
