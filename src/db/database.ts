import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely'
import { createPool as createMysqlPool } from 'mysql2'
import pg from 'pg'
import type { ConnectionSpec, Dialect } from './connection-url.ts'
import type { Database } from './schema.ts'
import { GroupCommit } from './group-commit.ts'
import { preparingPool } from './pg-prepared.ts'
import { StripRowLocks } from './strip-row-locks.ts'

/** An open database: the query builder and which SQL dialect it speaks. */
export interface Db {
  readonly kysely: Kysely<Database>
  readonly dialect: Dialect
  /** SQLite only: write transactions share commits (see GroupCommit). */
  readonly groupCommit?: GroupCommit
  close(): Promise<void>
}

export interface OpenOptions {
  /** Connections per process for PostgreSQL and MariaDB. */
  readonly poolSize?: number
}

/**
 * NOTE: SQLite transactions must start with BEGIN IMMEDIATE: a deferred transaction that reads
 * and then writes cannot wait for another process's write lock (SQLITE_BUSY at once, no retry).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/** better-sqlite3 with prepared statements cached by SQL text (Kysely prepares per query). */
function cachingSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const raw = new BetterSqlite3(path, { timeout: 15_000 })
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  raw.pragma('foreign_keys = ON')
  // NOTE: LIKE matches case as on PostgreSQL (tag filters and substring filters are exact).
  raw.pragma('case_sensitive_like = ON')
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql)
      if (stmt === undefined) {
        stmt = raw.prepare(sql)
        if (cache.size > 500) cache.clear()
        cache.set(sql, stmt)
      }
      return stmt
    },
  }
}

function sqliteDialect(path: string): KyselyDialect {
  const database = cachingSqlite(path)
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: (): Driver => new ImmediateSqliteDriver({ database }),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }
}

function postgresPool(
  spec: Extract<ConnectionSpec, { dialect: 'postgres' | 'mysql' }>,
  poolSize: number,
): pg.Pool {
  const pool = new pg.Pool({
    host: spec.socketPath ?? spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password,
    database: spec.database,
    max: poolSize,
  })
  // NOTE: an idle connection ended by the server (a restart, a failover, pg_terminate_backend)
  // is an 'error' event; unheard, it would end the process. The pool has already dropped it,
  // and the next query opens a new one.
  pool.on('error', () => undefined)
  return pool
}

/** Opens (and for SQLite creates) the database described by `spec`. Does not migrate. */
export function openDatabase(spec: ConnectionSpec, options: OpenOptions = {}): Db {
  const poolSize = options.poolSize ?? 10
  let dialect: KyselyDialect
  switch (spec.dialect) {
    case 'sqlite':
      dialect = sqliteDialect(spec.path)
      break
    case 'postgres':
      dialect = new PostgresDialect({ pool: preparingPool(postgresPool(spec, poolSize)) })
      break
    case 'mysql':
      dialect = new MysqlDialect({
        pool: createMysqlPool({
          host: spec.host,
          port: spec.port,
          user: spec.user,
          password: spec.password,
          database: spec.database,
          connectionLimit: poolSize,
          supportBigNumbers: true,
          bigNumberStrings: true,
          ...(spec.socketPath === undefined ? {} : { socketPath: spec.socketPath }),
        }),
        // NOTE: READ COMMITTED avoids InnoDB gap locks on the range scans of the allocator (and is
        // what Galera clusters are run with).
        onCreateConnection: async (connection) => {
          await connection.executeQuery(
            CompiledQuery.raw('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'),
          )
        },
      })
      break
  }
  const kysely = new Kysely<Database>({
    dialect,
    plugins: spec.dialect === 'sqlite' ? [new StripRowLocks()] : [],
  })
  return {
    kysely,
    dialect: spec.dialect,
    ...(spec.dialect === 'sqlite' ? { groupCommit: new GroupCommit(kysely) } : {}),
    close: () => kysely.destroy(),
  }
}
