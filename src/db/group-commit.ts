import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

interface Job {
  readonly work: (tx: Kysely<Database>) => Promise<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/** How many transactions share one commit at most. */
const MAX_BATCH = 64

/**
 * Group commit for SQLite. SQLite runs one write transaction at a time anyway, and most of a
 * small transaction's cost is its commit (writing the WAL pages). Transactions that arrive while
 * one runs are queued and then run back to back inside one BEGIN IMMEDIATE … COMMIT, each in its
 * own savepoint: a failing one is rolled back alone, and every caller is answered only after the
 * shared commit, so each still sees all-or-nothing, durable-on-success semantics.
 */
export class GroupCommit {
  private queue: Job[] = []
  private draining = false

  constructor(private readonly kysely: Kysely<Database>) {}

  run<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      if (this.draining) return
      this.draining = true
      // NOTE: start on the next turn of the event loop, so that requests that arrived together
      // join the same batch.
      setImmediate(() => void this.drain())
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH)
        try {
          await this.kysely.connection().execute((conn) => runBatch(conn, batch))
        } catch (error) {
          for (const job of batch) job.reject(error)
        }
      }
    } finally {
      this.draining = false
    }
  }
}

async function runBatch(conn: Kysely<Database>, batch: readonly Job[]): Promise<void> {
  await sql`begin immediate`.execute(conn)
  const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
  try {
    for (const job of batch) {
      await sql`savepoint job`.execute(conn)
      try {
        const value = await job.work(conn)
        await sql`release job`.execute(conn)
        outcomes.push({ ok: true, value })
      } catch (error) {
        await sql`rollback to job`.execute(conn)
        await sql`release job`.execute(conn)
        outcomes.push({ ok: false, error })
      }
    }
    await sql`commit`.execute(conn)
  } catch (error) {
    await sql`rollback`.execute(conn).catch(() => undefined)
    throw error
  }
  batch.forEach((job, i) => {
    const outcome = outcomes[i]
    if (outcome?.ok === true) job.resolve(outcome.value)
    else job.reject(outcome?.error)
  })
}
