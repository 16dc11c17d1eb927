import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TokenStore } from '../../src/auth/token-store.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { bootstrap } from '../../src/server/bootstrap.ts'
import { startServer, type RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

interface Err {
  NeutronError: { type: string; message: string }
}

describe('project isolation (noauth headers)', () => {
  let db: TestDatabase
  let server: RunningServer
  let a: Client
  let b: Client
  let admin: Client
  let net = ''
  let subnet = ''
  let port = ''
  let address = ''

  before(async () => {
    db = await freshDatabase('sqlite')
    server = await startTestServer(db.url)
    a = client(server.url, { 'X-Project-Id': 'project-a', 'X-Roles': 'member' })
    b = client(server.url, { 'X-Project-Id': 'project-b', 'X-Roles': 'member' })
    admin = client(server.url)
    net = (
      await a.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'a-net' } })
    ).body.network.id
    const s = await a.post<{ subnet: { id: string } }>('/v2.0/subnets', {
      subnet: { network_id: net, ip_version: 4, cidr: '10.60.0.0/24' },
    })
    subnet = s.body.subnet.id
    const p = await a.post<{ port: { id: string; fixed_ips: { ip_address: string }[] } }>(
      '/v2.0/ports',
      { port: { network_id: net } },
    )
    port = p.body.port.id
    address = p.body.port.fixed_ips[0]?.ip_address ?? ''
  })
  after(async () => {
    await server.close()
    await db.drop()
  })

  test('project B cannot list A’s networks, subnets or ports', async () => {
    for (const [path, key] of [
      ['/v2.0/networks', 'networks'],
      ['/v2.0/subnets', 'subnets'],
      ['/v2.0/ports', 'ports'],
      ['/v2.0/network-ip-availabilities', 'network_ip_availabilities'],
    ] as const) {
      const r = await b.get<Record<string, unknown[]>>(path)
      assert.equal(r.status, 200)
      assert.deepEqual(r.body[key], [], path)
      assert.ok(!r.text.includes(address) || address === '', path)
    }
    const byAddress = await b.get<{ ports: unknown[] }>(
      `/v2.0/ports?fixed_ips=ip_address%3D${address}`,
    )
    assert.deepEqual(byAddress.body.ports, [])
  })

  test('project B cannot show, change or delete A’s resources, nor learn their addresses: 404 as if absent', async () => {
    const cases: [string, Promise<{ status: number; body: Err; text: string }>][] = [
      ['show network', b.get<Err>(`/v2.0/networks/${net}`)],
      ['show subnet', b.get<Err>(`/v2.0/subnets/${subnet}`)],
      ['show port', b.get<Err>(`/v2.0/ports/${port}`)],
      ['availability', b.get<Err>(`/v2.0/network-ip-availabilities/${net}`)],
      ['update network', b.put<Err>(`/v2.0/networks/${net}`, { network: { name: 'x' } })],
      ['update subnet', b.put<Err>(`/v2.0/subnets/${subnet}`, { subnet: { name: 'x' } })],
      ['update port', b.put<Err>(`/v2.0/ports/${port}`, { port: { name: 'x' } })],
      ['delete port', b.delete<Err>(`/v2.0/ports/${port}`)],
      ['delete subnet', b.delete<Err>(`/v2.0/subnets/${subnet}`)],
      ['delete network', b.delete<Err>(`/v2.0/networks/${net}`)],
      ['port on A’s network', b.post<Err>('/v2.0/ports', { port: { network_id: net } })],
      [
        'subnet on A’s network',
        b.post<Err>('/v2.0/subnets', {
          subnet: { network_id: net, ip_version: 4, cidr: '10.61.0.0/24' },
        }),
      ],
    ]
    for (const [what, pending] of cases) {
      const r = await pending
      assert.equal(r.status, 404, what)
      assert.ok(!r.text.includes(address), what)
    }
    // Nothing changed.
    const shown = await a.get<{ port: { name: string; fixed_ips: { ip_address: string }[] } }>(
      `/v2.0/ports/${port}`,
    )
    assert.equal(shown.status, 200)
    assert.equal(shown.body.port.fixed_ips[0]?.ip_address, address)
  })

  test('project A sees its own; admin sees everyone’s; non-admins do not see provider attributes', async () => {
    const own = await a.get<{ networks: Record<string, unknown>[] }>('/v2.0/networks')
    assert.equal(own.body.networks.length, 1)
    assert.ok(!('provider:network_type' in (own.body.networks[0] ?? {})))
    const all = await admin.get<{ networks: Record<string, unknown>[] }>('/v2.0/networks')
    assert.ok(all.body.networks.some((n) => n.id === net))
    assert.ok('provider:network_type' in (all.body.networks[0] ?? {}))
  })

  test('a tenant may not claim another project, set provider attributes or share a network', async () => {
    const other = await b.post<Err>('/v2.0/networks', {
      network: { name: 'x', project_id: 'project-a' },
    })
    assert.equal(other.status, 400)
    const provider = await b.post<Err>('/v2.0/networks', {
      network: { 'provider:network_type': 'vlan' },
    })
    assert.equal(provider.status, 403)
    assert.equal(provider.body.NeutronError.type, 'PolicyNotAuthorized')
    const shared = await b.post<Err>('/v2.0/networks', { network: { shared: true } })
    assert.equal(shared.status, 403)
  })

  test('a shared network is visible to all and takes their ports, but B still cannot choose addresses on it', async () => {
    const s = await admin.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'shared', shared: true },
    })
    const id = s.body.network.id
    await admin.post('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.62.0.0/24' },
    })
    assert.equal((await b.get(`/v2.0/networks/${id}`)).status, 200)
    const p = await b.post<{ port: { fixed_ips: unknown[] } }>('/v2.0/ports', {
      port: { network_id: id },
    })
    assert.equal(p.status, 201)
    const chosen = await b.post<Err>('/v2.0/ports', {
      port: { network_id: id, fixed_ips: [{ ip_address: '10.62.0.99' }] },
    })
    assert.equal(chosen.status, 403)
    // A sees only its own ports on the shared network, not B's.
    const aPorts = await a.get<{ ports: unknown[] }>(`/v2.0/ports?network_id=${id}`)
    assert.deepEqual(aPorts.body.ports, [])
  })
})

