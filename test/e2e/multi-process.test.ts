/**
 * Several server processes on one database: parallel port creates on one subnet never share an
 * address. Real processes (`xloud serve`), real HTTP, real SQLite file / PostgreSQL.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  freshDatabase,
  selectedBackends,
  type Backend,
  type TestDatabase,
} from '../support/backends.ts'
import { client } from '../support/http.ts'
import { configText, freePort, spawnServer, type ServerProcess } from '../support/server.ts'

const cases: Backend[] = (['sqlite', 'postgres'] as const).filter((b) =>
  selectedBackends().includes(b),
)

for (const backend of cases) {
  describe(`two server processes on one ${backend} database`, () => {
    let db: TestDatabase
    let servers: ServerProcess[] = []

    before(async () => {
      db = await freshDatabase(backend)
      const conf = configText(db.url)
      servers = [await spawnServer(conf, await freePort())]
      servers.push(await spawnServer(conf, await freePort()))
    })
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()))
      await db.drop()
    })

    test('64 parallel port creates across both: 64 distinct addresses, no error', async () => {
      const [a, b] = servers.map((s) => client(s.url))
      if (a === undefined || b === undefined) throw new Error('servers did not start')
      const net = (
        await a.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'shared-db' },
        })
      ).body.network.id
      const sub = await b.post('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr: '10.70.0.0/24' },
      })
      assert.equal(sub.status, 201)
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          (i % 2 === 0 ? a : b).post<{ port: { fixed_ips: { ip_address: string }[] } }>(
            '/v2.0/ports',
            { port: { network_id: net } },
          ),
        ),
      )
      assert.deepEqual(
        results.filter((r) => r.status !== 201).map((r) => r.text),
        [],
      )
      const ips = results.map((r) => r.body.port.fixed_ips[0]?.ip_address)
      assert.equal(new Set(ips).size, 64)
      const avail = await b.get<{ network_ip_availability: { used_ips: number } }>(
        `/v2.0/network-ip-availabilities/${net}`,
      )
      assert.equal(avail.body.network_ip_availability.used_ips, 64)
    })
  })
}
