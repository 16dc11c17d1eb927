import { Migrator, type Migration, type MigrationResultSet } from 'kysely'
import type { Db } from './database.ts'
import * as core from './migrations/0001-core.ts'
import * as externalIpam from './migrations/0002-external-ipam.ts'
import * as ipamInstances from './migrations/0003-ipam-instances.ts'
import * as portExtras from './migrations/0004-port-extras.ts'
import * as networkDnsDomain from './migrations/0005-network-dns-domain.ts'

/** Every migration, in order. Names sort in the order they apply. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-external-ipam': externalIpam,
  '0003-ipam-instances': ipamInstances,
  '0004-port-extras': portExtras,
  '0005-network-dns-domain': networkDnsDomain,
}

/** Names of every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS)

/**
 * Applies pending migrations. Safe when several nodes start together: Kysely's migrator takes a
 * database lock (a lock row, or GET_LOCK on MariaDB) and each node applies only what is missing.
 * Throws with the failing migration's name when one fails.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  })
  let result: MigrationResultSet | undefined
  // NOTE: two nodes creating the bookkeeping tables at the same instant can trip over each
  // other's CREATE TABLE on PostgreSQL/MariaDB; the second attempt finds them in place.
  for (let attempt = 1; ; attempt++) {
    result = await migrator.migrateToLatest()
    if (result.error === undefined || attempt === 3) break
    await new Promise((r) => setTimeout(r, 200 * attempt))
  }
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error)
    const which =
      failed === undefined ? 'database migration' : `database migration ${failed.migrationName}`
    throw new Error(`${which} failed: ${cause}`)
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  })
  const all = await migrator.getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