describe('auth_strategy = token', () => {
  let db: TestDatabase
  let server: RunningServer
  let adminToken = ''
  let memberToken = ''

  before(async () => {
    db = await freshDatabase('sqlite')
    const state = mkdtempSync(join(tmpdir(), 'xloud-token-'))
    const config = buildConfig(
      parseOsloIni(
        `[DEFAULT]\nbind_port = 0\nauth_strategy = token\nstate_path = ${state}\n[database]\nconnection = ${db.url}\n`,
      ),
    )
    const report = await bootstrap(config)
    adminToken = report.adminToken ?? ''
    memberToken = new TokenStore(config.token.token_file).create(
      'project-m',
      'user-m',
      ['member'],
      'test',
    ).token
    server = await startServer(config, false)
  })
  after(async () => {
    await server.close()
    await db.drop()
  })

  test('the first start creates an admin token, stored only as a digest', async () => {
    assert.match(adminToken, /^xl-/)
    const list = await client(server.url, { 'X-Auth-Token': adminToken }).get<{
      networks: unknown[]
    }>('/v2.0/networks')
    assert.equal(list.status, 200)
  })

  test('no token, a wrong token, and identity headers alone get 401; the version document needs none', async () => {
    for (const headers of [
      {},
      { 'X-Auth-Token': 'xl-wrong' },
      { 'X-Project-Id': 'project-m', 'X-Roles': 'admin' },
    ]) {
      const r = await client(server.url, headers).get<{ error: { code: number } }>('/v2.0/networks')
      assert.equal(r.status, 401)
      assert.equal(r.body.error.code, 401)
    }
    assert.equal((await client(server.url).get('/')).status, 200)
  })

  test('a member token acts in its project only, and headers cannot raise it to admin', async () => {
    const m = client(server.url, {
      'X-Auth-Token': memberToken,
      'X-Roles': 'admin',
      'X-Project-Id': 'other',
    })
    const n = await m.post<{ network: { project_id: string } }>('/v2.0/networks', {
      network: { name: 'm' },
    })
    assert.equal(n.status, 201)
    assert.equal(n.body.network.project_id, 'project-m')
    const provider = await m.post('/v2.0/networks', {
      network: { 'provider:network_type': 'vlan' },
    })
    assert.equal(provider.status, 403)
  })
})
