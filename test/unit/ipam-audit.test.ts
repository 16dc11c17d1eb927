import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseConnectionUrl } from '../../src/db/connection-url.ts'
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'
import { listAudit, pruneAudit, recordAudit } from '../../src/ipam/audit.ts'
import { freshDatabase } from '../support/backends.ts'

test('audit: newest first, filters, and pruning by age', async () => {
  const t = await freshDatabase('sqlite')
  const db = openDatabase(parseConnectionUrl(t.url))
  try {
    await migrateToLatest(db)
    await recordAudit(db.kysely, [
      {
        driver: 'internal',
        action: 'allocate',
        outcome: 'ok',
        portId: 'p1',
        ipAddress: '10.0.0.2',
      },
    ])
    await new Promise((r) => setTimeout(r, 5))
    await recordAudit(db.kysely, [
      { driver: 'internal', action: 'release', outcome: 'ok', portId: 'p1', ipAddress: '10.0.0.2' },
    ])
    const all = await listAudit(db.kysely, { limit: 10 })
    assert.deepEqual(
      all.map((e) => e.action),
      ['release', 'allocate'],
    )
    assert.deepEqual(
      (await listAudit(db.kysely, { limit: 10, actions: ['allocate'] })).map((e) => e.action),
      ['allocate'],
    )
    assert.deepEqual(
      (await listAudit(db.kysely, { limit: 10, marker: all[0]?.id })).map((e) => e.action),
      ['allocate'],
    )
    // An event from 100 days ago goes; today's stay.
    await db.kysely
      .insertInto('ipam_audit')
      .values({
        ...(all[0] as (typeof all)[number]),
        id: `${new Date(Date.now() - 100 * 86_400_000).toISOString()}-old`,
      })
      .execute()
    await pruneAudit(db.kysely, 90)
    assert.equal((await listAudit(db.kysely, { limit: 10 })).length, 2)
  } finally {
    await db.close()
    await t.drop()
  }
})
