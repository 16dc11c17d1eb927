/**
 * The SolarWinds IPAM driver against its emulator: what the conformance suite does not show
 * (shared/contracts/external-apis.md §5): the two-phase reservation (two calls per create, one
 * per delete), a failure between start and finish (cancelled: no address stays blocked, 503),
 * expired and foreign reservations never taken for ours, subnets placed twice in the hierarchy
 * (refused, or disambiguated by the hierarchy group), subnets created in a supernet, and secrets.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  NODE_STATUS,
  startSolarwindsEmulator,
  type SolarwindsEmulator,
  type SolarwindsEmulatorOptions,
} from '../../emulators/solarwinds/index.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { parseCidr } from '../../src/domain/cidr.ts'
import type { ReservationTag } from '../../src/ipam/drivers/external/external-backend.ts'
import { ExternalIpamError } from '../../src/ipam/drivers/external/external-errors.ts'
import { connect } from '../../src/ipam/drivers/external/vendor-settings.ts'
import { SolarwindsBackend } from '../../src/ipam/drivers/solarwinds/solarwinds-backend.ts'
import { SwisClient } from '../../src/ipam/drivers/solarwinds/swis-client.ts'
import { freshDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

const USER = 'svc-xloud'
const PASS = 'Or:ion#secret;7'
const JSON_PATH = '/SolarWinds/InformationService/v3/Json'

interface Port {
  id: string
  mac_address: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}

interface Setup {
  readonly em: SolarwindsEmulator
  readonly api: Client
  close(): Promise<void>
}

const sections = (url: string, extra = '', password = PASS) =>
  `[DEFAULT]\nipam_driver = solarwinds\n[solarwinds]\nurl = ${url}\nusername = ${USER}\npassword = ${password}\nretries = 2\ncircuit_reset_seconds = 0.5\nrequest_timeout = 2\n${extra}\n[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 1\n`

async function setup(
  options: { extra?: string; em?: SolarwindsEmulator; password?: string } & Partial<
    Omit<SolarwindsEmulatorOptions, 'password'>
  > = {},
): Promise<Setup> {
  const em =
    options.em ??
    (await startSolarwindsEmulator({
      username: USER,
      password: PASS,
      ...(options.reservationTtlSeconds === undefined
        ? {}
        : { reservationTtlSeconds: options.reservationTtlSeconds }),
    }))
  const db = await freshDatabase('sqlite')
  const server = await startTestServer(db.url, sections(em.url, options.extra, options.password))
  return {
    em,
    api: client(server.url),
    close: async () => {
      await server.close()
      if (options.em === undefined) await em.close()
      await db.drop()
    },
  }
}

async function subnet(api: Client, cidr: string, body: Record<string, unknown> = {}) {
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `n-${cidr}` },
  })
  const sub = await api.post<{ subnet: { id: string } } & Err>('/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, ip_version: 4, cidr, ...body },
  })
  return {
    net: net.body.network.id,
    subnet: sub.status === 201 ? sub.body.subnet.id : '',
    status: sub.status,
    text: sub.text,
    body: sub.body,
  }
}

async function port(api: Client, net: string, extra: Record<string, unknown> = {}) {
  return api.post<{ port: Port } & Err>('/v2.0/ports', { port: { network_id: net, ...extra } })
}

const ip = (p: { body: { port: Port } }): string => p.body.port.fixed_ips[0]?.ip_address ?? ''

/** A SWIS call made by someone else (another client, or our process before it died). */
async function swisVerb(em: SolarwindsEmulator, verb: string, args: unknown[]): Promise<unknown> {
  const res = await fetch(`${em.url}${JSON_PATH}/Invoke/IPAM.SubnetManagement/${verb}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(args),
  })
  return res.json()
}

describe('SolarWinds driver', () => {
  let s: Setup

  before(async () => {
    s = await setup()
  })
  after(async () => {
    await s.close()
  })

  test('port create is Start + finish (MAC and tag written with it): 2 calls; delete is 1', async () => {
    s.em.state.addSubnet('10.90.1.0/24')
    const { net, subnet: sub } = await subnet(s.api, '10.90.1.0/24')
    const warm = await port(s.api, net)
    await s.api.delete(`/v2.0/ports/${warm.body.port.id}`)

    s.em.calls.reset()
    const p = await port(s.api, net)
    assert.equal(p.status, 201, p.text)
    const node = s.em.state.node(ip(p))
    assert.deepEqual(
      s.em.calls.log.map((c) => `${c.method} ${c.path.replace(JSON_PATH, '')}`),
      [
        'POST /Invoke/IPAM.SubnetManagement/StartIpReservation',
        `POST /swis://orion/Orion/IPAM.IPNode/IpNodeId=${node?.ipNodeId}`,
      ],
    )
    assert.equal(node?.status, NODE_STATUS.Used)
    assert.equal(node.reserved, false)
    assert.equal(node.mac, p.body.port.mac_address.toUpperCase())
    assert.match(node.comments ?? '', new RegExp(`^xloud port=${p.body.port.id} subnet=${sub} `))

    s.em.calls.reset()
    assert.equal((await s.api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
    assert.equal(s.em.calls.total, 1, JSON.stringify(s.em.calls.log))
    const freed = s.em.state.node(ip(p))
    assert.equal(freed?.status, NODE_STATUS.Available)
    assert.equal(freed.comments, '')
    assert.equal(freed.mac, '')
  })

  test('a failure between start and finish cancels the reservation (no blocked address): 503, or 400 when refused', async () => {
    s.em.state.addSubnet('10.90.2.0/29')
    const { net } = await subnet(s.api, '10.90.2.0/29')
    for (const [status, body, answer, type] of [
      [500, undefined, 503, 'IpamDriverError'],
      [400, '{"Message":"Verb failed for no reason"}', 400, 'IpamRequestRejected'],
    ] as const) {
      s.em.calls.reset()
      s.em.faults.failNth(2, status, body)
      const failed = await port(s.api, net)
      assert.equal(failed.status, answer, failed.text)
      assert.equal(failed.body.NeutronError.type, type)
      assert.deepEqual(
        s.em.calls.log.map((c) => `${c.path.split('/').at(-1) ?? ''} ${c.status}`),
        [
          'StartIpReservation 200',
          `IpNodeId=${s.em.state.node('10.90.2.2')?.ipNodeId} ${status}`,
          'CancelIpReservation 200',
        ],
      )
      const node = s.em.state.node('10.90.2.2')
      assert.equal(node?.status, NODE_STATUS.Available)
      assert.equal(node.reserved, false)
      assert.equal(node.comments, null)
    }
    // Nothing is blocked: the /29 still gives its five pool addresses.
    const got: string[] = []
    for (let i = 0; i < 5; i++) {
      const p = await port(s.api, net)
      assert.equal(p.status, 201, p.text)
      got.push(ip(p))
    }
    assert.deepEqual(got, ['10.90.2.2', '10.90.2.3', '10.90.2.4', '10.90.2.5', '10.90.2.6'])
    const ports = await s.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net}`)
    assert.equal(ports.body.ports.length, 5, 'the failed creates left no port')
  })

  test('a full subnet gives 409 IpAddressGenerationFailure at once', async () => {
    s.em.state.addSubnet('10.90.3.0/29')
    const { net } = await subnet(s.api, '10.90.3.0/29')
    s.em.state.fillSubnet('10.90.3.0/29')
    s.em.calls.reset()
    const full = await port(s.api, net)
    assert.equal(full.status, 409, full.text)
    assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure')
    assert.equal(s.em.calls.total, 1)
  })

  test('a specific address held by someone else is refused, and what we held is cancelled', async () => {
    s.em.state.addSubnet('10.90.4.0/24')
    const { net, subnet: sub } = await subnet(s.api, '10.90.4.0/24')
    assert.equal(
      await swisVerb(s.em, 'StartIpReservation', ['10.90.4.0', '24', 10, '10.90.4.50']),
      '10.90.4.50',
    )
    const r = await port(s.api, net, { fixed_ips: [{ subnet_id: sub, ip_address: '10.90.4.50' }] })
    assert.equal(r.status, 409, r.text)
    assert.equal(r.body.NeutronError.type, 'IpAddressAlreadyAllocated')
    assert.equal(s.em.state.node('10.90.4.50')?.status, NODE_STATUS.Transient, 'theirs, untouched')
    assert.equal(s.em.state.node('10.90.4.51')?.reserved, false, 'ours, cancelled')
    assert.equal(s.em.state.node('10.90.4.51')?.status, NODE_STATUS.Available)
    const ok = await port(s.api, net, { fixed_ips: [{ subnet_id: sub, ip_address: '10.90.4.60' }] })
    assert.equal(ok.status, 201, ok.text)
    assert.equal(s.em.state.node('10.90.4.60')?.status, NODE_STATUS.Used)
  })

  test('subnet create: created in the enclosing supernet (deleted with it), else 400', async () => {
    const supernet = s.em.state.addSupernet('10.91.0.0/16')
    const created = await subnet(s.api, '10.91.1.0/24')
    assert.equal(created.status, 201, created.text)
    const row = s.em.state.subnets().find((x) => x.range === '10.91.1.0/24')
    assert.equal(row?.parentIds.length, 1)
    assert.equal(ip(await port(s.api, created.net)), '10.91.1.2')
    const ports = await s.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${created.net}`)
    for (const p of ports.body.ports) await s.api.delete(`/v2.0/ports/${p.id}`)
    assert.equal((await s.api.delete(`/v2.0/subnets/${created.subnet}`)).status, 204)
    const deadline = Date.now() + 5000
    while (s.em.state.subnets().some((x) => x.range === '10.91.1.0/24') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    assert.equal(
      s.em.state.subnets().some((x) => x.range === '10.91.1.0/24'),
      false,
    )

    s.em.state.addSubnet('10.91.2.0/25', { parentId: supernet })
    const over = await subnet(s.api, '10.91.2.0/24')
    assert.equal(over.status, 400, over.text)
    assert.equal(over.body.NeutronError.type, 'IpamRangeOverlap')
    const none = await subnet(s.api, '10.92.0.0/24')
    assert.equal(none.status, 400, none.text)
    assert.equal(none.body.NeutronError.type, 'IpamRangeNotDefined')
  })

  test('a subnet that exists twice in the hierarchy is refused with a clear message', async () => {
    const group = s.em.state.addGroup('Tenant-A', { hierarchy: true })
    s.em.state.addSubnet('10.93.1.0/24', { alsoUnder: [group] })
    const twice = await subnet(s.api, '10.93.1.0/24')
    assert.equal(twice.status, 400, twice.text)
    assert.equal(twice.body.NeutronError.type, 'IpamRangeOverlap')
    assert.match(
      twice.body.NeutronError.message,
      /exists 2 times in the IPAM hierarchy .*set \[solarwinds\] group/,
    )
  })

  test('ipam check passes every step', async () => {
    const r = await s.api.post<{
      check: { ok: boolean; steps: { name: string; status: string }[] }
    }>('/v2.0/ipam/check', {})
    assert.equal(r.body.check.ok, true, r.text)
  })

  test('refused credentials: 503 without the password anywhere', async () => {
    const bad = await setup({ em: s.em, password: 'wrong:pass#word' })
    try {
      s.em.state.addSubnet('10.94.1.0/24')
      const r = await subnet(bad.api, '10.94.1.0/24')
      assert.equal(r.status, 503, r.text)
      assert.match(r.body.NeutronError.message, /access denied for user svc-xloud/)
      const check = await bad.api.post('/v2.0/ipam/check', {})
      for (const text of [r.text, check.text]) assert.ok(!text.includes('wrong:pass'), text)
    } finally {
      await bad.close()
    }
  })
})

