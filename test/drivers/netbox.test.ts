/**
 * The netbox driver against the NetBox emulator, through our API: concurrency (available-ips
 * under NetBox's lock; plain duplicates detected after the fact), paging past the server's
 * page cap, round trips, token formats, the subnet mapping, holds and the connectivity check.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startNetboxEmulator,
  type NetboxEmulatorHandle,
  type NetboxEmulatorOptions,
} from '../../emulators/netbox/index.ts'
import type { ApiRequest } from '../../emulators/netbox/netbox-api.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { formatIp, parseIp } from '../../src/domain/ip-address.ts'
import type {
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from '../../src/ipam/drivers/external/external-backend.ts'
import type { NetboxBackend } from '../../src/ipam/drivers/netbox/netbox-backend.ts'
import { netboxBackend } from '../../src/ipam/drivers/netbox/netbox-driver.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

const TOKEN_V1 = '0123456789abcdef0123456789abcdef01234567'
const TOKEN_V2 = 'nbt_xloudkey0001.0123456789abcdef0123456789abcdef01234567'

interface Port {
  id: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}
interface Report {
  scanned: { ours: number; external: number }
  orphans: { ip_address: string }[]
  missing: unknown[]
  stale: unknown[]
  errors: string[]
}

interface Rig {
  readonly nb: NetboxEmulatorHandle
  readonly api: Client
  readonly server: RunningServer
  readonly vrfId: number | null
  close(): Promise<void>
}

/**
 * A NetBox emulator with a container prefix, and our server using it. NOTE: recovery waits
 * 30 s: a reservation queued behind NetBox's lock on a loaded machine is not abandoned.
 */
async function rig(
  options: Partial<NetboxEmulatorOptions> & { readonly vrf?: string; readonly config?: string },
): Promise<Rig> {
  const token = options.token ?? TOKEN_V1
  const nb = await startNetboxEmulator({ ...options, token })
  const vrfId = options.vrf === undefined ? null : nb.state.addVrf({ name: options.vrf }).id
  nb.state.addPrefix({ prefix: '10.60.0.0/16', vrfId, status: 'container' })
  const db: TestDatabase = await freshDatabase('sqlite')
  const server = await startTestServer(
    db.url,
    `[DEFAULT]\nipam_driver = netbox\n[netbox]\nurl = ${nb.url}\ntoken = ${token}\n${options.vrf === undefined ? '' : `vrf = ${options.vrf}\n`}retries = 2\ncircuit_reset_seconds = 0.5\nrequest_timeout = 5\n${options.config ?? ''}[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 30\n`,
  )
  return {
    nb,
    api: client(server.url),
    server,
    vrfId,
    close: async () => {
      await server.close()
      await nb.close()
      await db.drop()
    },
  }
}

let cidrs = 0

/** A network with one IPv4 subnet inside the container. */
async function network(
  api: Client,
  prefixLength = 24,
  body: Record<string, unknown> = {},
): Promise<{ net: string; subnet: string; cidr: string }> {
  const cidr = `10.60.${(cidrs++ * 8) % 256}.0/${prefixLength}`
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `n${cidrs}` },
  })
  const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, ip_version: 4, cidr, ...body },
  })
  assert.equal(sub.status, 201, sub.text)
  return { net: net.body.network.id, subnet: sub.body.subnet.id, cidr }
}

const host = (address: string): string => address.split('/')[0] ?? ''

