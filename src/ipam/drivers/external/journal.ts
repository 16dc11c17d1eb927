import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Db } from '../../../db/database.ts'
import type { Queryable } from '../../../db/transaction.ts'
import type { ReservationTag } from './external-backend.ts'
import { chunks } from '../../../db/chunks.ts'

export type JournalOperation = 'allocate' | 'subnet'

/** An open intent: what we are about to ask the external system, written down first. */
export interface Intent {
  readonly id: string
  readonly operation: JournalOperation
  readonly subnetId: string
  readonly portId: string | undefined
}

/**
 * The journal of external calls. An intent is written (and committed) before the call, and
 * closed in the same transaction that commits the outcome. An intent left open means the process
 * died in between: recovery looks the reservation up by its tag and undoes it.
 */
export class Journal {
  /** This process, as intents and heartbeats name it. */
  readonly instanceId = randomUUID()
  private readonly startedAt = new Date().toISOString()

  constructor(
    private readonly db: Db,
    private readonly driver: string,
  ) {}

  /** Tells the other processes this one is alive (see staleOf). */
  async heartbeat(): Promise<void> {
    const now = new Date().toISOString()
    const updated = await this.db.kysely
      .updateTable('ipam_instances')
      .set({ last_seen: now })
      .where('instance_id', '=', this.instanceId)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) > 0) return
    await this.db.kysely
      .insertInto('ipam_instances')
      .values({
        instance_id: this.instanceId,
        host: hostname(),
        pid: process.pid,
        started_at: this.startedAt,
        last_seen: now,
      })
      .execute()
  }

  /** Forgets processes silent for a day (their intents were recovered long ago). */
  private async pruneInstances(): Promise<void> {
    const before = new Date(Date.now() - 24 * 3600_000).toISOString()
    await this.db.kysely.deleteFrom('ipam_instances').where('last_seen', '<', before).execute()
  }

  /** Writes intents in one transaction of their own (committed before any external call). */
  async open(
    intents: readonly {
      operation: JournalOperation
      subnetId: string
      portId?: string
      tag: ReservationTag | Record<string, string>
    }[],
  ): Promise<Intent[]> {
    const now = new Date().toISOString()
    const rows = intents.map((i) => ({
      id: randomUUID(),
      driver: this.driver,
      operation: i.operation,
      state: 'open' as const,
      port_id: i.portId ?? null,
      subnet_id: i.subnetId,
      ip_address: null,
      external_ref: null,
      tag: JSON.stringify(i.tag),
      created_at: now,
      updated_at: now,
      instance_id: this.instanceId,
    }))
    for (const chunk of chunks(rows)) {
      await this.db.kysely.insertInto('ipam_journal').values(chunk).execute()
    }
    return rows.map((r) => ({
      id: r.id,
      operation: r.operation,
      subnetId: r.subnet_id,
      portId: r.port_id ?? undefined,
    }))
  }

  /** Closes intents, inside the caller's transaction when the outcome commits there. */
  async close(q: Queryable, ids: readonly string[], state: 'done' | 'undone'): Promise<void> {
    if (ids.length === 0) return
    await q
      .updateTable('ipam_journal')
      .set({ state, updated_at: new Date().toISOString() })
      .where('id', 'in', [...ids])
      .execute()
  }

  /**
   * Open intents nobody will settle: those of other processes whose heartbeat stopped more than
   * `deadAfterMs` ago (or never came), and those of other processes older than `ageMs` (a stuck
   * call). Intents of live processes are calls still in flight and are left alone.
   */
  async stale(
    ageMs: number,
    deadAfterMs: number,
  ): Promise<
    { id: string; operation: string; subnet_id: string; port_id: string | null; tag: string }[]
  > {
    const now = Date.now()
    const before = new Date(now - ageMs).toISOString()
    const silent = new Date(now - deadAfterMs).toISOString()
    const live = await this.liveInstances(silent)
    return this.db.kysely
      .selectFrom('ipam_journal')
      .select(['id', 'operation', 'subnet_id', 'port_id', 'tag'])
      .where('state', '=', 'open')
      .where('driver', '=', this.driver)
      .where((eb) =>
        // NOTE: this process's own intents are never taken: its requests settle them.
        eb.and([
          eb.or([eb('instance_id', 'is', null), eb('instance_id', '!=', this.instanceId)]),
          eb.or([
            eb('created_at', '<=', before),
            eb.and([
              live.length === 0 ? eb.lit(true) : eb('instance_id', 'not in', live),
              eb('created_at', '<=', silent),
            ]),
          ]),
        ]),
      )
      .orderBy('created_at')
      .limit(500)
      .execute()
  }

  /**
   * Processes that heartbeat since `silent`, less those of this host whose pid is gone: a
   * process restarted after a crash recovers its predecessor's intents at once, without waiting
   * for the heartbeat to age (other hosts' processes can only be judged by their heartbeat).
   */
  private async liveInstances(silent: string): Promise<string[]> {
    const recent = await this.db.kysely
      .selectFrom('ipam_instances')
      .select(['instance_id', 'host', 'pid'])
      .where('last_seen', '>=', silent)
      .execute()
    const here = hostname()
    return recent
      .filter((i) => i.host !== here || i.instance_id === this.instanceId || processExists(i.pid))
      .map((i) => i.instance_id)
  }

  async countOpen(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('ipam_journal')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('state', '=', 'open')
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** Forgets settled intents older than `ageMs`. */
  async prune(ageMs: number): Promise<void> {
    const before = new Date(Date.now() - ageMs).toISOString()
    await this.db.kysely
      .deleteFrom('ipam_journal')
      .where('state', '!=', 'open')
      .where('updated_at', '<', before)
      .execute()
  }
}

/** Whether a process of this host exists (EPERM: it does, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
