/**
 * `xloud ipam …` against a server using the Infoblox driver (emulator): status, the step-by-step
 * check, pending releases, reconcile and the audit trail; the password never printed.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { startTestServer, XLOUD } from '../support/server.ts'

const run = promisify(execFile)
const PASSWORD = 'cli-S3cret#;'
// NOTE: no background work here (maintenance_interval 3600): the test drains the queue itself.

describe('xloud ipam', () => {
  let ib: InfobloxEmulator
  let db: TestDatabase
  let server: RunningServer
  let xloud: (...args: string[]) => Promise<{ stdout: string; stderr: string; code: number }>

  before(async () => {
    ib = await startInfobloxEmulator({ username: 'neutron-svc', password: PASSWORD })
    ib.state.addStandardEaDefinitions()
    ib.state.addNetworkContainer('10.80.0.0/24')
    db = await freshDatabase('sqlite')
    server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = ${PASSWORD}\nretries = 1\n[ipam]\nmaintenance_interval = 3600\n`,
    )
    xloud = async (...args) => {
      try {
        const r = await run(process.execPath, [XLOUD, ...args], {
          env: { ...process.env, OS_ENDPOINT: server.url, OS_AUTH_TYPE: 'none' },
        })
        return { ...r, code: 0 }
      } catch (error) {
        const e = error as { stdout: string; stderr: string; code: number }
        return { stdout: e.stdout, stderr: e.stderr, code: e.code }
      }
    }
  })
  after(async () => {
    await server.close()
    await ib.close()
    await db.drop()
  })

  test('status, check, a queued release, reconcile and audit', async () => {
    const api = client(server.url)
    const net = (
      await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'n' } })
    ).body.network.id
    await api.post('/v2.0/subnets', {
      subnet: { network_id: net, ip_version: 4, cidr: '10.80.0.0/24' },
    })
    const port = await api.post<{ port: { id: string; fixed_ips: { ip_address: string }[] } }>(
      '/v2.0/ports',
      { port: { network_id: net } },
    )

    const status = await xloud('ipam', 'status', '-f', 'json')
    assert.equal(status.code, 0, status.stderr)
    const s = JSON.parse(status.stdout) as { driver: string; circuit: string; endpoint: string }
    assert.equal(s.driver, 'infoblox')
    assert.equal(s.circuit, 'closed')

    const check = await xloud('ipam', 'check')
    assert.equal(check.code, 0, check.stderr)
    for (const step of [
      'reach endpoint',
      'TLS',
      'authenticate',
      'network view',
      'pre-defined containers',
    ])
      assert.match(check.stdout, new RegExp(`\\| ${step} +\\| pass`))
    assert.match(check.stdout, /10\.80\.0\.0\/24/)

    await ib.pause()
    await api.delete(`/v2.0/ports/${port.body.port.id}`)
    const pending = await xloud('ipam', 'releases', '-f', 'value', '-c', 'IP Address')
    assert.equal(pending.stdout.trim(), port.body.port.fixed_ips[0]?.ip_address)
    const failing = await xloud('ipam', 'check')
    assert.equal(failing.code, 1, 'a failed check exits 1')
    assert.match(failing.stdout, /reach endpoint +\| fail/)
    await ib.resume()
    const retried = await xloud('ipam', 'releases', '--retry', '-f', 'value')
    assert.equal(retried.stdout.trim(), '')
    assert.match(retried.stderr, /released 1, still pending 0/)

    ib.state.addFixedAddress('10.80.0.200', 'fa:16:3e:00:99:98', 'default', {
      'Port ID': '00000000-0000-4000-8000-00000000dead',
      'CMP Type': 'Xloud',
      'Cloud API Owned': 'True',
    })
    const found = await xloud('ipam', 'reconcile', '-f', 'value', '-c', 'Kind', '-c', 'IP Address')
    assert.equal(found.stdout.trim(), 'orphan 10.80.0.200')
    const repaired = await xloud('ipam', 'reconcile', '--repair', '-f', 'value', '-c', 'Repaired')
    assert.equal(repaired.stdout.trim(), 'True')

    const audit = await xloud(
      'ipam',
      'audit',
      '--action',
      'release',
      '--action',
      'repair',
      '-f',
      'value',
      '-c',
      'Action',
      '-c',
      'Outcome',
    )
    const lines = audit.stdout.trim().split('\n')
    assert.deepEqual(lines, ['repair ok', 'release ok', 'release queued'])

    for (const out of [status, check, pending, failing, retried, found, repaired, audit]) {
      assert.ok(!`${out.stdout}${out.stderr}`.includes(PASSWORD), 'no secret in any output')
    }
  })
})