describe('SolarWinds driver: hierarchy group', () => {
  test('with the group configured, its copy of a subnet is used through the *ForGroup verbs', async () => {
    const em = await startSolarwindsEmulator({ username: USER, password: PASS })
    const group = em.state.addGroup('Tenant-B', { hierarchy: true })
    const rootCopy = em.state.addSubnet('10.95.1.0/24')
    const groupCopy = em.state.addSubnet('10.95.1.0/24', { parentId: group })
    const s = await setup({ em, extra: 'group = Tenant-B\n' })
    try {
      const { net } = await subnet(s.api, '10.95.1.0/24')
      em.calls.reset()
      const p = await port(s.api, net)
      assert.equal(p.status, 201, p.text)
      assert.ok(em.calls.log[0]?.path.endsWith('/StartIpReservationForGroup'))
      assert.equal(em.calls.total, 2)
      assert.equal(em.state.node(ip(p), groupCopy)?.status, NODE_STATUS.Used)
      assert.equal(em.state.node(ip(p), rootCopy)?.status, NODE_STATUS.Available)
      em.calls.reset()
      assert.equal((await s.api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
      assert.equal(em.calls.total, 1)
      assert.equal(em.state.node(ip(p), groupCopy)?.status, NODE_STATUS.Available)
    } finally {
      await s.close()
      await em.close()
    }
  })
})

describe('SolarWinds driver: expired and foreign reservations', () => {
  test('a reservation left by a process that died before finishing is never ours, and lapses', async () => {
    const s = await setup({ reservationTtlSeconds: 1 })
    try {
      s.em.state.addSubnet('10.96.1.0/24')
      const { net, subnet: sub } = await subnet(s.api, '10.96.1.0/24')
      // The dead process's Start, and a tag in its comments (it never got to finish).
      assert.equal(
        await swisVerb(s.em, 'StartIpReservation', ['10.96.1.0', '24', 10, '10.96.1.2']),
        '10.96.1.2',
      )
      const held = s.em.state.swis.locate(0x0a600102n)
      if (held === undefined) throw new Error('no node')
      s.em.state.swis.write(held).comments =
        `xloud port=00000000-0000-4000-8000-0000000dead1 subnet=${sub}`
      const report = await s.api.post<{ reconcile: { orphans: unknown[] } }>(
        '/v2.0/ipam/reconcile',
        { repair: true },
      )
      assert.deepEqual(report.body.reconcile.orphans, [], 'a held node is not an orphan of ours')
      assert.equal(s.em.state.node('10.96.1.2')?.status, NODE_STATUS.Transient, 'left alone')
      assert.equal(ip(await port(s.api, net)), '10.96.1.3', 'held: skipped')
      await new Promise((r) => setTimeout(r, 1200))
      assert.equal(s.em.state.node('10.96.1.2')?.status, NODE_STATUS.Available, 'lapsed')
      assert.equal(ip(await port(s.api, net)), '10.96.1.2', 'available again')
    } finally {
      await s.close()
    }
  })

  test('a reservation that may have lapsed is not finished: cancelled, 503 (outage kind)', async () => {
    const em = await startSolarwindsEmulator({ username: USER, password: PASS })
    const config = buildConfig(parseOsloIni(sections(em.url)))
    const { http, resilience } = connect('solarwinds', em.url, config.solarwinds)
    let now = 1_000_000
    // The clock jumps past the reservation's lifetime right after each reading (then stops).
    let jump = 10 * 60_000
    const backend = new SolarwindsBackend(
      http,
      resilience,
      new SwisClient(http, resilience, { username: USER, password: PASS, pageSize: 100 }),
      {
        username: USER,
        group: '',
        reservationMinutes: 10,
        finishWithinMs: 9 * 60_000,
        now: () => {
          const t = now
          now += jump
          return t
        },
      },
    )
    try {
      em.state.addSubnet('10.96.2.0/24')
      const cidr = parseCidr('10.96.2.0/24')
      if (cidr === undefined) throw new Error('cidr')
      const spec = {
        subnetId: 's-1',
        networkId: 'n-1',
        projectId: 'p-1',
        name: '',
        cidr,
        gateway: undefined,
        pools: [{ start: cidr.network + 2n, end: cidr.network + 254n }],
      }
      const ext = await backend.prepareSubnet(spec)
      const tag: ReservationTag = {
        portId: 'port-1',
        projectId: 'p-1',
        networkId: 'n-1',
        subnetId: 's-1',
        deviceId: '',
        deviceOwner: '',
        macAddress: 'fa:16:3e:00:00:01',
        dnsName: '',
        primary: true,
      }
      em.calls.reset()
      await assert.rejects(
        backend.reserve(spec, ext, { kind: 'any' }, tag),
        (e: unknown) => e instanceof ExternalIpamError && e.isOutage && /lapsed/.test(e.reason),
      )
      assert.deepEqual(
        em.calls.log.map((c) => c.path.split('/').at(-1)),
        ['StartIpReservation', 'CancelIpReservation'],
        'no finish was sent',
      )
      const node = em.state.node('10.96.2.2')
      assert.equal(node?.status, NODE_STATUS.Available)
      assert.equal(node.comments, null)
      assert.deepEqual(await backend.findByPort(spec, ext, 'port-1'), [])

      // With a sane clock the same create finishes, and findByPort (crash recovery) finds it.
      jump = 0
      const r = await backend.reserve(spec, ext, { kind: 'any' }, tag)
      assert.equal(em.state.node('10.96.2.2')?.status, NODE_STATUS.Used)
      const found = await backend.findByPort(spec, ext, 'port-1')
      assert.deepEqual(
        found.map((f) => [f.ref, f.tag?.portId, f.tag?.subnetId, f.macAddress]),
        [[r.ref, 'port-1', 's-1', 'fa:16:3e:00:00:01']],
      )
      assert.deepEqual(await backend.findByPort(spec, ext, 'port-2'), [])
    } finally {
      await backend.close()
      await em.close()
    }
  })
})
