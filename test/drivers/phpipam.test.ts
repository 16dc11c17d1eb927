/**
 * The phpipam driver against the phpIPAM emulator, through our API: concurrency without the
 * API write lock (refusals retried), exhaustion, token sessions (one re-login at a time, one
 * token per user), releases by id, lookups by search, holds, ids as strings and integers, the
 * static app code over HTTPS and the connectivity check.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  startPhpipamEmulator,
  type PhpipamEmulatorHandle,
  type PhpipamEmulatorOptions,
} from '../../emulators/phpipam/index.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { formatIp, parseIp } from '../../src/domain/ip-address.ts'
import type {
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from '../../src/ipam/drivers/external/external-backend.ts'
import type { PhpipamBackend } from '../../src/ipam/drivers/phpipam/phpipam-backend.ts'
import { phpipamBackend } from '../../src/ipam/drivers/phpipam/phpipam-driver.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

const APP = 'xloud'
const USER = 'xloud-svc'
const PASSWORD = 'Sw0rd#fish;'

interface Port {
  id: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}
interface Report {
  orphans: unknown[]
  missing: unknown[]
  stale: unknown[]
  errors: string[]
}

interface Rig {
  readonly pi: PhpipamEmulatorHandle
  readonly api: Client
  readonly server: RunningServer
  /** Another server (its own database) using the same phpIPAM user. */
  twin(): Promise<{ api: Client; close(): Promise<void> }>
  close(): Promise<void>
}

/**
 * A phpIPAM emulator with a master subnet, and our server using it. NOTE: recovery waits 30 s:
 * a reservation retried through collisions (no write lock) is not abandoned.
 */
