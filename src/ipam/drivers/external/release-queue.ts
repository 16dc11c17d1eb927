import { randomUUID } from 'node:crypto'
import type { Db } from '../../../db/database.ts'
import { inTransaction, type Queryable } from '../../../db/transaction.ts'
import { chunks } from '../../../db/chunks.ts'

/** A release owed to the external system. */
export interface QueuedRelease {
  readonly id: string
  readonly kind: 'address' | 'subnet'
  readonly port_id: string | null
  readonly subnet_id: string
  readonly ip_address: string | null
  readonly external_ref: string | null
  readonly attempts: number
  readonly next_attempt_at: string
  readonly last_error: string | null
  readonly created_at: string
}

/** While a node works on a release, others leave it alone for this long. */
const LEASE_MS = 60_000

function backoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9))
}

/**
 * The durable release queue. Rows are written in the transaction that deletes the port (so a
 * release is never forgotten), taken by any node with a lease (claimed under row locks, SKIP
 * LOCKED where the database has it), retried with backoff, and deleted once released.
 */
export class ReleaseQueue {
  constructor(
    private readonly db: Db,
    private readonly driver: string,
    /** This process (see Journal.instanceId) and how long a silent process counts as alive. */
    private readonly instanceId: string,
    private readonly deadAfterMs: number,
  ) {}

  async enqueue(
    q: Queryable,
    items: readonly {
      kind: 'address' | 'subnet'
      portId?: string
      subnetId: string
      ipAddress?: string
      externalRef?: string
    }[],
  ): Promise<string[]> {
    if (items.length === 0) return []
    const now = new Date().toISOString()
    const rows = items.map((i) => ({
      id: randomUUID(),
      driver: this.driver,
      kind: i.kind,
      port_id: i.portId ?? null,
      subnet_id: i.subnetId,
      ip_address: i.ipAddress ?? null,
      external_ref: i.externalRef ?? null,
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      created_at: now,
      claimed_by: null,
    }))
    for (const chunk of chunks(rows))
      await q.insertInto('ipam_release_queue').values(chunk).execute()
    return rows.map((r) => r.id)
  }

  /**
   * Claims due releases (all due ones, or just `ids`) for this node: their next attempt moves a
   * lease ahead, so another node does not take them meanwhile.
   */
  async claim(limit: number, ids?: readonly string[]): Promise<QueuedRelease[]> {
    const now = new Date()
    const silent = new Date(now.getTime() - this.deadAfterMs).toISOString()
    return inTransaction(this.db, async (tx) => {
      const live = tx
        .selectFrom('ipam_instances')
        .select('instance_id')
        .where('last_seen', '>=', silent)
      let query = tx
        .selectFrom('ipam_release_queue')
        .selectAll()
        .where('driver', '=', this.driver)
        // Due, or leased by a process that died (its lease need not run out).
        .where((eb) =>
          eb.or([
            eb('next_attempt_at', '<=', now.toISOString()),
            eb.and([
              eb('claimed_by', 'is not', null),
              eb('claimed_by', '!=', this.instanceId),
              eb('claimed_by', 'not in', live),
            ]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(limit)
      if (ids !== undefined) query = query.where('id', 'in', ids.length === 0 ? [''] : [...ids])
      const rows = await query.forUpdate().skipLocked().execute()
      if (rows.length > 0) {
        await tx
          .updateTable('ipam_release_queue')
          .set({
            next_attempt_at: new Date(now.getTime() + LEASE_MS).toISOString(),
            claimed_by: this.instanceId,
          })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      }
      return rows
    })
  }

  async done(id: string): Promise<void> {
    await this.db.kysely.deleteFrom('ipam_release_queue').where('id', '=', id).execute()
  }

  async failed(item: QueuedRelease, message: string): Promise<void> {
    const attempts = item.attempts + 1
    await this.db.kysely
      .updateTable('ipam_release_queue')
      .set({
        attempts,
        last_error: message,
        next_attempt_at: new Date(Date.now() + backoffMs(attempts)).toISOString(),
        claimed_by: null,
      })
      .where('id', '=', item.id)
      .execute()
  }

  /** Makes every pending release (or one) due now. */
  async makeDue(id?: string): Promise<void> {
    let update = this.db.kysely
      .updateTable('ipam_release_queue')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('driver', '=', this.driver)
    if (id !== undefined) update = update.where('id', '=', id)
    await update.execute()
  }

  async list(): Promise<QueuedRelease[]> {
    return await this.db.kysely
      .selectFrom('ipam_release_queue')
      .selectAll()
      .where('driver', '=', this.driver)
      .orderBy('created_at')
      .execute()
  }

  async depth(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('ipam_release_queue')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('driver', '=', this.driver)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }
}
