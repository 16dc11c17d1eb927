import type { Kysely } from 'kysely'
import type { Db } from './database.ts'
import { Errors } from '../domain/errors.ts'
import type { Database } from './schema.ts'

/** A query builder bound to one open transaction. */
export type Tx = Kysely<Database>

/** Anything that runs queries: the database itself or a transaction. */
export type Queryable = Kysely<Database>

/** What a database error means to us, whatever the dialect said. */
export type DbErrorKind = 'unique' | 'foreign-key' | 'retryable' | 'other'

interface DriverError {
  code?: unknown
  errno?: unknown
}

/** Classifies a driver error (better-sqlite3, pg or mysql2) by its code. */
export function classifyDbError(error: unknown): DbErrorKind {
  if (typeof error !== 'object' || error === null) return 'other'
  const { code, errno } = error as DriverError
  switch (code) {
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case '23505':
    case 'ER_DUP_ENTRY':
      return 'unique'
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case '23503':
    case 'ER_NO_REFERENCED_ROW_2':
    case 'ER_ROW_IS_REFERENCED_2':
      return 'foreign-key'
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_LOCKED':
    case '40001':
    case '40P01':
    case '55P03':
    case 'ER_LOCK_DEADLOCK':
    case 'ER_LOCK_WAIT_TIMEOUT':
    case 'ER_CHECKREAD':
    case 'ECONNRESET':
      return 'retryable'
  }
  if (errno === 1213 || errno === 1205 || errno === 1020) return 'retryable'
  return 'other'
}

/** Thrown inside a transaction to ask for the whole transaction to be run again. */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'RetryTransaction'
  }
}

export interface TransactionOptions {
  /** Attempts in all, the first included. */
  readonly attempts?: number
}

/**
 * Runs `work` in one transaction, running it again (bounded, with jittered backoff) when the
 * database reports a deadlock, a serialisation failure or a busy lock, or when `work` throws
 * {@link RetryTransaction}. Other errors propagate unchanged after rollback.
 */
export async function inTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 12
  for (let attempt = 1; ; attempt++) {
    try {
      if (db.groupCommit !== undefined) return await db.groupCommit.run(work)
      return await db.kysely.transaction().execute(work)
    } catch (error) {
      const retry = error instanceof RetryTransaction || classifyDbError(error) === 'retryable'
      if (!retry) throw error
      // NOTE: a client never sees a raw lock error or a 500 for contention that outlasted the
      // retries: it is told to retry.
      if (attempt >= attempts)
        throw attempts > 1
          ? Errors.serviceUnavailable('The database was busy; retry the request.')
          : error
      const backoff = Math.min(200, 2 ** attempt) * (0.5 + Math.random())
      await new Promise((r) => setTimeout(r, backoff))
    }
  }
}
