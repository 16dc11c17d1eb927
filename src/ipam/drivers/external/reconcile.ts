import { randomUUID } from 'node:crypto'
import { specOfRow, type ExternalIpam } from './external-ipam.ts'
import { NeutronError } from '../../../domain/errors.ts'
import {
  compareSubnet,
  listSubnet,
  type Listing,
  type OurAllocation,
  type SubnetToCompare,
} from './reconcile-subnet.ts'

export interface OrphanEntry {
  ip_address: string
  subnet_id: string
  external_ref: string
  port_id: string
  repaired: boolean
}

export interface MissingEntry {
  ip_address: string
  subnet_id: string
  port_id: string
  repaired: boolean
}

export interface StaleEntry {
  ip_address: string
  subnet_id: string
  port_id: string
  field: string
  ours: string
  external: string
  repaired: boolean
}

/**
 * A subnet of ours whose range is missing in the external system: its object is gone there, or
 * none was ever recorded (the subnet was made before this driver was configured). A repair
 * links the subnet to the range as the system has it now, if it has one (see relink).
 */
export interface MissingRangeEntry {
  subnet_id: string
  cidr: string
  /** Our record of the external object; null when none was recorded for this driver. */
  external_ref: string | null
  detail: string
  repaired: boolean
}

/** What a reconcile found (and, with repair, fixed). */
export interface ReconcileReport {
  id: string
  driver: string
  started_at: string
  finished_at: string
  repair: boolean
  scanned: { ours: number; external: number }
  orphans: OrphanEntry[]
  missing: MissingEntry[]
  stale: StaleEntry[]
  /** Absent from reports of the internal driver, which has no external side. */
  missing_ranges?: MissingRangeEntry[]
  /** Subnets that could not be compared and repairs that failed, one line each. */
  errors: string[]
}

/** Progress of a running reconcile, for long runs. */
export interface ReconcileProgress {
  running: boolean
  phase: string
  done: number
  total: number | null
}

/**
 * Compares our allocations with the external system, subnet by subnet, paging through both to
 * the end. Orphans: reservations tagged as ours that no allocation of ours holds. Missing: our
 * allocations the system no longer has. Stale: both exist but the DNS name or MAC differ.
 * Missing ranges: subnets whose object is gone in the system or was never recorded there. With
 * `repair`, missing ranges are re-linked, orphans released, missing ones reserved again (same
 * address) and stale ones rewritten, each on its own (a failure leaves that finding unrepaired and is listed in
 * `errors`); every repair is audited.
 */
export async function reconcile(
  external: ExternalIpam,
  repair: boolean,
  progress: ReconcileProgress,
): Promise<ReconcileReport> {
  const db = external.db.kysely
  const driver = external.backend.driver
  const ranges: MissingRangeEntry[] = []
  const report: ReconcileReport = {
    id: randomUUID(),
    driver,
    started_at: new Date().toISOString(),
    finished_at: '',
    repair,
    scanned: { ours: 0, external: 0 },
    orphans: [],
    missing: [],
    stale: [],
    missing_ranges: ranges,
    errors: [],
  }
  const subnets = await db
    .selectFrom('subnets')
    .leftJoin('ipam_external_subnets', (join) =>
      join
        .onRef('ipam_external_subnets.subnet_id', '=', 'subnets.id')
        .on('ipam_external_subnets.driver', '=', driver),
    )
    .selectAll('subnets')
    .select('ipam_external_subnets.external_ref')
    .orderBy('subnets.cidr')
    .execute()
  Object.assign(progress, { running: true, phase: 'subnets', done: 0, total: subnets.length })
  try {
    for (const row of subnets) {
      progress.done++
      const ours = await allocationsOf(external, row.id)
      report.scanned.ours += ours.length
      const compare = async (): Promise<{ subnet: SubnetToCompare; listing: Listing }> => {
        const subnet = {
          cidr: row.cidr,
          spec: specOfRow(row),
          ext: await external.subnetOf(db, row.id),
          ours,
        }
        return { subnet, listing: await listSubnet(external, subnet, progress) }
      }
      let found = row.external_ref === null ? undefined : await compare()
      if (found === undefined || found.listing.kind === 'gone') {
        const entry: MissingRangeEntry = {
          subnet_id: row.id,
          cidr: row.cidr,
          external_ref: row.external_ref,
          detail:
            found?.listing.kind === 'gone'
              ? `${row.cidr}: the ${driver} object ${row.external_ref ?? ''} is gone (${found.listing.reason}): re-create the range in ${driver} and reconcile with repair, or delete the subnet`
              : `${row.cidr}: no ${driver} object is recorded for this subnet (made before ipam_driver = ${driver} was configured?): its ${ours.length} address(es) are not reserved in ${driver}; define the range in ${driver} and reconcile with repair`,
          repaired: false,
        }
        ranges.push(entry)
        if (!repair || !(await relink(external, report, row, entry))) continue
        found = await compare()
      }
      switch (found.listing.kind) {
        case 'listed':
          await compareSubnet(external, report, found.subnet, found.listing.reservations)
          break
        case 'gone':
          report.errors.push(`${row.cidr}: not compared: gone again (${found.listing.reason})`)
          break
        case 'failed':
          report.errors.push(`${row.cidr}: not compared: ${found.listing.error.message}`)
          break
      }
    }
  } finally {
    Object.assign(progress, { running: false, phase: 'done' })
  }
  report.finished_at = new Date().toISOString()
  await db
    .insertInto('ipam_reconcile_reports')
    .values({
      id: report.id,
      driver,
      started_at: report.started_at,
      report: JSON.stringify(report),
    })
    .execute()
  return report
}

/**
 * Repairs a missing range by linking the subnet to its range as the system has it now (see
 * ExternalIpam.relinkSubnet); the caller then compares it, which reserves its addresses again.
 * @returns whether it was re-linked; a failure is listed in `report.errors`
 */
async function relink(
  external: ExternalIpam,
  report: ReconcileReport,
  row: Parameters<typeof specOfRow>[0],
  entry: MissingRangeEntry,
): Promise<boolean> {
  try {
    const ext = await external.relinkSubnet(specOfRow(row), {
      projectId: row.project_id,
      userId: 'reconcile',
    })
    entry.repaired = true
    entry.detail += `; re-linked to ${ext.ref}`
    return true
  } catch (error) {
    if (!(error instanceof NeutronError)) throw error
    report.errors.push(`${row.cidr}: range not re-linked: ${error.message}`)
    return false
  }
}

async function allocationsOf(external: ExternalIpam, subnetId: string): Promise<OurAllocation[]> {
  return await external.db.kysely
    .selectFrom('ip_allocations')
    .innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
    .select([
      'ip_allocations.port_id',
      'ip_allocations.ip_address',
      'ip_allocations.external_ref',
      'ports.dns_name',
      'ports.mac_address',
      'ports.device_id',
      'ports.device_owner',
      'ports.project_id',
      'ports.network_id',
    ])
    .where('ip_allocations.subnet_id', '=', subnetId)
    .execute()
}
