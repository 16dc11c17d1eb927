/**
 * Scale-out: several `xloud serve` processes on one database (three on PostgreSQL, three on
 * MariaDB, four on one SQLite file) under a mixed burst of 2,000 port creates: plain ones,
 * specific addresses that collide on purpose, and bulk requests. Then the races that matter:
 * subnet pools from several nodes, the same CIDR twice, subnet delete against port creates, and a
 * process killed in the middle of a burst.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parseConnectionUrl } from '../../src/db/connection-url.ts'
import { openDatabase, type Db } from '../../src/db/database.ts'
import {
  freshDatabase,
  selectedBackends,
  type Backend,
  type TestDatabase,
} from '../support/backends.ts'
import { client, type ApiResponse, type Client } from '../support/http.ts'
import { configText, freePort, spawnServer, type ServerProcess } from '../support/server.ts'

const NODES: Record<Backend, number> = { postgres: 3, mariadb: 3, sqlite: 4 }

interface Port {
  id: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}

/** Runs tasks with at most `limit` in flight. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (;;) {
        const i = next++
        const task = tasks[i]
        if (task === undefined) return
        out[i] = await task()
      }
    }),
  )
  return out
}

/** Every port holds exactly its addresses, every allocation has its port, counters agree. */
async function checkInvariants(
  db: Db,
  networkId: string,
  api: Client,
): Promise<{ ports: number; allocations: number }> {
  const ports = await db.kysely
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .execute()
  const allocations = await db.kysely
    .selectFrom('ip_allocations')
    .select(['port_id', 'ip_address'])
    .where('network_id', '=', networkId)
    .execute()
  const perPort = new Map<string, number>()
  for (const a of allocations) perPort.set(a.port_id, (perPort.get(a.port_id) ?? 0) + 1)
  for (const p of ports)
    assert.equal(perPort.get(p.id), 1, `port ${p.id} holds ${perPort.get(p.id) ?? 0} addresses`)
  assert.equal(
    new Set(allocations.map((a) => a.port_id)).size,
    allocations.length,
    'one allocation per port',
  )
  assert.equal(
    new Set(allocations.map((a) => a.ip_address)).size,
    allocations.length,
    'distinct addresses',
  )
  const avail = await api.get<{ network_ip_availability: { used_ips: number } }>(
    `/v2.0/network-ip-availabilities/${networkId}`,
  )
  assert.equal(
    avail.body.network_ip_availability.used_ips,
    allocations.length,
    'the used count matches the rows',
  )
  return { ports: ports.length, allocations: allocations.length }
}

