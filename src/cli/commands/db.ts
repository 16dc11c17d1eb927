import { loadConfig } from '../../config/load-config.ts'
import { parseConnectionUrl } from '../../db/connection-url.ts'
import { openDatabase } from '../../db/database.ts'
import { migrateToLatest, pendingMigrations } from '../../db/migrator.ts'

/** `xloud db upgrade`: applies pending migrations (safe to run from several nodes at once). */
export async function dbUpgrade(configFile: string | undefined): Promise<void> {
  const config = loadConfig(configFile)
  const db = openDatabase(parseConnectionUrl(config.database.connection), { poolSize: 2 })
  try {
    const applied = await migrateToLatest(db)
    process.stdout.write(
      applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`,
    )
  } finally {
    await db.close()
  }
}

/** `xloud db status`: pending migrations; exit 1 when some are pending. */
export async function dbStatus(configFile: string | undefined): Promise<void> {
  const config = loadConfig(configFile)
  const db = openDatabase(parseConnectionUrl(config.database.connection), { poolSize: 1 })
  try {
    const pending = await pendingMigrations(db)
    process.stdout.write(
      pending.length === 0 ? 'database is up to date\n' : `pending: ${pending.join(', ')}\n`,
    )
    if (pending.length > 0) process.exitCode = 1
  } finally {
    await db.close()
  }
}
