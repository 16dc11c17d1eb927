/**
 * Crashes at every step of port create and delete with the Infoblox driver: the server process
 * kills itself (SIGKILL) at a crash point (XLOUD_FAILPOINTS), is started again, and after
 * recovery the emulator's reservations and our allocations match exactly.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import { parseConnectionUrl } from '../../src/db/connection-url.ts'
import { openDatabase, type Db } from '../../src/db/database.ts'
import { EXTERNAL_IPAM_OPTIONS } from '../conformance/driver-fixtures.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { configText, freePort, spawnServer, type ServerProcess } from '../support/server.ts'

const CIDR_PREFIX = '10.70.0.'

describe('Infoblox driver: crash at every step', () => {
  let ib: InfobloxEmulator
  let t: TestDatabase
  let db: Db
  let conf: string
  let networkId = ''
  let subnetId = ''

  before(async () => {
    ib = await startInfobloxEmulator({ username: 'neutron-svc', password: 'pw' })
    ib.state.addStandardEaDefinitions()
    ib.state.addNetworkContainer('10.70.0.0/24')
    t = await freshDatabase('sqlite')
    conf =
      configText(t.url, 'ipam_driver = infoblox') +
      `[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = pw\nretries = 1\n${EXTERNAL_IPAM_OPTIONS}`
    const server = await spawnServer(conf, await freePort())
    const api = client(server.url)
    networkId = (
      await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'crash' } })
    ).body.network.id
    subnetId = (
      await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
        subnet: { network_id: networkId, ip_version: 4, cidr: '10.70.0.0/24' },
      })
    ).body.subnet.id
    await server.stop()
    db = openDatabase(parseConnectionUrl(t.url), { poolSize: 1 })
  })
  after(async () => {
    await db.close()
    await ib.close()
    await t.drop()
  })

  const theirs = (): string[] =>
    ib.state
      .listFixedAddresses()
      .map((f) => f.address)
      .filter((a) => a.startsWith(CIDR_PREFIX))
      .sort()
  const ours = async (): Promise<string[]> =>
    (
      await db.kysely
        .selectFrom('ip_allocations')
        .select('ip_address')
        .where('subnet_id', '=', subnetId)
        .execute()
    )
      .map((r) => r.ip_address)
      .sort()

  /** Starts a server armed with a crash point, runs `action` until the process dies. */
  async function crashAt(
    point: string,
    action: (server: ServerProcess) => Promise<unknown>,
  ): Promise<void> {
    const server = await spawnServer(conf, await freePort(), { XLOUD_FAILPOINTS: point })
    const died = new Promise<void>((done) =>
      server.child.once('exit', () => {
        done()
      }),
    )
    await action(server).catch(() => undefined)
    await died
    assert.equal(server.child.signalCode, 'SIGKILL', `the server died at ${point}`)
  }

  /** Starts a normal server and waits until both sides agree (recovery and releases done). */
  async function restartAndSettle(): Promise<ServerProcess> {
    const server = await spawnServer(conf, await freePort())
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      const open = await db.kysely
        .selectFrom('ipam_journal')
        .select('id')
        .where('state', '=', 'open')
        .execute()
      const queued = await db.kysely.selectFrom('ipam_release_queue').select('id').execute()
      if (
        open.length === 0 &&
        queued.length === 0 &&
        JSON.stringify(await ours()) === JSON.stringify(theirs())
      )
        break
      await new Promise((r) => setTimeout(r, 200))
    }
    return server
  }

  const create = (server: ServerProcess, address?: string) =>
    client(server.url).post<{ port: { id: string } }>('/v2.0/ports', {
      port: {
        network_id: networkId,
        ...(address === undefined
          ? {}
          : { fixed_ips: [{ subnet_id: subnetId, ip_address: address }] }),
      },
    })

  for (const point of ['allocate:before-call', 'allocate:after-reserve', 'allocate:after-commit']) {
    test(`create interrupted at ${point}: afterwards both sides hold the same addresses`, async () => {
      await crashAt(point, (s) => create(s))
      const server = await restartAndSettle()
      try {
        assert.deepEqual(theirs(), await ours())
        const ports = await db.kysely
          .selectFrom('ports')
          .select('id')
          .where('network_id', '=', networkId)
          .execute()
        assert.equal(
          ports.length,
          (await ours()).length,
          'no port without its address, no address without its port',
        )
      } finally {
        await server.stop()
      }
    })
  }

  test('a create retried after a crash does not trip over its own earlier reservation', async () => {
    await crashAt('allocate:after-reserve', (s) => create(s, `${CIDR_PREFIX}77`))
    assert.ok(theirs().includes(`${CIDR_PREFIX}77`), 'the crashed create left its reservation')
    const server = await spawnServer(conf, await freePort())
    try {
      const retried = await create(server, `${CIDR_PREFIX}77`)
      assert.equal(retried.status, 201, JSON.stringify(retried.body))
      assert.deepEqual(theirs(), await ours())
    } finally {
      await server.stop()
    }
  })

  for (const point of ['release:after-commit', 'release:during']) {
    test(`delete interrupted at ${point}: the release is finished after the restart`, async () => {
      const server = await spawnServer(conf, await freePort(), { XLOUD_FAILPOINTS: point })
      const port = await create(server)
      assert.equal(port.status, 201)
      if (point === 'release:during') ib.faults.setLatency(300)
      const died = new Promise<void>((done) =>
        server.child.once('exit', () => {
          done()
        }),
      )
      await client(server.url)
        .delete(`/v2.0/ports/${port.body.port.id}`)
        .catch(() => undefined)
      await died
      ib.faults.setLatency(0)
      const gone = await db.kysely
        .selectFrom('ports')
        .select('id')
        .where('id', '=', port.body.port.id)
        .execute()
      assert.deepEqual(gone, [], 'the port is deleted for the tenant')
      const again = await restartAndSettle()
      try {
        assert.deepEqual(theirs(), await ours())
        const queued = await db.kysely.selectFrom('ipam_release_queue').select('id').execute()
        assert.deepEqual(queued, [])
      } finally {
        await again.stop()
      }
    })
  }
})
