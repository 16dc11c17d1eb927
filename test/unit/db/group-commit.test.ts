import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parseConnectionUrl } from '../../../src/db/connection-url.ts'
import { openDatabase, type Db } from '../../../src/db/database.ts'
import { migrateToLatest } from '../../../src/db/migrator.ts'
import { inTransaction, RetryTransaction } from '../../../src/db/transaction.ts'
import { freshDatabase, type TestDatabase } from '../../support/backends.ts'

describe('SQLite group commit', () => {
  let t: TestDatabase
  let db: Db

  before(async () => {
    t = await freshDatabase('sqlite')
    db = openDatabase(parseConnectionUrl(t.url))
    await migrateToLatest(db)
  })
  after(async () => {
    await db.close()
    await t.drop()
  })

  const network = (id: string) => ({
    id,
    project_id: 'p',
    name: id,
    description: '',
    created_at: '',
    updated_at: '',
    revision_number: 1,
    tags: '[]',
    admin_state_up: 1,
    status: 'ACTIVE',
    shared: 0,
    mtu: 1450,
    port_security_enabled: 1,
    router_external: 0,
    provider_network_type: 'vxlan',
    provider_physical_network: null,
    provider_segmentation_id: null,
    availability_zone_hints: '[]',
  })

  test('concurrent transactions share commits, and a failing one is rolled back alone', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(db, async (tx) => {
          await tx
            .insertInto('networks')
            .values(network(`n${i}`))
            .execute()
          if (i % 5 === 0) {
            await tx
              .insertInto('networks')
              .values(network(`extra${i}`))
              .execute()
            throw new Error(`job ${i} fails after writing`)
          }
          return i
        }),
      ),
    )
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 8)
    const rows = await db.kysely.selectFrom('networks').select('id').execute()
    const ids = new Set(rows.map((r) => r.id))
    for (let i = 0; i < 40; i++) assert.equal(ids.has(`n${i}`), i % 5 !== 0, `n${i}`)
    assert.ok(![...ids].some((id) => id.startsWith('extra')), 'writes of failed jobs are undone')
  })

  test('a job asking to be retried runs again and commits once', async () => {
    let attempts = 0
    await inTransaction(db, async (tx) => {
      attempts++
      await tx
        .insertInto('networks')
        .values(network(`retry-${attempts}`))
        .execute()
      if (attempts < 3) throw new RetryTransaction('again')
    })
    const rows = await db.kysely
      .selectFrom('networks')
      .select('id')
      .where('id', 'like', 'retry-%')
      .execute()
    assert.deepEqual(
      rows.map((r) => r.id),
      ['retry-3'],
    )
  })
})
