/**
 * A server-side disconnect of an idle pooled connection (a PostgreSQL restart or failover, an
 * admin's pg_terminate_backend, MariaDB's wait_timeout) must not take the process down: the
 * pool drops the connection and the next query gets a new one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createConnection } from 'mysql2/promise'
import pg from 'pg'
import { sql } from 'kysely'
import { parseConnectionUrl } from '../../../src/db/connection-url.ts'
import { openDatabase, type Db } from '../../../src/db/database.ts'
import { freshDatabase, selectedBackends, type TestDatabase } from '../../support/backends.ts'

/** Ends every other session on the test database from the server's side. */
async function killSessions(backend: 'postgres' | 'mariadb', database: string): Promise<number> {
  if (backend === 'postgres') {
    const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' })
    await admin.connect()
    const r = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    )
    await admin.end()
    return r.rowCount ?? 0
  }
  const admin = await createConnection({ host: '127.0.0.1', user: 'root' })
  const [rows] = await admin.query(
    'select id from information_schema.processlist where db = ? and id <> connection_id()',
    [database],
  )
  for (const row of rows as { id: number }[]) await admin.query(`kill ${String(row.id)}`)
  await admin.end()
  return (rows as unknown[]).length
}

for (const backend of selectedBackends().filter((b) => b !== 'sqlite')) {
  describe(`connection loss (${backend})`, () => {
    let t: TestDatabase
    let db: Db
    before(async () => {
      t = await freshDatabase(backend)
      db = openDatabase(parseConnectionUrl(t.url), { poolSize: 2 })
    })
    after(async () => {
      await db.close()
      await t.drop()
    })

    test('an idle connection ended by the server is replaced, the process lives on', async () => {
      await sql`select 1`.execute(db.kysely)
      const name = new URL(t.url.replace('mysql+pymysql', 'mysql')).pathname.slice(1)
      assert.ok((await killSessions(backend, name)) > 0, 'a pooled session was ended')
      await new Promise((r) => setTimeout(r, 300))
      const again = await sql<{ n: number }>`select 1 as n`.execute(db.kysely)
      assert.equal(Number(again.rows[0]?.n), 1)
    })
  })
}