describe('NetBox driver: concurrency (NetBox 3.1 as recorded)', () => {
  let r: Rig
  before(async () => {
    r = await rig({})
  })
  after(async () => {
    await r.close()
  })

  test('20 concurrent port creates on a /27 give 20 distinct addresses, nothing stored twice', async () => {
    const { net, cidr } = await network(r.api, 27)
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
      ),
    )
    assert.deepEqual(
      results.map((x) => x.status),
      Array.from({ length: 20 }, () => 201),
    )
    const ours = results.map((x) => x.body.port.fixed_ips[0]?.ip_address ?? '')
    assert.equal(new Set(ours).size, 20)
    const inNetbox = r.nb.state.listIpAddresses({ vrfId: null, parent: cidr })
    const hosts = inNetbox.map((ip) => host(ip.address))
    assert.equal(new Set(hosts).size, hosts.length, 'no address twice in NetBox')
    const tagged = inNetbox.filter((ip) => ip.description.startsWith('xloud port='))
    assert.deepEqual(tagged.map((ip) => host(ip.address)).sort(), [...ours].sort())
    for (const ip of tagged) assert.deepEqual(ip.tags, ['xloud'])
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
    assert.equal(created.length, 30)
    assert.equal(refused.length, 10)
    for (const x of refused) {
      assert.equal(x.status, 409, x.text)
      assert.equal(x.body.NeutronError.type, 'IpAddressGenerationFailure')
    }
    const ours = created.map((x) => x.body.port.fixed_ips[0]?.ip_address ?? '')
    assert.equal(new Set(ours).size, 30)
    const hosts = r.nb.state
      .listIpAddresses({ vrfId: null, parent: cidr })
      .map((ip) => host(ip.address))
    assert.deepEqual([...hosts].sort(), [...ours].sort(), 'NetBox holds exactly our 30')
    const ports = await r.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net}`)
    assert.equal(ports.body.ports.length, 30)
  })

  test('a plain duplicate slipped in by another client is detected and not handed to a port', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const address = cidr.replace(/0\/24$/, '50')
    // Another client creates the same address (no uniqueness on NetBox 3.1) just after our
    // create, before our check.
    const api = r.nb.api
    const original = api.handle.bind(api)
    api.handle = async (req: ApiRequest) => {
      const res = await original(req)
      if (req.method === 'POST' && req.path === '/api/ipam/ip-addresses/' && res.status === 201)
        r.nb.state.addIpAddress({ address: `${address}/24`, description: 'another client' })
      return res
    }
    try {
      const port = await r.api.post<Err>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: address }] },
      })
      assert.equal(port.status, 409, port.text)
      assert.equal(port.body.NeutronError.type, 'IpAddressAlreadyAllocated')
      assert.match(port.body.NeutronError.message, new RegExp(address.replaceAll('.', '\\.')))
    } finally {
      api.handle = original
    }
    const there = r.nb.state
      .listIpAddresses({ vrfId: null, parent: cidr })
      .filter((ip) => host(ip.address) === address)
    assert.deepEqual(
      there.map((ip) => ip.description),
      ['another client'],
      'our duplicate was backed out',
    )
    const ports = await r.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net}`)
    assert.deepEqual(ports.body.ports, [])
    // An address another client already holds is refused the same way.
    r.nb.state.addIpAddress({ address: `${cidr.replace(/0\/24$/, '51')}/24`, description: 'x' })
    const again = await r.api.post<Err>('/v2.0/ports', {
      port: {
        network_id: net,
        fixed_ips: [{ subnet_id: subnet, ip_address: cidr.replace(/0\/24$/, '51') }],
      },
    })
    assert.equal(again.status, 409)
    assert.equal(
      r.nb.state
        .listIpAddresses({ vrfId: null, parent: cidr })
        .filter((ip) => host(ip.address) === cidr.replace(/0\/24$/, '51')).length,
      1,
    )
  })

  test('two router interfaces asking for the gateway at once (no uniqueness): one gets it, the other a 409', async () => {
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
    const records = r.nb.state
      .listIpAddresses({ vrfId: r.vrfId, parent: cidr })
      .filter((x) => host(x.address) === gateway)
    assert.equal(records.length, 1, 'one record for the gateway')
    assert.ok(records.map((x) => x.description)[0]?.startsWith(`xloud port=${winner} held=1`))
  })

  test('one call per port create (available-ips) and one per delete (by id)', async () => {
    const { net } = await network(r.api)
    const warm = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
    await r.api.delete(`/v2.0/ports/${warm.body.port.id}`)
    r.nb.calls.reset()
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(port.status, 201)
    assert.deepEqual(
      r.nb.calls.log.map((c) => `${c.method} ${c.path.replace(/\d+/g, 'N')} ${c.status}`),
      ['POST /api/ipam/prefixes/N/available-ips/ 201'],
    )
    r.nb.calls.reset()
    assert.equal((await r.api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
    assert.deepEqual(
      r.nb.calls.log.map((c) => `${c.method} ${c.path.replace(/\d+/g, 'N')} ${c.status}`),
      ['DELETE /api/ipam/ip-addresses/N/ 204'],
    )
  })
})

