import { TokenStore } from '../auth/token-store.ts'
import type { Config } from '../config/load-config.ts'
import { parseConnectionUrl } from '../db/connection-url.ts'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrator.ts'

/** What start-up tells the operator once (not per worker). */
export interface BootstrapReport {
  readonly migrations: string[]
  /** A new admin token, when the token file was created now. */
  readonly adminToken: string | undefined
  readonly tokenFile: string
}

/**
 * Runs once before the workers start: migrates the database and, with `auth_strategy = token`,
 * creates the token file with an admin token on first start.
 */
export async function bootstrap(config: Config): Promise<BootstrapReport> {
  const db = openDatabase(parseConnectionUrl(config.database.connection), { poolSize: 2 })
  let migrations: string[]
  try {
    migrations = await migrateToLatest(db)
  } finally {
    await db.close()
  }
  const store = new TokenStore(config.token.token_file)
  let adminToken: string | undefined
  if (config.DEFAULT.auth_strategy === 'token' && !store.exists()) {
    adminToken = store.create('admin', 'admin', ['admin'], 'created on first start').token
  }
  return { migrations, adminToken, tokenFile: config.token.token_file }
}
