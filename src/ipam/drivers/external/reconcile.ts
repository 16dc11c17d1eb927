import { randomUUID } from 'node:crypto'
import { formatIp, parseIp } from '../../../domain/ip-address.ts'
import { recordAudit } from '../../audit.ts'
import type { ReservationTag } from './external-backend.ts'
import { ExternalIpamError } from './external-errors.ts'
import { specOfRow, type ExternalIpam } from './external-ipam.ts'
import { isPrimaryAddress } from './primary-address.ts'

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
  errors: string[]
}

/** Progress of a running reconcile, for long runs. */
export interface ReconcileProgress {
  running: boolean
  phase: string
  done: number
  total: number | null
}

interface OurAllocation {
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

/**
 * Compares our allocations with the external system, subnet by subnet, paging through both to
 * the end. Orphans: reservations tagged as ours that no allocation of ours holds. Missing: our
 * allocations the system no longer has. Stale: both exist but the DNS name or MAC differ. With
 * `repair`, orphans are released, missing ones reserved again (same address) and stale ones
 * rewritten; every repair is audited.
 */
export async function reconcile(
  external: ExternalIpam,
  repair: boolean,
  progress: ReconcileProgress,
): Promise<ReconcileReport> {
  const db = external.db.kysely
  const backend = external.backend
  const report: ReconcileReport = {
    id: randomUUID(),
    driver: backend.driver,
    started_at: new Date().toISOString(),
    finished_at: '',
    repair,
    scanned: { ours: 0, external: 0 },
    orphans: [],
    missing: [],
    stale: [],
    errors: [],
  }
  const subnets = await db
    .selectFrom('subnets')
    .innerJoin('ipam_external_subnets', 'ipam_external_subnets.subnet_id', 'subnets.id')
    .selectAll('subnets')
    .where('ipam_external_subnets.driver', '=', backend.driver)
    .execute()
  Object.assign(progress, { running: true, phase: 'subnets', done: 0, total: subnets.length })
  for (const row of subnets) {
    const spec = specOfRow(row)
    const ext = await external.subnetOf(db, row.id)
    const ours = (await db
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
      .where('ip_allocations.subnet_id', '=', row.id)
      .execute()) as OurAllocation[]
    report.scanned.ours += ours.length
    const byAddress = new Map(ours.map((a) => [a.ip_address, a]))
    const seen = new Set<string>()
    try {
      for await (const r of backend.list(spec, ext)) {
        report.scanned.external++
        progress.phase = `external ${row.cidr}`
        const address = formatIp(r.address)
        seen.add(address)
        const mine = byAddress.get(address)
        if (mine === undefined) {
          if (r.tag?.portId === undefined) continue
          const entry: OrphanEntry = {
            ip_address: address,
            subnet_id: row.id,
            external_ref: r.ref,
            port_id: r.tag.portId,
            repaired: false,
          }
          if (repair) {
            await backend.release(r.ref, r.address)
            entry.repaired = true
            await recordAudit(db, [
              {
                driver: backend.driver,
                action: 'repair',
                outcome: 'ok',
                portId: r.tag.portId,
                subnetId: row.id,
                ipAddress: address,
                detail: `released orphan ${r.ref}`,
              },
            ])
          }
          report.orphans.push(entry)
          continue
        }
        const expectedName = mine.dns_name
        // NOTE: DNS names compare without case (NetBox, for one, stores them in lower case).
        const theirs = r.dnsName.toLowerCase()
        const wanted = expectedName.toLowerCase()
        if (
          backend.capabilities.dns &&
          theirs !== '' &&
          wanted !== '' &&
          !theirs.startsWith(`${wanted}.`) &&
          theirs !== wanted
        ) {
          const entry: StaleEntry = {
            ip_address: address,
            subnet_id: row.id,
            port_id: mine.port_id,
            field: 'dns_name',
            ours: expectedName,
            external: r.dnsName,
            repaired: false,
          }
          if (repair) {
            await backend.update(
              r.ref,
              r.address,
              tagOf(mine, row.id, await isPrimaryAddress(db, mine.port_id, mine.ip_address)),
            )
            entry.repaired = true
            await recordAudit(db, [
              {
                driver: backend.driver,
                action: 'repair',
                outcome: 'ok',
                portId: mine.port_id,
                subnetId: row.id,
                ipAddress: address,
                detail: `dns_name ${r.dnsName} → ${expectedName}`,
              },
            ])
          }
          report.stale.push(entry)
        }
      }
      for (const mine of ours) {
        if (seen.has(mine.ip_address)) continue
        const entry: MissingEntry = {
          ip_address: mine.ip_address,
          subnet_id: row.id,
          port_id: mine.port_id,
          repaired: false,
        }
        const address = parseIp(mine.ip_address)
        if (repair && address !== undefined) {
          const again = await backend.reserve(
            spec,
            ext,
            { kind: 'specific', address },
            tagOf(mine, row.id, await isPrimaryAddress(db, mine.port_id, mine.ip_address)),
          )
          await db
            .updateTable('ip_allocations')
            .set({ external_ref: again.ref })
            .where('subnet_id', '=', row.id)
            .where('ip_address', '=', mine.ip_address)
            .execute()
          entry.repaired = true
          await recordAudit(db, [
            {
              driver: backend.driver,
              action: 'repair',
              outcome: 'ok',
              portId: mine.port_id,
              subnetId: row.id,
              ipAddress: mine.ip_address,
              detail: `reserved again as ${again.ref}`,
            },
          ])
        }
        report.missing.push(entry)
      }
    } catch (error) {
      if (!(error instanceof ExternalIpamError)) throw error
      report.errors.push(`${row.cidr}: ${error.message}`)
    }
    progress.done++
  }
  report.finished_at = new Date().toISOString()
  Object.assign(progress, { running: false, phase: 'done' })
  await db
    .insertInto('ipam_reconcile_reports')
    .values({
      id: report.id,
      driver: backend.driver,
      started_at: report.started_at,
      report: JSON.stringify(report),
    })
    .execute()
  return report
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