for (const backend of selectedBackends()) {
  describe(`${NODES[backend]} API processes on one ${backend} database`, () => {
    let t: TestDatabase
    let db: Db
    let nodes: ServerProcess[] = []
    let apis: Client[] = []

    before(async () => {
      t = await freshDatabase(backend)
      const conf = configText(t.url)
      nodes = []
      for (let i = 0; i < NODES[backend]; i++) nodes.push(await spawnServer(conf, await freePort()))
      apis = nodes.map((n) => client(n.url))
      db = openDatabase(parseConnectionUrl(t.url), { poolSize: 2 })
    })
    after(async () => {
      await Promise.all(nodes.map((n) => n.stop()))
      await db.close()
      await t.drop()
    })

    const api = (i: number): Client => apis[i % apis.length] as Client

    async function network(
      cidr: string,
      extra: Record<string, unknown> = {},
    ): Promise<{ net: string; subnet: string }> {
      const net = (
        await api(0).post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: cidr },
        })
      ).body.network.id
      const sub = await api(1).post<{ subnet: { id: string } }>('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr, ...extra },
      })
      assert.equal(sub.status, 201, sub.text)
      return { net, subnet: sub.body.subnet.id }
    }

    test('2,000 port creates (plain, colliding specific addresses, bulk) across the nodes: distinct, 409s name the address, no 5xx', async () => {
      // NOTE: the colliding specific addresses lie outside the pools, so that only their twin can
      // take them: automatic allocations may land anywhere in the pools (SKIP LOCKED spreads them).
      const { net, subnet } = await network('10.120.0.0/20', {
        allocation_pools: [{ start: '10.120.0.2', end: '10.120.11.254' }],
      })
      const tasks: (() => Promise<{
        kind: string
        address?: string
        res: ApiResponse<{ port: Port; ports: Port[] } & Err>
      }>)[] = []
      let i = 0
      // 1,200 plain creates.
      for (let k = 0; k < 1200; k++) {
        const n = i++
        tasks.push(async () => ({
          kind: 'plain',
          res: await api(n).post('/v2.0/ports', { port: { network_id: net } }),
        }))
      }
      // 200 addresses asked for twice each, from different nodes at about the same time.
      for (let k = 0; k < 200; k++) {
        const address = `10.120.${12 + Math.floor(k / 250)}.${(k % 250) + 1}`
        for (let twice = 0; twice < 2; twice++) {
          const n = i++
          tasks.push(async () => ({
            kind: 'specific',
            address,
            res: await api(n).post('/v2.0/ports', {
              port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: address }] },
            }),
          }))
        }
      }
      // 20 bulk requests of 20 ports.
      for (let k = 0; k < 20; k++) {
        const n = i++
        tasks.push(async () => ({
          kind: 'bulk',
          res: await api(n).post('/v2.0/ports', {
            ports: Array.from({ length: 20 }, () => ({ network_id: net })),
          }),
        }))
      }
      // Interleave the kinds, then run 48 at a time.
      const shuffled = tasks
        .map((task, k) => ({ task, key: (k * 7919) % tasks.length }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.task)
      const results = await pooled(shuffled, 48)

      assert.deepEqual(
        results.filter((r) => r.res.status >= 500).map((r) => r.res.text),
        [],
        'no 5xx',
      )
      const plain = results.filter((r) => r.kind === 'plain')
      assert.ok(
        plain.every((r) => r.res.status === 201),
        'plain creates succeed',
      )
      const bulk = results.filter((r) => r.kind === 'bulk')
      assert.ok(
        bulk.every((r) => r.res.status === 201 && r.res.body.ports.length === 20),
        'bulk creates succeed whole',
      )
      const byAddress = new Map<string, number[]>()
      const texts = new Map<string, string[]>()
      for (const r of results.filter((x) => x.kind === 'specific')) {
        byAddress.set(r.address ?? '', [...(byAddress.get(r.address ?? '') ?? []), r.res.status])
        texts.set(r.address ?? '', [
          ...(texts.get(r.address ?? '') ?? []),
          r.res.text.slice(0, 300),
        ])
        if (r.res.status === 409) {
          assert.equal(r.res.body.NeutronError.type, 'IpAddressAlreadyAllocated')
          assert.ok(
            r.res.body.NeutronError.message.includes(`IP address ${r.address ?? ''} `),
            r.res.body.NeutronError.message,
          )
        }
      }
      for (const [address, statuses] of byAddress) {
        assert.deepEqual(
          statuses.sort(),
          [201, 409],
          `${address}: ${(texts.get(address) ?? []).join(' | ')}`,
        )
      }

      const addresses = [
        ...plain.map((r) => r.res.body.port.fixed_ips[0]?.ip_address),
        ...bulk.flatMap((r) => r.res.body.ports.map((p) => p.fixed_ips[0]?.ip_address)),
        ...results
          .filter((r) => r.kind === 'specific' && r.res.status === 201)
          .map((r) => r.res.body.port.fixed_ips[0]?.ip_address),
      ]
      assert.equal(addresses.length, 1200 + 400 + 200)
      assert.equal(new Set(addresses).size, addresses.length, 'every address distinct')
      const counts = await checkInvariants(db, net, api(0))
      assert.deepEqual(counts, { ports: 1800, allocations: 1800 })
    })

    test('10 parallel subnet creates from an empty pool 10.100.0.0/16 (default /24) get 10 distinct, non-overlapping /24s', async () => {
      const pool = await api(0).post<{ subnetpool: { id: string } }>('/v2.0/subnetpools', {
        subnetpool: { name: 'race', prefixes: ['10.100.0.0/16'], default_prefixlen: 24 },
      })
      const poolId = pool.body.subnetpool.id
      const nets = await Promise.all(
        Array.from(
          { length: 10 },
          async (_, k) =>
            (
              await api(k).post<{ network: { id: string } }>('/v2.0/networks', {
                network: { name: `pool-${k}` },
              })
            ).body.network.id,
        ),
      )
      const subnets = await Promise.all(
        nets.map((net, k) =>
          api(k).post<{ subnet: { cidr: string } }>('/v2.0/subnets', {
            subnet: { network_id: net, ip_version: 4, subnetpool_id: poolId },
          }),
        ),
      )
      assert.deepEqual(
        subnets.map((s) => s.status),
        Array.from({ length: 10 }, () => 201),
      )
      const cidrs = subnets.map((s) => s.body.subnet.cidr)
      assert.equal(new Set(cidrs).size, 10)
      for (const c of cidrs) assert.match(c, /^10\.100\.\d+\.0\/24$/)
    })

    test('the same CIDR created twice on one network from two nodes: one 201, one 400 for the overlap', async () => {
      for (let round = 0; round < 3; round++) {
        const net = (
          await api(0).post<{ network: { id: string } }>('/v2.0/networks', {
            network: { name: `dup-${round}` },
          })
        ).body.network.id
        const both = await Promise.all(
          [0, 1].map((k) =>
            api(k).post<Err>('/v2.0/subnets', {
              subnet: { network_id: net, ip_version: 4, cidr: '10.130.0.0/24' },
            }),
          ),
        )
        assert.deepEqual(both.map((r) => r.status).sort(), [201, 400])
        const refused = both.find((r) => r.status === 400)
        assert.equal(refused?.body.NeutronError.type, 'InvalidInput')
        assert.match(refused?.body.NeutronError.message ?? '', /overlaps with another subnet/)
      }
    })

    test('subnet delete racing port creates: either the delete wins (ports get 404) or the ports win (delete gets 409); never an orphan address', async () => {
      for (let round = 0; round < 4; round++) {
        const { net, subnet } = await network(`10.140.${round}.0/24`)
        const ports = Array.from({ length: 12 }, (_, k) =>
          api(k).post<Err>('/v2.0/ports', {
            port: { network_id: net, fixed_ips: [{ subnet_id: subnet }] },
          }),
        )
        const del = api(round).delete<Err>(`/v2.0/subnets/${subnet}`)
        const [deleted, ...created] = await Promise.all([del, ...ports])
        const portStatuses = created.map((r) => r.status)
        assert.ok(
          portStatuses.every((s) => s === 201 || s === 404),
          portStatuses.join(','),
        )
        if (deleted.status === 204) {
          assert.ok(
            created
              .filter((r) => r.status === 404)
              .every((r) => r.body.NeutronError.type === 'SubnetNotFound'),
          )
          assert.ok(!portStatuses.includes(201), 'no port may hold an address of a deleted subnet')
        } else {
          assert.equal(deleted.status, 409, deleted.text)
          assert.equal(deleted.body.NeutronError.type, 'SubnetInUse')
          assert.ok(portStatuses.includes(201))
        }
        const orphans = await db.kysely
          .selectFrom('ip_allocations')
          .select('port_id')
          .where('subnet_id', '=', subnet)
          .execute()
        assert.equal(
          orphans.length,
          deleted.status === 204 ? 0 : portStatuses.filter((s) => s === 201).length,
        )
      }
    })

    test('a process killed (SIGKILL) in the middle of a burst: no half-created port, no allocation without its port; the others keep serving', async () => {
      const { net } = await network('10.150.0.0/22')
      const victim = nodes.length - 1
      const survivors = apis.slice(0, victim)
      const burst = Array.from({ length: 300 }, (_, k) => async () => {
        try {
          return (await api(k).post('/v2.0/ports', { port: { network_id: net } })).status
        } catch {
          return 0 // the connection to the killed process was cut
        }
      })
      const running = pooled(burst, 24)
      await new Promise((r) => setTimeout(r, 150))
      await nodes[victim]?.stop('SIGKILL')
      const statuses = await running
      assert.ok(statuses.filter((s) => s >= 500).length === 0, 'no 5xx from the survivors')
      const after = await Promise.all(
        survivors.map((s) => s.post<Port>('/v2.0/ports', { port: { network_id: net } })),
      )
      assert.ok(
        after.every((r) => r.status === 201),
        'the others keep serving',
      )
      await checkInvariants(db, net, api(0))
      // The killed node comes back and serves the same database.
      const conf = configText(t.url)
      nodes[victim] = await spawnServer(conf, await freePort())
      apis[victim] = client(nodes[victim].url)
      assert.equal((await api(victim).get('/readyz')).status, 200)
    })
  })
}