describe('NetBox driver: a /21 with 1,500 used addresses on a server capped at 1,000 per page', () => {
  let r: Rig
  before(async () => {
    r = await rig({ maxPageSize: 1000, config: 'page_size = 5000\n' })
  })
  after(async () => {
    await r.close()
  })

  test('reconcile sees all of them; a new port gets none of them', async () => {
    const net = await r.api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'big' },
    })
    const id = net.body.network.id
    const sub = await r.api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.60.8.0/21' },
    })
    assert.equal(sub.status, 201, sub.text)
    // 1,500 used addresses, spread over the /21 (every address but a few here and there);
    // the last 500 in address order are orphans tagged as ours, so only page two has them.
    const used: string[] = []
    for (let v = 2; used.length < 1500; v++) {
      if (v % 7 === 3) continue
      used.push(`10.60.${8 + Math.floor(v / 256)}.${v % 256}`)
    }
    for (const [i, address] of used.entries()) {
      r.nb.state.addIpAddress({
        address: `${address}/21`,
        description:
          i < 1000
            ? `someone else's ${i}`
            : `xloud port=00000000-0000-4000-8000-${String(i).padStart(12, '0')} subnet=${sub.body.subnet.id}`,
      })
    }
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: id } })
    assert.equal(port.status, 201)
    const address = port.body.port.fixed_ips[0]?.ip_address ?? ''
    assert.ok(!used.includes(address), `${address} is one of the used addresses`)
    assert.equal(address, '10.60.8.3', 'the lowest free address of the pool')
    r.nb.calls.reset()
    const report = await r.api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {
      repair: false,
    })
    assert.equal(report.status, 200, report.text)
    const rec = report.body.reconcile
    assert.deepEqual(rec.errors, [])
    // 1,500 used + our port + the gateway's hold.
    assert.equal(rec.scanned.external, 1502)
    assert.equal(rec.scanned.ours, 1)
    assert.equal(rec.orphans.length, 500)
    assert.deepEqual(rec.missing, [])
    const pages = r.nb.calls.log.filter((c) => c.path.startsWith('/api/ipam/ip-addresses/'))
    assert.equal(pages.length, 2, 'two pages of 1,000 (the cap), the second through next')
    assert.match(pages[1]?.path ?? '', /offset=1000/)
  })
})

