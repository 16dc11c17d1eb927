/**
 * `api_workers = N` (N processes behind one port, replaced when one dies) and `xloud db upgrade`
 * run by several nodes at once on a fresh PostgreSQL and MariaDB database.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { get } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, test } from 'node:test'
import { parseConnectionUrl } from '../../src/db/connection-url.ts'
import { openDatabase } from '../../src/db/database.ts'
import { MIGRATION_NAMES } from '../../src/db/migrator.ts'
import { freshDatabase, selectedBackends } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { configText, freePort, spawnServer, XLOUD } from '../support/server.ts'

const run = promisify(execFile)

/** GET /healthz on a new connection each time (cluster workers share connections, not requests). */
function workerPid(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/healthz`, { agent: false, timeout: 2000 }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => {
        resolve((JSON.parse(text) as { pid: number }).pid)
      })
    })
    // NOTE: a connection handed to a worker as it is killed is never answered.
    req.on('timeout', () => req.destroy(new Error('no answer')))
    req.on('error', reject)
  })
}

describe('api_workers', () => {
  test('three workers share one port, and a dead worker is replaced', async () => {
    const db = await freshDatabase('sqlite')
    const server = await spawnServer(configText(db.url, 'api_workers = 3'), await freePort())
    try {
      const api = client(server.url)
      const pids = new Set<number>()
      // Workers start one after another: wait until all three have answered.
      const ready = Date.now() + 30_000
      while (pids.size < 3 && Date.now() < ready) pids.add(await workerPid(server.url))
      assert.equal(pids.size, 3, 'requests reach three worker processes')
      assert.ok(!pids.has(server.child.pid ?? -1), 'the primary process only supervises')
      const [victim] = [...pids]
      process.kill(victim ?? 0, 'SIGKILL')
      const deadline = Date.now() + 20_000
      const seen = new Set<number>()
      while (Date.now() < deadline && seen.size < 3) {
        try {
          seen.add(await workerPid(server.url))
        } catch {
          // a request that hit the dying worker
        }
      }
      assert.equal(seen.size, 3, 'three workers again')
      assert.ok(!seen.has(victim ?? 0), 'the dead one was replaced')
      const net = await api.post('/v2.0/networks', { network: { name: 'after' } })
      assert.equal(net.status, 201)
    } finally {
      await server.stop()
      await db.drop()
    }
  })
})

for (const backend of selectedBackends().filter((b) => b !== 'sqlite')) {
  describe(`xloud db upgrade on ${backend}`, () => {
    test('three nodes migrating a fresh database at once: all succeed, each migration applied once', async () => {
      const db = await freshDatabase(backend)
      const dir = mkdtempSync(join(tmpdir(), 'xloud-migrate-'))
      const conf = join(dir, 'neutron.conf')
      writeFileSync(conf, configText(db.url))
      try {
        const results = await Promise.all(
          [0, 1, 2].map(() =>
            run(process.execPath, [XLOUD, 'db', 'upgrade', '--config-file', conf]),
          ),
        )
        const outputs = results.map((r) => r.stdout.trim())
        assert.equal(outputs.filter((o) => o.startsWith('applied:')).length, 1, outputs.join('\n'))
        assert.equal(
          outputs.filter((o) => o === 'database is up to date').length,
          2,
          outputs.join('\n'),
        )
        const status = await run(process.execPath, [XLOUD, 'db', 'status', '--config-file', conf])
        assert.equal(status.stdout.trim(), 'database is up to date')
        const check = openDatabase(parseConnectionUrl(db.url), { poolSize: 1 })
        const rows = await check.kysely
          .selectFrom('kysely_migration' as 'networks')
          .selectAll()
          .execute()
        await check.close()
        assert.equal(rows.length, MIGRATION_NAMES.length)
      } finally {
        await db.drop()
      }
    })
  })
}
