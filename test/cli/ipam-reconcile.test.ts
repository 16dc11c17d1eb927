/**
 * `xloud ipam reconcile`: its exit status says whether anything is left to fix (0 in sync or all
 * repaired, 3 findings left or parts not compared, 1 could not run), a repair that fails keeps
 * its finding, a subnet whose range is gone in the IPAM system (or was never recorded there) is
 * a finding, and the internal driver gets a plain explanation instead of an empty comparison.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import {
  startPhpipamEmulator,
  type PhpipamEmulatorHandle,
} from '../../emulators/phpipam/phpipam-emulator.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'
import { runXloud, startCliServer, type CliResult } from './cli-harness.ts'

const NO_BACKGROUND = '[ipam]\nmaintenance_interval = 3600\n'
const GHOST_PORT = '00000000-0000-4000-8000-00000000dead'

/** A network with one subnet on `cidr`; returns their ids. */
async function subnetOn(api: Client, cidr: string): Promise<{ net: string; subnet: string }> {
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `n-${cidr}` },
  })
  assert.equal(net.status, 201, net.text)
  const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, ip_version: 4, cidr },
  })
  assert.equal(sub.status, 201, sub.text)
  return { net: net.body.network.id, subnet: sub.body.subnet.id }
}

async function portOn(api: Client, net: string): Promise<string> {
  const port = await api.post<{ port: { fixed_ips: { ip_address: string }[] } }>('/v2.0/ports', {
    port: { network_id: net },
  })
  assert.equal(port.status, 201, port.text)
  return port.body.port.fixed_ips[0]?.ip_address ?? ''
}

function assertNoStack(result: CliResult): void {
  assert.ok(!`${result.stdout}${result.stderr}`.includes('    at '), 'no stack trace')
}

