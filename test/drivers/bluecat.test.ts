/**
 * The BlueCat Address Manager driver against its emulator, on both API generations: what the
 * conformance suite does not show (shared/contracts/external-apis.md §4): one call per port
 * create (MAC, name, tag and host record together) and per delete, addresses removed by hand,
 * full networks, adopt/create/refuse at subnet create, the gateway, v1's and v2's peculiarities
 * (token forms, id-0 "not found", block/network CIDR quirk, `count` paging), and secrets.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startBluecatEmulator, type BluecatEmulator } from '../../emulators/bluecat/index.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { parseCidr } from '../../src/domain/cidr.ts'
import { bluecatBackend } from '../../src/ipam/drivers/bluecat/bluecat-driver.ts'
import type { ReservationTag } from '../../src/ipam/drivers/external/external-backend.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

const USER = 'api'
const PASS = 'Bam|se=cret;42'
const ZONE = 'cloud.example.com'

interface Port {
  id: string
  mac_address: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}

interface Setup {
  readonly em: BluecatEmulator
  readonly server: RunningServer
  readonly api: Client
  close(): Promise<void>
}

async function setup(
  version: 'v1' | 'v2',
  extra = '',
  em?: BluecatEmulator,
  password = PASS,
): Promise<Setup> {
  const bam = em ?? (await startBluecatEmulator({ username: USER, password: PASS }))
  if (em === undefined) {
    const view = bam.state.addView('internal')
    bam.state.addZone(ZONE, view)
  }
  const db: TestDatabase = await freshDatabase('sqlite')
  const server = await startTestServer(
    db.url,
    `[DEFAULT]\nipam_driver = bluecat\n[bluecat]\nurl = ${bam.url}\napi_version = ${version}\nusername = ${USER}\npassword = ${password}\ndns_view = internal\ndns_zone = ${ZONE}\nretries = 2\ncircuit_reset_seconds = 0.5\nrequest_timeout = 2\n${extra}\n[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 1\n`,
  )
  return {
    em: bam,
    server,
    api: client(server.url),
    close: async () => {
      await server.close()
      if (em === undefined) await bam.close()
      await db.drop()
    },
  }
}

async function subnet(
  api: Client,
  cidr: string,
  body: Record<string, unknown> = {},
): Promise<{ net: string; subnet: string; status: number; text: string; error: Err | undefined }> {
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
    error: sub.status === 201 ? undefined : sub.body,
  }
}

async function port(api: Client, net: string, extra: Record<string, unknown> = {}) {
  return api.post<{ port: Port } & Err>('/v2.0/ports', { port: { network_id: net, ...extra } })
}

const ip = (p: { body: { port: Port } }): string => p.body.port.fixed_ips[0]?.ip_address ?? ''

const bamMac = (mac: string) => mac.toUpperCase().replaceAll(':', '-')

for (const version of ['v2', 'v1'] as const) {
  describe(`BlueCat driver (API ${version})`, () => {
    let s: Setup

    before(async () => {
      s = await setup(version, 'page_size = 5\n')
    })
    after(async () => {
      await s.close()
    })

    test('port create is one call with MAC, name, our tag and the host record; delete is one call', async () => {
      s.em.state.addBlock('10.70.0.0/16')
      const { net, subnet: sub } = await subnet(s.api, '10.70.1.0/24')
      const warm = await port(s.api, net)
      await s.api.delete(`/v2.0/ports/${warm.body.port.id}`)

      s.em.calls.reset()
      const p = await port(s.api, net, { dns_name: 'web1' })
      assert.equal(p.status, 201, p.text)
      assert.equal(s.em.calls.total, 1, JSON.stringify(s.em.calls.log))
      assert.equal(s.em.calls.log[0]?.method, 'POST')
      const held = s.em.state.address(ip(p))
      assert.equal(held?.state, 'STATIC')
      assert.equal(held?.name, `port-${p.body.port.id}`)
      assert.equal(held?.macAddress, bamMac(p.body.port.mac_address))
      assert.equal(held?.userDefinedFields.XloudPortId, p.body.port.id)
      assert.equal(held?.userDefinedFields.XloudSubnetId, sub)
      const record = s.em.state.hostRecords().find((h) => h.addresses.includes(ip(p)))
      assert.equal(record?.absoluteName, `web1.${ZONE}`)
      assert.equal(record.reverseRecord, true)

      // A rename rewrites the tag and moves the host record.
      const renamed = await s.api.put<{ port: Port }>(`/v2.0/ports/${p.body.port.id}`, {
        port: { dns_name: 'web2' },
      })
      assert.equal(renamed.status, 200, renamed.text)
      assert.deepEqual(
        s.em.state
          .hostRecords()
          .filter((h) => h.addresses.includes(ip(p)))
          .map((h) => h.absoluteName),
        [`web2.${ZONE}`],
      )

      s.em.calls.reset()
      assert.equal((await s.api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
      assert.equal(s.em.calls.total, 1, JSON.stringify(s.em.calls.log))
      assert.equal(s.em.calls.log[0]?.method, 'DELETE')
      assert.equal(s.em.state.address(ip(p)), undefined)
      assert.equal(
        s.em.state.hostRecords().some((h) => h.absoluteName === `web2.${ZONE}`),
        false,
      )
    })

    test('an address removed by hand is released without error', async () => {
      s.em.state.addBlock('10.71.0.0/24')
      const { net } = await subnet(s.api, '10.71.0.0/24')
      const p = await port(s.api, net)
      assert.equal(s.em.state.removeAddress(ip(p)), true)
      s.em.calls.reset()
      assert.equal((await s.api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
      // One DELETE, answered "not found" (v2: 404 ResourceNotFound, v1: 500 "… was not found").
      assert.deepEqual(
        s.em.calls.log.map((c) => `${c.method} ${c.status}`),
        [`DELETE ${version === 'v2' ? 404 : 500}`],
      )
      const pending = await s.api.get<{ releases: { port_id: string }[] }>('/v2.0/ipam/releases')
      assert.ok(!pending.body.releases.some((r) => r.port_id === p.body.port.id))
      const audit = await s.api.get<{ audit: { action: string; outcome: string }[] }>(
        `/v2.0/ipam/audit?port_id=${p.body.port.id}`,
      )
      assert.equal(`${audit.body.audit[0]?.action}:${audit.body.audit[0]?.outcome}`, 'release:ok')
    })

    test('a full network gives 409 IpAddressGenerationFailure at once, not a hang or a loop', async () => {
      s.em.state.addBlock('10.72.0.0/16')
      const { net } = await subnet(s.api, '10.72.1.0/29')
      assert.equal(s.em.state.fillNetwork('10.72.1.0/29'), 5)
      s.em.calls.reset()
      const t0 = Date.now()
      const full = await port(s.api, net)
      assert.equal(full.status, 409, full.text)
      assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure')
      assert.equal(s.em.calls.total, 1, 'one next-available call, answered "no space"')
      assert.ok(Date.now() - t0 < 2000)

      // Pools BAM does not know about: one probe (v1: one listing), then 409.
      const { net: net2 } = await subnet(s.api, '10.72.2.0/28', {
        allocation_pools: [
          { start: '10.72.2.2', end: '10.72.2.4' },
          { start: '10.72.2.10', end: '10.72.2.12' },
        ],
      })
      const got: string[] = []
      for (let i = 0; i < 6; i++) got.push(ip(await port(s.api, net2)))
      assert.deepEqual(got, [
        '10.72.2.2',
        '10.72.2.3',
        '10.72.2.4',
        '10.72.2.10',
        '10.72.2.11',
        '10.72.2.12',
      ])
      s.em.calls.reset()
      const none = await port(s.api, net2)
      assert.equal(none.status, 409)
      assert.equal(none.body.NeutronError.type, 'IpAddressGenerationFailure')
      assert.equal(s.em.calls.total, version === 'v2' ? 1 : 2, JSON.stringify(s.em.calls.log))
    })

    test('subnet create adopts an existing network, or creates one in the block with only our gateway', async () => {
      s.em.state.addBlock('10.73.0.0/16')
      // No gateway: no GATEWAY object at all, and .1 is handed out.
      const bare = await subnet(s.api, '10.73.1.0/24', { gateway_ip: null })
      assert.equal(bare.status, 201, bare.text)
      assert.deepEqual(s.em.state.listAddresses('10.73.1.0/24'), [])
      assert.equal(ip(await port(s.api, bare.net)), '10.73.1.1')
      // With the default gateway: it is the network's GATEWAY, so never handed out.
      const gw = await subnet(s.api, '10.73.2.0/24')
      assert.deepEqual(
        s.em.state.listAddresses('10.73.2.0/24').map((a) => `${a.address} ${a.state}`),
        ['10.73.2.1 GATEWAY'],
      )
      assert.equal(ip(await port(s.api, gw.net)), '10.73.2.2')
      // An existing network is adopted, and left in place on subnet delete.
      const existing = s.em.state.addNetwork('10.73.3.0/24', { name: 'by hand' })
      const adopted = await subnet(s.api, '10.73.3.0/24')
      assert.equal(adopted.status, 201, adopted.text)
      assert.equal(s.em.state.networkId('10.73.3.0/24'), existing)
      assert.equal((await s.api.delete(`/v2.0/subnets/${adopted.subnet}`)).status, 204)
      assert.equal(s.em.state.networkId('10.73.3.0/24'), existing)
      // One we created is deleted with the subnet.
      const created = s.em.state.networkId('10.73.2.0/24')
      assert.notEqual(created, undefined)
      const ports = await s.api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${gw.net}`)
      for (const p of ports.body.ports) await s.api.delete(`/v2.0/ports/${p.id}`)
      assert.equal((await s.api.delete(`/v2.0/subnets/${gw.subnet}`)).status, 204)
      const deadline = Date.now() + 5000
      while (s.em.state.networkId('10.73.2.0/24') !== undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      assert.equal(s.em.state.networkId('10.73.2.0/24'), undefined)
    })

    test('a network sharing its block’s CIDR is adopted (v1 getIPRangedByIP answers the block)', async () => {
      const block = s.em.state.addBlock('10.74.0.0/24')
      const network = s.em.state.addNetwork('10.74.0.0/24', { blockId: block })
      const r = await subnet(s.api, '10.74.0.0/24')
      assert.equal(r.status, 201, r.text)
      const p = await port(s.api, r.net)
      assert.equal(s.em.state.address(ip(p))?.networkId, network)
    })

    test('subnet create is refused with 400 without an enclosing block, or over another network', async () => {
      const none = await subnet(s.api, '10.75.0.0/24')
      assert.equal(none.status, 400)
      assert.equal(none.error?.NeutronError.type, 'IpamRangeNotDefined')
      assert.match(none.error?.NeutronError.message ?? '', /configuration default/)
      s.em.state.addBlock('10.76.0.0/16')
      s.em.state.addNetwork('10.76.1.0/25', { gateway: false })
      const over = await subnet(s.api, '10.76.1.0/24')
      assert.equal(over.status, 400, over.text)
      assert.equal(over.error?.NeutronError.type, 'IpamRangeOverlap')
    })

    test('expired sessions: one login serves every parallel call that found it expired', async () => {
      s.em.state.addBlock('10.77.0.0/24')
      const { net } = await subnet(s.api, '10.77.0.0/24')
      s.em.state.expireSessions()
      s.em.calls.reset()
      const results = await Promise.all(Array.from({ length: 20 }, () => port(s.api, net)))
      assert.deepEqual(
        results.filter((r) => r.status !== 201).map((r) => r.text),
        [],
      )
      const logins = s.em.calls.log.filter((c) =>
        version === 'v2'
          ? c.method === 'POST' && c.path === '/api/v2/sessions'
          : c.path.startsWith('/Services/REST/v1/login'),
      )
      assert.equal(logins.length, 1)
    })

    test('reconcile pages through the network to the end (page_size 5, count = items returned)', async () => {
      s.em.state.addBlock('10.78.0.0/24')
      const { net } = await subnet(s.api, '10.78.0.0/24')
      for (let i = 0; i < 12; i++) assert.equal((await port(s.api, net)).status, 201)
      const report = await s.api.post<{
        reconcile: {
          scanned: { external: number }
          orphans: unknown[]
          missing: unknown[]
          errors: string[]
        }
      }>('/v2.0/ipam/reconcile', { repair: false })
      assert.equal(report.status, 200, report.text)
      assert.deepEqual(report.body.reconcile.errors, [])
      assert.deepEqual(report.body.reconcile.missing, [])
      assert.deepEqual(report.body.reconcile.orphans, [])
      assert.ok(report.body.reconcile.scanned.external >= 13, 'every address and the gateway')
    })

    test('findByPort (crash recovery) finds a port’s reservations by its tag, and only those', async () => {
      s.em.state.addBlock('10.80.0.0/24')
      const backend = bluecatBackend(
        buildConfig(
          parseOsloIni(
            `[DEFAULT]\nipam_driver = bluecat\n[bluecat]\nurl = ${s.em.url}\napi_version = ${version}\nusername = ${USER}\npassword = ${PASS}\n`,
          ),
        ),
      )
      try {
        const cidr = parseCidr('10.80.0.0/24')
        if (cidr === undefined) throw new Error('cidr')
        const spec = {
          subnetId: 's-80',
          networkId: 'n-80',
          projectId: 'p-80',
          name: '',
          cidr,
          gateway: { version: 4 as const, value: cidr.network + 1n },
          pools: [{ start: cidr.network + 2n, end: cidr.network + 254n }],
        }
        const ext = await backend.prepareSubnet(spec)
        assert.equal(ext.createdByUs, true)
        const tag = (portId: string): ReservationTag => ({
          portId,
          projectId: 'p-80',
          networkId: 'n-80',
          subnetId: 's-80',
          deviceId: 'vm|1',
          deviceOwner: 'compute:nova',
          macAddress: 'fa:16:3e:00:80:01',
          dnsName: '',
          primary: false,
        })
        const a = await backend.reserve(spec, ext, { kind: 'any' }, tag('port-a'))
        await backend.reserve(spec, ext, { kind: 'any' }, tag('port-b'))
        const found = await backend.findByPort(spec, ext, 'port-a')
        assert.deepEqual(
          found.map((r) => [r.ref, r.tag?.portId, r.tag?.deviceId, r.macAddress]),
          [[a.ref, 'port-a', 'vm/1', 'fa:16:3e:00:80:01']],
        )
        await backend.release(a.ref)
        await backend.release(a.ref) // already gone: still fine
        assert.deepEqual(await backend.findByPort(spec, ext, 'port-a'), [])
      } finally {
        await backend.close()
      }
    })

    test('ipam check passes every step', async () => {
      const r = await s.api.post<{
        check: { ok: boolean; steps: { name: string; status: string }[] }
      }>('/v2.0/ipam/check', {})
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.check.ok, true, r.text)
      assert.deepEqual(
        r.body.check.steps.map((x) => x.status),
        r.body.check.steps.map(() => 'pass'),
      )
    })

    test('refused credentials: 503 without the password anywhere', async () => {
      const bad = await setup(version, '', s.em, 'not-the|pass=word')
      try {
        s.em.state.addBlock('10.79.0.0/24')
        const r = await subnet(bad.api, '10.79.0.0/24')
        assert.equal(r.status, 503, r.text)
        assert.equal(r.error?.NeutronError.type, 'IpamDriverError')
        assert.match(r.error?.NeutronError.message ?? '', /authentication failed for user api/)
        const check = await bad.api.post('/v2.0/ipam/check', {})
        for (const text of [r.text, check.text]) {
          assert.ok(!text.includes('not-the'), text)
          assert.ok(!text.includes(encodeURIComponent('not-the|pass=word')), text)
        }
      } finally {
        await bad.close()
      }
    })
  })
}