describe('NetBox driver: NetBox 4.x (Bearer nbt_ tokens, a VRF enforcing uniqueness)', () => {
  let r: Rig
  before(async () => {
    r = await rig({ token: TOKEN_V2, vrf: 'cloud', config: 'dns_domain = cloud.example.com\n' })
  })
  after(async () => {
    await r.close()
  })

  test('ports are allocated in the VRF with dns_name, tag and description', async () => {
    const { net, cidr } = await network(r.api)
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', {
      port: { network_id: net, dns_name: 'vm1', device_id: 'dev 1', device_owner: 'compute:nova' },
    })
    assert.equal(port.status, 201, port.text)
    const [ip] = r.nb.state
      .listIpAddresses({ vrfId: r.vrfId, parent: cidr })
      .filter((x) => x.description.startsWith('xloud port='))
    assert.equal(ip?.dnsName, 'vm1.cloud.example.com')
    assert.equal(ip?.vrfId, r.vrfId)
    assert.match(ip?.description ?? '', new RegExp(`^xloud port=${port.body.port.id} subnet=`))
    assert.match(ip?.description ?? '', / device=dev%201 owner=compute:nova/)
    assert.ok((ip?.description.length ?? 0) <= 200)
  })

  test('a port update rewrites dns_name and description', async () => {
    const { net, cidr } = await network(r.api)
    const port = await r.api.post<{ port: Port }>('/v2.0/ports', {
      port: { network_id: net, dns_name: 'old' },
    })
    const updated = await r.api.put(`/v2.0/ports/${port.body.port.id}`, {
      port: { dns_name: 'new', device_id: 'vm-42' },
    })
    assert.equal(updated.status, 200, updated.text)
    const [ip] = r.nb.state
      .listIpAddresses({ vrfId: r.vrfId, parent: cidr })
      .filter((x) => x.description.startsWith('xloud port='))
    assert.equal(ip?.dnsName, 'new.cloud.example.com')
    assert.match(ip?.description ?? '', / device=vm-42 /)
    const report = await r.api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {})
    assert.deepEqual(report.body.reconcile.stale, [])
  })

  test('a specific address refused as a duplicate (enforced uniqueness) is a 409', async () => {
    const { net, subnet, cidr } = await network(r.api)
    const address = cidr.replace(/0\/24$/, '9')
    r.nb.state.addIpAddress({ address: `${address}/24`, vrfId: r.vrfId, description: 'dhcp' })
    const port = await r.api.post<Err>('/v2.0/ports', {
      port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: address }] },
    })
    assert.equal(port.status, 409)
    assert.equal(port.body.NeutronError.type, 'IpAddressAlreadyAllocated')
  })

  test('the gateway is held back from available-ips; a router interface takes it and gives it back', async () => {
    const { net, subnet, cidr } = await network(r.api, 29)
    const gateway = cidr.replace(/0\/29$/, '1')
    const held = () =>
      r.nb.state
        .listIpAddresses({ vrfId: r.vrfId, parent: cidr })
        .filter((x) => host(x.address) === gateway)
    assert.deepEqual(
      held().map((x) => [x.status, x.description]),
      [['reserved', 'xloud hold: outside the allocation pools']],
    )
    const router = await r.api.post<{ port: Port }>('/v2.0/ports', {
      port: {
        network_id: net,
        device_owner: 'network:router_interface',
        fixed_ips: [{ subnet_id: subnet, ip_address: gateway }],
      },
    })
    assert.equal(router.status, 201, router.text)
    assert.equal(held().length, 1, 'the hold was taken over, not duplicated')
    assert.match(held()[0]?.description ?? '', /^xloud port=\S+ held=1/)
    for (let i = 0; i < 5; i++) {
      const p = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(p.status, 201)
      assert.notEqual(p.body.port.fixed_ips[0]?.ip_address, gateway)
    }
    assert.equal((await r.api.delete(`/v2.0/ports/${router.body.port.id}`)).status, 204)
    assert.deepEqual(
      held().map((x) => [x.status, x.description]),
      [['reserved', 'xloud hold: outside the allocation pools']],
    )
    const full = await r.api.post<Err>('/v2.0/ports', { port: { network_id: net } })
    assert.equal(full.status, 409, 'the gateway is not handed out once the pool is full')
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
      r.nb.calls.reset()
      const p = await r.api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(p.status, 201, p.text)
      got.push(p.body.port.fixed_ips[0]?.ip_address ?? '')
      if (i > 0)
        assert.equal(
          r.nb.calls.log.filter((c) => c.path.includes('/available-ips/')).length,
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
    const records = r.nb.state
      .listIpAddresses({ vrfId: r.vrfId, parent: cidr })
      .filter((x) => host(x.address) === gateway)
    assert.equal(records.length, 1, 'one record for the gateway')
    assert.ok(records.map((x) => x.description)[0]?.startsWith(`xloud port=${winner} held=1`))
  })

  test('an existing prefix is adopted; none enclosing or an overlap is refused with 400', async () => {
    r.nb.state.addPrefix({ prefix: '10.99.1.0/24', vrfId: r.vrfId, status: 'active' })
    const net = await r.api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'adopt' },
    })
    const id = net.body.network.id
    const adopted = await r.api.post('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.99.1.0/24' },
    })
    assert.equal(adopted.status, 201, adopted.text)
    assert.equal(r.nb.state.listPrefixes().filter((p) => p.prefix === '10.99.1.0/24').length, 1)
    const outside = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.98.0.0/24' },
    })
    assert.equal(outside.status, 400)
    assert.equal(outside.body.NeutronError.type, 'IpamRangeNotDefined')
    r.nb.state.addPrefix({ prefix: '10.60.200.0/25', vrfId: r.vrfId, status: 'active' })
    const overlap = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: 4, cidr: '10.60.200.0/24' },
    })
    assert.equal(overlap.status, 400)
    assert.equal(overlap.body.NeutronError.type, 'IpamRangeOverlap')
    assert.match(overlap.body.NeutronError.message, /10\.60\.200\.0\/25/)
  })

  test('subnet delete removes the prefix we created and its holds', async () => {
    const { subnet, cidr } = await network(r.api)
    assert.equal(r.nb.state.listPrefixes().filter((p) => p.prefix === cidr).length, 1)
    assert.equal((await r.api.delete(`/v2.0/subnets/${subnet}`)).status, 204)
    assert.deepEqual(
      r.nb.state.listPrefixes().filter((p) => p.prefix === cidr),
      [],
    )
    assert.deepEqual(r.nb.state.listIpAddresses({ vrfId: r.vrfId, parent: cidr }), [])
  })

  test('check passes step by step', async () => {
    const check = await r.api.post<{
      check: { ok: boolean; steps: { name: string; status: string; detail: string }[] }
    }>('/v2.0/ipam/check', {})
    assert.equal(check.status, 200, check.text)
    assert.deepEqual(
      check.body.check.steps.map((s) => [s.name, s.status]),
      [
        ['reach endpoint', 'pass'],
        ['TLS', 'pass'],
        ['authenticate', 'pass'],
        ['VRF', 'pass'],
        ['tag', 'pass'],
        ['pre-defined containers', 'pass'],
      ],
    )
    assert.match(check.body.check.steps[2]?.detail ?? '', /NetBox 4\.6/)
  })
})

