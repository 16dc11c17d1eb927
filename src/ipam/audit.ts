import { randomBytes } from 'node:crypto'
import type { Queryable } from '../db/transaction.ts'
import { chunks } from '../db/chunks.ts'

export type AuditAction =
  'allocate' | 'release' | 'subnet-create' | 'subnet-adopt' | 'subnet-delete' | 'repair' | 'refuse'
export type AuditOutcome = 'ok' | 'failed' | 'queued'

/** One event of the audit trail: who did what to which address, and how it ended. */
export interface AuditEvent {
  readonly driver: string
  readonly action: AuditAction
  readonly outcome: AuditOutcome
  readonly projectId?: string | undefined
  readonly userId?: string | undefined
  readonly portId?: string | undefined
  readonly subnetId?: string | undefined
  readonly networkId?: string | undefined
  readonly ipAddress?: string | undefined
  readonly detail?: string | undefined
}

/** An audit event as stored and shown. */
export interface AuditRecord {
  id: string
  at: string
  driver: string
  action: string
  outcome: string
  project_id: string | null
  user_id: string | null
  port_id: string | null
  subnet_id: string | null
  network_id: string | null
  ip_address: string | null
  detail: string
}

/** Ids sort in time order (millisecond ISO time first), so "newest first" is an index scan. */
function eventId(at: string): string {
  return `${at}-${randomBytes(4).toString('hex')}`
}

/** Records events, in the caller's transaction when it has one (so they commit with the change). */
export async function recordAudit(q: Queryable, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return
  const at = new Date().toISOString()
  const rows = events.map((e) => ({
    id: eventId(at),
    at,
    driver: e.driver,
    action: e.action,
    outcome: e.outcome,
    project_id: e.projectId ?? null,
    user_id: e.userId ?? null,
    port_id: e.portId ?? null,
    subnet_id: e.subnetId ?? null,
    network_id: e.networkId ?? null,
    ip_address: e.ipAddress ?? null,
    detail: e.detail ?? '',
  }))
  for (const chunk of chunks(rows)) await q.insertInto('ipam_audit').values(chunk).execute()
}

export interface AuditQuery {
  readonly subnetId?: string | undefined
  readonly portId?: string | undefined
  readonly ipAddress?: string | undefined
  readonly actions?: readonly string[] | undefined
  readonly since?: string | undefined
  readonly until?: string | undefined
  /** An event id: only older events. */
  readonly marker?: string | undefined
  readonly limit: number
}

/** Events matching every given filter, newest first. */
export async function listAudit(q: Queryable, query: AuditQuery): Promise<AuditRecord[]> {
  let select = q.selectFrom('ipam_audit').selectAll()
  if (query.subnetId !== undefined) select = select.where('subnet_id', '=', query.subnetId)
  if (query.portId !== undefined) select = select.where('port_id', '=', query.portId)
  if (query.ipAddress !== undefined) select = select.where('ip_address', '=', query.ipAddress)
  if (query.actions !== undefined && query.actions.length > 0)
    select = select.where('action', 'in', [...query.actions])
  if (query.since !== undefined) select = select.where('id', '>=', query.since)
  if (query.until !== undefined) select = select.where('id', '<', `${query.until}~`)
  if (query.marker !== undefined) select = select.where('id', '<', query.marker)
  return select.orderBy('id', 'desc').limit(query.limit).execute()
}

/** Deletes events older than `days` (ids start with their ISO time, so this is an index range). */
export async function pruneAudit(q: Queryable, days: number): Promise<void> {
  const before = new Date(Date.now() - days * 86_400_000).toISOString()
  await q.deleteFrom('ipam_audit').where('id', '<', before).execute()
}
