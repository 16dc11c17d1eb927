import { formatIp, parseIp } from '../../../domain/ip-address.ts'
import { recordAudit, type AuditEvent } from '../../audit.ts'
import type {
  ExternalSubnet,
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from './external-backend.ts'
import { ExternalIpamError } from './external-errors.ts'
import type { ExternalIpam } from './external-ipam.ts'
import { isPrimaryAddress } from './primary-address.ts'
import type {
  MissingEntry,
  OrphanEntry,
  ReconcileProgress,
  ReconcileReport,
  StaleEntry,
} from './reconcile.ts'

/** One allocation of ours, with what its reservation's tag is made of. */
export interface OurAllocation {
  port_id: string
  ip_address: string
  external_ref: string | null
  dns_name: string
  mac_address: string
  device_id: string
  device_owner: string
  project_id: string
  network_id: string
}

/** A subnet of ours with its recorded external object, ready to compare. */
export interface SubnetToCompare {
  readonly cidr: string
  readonly spec: ExternalSubnetSpec
  readonly ext: ExternalSubnet
  readonly ours: readonly OurAllocation[]
}

/** What the listing of a subnet's reservations came to. */
export type Listing =
  | { readonly kind: 'listed'; readonly reservations: readonly Reservation[] }
  /** The subnet's object (or its range) no longer exists in the external system. */
  | { readonly kind: 'gone'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: ExternalIpamError }

/**
 * Every reservation of a subnet, paging to the end. A backend answers 'not-found' (or
 * 'range-not-defined') when the subnet's object is gone: that is a finding, not an error.
 */
export async function listSubnet(
  external: ExternalIpam,
  subnet: SubnetToCompare,
  progress: ReconcileProgress,
): Promise<Listing> {
  const reservations: Reservation[] = []
  try {
    for await (const r of external.backend.list(subnet.spec, subnet.ext)) {
      reservations.push(r)
      progress.phase = `external ${subnet.cidr}`
    }
  } catch (error) {
    if (!(error instanceof ExternalIpamError)) throw error
    if (error.kind === 'not-found' || error.kind === 'range-not-defined')
      return { kind: 'gone', reason: error.reason }
    return { kind: 'failed', error }
  }
  return { kind: 'listed', reservations }
}

/**
 * Compares a listed subnet with our allocations and, with `repair`, fixes each finding on its
 * own: a repair that fails leaves its finding unrepaired, says why in `report.errors` and is
 * audited as failed, and the others go on.
 */
export async function compareSubnet(
  external: ExternalIpam,
  report: ReconcileReport,
  subnet: SubnetToCompare,
  reservations: readonly Reservation[],
): Promise<void> {
  const db = external.db.kysely
  const backend = external.backend
  const subnetId = subnet.spec.subnetId
  const byAddress = new Map(subnet.ours.map((a) => [a.ip_address, a]))
  const seen = new Set<string>()
  /** Runs one repair (with `repair` only); `fix` answers the audit detail of its success. */
  const attempt = async (
    entry: { repaired: boolean },
    what: string,
    event: Omit<AuditEvent, 'driver' | 'action' | 'outcome' | 'detail'>,
    fix: () => Promise<string>,
  ): Promise<void> => {
    if (!report.repair) return
    try {
      const done = await fix()
      entry.repaired = true
      await recordAudit(db, [
        { ...event, driver: backend.driver, action: 'repair', outcome: 'ok', detail: done },
      ])
    } catch (error) {
      if (!(error instanceof ExternalIpamError)) throw error
      report.errors.push(`${what}: not repaired: ${error.message}`)
      await recordAudit(db, [
        {
          ...event,
          driver: backend.driver,
          action: 'repair',
          outcome: 'failed',
          detail: `${what}: ${error.message}`,
        },
      ])
    }
  }

  for (const r of reservations) {
    report.scanned.external++
    const address = formatIp(r.address)
    seen.add(address)
    const mine = byAddress.get(address)
    if (mine === undefined) {
      const portId = r.tag?.portId
      if (portId === undefined) continue
      const entry: OrphanEntry = {
        ip_address: address,
        subnet_id: subnetId,
        external_ref: r.ref,
        port_id: portId,
        repaired: false,
      }
      report.orphans.push(entry)
      await attempt(
        entry,
        `${address} (orphan ${r.ref})`,
        { portId, subnetId, ipAddress: address },
        async () => {
          await backend.release(r.ref, r.address)
          return `released orphan ${r.ref}`
        },
      )
      continue
    }
    // NOTE: DNS names compare without case (NetBox, for one, stores them in lower case).
    const theirs = r.dnsName.toLowerCase()
    // NOTE: an FQDN (trailing dot) is published without its dot.
    const wanted = mine.dns_name.toLowerCase().replace(/\.$/, '')
    if (
      !backend.capabilities.dns ||
      theirs === '' ||
      wanted === '' ||
      theirs.startsWith(`${wanted}.`) ||
      theirs === wanted
    )
      continue
    const entry: StaleEntry = {
      ip_address: address,
      subnet_id: subnetId,
      port_id: mine.port_id,
      field: 'dns_name',
      ours: mine.dns_name,
      external: r.dnsName,
      repaired: false,
    }
    report.stale.push(entry)
    await attempt(
      entry,
      `${address} (stale dns_name)`,
      { portId: mine.port_id, subnetId, ipAddress: address },
      async () => {
        const primary = await isPrimaryAddress(db, mine.port_id, mine.ip_address)
        await backend.update(r.ref, r.address, tagOf(mine, subnetId, primary))
        return `dns_name ${r.dnsName} → ${mine.dns_name}`
      },
    )
  }

  for (const mine of subnet.ours) {
    if (seen.has(mine.ip_address)) continue
    const entry: MissingEntry = {
      ip_address: mine.ip_address,
      subnet_id: subnetId,
      port_id: mine.port_id,
      repaired: false,
    }
    report.missing.push(entry)
    const address = parseIp(mine.ip_address)
    if (address === undefined) continue
    await attempt(
      entry,
      `${mine.ip_address} (missing)`,
      { portId: mine.port_id, subnetId, ipAddress: mine.ip_address },
      async () => {
        const primary = await isPrimaryAddress(db, mine.port_id, mine.ip_address)
        const again = await backend.reserve(
          subnet.spec,
          subnet.ext,
          { kind: 'specific', address },
          tagOf(mine, subnetId, primary),
        )
        await db
          .updateTable('ip_allocations')
          .set({ external_ref: again.ref })
          .where('subnet_id', '=', subnetId)
          .where('ip_address', '=', mine.ip_address)
          .execute()
        return `reserved again as ${again.ref}`
      },
    )
  }
}

function tagOf(a: OurAllocation, subnetId: string, primary: boolean): ReservationTag {
  return {
    portId: a.port_id,
    projectId: a.project_id,
    networkId: a.network_id,
    subnetId,
    deviceId: a.device_id,
    deviceOwner: a.device_owner,
    macAddress: a.mac_address,
    dnsName: a.dns_name,
    primary,
  }
}
