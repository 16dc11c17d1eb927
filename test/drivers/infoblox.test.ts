/**
 * The Infoblox driver against the WAPI emulator: the seed flow with host records and EAs,
 * ranges refused or adopted, sessions, credentials, TLS, DNS updates, drift over several pages,
 * metrics, and secrets kept out of every output. (Crashes: infoblox-crash.test.ts.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { EXTERNAL_IPAM_OPTIONS } from '../conformance/driver-fixtures.ts'
import { freshDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'
import { makeTestTls } from '../support/tls.ts'

const PASSWORD = 'S3cr#t;pa55-xloud'

interface Port {
  id: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}

function section(url: string, extra = ''): string {
  return `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${url}\nusername = neutron-svc\npassword = ${PASSWORD}\n${extra}\n${EXTERNAL_IPAM_OPTIONS}`
}

async function withServer(
  ib: InfobloxEmulator,
  extra: string,
  body: (api: Client, server: RunningServer) => Promise<void>,
): Promise<void> {
  const db = await freshDatabase('sqlite')
  const server = await startTestServer(db.url, section(ib.url, extra))
  try {
    await body(client(server.url), server)
  } finally {
    await server.close()
    await db.drop()
  }
}

async function network(
  api: Client,
  cidr: string,
): Promise<{ net: string; subnet: string; res: { status: number; body: Err; text: string } }> {
  const net = (
    await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: cidr } })
  ).body.network.id
  const res = await api.post<{ subnet: { id: string } } & Err>('/v2.0/subnets', {
    subnet: { network_id: net, ip_version: 4, cidr },
  })
  return { net, subnet: res.status === 201 ? res.body.subnet.id : '', res }
}

describe('Infoblox driver', () => {
  let ib: InfobloxEmulator

  before(async () => {
    ib = await startInfobloxEmulator({
      username: 'neutron-svc',
      password: PASSWORD,
      sessionTimeoutSeconds: 1,
    })
    ib.state.addStandardEaDefinitions()
    ib.state.addZone('cloud.example.com')
  })
  after(async () => {
    await ib.close()
  })

  test('the seed flow: container 10.50.0.0/24 pre-defined; 10.51.0.0/24 refused; the port is a host record with our EAs; delete removes it', async () => {
    ib.state.addNetworkContainer('10.50.0.0/24')
    await withServer(ib, 'dns_zone = cloud.example.com', async (api) => {
      const { net, subnet, res } = await network(api, '10.50.0.0/24')
      assert.equal(res.status, 201, res.text)
      const refused = await network(api, '10.51.0.0/24')
      assert.equal(refused.res.status, 400)
      assert.equal(refused.res.body.NeutronError.type, 'IpamRangeNotDefined')
      assert.match(
        refused.res.body.NeutronError.message,
        /10\.51\.0\.0\/24.*infoblox.*network view default/,
      )
      const port = await api.post<{ port: Port }>('/v2.0/ports', {
        port: {
          network_id: net,
          name: 'vm1-port',
          dns_name: 'vm1',
          device_id: 'vm-1',
          device_owner: 'compute:nova',
        },
      })
      assert.equal(port.status, 201, port.text)
      const address = port.body.port.fixed_ips[0]?.ip_address ?? ''
      const hosts = ib.state
        .listHostRecords()
        .filter((h) => h.addresses.some((a) => a.address === address))
      assert.equal(hosts.length, 1)
      const host = hosts[0]
      assert.equal(host?.name, 'vm1.cloud.example.com')
      const eas = host?.extattrs as Record<string, { value: string }>
      assert.equal(eas['Port ID']?.value, port.body.port.id)
      assert.equal(eas['Subnet ID']?.value, subnet)
      assert.equal(eas['Network ID']?.value, net)
      assert.equal(eas['Port Attached Device - Device ID']?.value, 'vm-1')
      assert.equal(eas['Port Attached Device - Device Owner']?.value, 'compute:nova')
      assert.equal(
        host?.addresses[0]?.mac,
        (await api.get<{ port: { mac_address: string } }>(`/v2.0/ports/${port.body.port.id}`)).body
          .port.mac_address,
      )
      // A DNS name change follows to Infoblox.
      assert.equal(
        (await api.put(`/v2.0/ports/${port.body.port.id}`, { port: { dns_name: 'vm1-renamed' } }))
          .status,
        200,
      )
      assert.ok(ib.state.listHostRecords().some((h) => h.name === 'vm1-renamed.cloud.example.com'))
      // A name written as an FQDN (trailing dot) is not qualified again.
      const fqdn = await api.put(`/v2.0/ports/${port.body.port.id}`, {
        port: { dns_name: 'vm1-fqdn.cloud.example.com.' },
      })
      assert.equal(fqdn.status, 200, fqdn.text)
      assert.ok(ib.state.listHostRecords().some((h) => h.name === 'vm1-fqdn.cloud.example.com'))
      const check = await api.post<{ reconcile: { stale: unknown[] } }>('/v2.0/ipam/reconcile', {})
      assert.deepEqual(check.body.reconcile.stale, [], 'the FQDN is not reported stale')
      assert.equal((await api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
      assert.ok(
        !ib.state.listHostRecords().some((h) => h.addresses.some((a) => a.address === address)),
      )
    })
  })

  test('a network adopted is never deleted; one we created is deleted with the subnet; overlap with a foreign network is refused', async () => {
    ib.state.addNetworkContainer('10.60.0.0/16')
    ib.state.addNetwork('10.60.7.0/24')
    ib.state.addNetwork('10.60.9.0/25')
    await withServer(ib, '', async (api) => {
      const adopted = await network(api, '10.60.7.0/24')
      assert.equal(adopted.res.status, 201, adopted.res.text)
      const created = await network(api, '10.60.8.0/24')
      assert.equal(created.res.status, 201)
      assert.ok(ib.state.listNetworks().some((n) => n.network === '10.60.8.0/24'))
      const overlap = await network(api, '10.60.9.0/24')
      assert.equal(overlap.res.status, 400)
      assert.equal(overlap.res.body.NeutronError.type, 'IpamRangeOverlap')
      assert.match(
        overlap.res.body.NeutronError.message,
        /10\.60\.9\.0\/25 \(not created by Xloud\)/,
      )
      assert.equal((await api.delete(`/v2.0/subnets/${adopted.subnet}`)).status, 204)
      assert.equal((await api.delete(`/v2.0/subnets/${created.subnet}`)).status, 204)
      const networks = ib.state.listNetworks().map((n) => n.network)
      assert.ok(networks.includes('10.60.7.0/24'), 'the adopted network is still there')
      assert.ok(!networks.includes('10.60.8.0/24'), 'the network we created is gone')
    })
  })

  test('sessions expire after an idle second: 20 parallel creates then succeed with a single new login', async () => {
    ib.state.addNetworkContainer('10.61.0.0/24')
    await withServer(ib, '', async (api) => {
      const { net } = await network(api, '10.61.0.0/24')
      await api.post('/v2.0/ports', { port: { network_id: net } })
      await new Promise((r) => setTimeout(r, 1500))
      assert.equal(ib.auth.activeSessions, 0, 'the session expired')
      const logins = ib.auth.basicAttempts
      const results = await Promise.all(
        Array.from({ length: 20 }, () => api.post('/v2.0/ports', { port: { network_id: net } })),
      )
      assert.deepEqual(
        results.filter((r) => r.status !== 201).map((r) => r.text),
        [],
      )
      assert.equal(ib.auth.basicAttempts - logins, 1, 'one login for twenty calls')
    })
  })

  test('wrong credentials: one clear 503, no login loop, no secret anywhere', async () => {
    ib.state.addNetworkContainer('10.62.0.0/24')
    const wrong = `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = ${PASSWORD}-wrong\n${EXTERNAL_IPAM_OPTIONS}`
    const db = await freshDatabase('sqlite')
    const server = await startTestServer(db.url, wrong)
    try {
      const api = client(server.url)
      const before = ib.auth.basicAttempts
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'x' } })
      ).body.network.id
      const res = await api.post<Err>('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr: '10.62.0.0/24' },
      })
      assert.equal(res.status, 503)
      assert.equal(res.body.NeutronError.type, 'IpamDriverError')
      assert.match(
        res.body.NeutronError.message,
        /^IPAM driver error: infoblox at http:\/\/127\.0\.0\.1:\d+: authentication failed for user neutron-svc \(HTTP 401\)/,
      )
      assert.ok(
        ib.auth.basicAttempts - before <= 2,
        `logins tried: ${ib.auth.basicAttempts - before}`,
      )
      const check = await api.post<{
        check: { ok: boolean; steps: { name: string; status: string; detail: string }[] }
      }>('/v2.0/ipam/check', {})
      assert.equal(check.body.check.ok, false)
      assert.equal(check.body.check.steps.find((s) => s.name === 'authenticate')?.status, 'fail')
      for (const text of [
        res.text,
        check.text,
        (await api.get('/v2.0/ipam/status')).text,
        (await api.get('/v2.0/ipam/audit')).text,
      ]) {
        assert.ok(!text.includes(PASSWORD), 'the password never appears')
      }
    } finally {
      await server.close()
      await db.drop()
    }
  })

  test('TLS: verification is on by default, a CA bundle makes the grid trusted', async () => {
    const tls = makeTestTls()
    const secure = await startInfobloxEmulator({
      username: 'neutron-svc',
      password: PASSWORD,
      tls: { key: tls.key, cert: tls.cert },
    })
    secure.state.addStandardEaDefinitions()
    secure.state.addNetworkContainer('10.63.0.0/24')
    try {
      await withServer(secure, '', async (api) => {
        const check = await api.post<{
          check: { ok: boolean; steps: { name: string; status: string; detail: string }[] }
        }>('/v2.0/ipam/check', {})
        assert.equal(
          check.body.check.steps.find((s) => s.name === 'TLS')?.status,
          'fail',
          check.text,
        )
        const { res } = await network(api, '10.63.0.0/24')
        assert.equal(res.status, 503)
        assert.match(res.body.NeutronError.message, /TLS failure/)
      })
      await withServer(secure, `ssl_verify = ${tls.caFile}`, async (api) => {
        const check = await api.post<{ check: { ok: boolean } }>('/v2.0/ipam/check', {})
        assert.equal(check.body.check.ok, true, check.text)
        const { res } = await network(api, '10.63.0.0/24')
        assert.equal(res.status, 201)
      })
    } finally {
      await secure.close()
    }
  })

  test('drift over several pages: an orphan with our tag, a port whose reservation vanished, a changed DNS name; repaired; then nothing', async () => {
    ib.state.addNetworkContainer('10.64.0.0/24')
    await withServer(ib, 'dns_zone = cloud.example.com\npage_size = 40', async (api) => {
      const { net, subnet } = await network(api, '10.64.0.0/24')
      const ports = await api.post<{ ports: Port[] }>('/v2.0/ports', {
        ports: Array.from({ length: 120 }, (_, i) => ({ network_id: net, dns_name: `h${i}` })),
      })
      assert.equal(ports.status, 201, ports.text)
      const gone = ports.body.ports[5]?.fixed_ips[0]?.ip_address ?? ''
      const hostGone = ib.state
        .listHostRecords()
        .find((h) => h.addresses.some((a) => a.address === gone))
      ib.state.removeByRef(hostGone?.ref ?? '')
      ib.state.addFixedAddress('10.64.0.250', 'fa:16:3e:00:99:99', 'default', {
        'Port ID': '00000000-0000-4000-8000-00000000beef',
        'Subnet ID': subnet,
        'CMP Type': 'Xloud',
        'Cloud API Owned': 'True',
      })
      const renamed = ports.body.ports[7]?.fixed_ips[0]?.ip_address ?? ''
      const host = ib.state
        .listHostRecords()
        .find((h) => h.addresses.some((a) => a.address === renamed))
      const put = await fetch(`${ib.url}/wapi/v2.12/${host?.ref ?? ''}`, {
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from(`neutron-svc:${PASSWORD}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'someone-else.cloud.example.com' }),
      })
      assert.equal(put.status, 200)
      interface Report {
        scanned: { ours: number; external: number }
        orphans: { ip_address: string; repaired: boolean }[]
        missing: { ip_address: string; repaired: boolean }[]
        stale: {
          ip_address: string
          field: string
          ours: string
          external: string
          repaired: boolean
        }[]
      }
      const report = (await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {})).body
        .reconcile
      assert.equal(report.scanned.ours, 120)
      assert.ok(report.scanned.external >= 120, `paged through all: ${report.scanned.external}`)
      assert.deepEqual(
        report.orphans.map((o) => o.ip_address),
        ['10.64.0.250'],
      )
      assert.deepEqual(
        report.missing.map((m) => m.ip_address),
        [gone],
      )
      assert.deepEqual(
        report.stale.map((s) => [s.ip_address, s.field, s.ours, s.external]),
        [[renamed, 'dns_name', 'h7', 'someone-else.cloud.example.com']],
      )
      const repaired = (
        await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', { repair: true })
      ).body.reconcile
      assert.ok(
        [...repaired.orphans, ...repaired.missing, ...repaired.stale].every((e) => e.repaired),
      )
      const clean = (await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {})).body
        .reconcile
      assert.deepEqual([clean.orphans, clean.missing, clean.stale], [[], [], []])
      const last = await api.get<{ reconcile: { id: string } }>('/v2.0/ipam/reconcile')
      assert.equal(last.body.reconcile.id, (clean as unknown as { id: string }).id)
      const audit = await api.get<{ audit: { action: string }[] }>('/v2.0/ipam/audit?action=repair')
      assert.equal(audit.body.audit.length, 3)
    })
  })

  test('metrics show the calls to Infoblox, and a tenant cannot read the IPAM surfaces', async () => {
    ib.state.addNetworkContainer('10.65.0.0/24')
    await withServer(ib, '', async (api, server) => {
      const { net } = await network(api, '10.65.0.0/24')
      await api.post('/v2.0/ports', { port: { network_id: net } })
      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text())
      assert.match(
        metrics,
        /xloud_ipam_calls_total\{driver="infoblox",operation="allocate",outcome="ok"\} [1-9]/,
      )
      assert.match(metrics, /xloud_ipam_release_queue_depth\{driver="infoblox"\} 0/)
      const tenant = client(server.url, { 'X-Project-Id': 'demo', 'X-Roles': 'member' })
      for (const path of [
        '/v2.0/ipam/status',
        '/v2.0/ipam/audit',
        '/v2.0/ipam/releases',
        '/v2.0/ipam/reconcile',
      ]) {
        const r = await tenant.get<Err>(path)
        assert.equal(r.status, 403, path)
        assert.equal(r.body.NeutronError.type, 'PolicyNotAuthorized')
      }
      assert.equal((await tenant.post('/v2.0/ipam/check', {})).status, 403)
    })
  })
})