describe('xloud ipam reconcile (Infoblox)', () => {
  let ib: InfobloxEmulator
  let db: TestDatabase
  let server: RunningServer | undefined
  let api: Client
  let xloud: (...args: string[]) => Promise<CliResult>

  before(async () => {
    ib = await startInfobloxEmulator({ username: 'neutron-svc', password: 'pw' })
    ib.state.addStandardEaDefinitions()
    db = await freshDatabase('sqlite')
    // NOTE: a subnet made while the internal driver was configured: Infoblox never heard of it.
    const before = await startTestServer(db.url, NO_BACKGROUND)
    const early = await subnetOn(client(before.url), '10.84.0.0/24')
    await portOn(client(before.url), early.net)
    await before.close()
    server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = pw\nretries = 1\ncircuit_break_after = 1000\n${NO_BACKGROUND}`,
    )
    api = client(server.url)
    const url = server.url
    xloud = (...args) => runXloud(args, { OS_ENDPOINT: url, OS_AUTH_TYPE: 'none' })
  })
  after(async () => {
    await server?.close()
    await ib.close()
    await db.drop()
  })

  test('--help documents the exit statuses', async () => {
    const help = await xloud('ipam', 'reconcile', '--help')
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Exit status/i)
    assert.match(help.stdout, /0 +.*in sync/i)
    assert.match(help.stdout, /3 +.*left/i)
    assert.match(help.stdout, /1 +.*could not/i)
  })

  test('a subnet created before the driver was configured is a finding, never skipped', async () => {
    const found = await xloud('ipam', 'reconcile', '-f', 'value', '-c', 'Kind', '-c', 'Detail')
    assertNoStack(found)
    assert.equal(found.code, 3, found.stderr)
    assert.match(found.stdout, /^missing-range .*10\.84\.0\.0\/24.*no infoblox object/m)
    const repaired = await xloud('ipam', 'reconcile', '--repair', '-f', 'value', '-c', 'Kind')
    assert.equal(repaired.code, 3, 'a range is never re-created by --repair: still left')
    assert.match(repaired.stderr, /left unrepaired/)
  })

  test('findings exit 3 in report mode; --repair that fixes everything exits 0', async () => {
    ib.state.addNetworkContainer('10.85.0.0/24')
    const { net } = await subnetOn(api, '10.85.0.0/24')
    await portOn(api, net)
    ib.state.addFixedAddress('10.85.0.200', 'fa:16:3e:00:99:98', 'default', {
      'Port ID': GHOST_PORT,
      'CMP Type': 'Xloud',
      'Cloud API Owned': 'True',
    })
    const found = await xloud('ipam', 'reconcile', '-f', 'value', '-c', 'Kind', '-c', 'IP Address')
    assert.equal(found.code, 3, 'an orphan is left: not in sync')
    assert.match(found.stdout, /^orphan 10\.85\.0\.200$/m)
    const repaired = await xloud('ipam', 'reconcile', '--repair', '-f', 'json')
    const rows = JSON.parse(repaired.stdout) as { Kind: string; Repaired: boolean }[]
    const orphan = rows.find((r) => r.Kind === 'orphan')
    assert.equal(orphan?.Repaired, true)
    // Only the range recorded nowhere (previous test) is left.
    assert.deepEqual(
      rows.filter((r) => !r.Repaired).map((r) => r.Kind),
      ['missing-range'],
    )
    assert.equal(repaired.code, 3)
  })

  test('a repair that fails keeps its finding (not repaired) and exits 3', async () => {
    ib.state.addNetworkContainer('10.86.0.0/16')
    const { net, subnet } = await subnetOn(api, '10.86.0.0/24')
    const address = await portOn(api, net)
    // Its fixed address is deleted in Infoblox and the address taken by a host record of
    // someone else's (a DHCP host, outside DNS): reserving it again is refused.
    assert.ok(ib.state.removeFixedAddress(address))
    ib.state.addHostRecord('someone-else', address, {
      configureForDns: false,
      mac: 'fa:16:3e:00:86:01',
    })
    const result = await xloud('ipam', 'reconcile', '--repair', '-f', 'json')
    assertNoStack(result)
    assert.equal(result.code, 3, result.stderr)
    const rows = JSON.parse(result.stdout) as {
      Kind: string
      'IP Address': string
      Subnet: string
      Repaired: boolean
    }[]
    const missing = rows.find((r) => r['IP Address'] === address)
    assert.ok(
      missing !== undefined,
      `the missing reservation is still reported: ${result.stdout}${result.stderr}`,
    )
    assert.equal(missing.Kind, 'missing')
    assert.equal(missing.Subnet, subnet)
    assert.equal(missing.Repaired, false)
    assert.match(result.stderr, new RegExp(`${address.replace(/\./g, '\\.')}.*not repaired`))
  })
})

describe('xloud ipam reconcile (phpIPAM): a range deleted in the IPAM system', () => {
  let pi: PhpipamEmulatorHandle
  let db: TestDatabase
  let server: RunningServer
  let xloud: (...args: string[]) => Promise<CliResult>

  before(async () => {
    pi = await startPhpipamEmulator({
      appId: 'xloud',
      username: 'svc',
      password: 'pw',
      section: { name: 'cloud' },
    })
    pi.state.addSubnet({ cidr: '10.87.0.0/16', sectionId: pi.sectionId, description: 'cloud' })
    db = await freshDatabase('sqlite')
    server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\nurl = ${pi.url}\napp_id = xloud\nusername = svc\npassword = pw\nsection = cloud\nretries = 1\n${NO_BACKGROUND}`,
    )
    const url = server.url
    xloud = (...args) => runXloud(args, { OS_ENDPOINT: url, OS_AUTH_TYPE: 'none' })
  })
  after(async () => {
    await server.close()
    await pi.close()
    await db.drop()
  })

  test('is reported as a missing range (not an error, not skipped) and exits 3', async () => {
    const api = client(server.url)
    const { net, subnet } = await subnetOn(api, '10.87.1.0/24')
    await portOn(api, net)
    const ours = [...pi.state.subnets.values()].find((s) => pi.state.cidrText(s) === '10.87.1.0/24')
    assert.ok(ours !== undefined)
    pi.state.deleteSubnet(ours.id)

    const result = await xloud('ipam', 'reconcile', '-f', 'json')
    assertNoStack(result)
    assert.equal(result.code, 3, result.stderr)
    const rows = JSON.parse(result.stdout) as { Kind: string; Subnet: string; Detail: string }[]
    const range = rows.find((r) => r.Kind === 'missing-range')
    assert.ok(range !== undefined, result.stdout)
    assert.equal(range.Subnet, subnet)
    assert.match(range.Detail, /10\.87\.1\.0\/24/)
  })
})

describe('xloud ipam reconcile (internal driver)', () => {
  test('says reconcile is for external drivers only, exit 0, no stack trace', async () => {
    const cli = await startCliServer()
    try {
      const result = await cli.run(['ipam', 'reconcile'])
      assertNoStack(result)
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stderr, /external IPAM drivers? only/i)
      assert.match(
        result.stderr,
        /internal driver.* keeps .*address(es)? in (its own|the) database/i,
      )
      assert.doesNotMatch(result.stderr, /in the IPAM system/)
      const repair = await cli.run(['ipam', 'reconcile', '--repair'])
      assert.equal(repair.code, 0)
      assert.match(repair.stderr, /nothing to (reconcile|repair)/i)
    } finally {
      await cli.stop()
    }
  })
})