async function rig(
  options: Partial<PhpipamEmulatorOptions> & {
    /** The `[phpipam]` options (default: user login to the emulator's app). */
    readonly config?: (pi: PhpipamEmulatorHandle) => string
  },
): Promise<Rig> {
  const pi = await startPhpipamEmulator({
    appId: APP,
    username: USER,
    password: PASSWORD,
    section: { name: 'cloud' },
    ...options,
  })
  pi.state.addSubnet({ cidr: '10.70.0.0/16', sectionId: pi.sectionId, description: 'cloud' })
  const config =
    options.config?.(pi) ??
    `url = ${pi.url}\napp_id = ${APP}\nusername = ${USER}\npassword = ${PASSWORD}\nsection = cloud\n`
  const serve = async () => {
    const db = await freshDatabase('sqlite')
    const server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\n${config}retries = 2\ncircuit_reset_seconds = 0.5\nrequest_timeout = 5\n[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 30\n`,
    )
    return {
      server,
      api: client(server.url),
      close: async () => {
        await server.close()
        await db.drop()
      },
    }
  }
  const first = await serve()
  return {
    pi,
    api: first.api,
    server: first.server,
    twin: serve,
    close: async () => {
      await first.close()
      await pi.close()
    },
  }
}

let cidrs = 0

/** A network with one IPv4 subnet under the master. */
async function network(
  api: Client,
  prefixLength = 24,
  body: Record<string, unknown> = {},
): Promise<{ net: string; subnet: string; cidr: string }> {
  const cidr = `10.70.${(cidrs++ * 8) % 256}.0/${prefixLength}`
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `n${cidrs}` },
  })
  const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, ip_version: 4, cidr, ...body },
  })
  assert.equal(sub.status, 201, sub.text)
  return { net: net.body.network.id, subnet: sub.body.subnet.id, cidr }
}

/** The phpIPAM subnet of a CIDR. */
function piSubnet(pi: PhpipamEmulatorHandle, cidr: string): number {
  const found = [...pi.state.subnets.values()].find((s) => pi.state.cidrText(s) === cidr)
  if (found === undefined) throw new Error(`no phpIPAM subnet ${cidr}`)
  return found.id
}

const shape = (c: { method: string; path: string; status: number }): string =>
  `${c.method} ${c.path.replace(/\/\d+\//g, '/N/')} ${c.status}`

describe('phpIPAM driver: without the API write lock', () => {
  let r: Rig
  before(async () => {
    r = await rig({ writeLock: false, dbLatencyMs: 5 })
  })
  after(async () => {
    await r.close()
  })

  test('20 concurrent port creates on a /27 all succeed with distinct addresses (refusals retried)', async () => {
    const { net, cidr } = await network(r.api, 27)
    r.pi.calls.reset()
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
      ),
    )
    assert.deepEqual(
      results.filter((x) => x.status !== 201).map((x) => x.text),
      [],
    )
    const ours = results.map((x) => x.body.port.fixed_ips[0]?.ip_address ?? '')
    assert.equal(new Set(ours).size, 20)
    const refused = r.pi.calls.log.filter(
      (c) => c.path.includes('/first_free/') && (c.status === 409 || c.status === 500),
    )
    assert.ok(refused.length > 0, 'phpIPAM refused colliding first_free calls')
    const rows = r.pi.state.listAddresses(piSubnet(r.pi, cidr))
    const tagged = rows.filter((a) => (a.description ?? '').startsWith('xloud port '))
    assert.equal(new Set(rows.map((a) => a.ip)).size, rows.length, 'nothing twice in phpIPAM')
    assert.deepEqual(tagged.map((a) => a.ip).sort(), [...ours].sort())
  })

  test('40 concurrent port creates on a /27 without gateway: 30 ports and 10 clean 409s', async () => {
    const { net, cidr } = await network(r.api, 27, { gateway_ip: null })
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        r.api.post<{ port: Port } & Err>('/v2.0/ports', { port: { network_id: net } }),
      ),
    )
    const created = results.filter((x) => x.status === 201)
    const refused = results.filter((x) => x.status !== 201)
    assert.equal(created.length, 30, refused.map((x) => x.text).join('\n'))
    assert.equal(refused.length, 10)
    for (const x of refused) {
      assert.equal(x.status, 409, x.text)
      assert.equal(x.body.NeutronError.type, 'IpAddressGenerationFailure')
    }
    const ours = new Map(
      created.map((x) => [x.body.port.fixed_ips[0]?.ip_address ?? '', x.body.port.id]),
    )
    assert.equal(ours.size, 30, 'distinct addresses on our side')
    const rows = r.pi.state.listAddresses(piSubnet(r.pi, cidr))
    assert.equal(rows.length, 30, 'phpIPAM holds exactly our 30')
    for (const row of rows)
      assert.equal(row.description, `xloud port ${ours.get(row.ip) ?? '?'}`, row.ip)
    const ports = await r.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net}`)
    assert.equal(ports.body.ports.length, 30)
  })
})

describe('phpIPAM driver: token sessions', () => {
  let r: Rig
  before(async () => {
    r = await rig({})
  })
  after(async () => {
    await r.close()
  })

  test('after the token expired, 20 parallel creates all succeed with one re-login', async () => {
    const { net } = await network(r.api)
    r.pi.state.expireTokens()
    r.pi.calls.reset()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => r.api.post('/v2.0/ports', { port: { network_id: net } })),
    )
    assert.deepEqual(
      results.filter((x) => x.status !== 201).map((x) => x.text),
      [],
    )
    assert.equal(r.pi.calls.count('POST', `/api/${APP}/user/`), 1, 'one login, shared')
  })

  test('a second server logging in with the same user does not break the first', async () => {
    const twin = await r.twin()
    try {
      const a = await network(r.api)
      const b = await network(twin.api)
      r.pi.state.expireTokens()
      r.pi.calls.reset()
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () =>
          r.api.post('/v2.0/ports', { port: { network_id: a.net } }),
        ),
        ...Array.from({ length: 10 }, () =>
          twin.api.post('/v2.0/ports', { port: { network_id: b.net } }),
        ),
      ])
      assert.deepEqual(
        results.filter((x) => x.status !== 201).map((x) => x.text),
        [],
      )
      assert.equal(r.pi.calls.count('POST', `/api/${APP}/user/`), 2, 'one login per server')
      // Both keep working with the one token phpIPAM keeps per user.
      assert.equal((await r.api.post('/v2.0/ports', { port: { network_id: a.net } })).status, 201)
      assert.equal(
        (await twin.api.post('/v2.0/ports', { port: { network_id: b.net } })).status,
        201,
      )
      assert.equal(r.pi.calls.count('POST', `/api/${APP}/user/`), 2)
    } finally {
      await twin.close()
    }
  })
})

describe('phpIPAM driver: mapping (API write lock on, as shipped)', () => {
  let r: Rig
  before(async () => {
    r = await rig({})
  })
  after(async () => {
    await r.close()
  })

  test('one call per port create (first_free) and one per delete (by the stored id)', async () => {
    const { net } = await network(r.api)
    const warm = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
    await r.api.delete(`/v2.0/ports/${warm.body.port.id}`)
    r.pi.calls.reset()
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(port.status, 201)
    assert.deepEqual(r.pi.calls.log.map(shape), [`POST /api/${APP}/addresses/first_free/N/ 201`])
    r.pi.calls.reset()
    assert.equal((await r.api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
    assert.deepEqual(r.pi.calls.log.map(shape), [`DELETE /api/${APP}/addresses/N/ 200`])
  })

  test('hostname, MAC, description and note carry the port', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const port = await r.api.post<{ port: Port & { mac_address: string } }>('/v2.0/ports', {
      port: { network_id: net, dns_name: 'vm7', device_id: 'dev-7', device_owner: 'compute:nova' },
    })
    assert.equal(port.status, 201, port.text)
    const row = r.pi.state
      .listAddresses(piSubnet(r.pi, cidr))
      .find((a) => a.ip === port.body.port.fixed_ips[0]?.ip_address)
    const stored = r.pi.state.addresses.get(row?.id ?? 0)
    assert.equal(row?.hostname, 'vm7')
    assert.equal(row?.mac, port.body.port.mac_address)
    assert.equal(row?.description, `xloud port ${port.body.port.id}`)
    assert.match(stored?.note ?? '', new RegExp(`^subnet=${subnet} network=${net} `))
    assert.match(stored?.note ?? '', / device=dev-7 owner=compute:nova$/)
  })

  test('a port update rewrites hostname, MAC and note', async () => {
    const { net, cidr } = await network(r.api)
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', {
      port: { network_id: net, dns_name: 'old' },
    })
    const updated = await r.api.put(`/v2.0/ports/${port.body.port.id}`, {
      port: { dns_name: 'new', device_id: 'vm-42', mac_address: 'fa:16:3e:aa:bb:cc' },
    })
    assert.equal(updated.status, 200, updated.text)
    const row = r.pi.state
      .listAddresses(piSubnet(r.pi, cidr))
      .find((a) => a.ip === port.body.port.fixed_ips[0]?.ip_address)
    assert.equal(row?.hostname, 'new')
    assert.equal(row?.mac, 'fa:16:3e:aa:bb:cc')
    assert.equal(row?.tag, 2)
    assert.match(r.pi.state.addresses.get(row?.id ?? 0)?.note ?? '', / device=vm-42( |$)/)
  })

  test('a specific address another client holds is a 409, found with the search call', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const sid = piSubnet(r.pi, cidr)
    const base = cidr.replace(/0\/24$/, '')
    // Not the lowest id of the subnet: phpIPAM 1.8.2's by-IP-in-subnet lookup would miss it.
    r.pi.state.addAddress({ subnetId: sid, ip: `${base}40`, hostname: 'other' })
    r.pi.state.addAddress({ subnetId: sid, ip: `${base}41`, hostname: 'printer' })
    r.pi.calls.reset()
    const port = await r.api.post<Err>('/v2.0/ports', {
      port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: `${base}41` }] },
    })
    assert.equal(port.status, 409, port.text)
    assert.equal(port.body.NeutronError.type, 'IpAddressAlreadyAllocated')
    assert.match(port.body.NeutronError.message, new RegExp(`${base.replaceAll('.', '\\.')}41`))
    const paths = r.pi.calls.log.map((c) => `${c.method} ${c.path}`)
    assert.ok(paths.includes(`GET /api/${APP}/addresses/search/${base}41/`), paths.join('\n'))
    assert.ok(!paths.some((p) => p.includes(`/addresses/${base}41/${sid}/`)))
    assert.equal(r.pi.state.listAddresses(sid).filter((a) => a.ip === `${base}41`).length, 1)
  })

  test('the gateway is held back from first_free; a router interface takes it and gives it back', async () => {
    const { net, subnet, cidr } = await network(r.api, 29)
    const sid = piSubnet(r.pi, cidr)
    const gateway = cidr.replace(/0\/29$/, '1')
    const held = () => r.pi.state.listAddresses(sid).filter((a) => a.ip === gateway)
    assert.deepEqual(
      held().map((a) => [a.tag, a.description]),
      [[3, 'xloud hold: outside the allocation pools']],
    )
    assert.equal(r.pi.state.addresses.get(held()[0]?.id ?? 0)?.is_gateway, 1)
    const router = await r.api.post<{ port: Port }>('/v2.0/ports', {
      port: {
        network_id: net,
        device_owner: 'network:router_interface',
        fixed_ips: [{ subnet_id: subnet, ip_address: gateway }],
      },
    })
    assert.equal(router.status, 201, router.text)
    assert.deepEqual(
      held().map((a) => [a.tag, a.description]),
      [[2, `xloud port ${router.body.port.id} held`]],
    )
    for (let i = 0; i < 5; i++) {
      const p = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(p.status, 201)
      assert.notEqual(p.body.port.fixed_ips[0]?.ip_address, gateway)
    }
    assert.equal(r.pi.state.addresses.get(held()[0]?.id ?? 0)?.is_gateway, 1)
    assert.equal((await r.api.delete(`/v2.0/ports/${router.body.port.id}`)).status, 204)
    assert.deepEqual(
      held().map((a) => [a.tag, a.description]),
      [[3, 'xloud hold: outside the allocation pools']],
    )
    assert.equal(r.pi.state.addresses.get(held()[0]?.id ?? 0)?.is_gateway, 1)
    const full = await r.api.post<Err>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(full.status, 409)
    assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure')
  })

  test('pools shrunk after the subnet was created: addresses outside them become holds, the pool end is exhaustion', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const base = cidr.replace(/0\/24$/, '')
    const shrunk = await r.api.put(`/v2.0/subnets/${subnet}`, {
      subnet: { allocation_pools: [{ start: `${base}10`, end: `${base}12` }] },
    })
    assert.equal(shrunk.status, 200, shrunk.text)
    const got: string[] = []
    for (let i = 0; i < 3; i++) {
      r.pi.calls.reset()
      const p = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(p.status, 201, p.text)
      got.push(p.body.port.fixed_ips[0]?.ip_address ?? '')
      if (i > 0)
        assert.equal(
          r.pi.calls.log.filter((c) => c.path.includes('/first_free/')).length,
          1,
          'one call once the gaps are held',
        )
    }
    assert.deepEqual(got, [`${base}10`, `${base}11`, `${base}12`])
    const full = await r.api.post<Err>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(full.status, 409, full.text)
    assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure')
    const again = await r.api.post<Err>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(again.status, 409)
  })

  test('two router interfaces asking for the gateway at once: one gets it, the other a 409', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const gateway = cidr.replace(/0\/24$/, '1')
    const results = await Promise.all(
      [1, 2].map(() =>
        r.api.post<{ port: Port }>('/v2.0/ports', {
          port: {
            network_id: net,
            device_owner: 'network:router_interface',
            fixed_ips: [{ subnet_id: subnet, ip_address: gateway }],
          },
        }),
      ),
    )
    assert.deepEqual(results.map((x) => x.status).sort(), [201, 409])
    const winner = results.find((x) => x.status === 201)?.body.port.id ?? ''
    const records = r.pi.state.listAddresses(piSubnet(r.pi, cidr)).filter((a) => a.ip === gateway)
    assert.equal(records.length, 1, 'one record for the gateway')
    assert.ok(records.map((a) => a.description ?? '')[0]?.startsWith(`xloud port ${winner} held`))
  })

  test('an existing subnet is adopted; none enclosing or an overlap is refused with 400', async () => {
    r.pi.state.addSubnet({ cidr: '10.99.1.0/24', sectionId: r.pi.sectionId })
    const net = await r.api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'adopt' },
    })
    const id = net.body.network.id
    const adopted = await r.api.post('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.99.1.0/24' },
    })
    assert.equal(adopted.status, 201, adopted.text)
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: id } })
    assert.equal(port.body.port.fixed_ips[0]?.ip_address, '10.99.1.2')
    const outside = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.98.0.0/24' },
    })
    assert.equal(outside.status, 400)
    assert.equal(outside.body.NeutronError.type, 'IpamRangeNotDefined')
    r.pi.state.addSubnet({ cidr: '10.70.200.0/25', sectionId: r.pi.sectionId })
    const overlap = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.70.200.0/24' },
    })
    assert.equal(overlap.status, 400)
    assert.equal(overlap.body.NeutronError.type, 'IpamRangeOverlap')
    assert.match(overlap.body.NeutronError.message, /10\.70\.200\.0\/25/)
  })

  test('subnet delete removes the subnet we created, its holds with it', async () => {
    const { subnet, cidr } = await network(r.api)
    piSubnet(r.pi, cidr)
    assert.equal((await r.api.delete(`/v2.0/subnets/${subnet}`)).status, 204)
    assert.throws(() => piSubnet(r.pi, cidr))
  })

  test('check passes step by step', async () => {
    const check = await r.api.post<{
      check: { steps: { name: string; status: string }[] }
    }>('/v2.0/ipam/check', {})
    assert.equal(check.status, 200, check.text)
    assert.deepEqual(
      check.body.check.steps.map((s) => [s.name, s.status]),
      [
        ['reach endpoint', 'pass'],
        ['TLS', 'pass'],
        ['authenticate', 'pass'],
        ['section', 'pass'],
        ['pre-defined subnets', 'pass'],
      ],
    )
  })
})

describe('phpIPAM driver: all results as strings (api_stringify_results)', () => {
  let r: Rig
  before(async () => {
    r = await rig({ stringifyResults: true })
  })
  after(async () => {
    await r.close()
  })

  test('create, reconcile and delete read string ids as well as integers', async () => {
    const { net } = await network(r.api)
    const ports = await Promise.all(
      Array.from({ length: 3 }, () =>
        r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
      ),
    )
    const report = await r.api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {})
    assert.deepEqual(
      [report.body.reconcile.orphans, report.body.reconcile.missing, report.body.reconcile.errors],
      [[], [], []],
    )
    for (const p of ports)
      assert.equal((await r.api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
    const pending = await r.api.get<{ releases: unknown[] }>('/v2.0/ipam/releases')
    assert.deepEqual(pending.body.releases, [])
  })
})

/** A self-signed certificate for 127.0.0.1 (with the IP in subjectAltName). */
function certificate(): { key: Buffer; cert: Buffer; file: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'pi-drv-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
  } catch {
    return undefined
  }
  return {
    key: readFileSync(join(dir, 'k.pem')),
    cert: readFileSync(join(dir, 'c.pem')),
    file: join(dir, 'c.pem'),
  }
}

describe('phpIPAM driver: static app code over HTTPS (app security ssl_code)', () => {
  const tls = certificate()
  let r: Rig | undefined
  before(async () => {
    if (tls === undefined) return
    const dir = mkdtempSync(join(tmpdir(), 'pi-drv-code-'))
    writeFileSync(join(dir, 'code'), 'static-app-code-0001\n')
    r = await rig({
      tls: { key: tls.key, cert: tls.cert },
      security: 'ssl_code',
      appCode: 'static-app-code-0001',
      config: (pi) =>
        `url = ${pi.url}\napp_id = ${APP}\napp_token_file = ${join(dir, 'code')}\nsection = cloud\nssl_verify = ${tls.file}\n`,
    })
  })
  after(async () => {
    await r?.close()
  })

  test('ports are created and deleted with the app code, without any login', async (t) => {
    if (r === undefined) {
      t.skip('openssl not available')
      return
    }
    const { net } = await network(r.api)
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(port.status, 201, port.text)
    assert.equal((await r.api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
    assert.equal(r.pi.calls.count('POST', `/api/${APP}/user/`), 0)
  })
})

describe('phpIPAM driver: refused credentials', () => {
  let r: Rig
  before(async () => {
    r = await rig({ password: 'the-real-one' })
  })
  after(async () => {
    await r.close()
  })

  test('subnet creates fail with 503 naming the refusal, never the password; check stops at authenticate', async () => {
    const net = await r.api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'x' },
    })
    const sub = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.70.0.0/24' },
    })
    assert.equal(sub.status, 503, sub.text)
    assert.equal(sub.body.NeutronError.type, 'IpamDriverError')
    assert.match(sub.body.NeutronError.message, /login as xloud-svc refused.*Invalid username/)
    assert.ok(!sub.text.includes('Sw0rd'), 'no secret in the error')
    const check = await r.api.post<{
      check: { steps: { name: string; status: string; detail: string }[] }
    }>('/v2.0/ipam/check', {})
    assert.deepEqual(
      check.body.check.steps.map((s) => s.status),
      ['pass', 'pass', 'fail', 'skipped', 'skipped'],
    )
    assert.ok(!check.text.includes('Sw0rd'), 'no secret in the check')
  })
})

describe('phpIPAM backend: lookups used by recovery and reconcile', () => {
  let pi: PhpipamEmulatorHandle
  let backend: PhpipamBackend
  before(async () => {
    pi = await startPhpipamEmulator({
      appId: APP,
      username: USER,
      password: PASSWORD,
      section: { name: 'cloud' },
    })
    pi.state.addSubnet({ cidr: '10.71.0.0/16', sectionId: pi.sectionId })
    backend = phpipamBackend(
      buildConfig(
        parseOsloIni(
          `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\nurl = ${pi.url}/api/\napp_id = ${APP}\nusername = ${USER}\npassword = ${PASSWORD}\nsection = cloud\n`,
        ),
      ),
    )
  })
  after(async () => {
    await backend.close()
    await pi.close()
  })

  const spec: ExternalSubnetSpec = {
    subnetId: 'sub-1',
    networkId: 'net-1',
    projectId: 'proj-1',
    name: 'one',
    cidr: { version: 4, network: 0x0a470100n, prefixLength: 24 },
    gateway: parseIp('10.71.1.1'),
    pools: [{ start: 0x0a470102n, end: 0x0a4701fen }],
  }
  const tag = (portId: string): ReservationTag => ({
    portId,
    projectId: 'proj-1',
    networkId: 'net-1',
    subnetId: 'sub-1',
    deviceId: 'dev 1',
    deviceOwner: 'compute:nova',
    macAddress: 'fa:16:3e:00:00:01',
    dnsName: 'vm-a',
    primary: true,
  })

  test('findByPort finds a port’s reservations by its tag; list reads every address', async () => {
    const subnet = await backend.prepareSubnet(spec)
    assert.equal(subnet.createdByUs, true)
    const mine = await backend.reserve(spec, subnet, { kind: 'any' }, tag('port-a'))
    await backend.reserve(spec, subnet, { kind: 'any' }, tag('port-b'))
    const specific = await backend.reserve(
      spec,
      subnet,
      { kind: 'specific', address: parseIp('10.71.1.77') ?? mine.address },
      tag('port-a'),
    )
    const sid = piSubnet(pi, '10.71.1.0/24')
    for (let i = 0; i < 5; i++)
      pi.state.addAddress({ subnetId: sid, ip: `10.71.1.${100 + i}`, description: 'not ours' })
    const found = await backend.findByPort(spec, subnet, 'port-a')
    assert.deepEqual(found.map((r) => formatIp(r.address)).sort(), ['10.71.1.2', '10.71.1.77'])
    assert.deepEqual(found[0]?.tag, {
      portId: 'port-a',
      subnetId: 'sub-1',
      networkId: 'net-1',
      projectId: 'proj-1',
      deviceId: 'dev 1',
      deviceOwner: 'compute:nova',
      macAddress: 'fa:16:3e:00:00:01',
    })
    assert.equal(found[0]?.dnsName, 'vm-a')
    const listed: Reservation[] = []
    for await (const r of backend.list(spec, subnet)) listed.push(r)
    // The gateway's hold, our three, the five others.
    assert.equal(listed.length, 9)
    assert.equal(listed.filter((r) => r.tag !== undefined).length, 3)
    await backend.release(specific.ref, specific.address)
    await backend.release(specific.ref, specific.address)
    assert.deepEqual(
      (await backend.findByPort(spec, subnet, 'port-a')).map((r) => formatIp(r.address)),
      ['10.71.1.2'],
    )
    assert.equal(backend.logins, 1)
  })
})
