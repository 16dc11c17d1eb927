/**
 * A subnet whose range was deleted in the external system (phpIPAM here) is a missing range;
 * once the range can be had again, reconcile with repair links the subnet to it and reserves
 * its ports' addresses again, and ports can be created on it as before.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startPhpipamEmulator, type PhpipamEmulatorHandle } from '../../emulators/phpipam/index.ts'
import { formatIp } from '../../src/domain/ip-address.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

interface Report {
  missing: unknown[]
  missing_ranges: { subnet_id: string; cidr: string; repaired: boolean; detail: string }[]
  errors: string[]
}
interface Port {
  id: string
  fixed_ips: { ip_address: string }[]
}

describe('reconcile: a missing range is re-linked by repair', () => {
  let pi: PhpipamEmulatorHandle
  let db: TestDatabase
  let server: RunningServer
  let api: Client

  before(async () => {
    pi = await startPhpipamEmulator({
      appId: 'xloud',
      username: 'svc',
      password: 'pw',
      section: { name: 'cloud' },
    })
    pi.state.addSubnet({ cidr: '10.72.0.0/16', sectionId: pi.sectionId, description: 'cloud' })
    db = await freshDatabase('sqlite')
    server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\nurl = ${pi.url}\napp_id = xloud\nusername = svc\npassword = pw\nsection = cloud\nretries = 1\n`,
    )
    api = client(server.url)
  })
  after(async () => {
    await server.close()
    await db.drop()
    await pi.close()
  })

  const reconcile = async (repair: boolean): Promise<Report> => {
    const r = await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', { repair })
    assert.equal(r.status, 200, r.text)
    return r.body.reconcile
  }
  const heldInPhpipam = (): string[] =>
    [...pi.state.addresses.values()].map((a) => formatIp(a.ip)).sort()

  test('deleted, reported, then re-linked with its addresses reserved again', async () => {
    const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'relink' },
    })
    const netId = net.body.network.id
    const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
      subnet: { network_id: netId, ip_version: 4, cidr: '10.72.5.0/24' },
    })
    assert.equal(sub.status, 201, sub.text)
    const port = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: netId } })
    assert.equal(port.status, 201, port.text)
    const address = port.body.port.fixed_ips[0]?.ip_address ?? ''

    const child = [...pi.state.subnets.values()].find(
      (s) => pi.state.cidrText(s) === '10.72.5.0/24',
    )
    assert.ok(child !== undefined)
    pi.state.deleteSubnet(child.id)
    assert.deepEqual(heldInPhpipam(), [])

    const found = await reconcile(false)
    assert.deepEqual(
      found.missing_ranges.map((m) => [m.subnet_id, m.repaired]),
      [[sub.body.subnet.id, false]],
    )
    assert.deepEqual(found.missing, [], 'the addresses are not listed one by one')

    const repaired = await reconcile(true)
    assert.equal(repaired.missing_ranges[0]?.repaired, true, JSON.stringify(repaired))
    assert.match(repaired.missing_ranges[0]?.detail ?? '', /re-linked to/)
    assert.deepEqual(repaired.errors, [])
    assert.ok(heldInPhpipam().includes(address), 'the port’s address is reserved again')

    const clean = await reconcile(false)
    assert.deepEqual(clean.missing_ranges, [])
    assert.deepEqual(clean.missing, [])
    const next = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: netId } })
    assert.equal(next.status, 201, next.text)
    assert.ok(heldInPhpipam().includes(next.body.port.fixed_ips[0]?.ip_address ?? ''))
  })

  test('a range that cannot be had (outside every pre-defined one) stays missing, with why', async () => {
    const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'gone-for-good' },
    })
    const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.72.9.0/24' },
    })
    assert.equal(sub.status, 201, sub.text)
    const master = [...pi.state.subnets.values()].find(
      (s) => pi.state.cidrText(s) === '10.72.0.0/16',
    )
    assert.ok(master !== undefined)
    // NOTE: the master goes too (with its children): there is nothing to adopt or create in.
    pi.state.deleteSubnet(master.id)
    const report = await reconcile(true)
    const entry = report.missing_ranges.find((m) => m.subnet_id === sub.body.subnet.id)
    assert.equal(entry?.repaired, false)
    assert.ok(
      report.errors.some((e) => e.startsWith('10.72.9.0/24: range not re-linked:')),
      report.errors.join('\n'),
    )
  })
})