describe('NetBox driver: refused token', () => {
  let r: Rig
  before(async () => {
    // A v2 token sent to NetBox 3.1, which only knows `Token …`: refused (403).
    r = await rig({ token: TOKEN_V2, tokenVersion: 3 })
  })
  after(async () => {
    await r.close()
  })

  test('subnet creates fail with 503 naming the refusal, never the token; check stops at authenticate', async () => {
    const net = await r.api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'x' },
    })
    const sub = await r.api.post<Err>('/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.60.0.0/24' },
    })
    assert.equal(sub.status, 503, sub.text)
    assert.equal(sub.body.NeutronError.type, 'IpamDriverError')
    assert.match(sub.body.NeutronError.message, /token refused \(HTTP 403/)
    assert.ok(!sub.text.includes('0123456789abcdef'), 'no secret in the error')
    const check = await r.api.post<{
      check: { steps: { name: string; status: string; detail: string }[] }
    }>('/v2.0/ipam/check', {})
    assert.deepEqual(
      check.body.check.steps.map((s) => s.status),
      ['pass', 'pass', 'fail', 'skipped', 'skipped', 'skipped'],
    )
    assert.ok(!check.text.includes('0123456789abcdef'), 'no secret in the check')
  })
})

describe('NetBox backend: lookups used by recovery and reconcile', () => {
  let nb: NetboxEmulatorHandle
  let backend: NetboxBackend
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN_V1, maxPageSize: 3 })
    nb.state.addPrefix({ prefix: '10.61.0.0/16', status: 'container' })
    backend = netboxBackend(
      buildConfig(
        parseOsloIni(
          `[DEFAULT]\nipam_driver = netbox\n[netbox]\nurl = ${nb.url}/\ntoken = ${TOKEN_V1}\npage_size = 100\n`,
        ),
      ),
    )
  })
  after(async () => {
    await backend.close()
    await nb.close()
  })

  const spec: ExternalSubnetSpec = {
    subnetId: 'sub-1',
    networkId: 'net-1',
    projectId: 'proj-1',
    name: 'one',
    cidr: { version: 4, network: 0x0a3d0100n, prefixLength: 24 },
    gateway: parseIp('10.61.1.1'),
    pools: [{ start: 0x0a3d0102n, end: 0x0a3d01fen }],
  }
  const tag = (portId: string): ReservationTag => ({
    portId,
    projectId: 'proj-1',
    networkId: 'net-1',
    subnetId: 'sub-1',
    deviceId: 'dev 1',
    deviceOwner: 'compute:nova',
    macAddress: 'fa:16:3e:00:00:01',
    dnsName: '',
    primary: true,
  })

  test('findByPort finds a port’s reservations by its tag; list pages past a cap of 3', async () => {
    const subnet = await backend.prepareSubnet(spec)
    assert.equal(subnet.createdByUs, true)
    const mine = await backend.reserve(spec, subnet, { kind: 'any' }, tag('port-a'))
    await backend.reserve(spec, subnet, { kind: 'any' }, tag('port-b'))
    const specific = await backend.reserve(
      spec,
      subnet,
      { kind: 'specific', address: parseIp('10.61.1.77') ?? mine.address },
      tag('port-a'),
    )
    for (let i = 0; i < 5; i++)
      nb.state.addIpAddress({ address: `10.61.1.${100 + i}/24`, description: 'not ours' })
    const found = await backend.findByPort(spec, subnet, 'port-a')
    assert.deepEqual(found.map((r) => formatIp(r.address)).sort(), ['10.61.1.2', '10.61.1.77'])
    assert.deepEqual(found[0]?.tag, {
      portId: 'port-a',
      subnetId: 'sub-1',
      macAddress: 'fa:16:3e:00:00:01',
      deviceId: 'dev 1',
      deviceOwner: 'compute:nova',
      projectId: 'proj-1',
      networkId: 'net-1',
    })
    const listed: Reservation[] = []
    for await (const r of backend.list(spec, subnet)) listed.push(r)
    // The gateway's hold, our three, the five others: over four pages of three.
    assert.equal(listed.length, 9)
    assert.equal(listed.filter((r) => r.tag !== undefined).length, 3)
    await backend.release(specific.ref, specific.address)
    await backend.release(specific.ref, specific.address)
    assert.deepEqual(
      (await backend.findByPort(spec, subnet, 'port-a')).map((r) => formatIp(r.address)),
      ['10.61.1.2'],
    )
  })
})
