/**
 * `xloud ipam releases`: a pending release shows what it releases, its state and when it is
 * tried next, in words in the table and as raw values in the machine formats; an empty queue
 * says so.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'
import { runXloud, startCliServer, type CliResult } from './cli-harness.ts'

describe('xloud ipam releases', () => {
  let ib: InfobloxEmulator
  let db: TestDatabase
  let server: RunningServer
  let xloud: (...args: string[]) => Promise<CliResult>

  before(async () => {
    ib = await startInfobloxEmulator({ username: 'neutron-svc', password: 'pw' })
    ib.state.addStandardEaDefinitions()
    ib.state.addNetworkContainer('10.88.0.0/24')
    db = await freshDatabase('sqlite')
    server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = pw\nretries = 1\ncircuit_break_after = 1000\n[ipam]\nmaintenance_interval = 3600\n`,
    )
    const url = server.url
    xloud = (...args) => runXloud(args, { OS_ENDPOINT: url, OS_AUTH_TYPE: 'none' })
  })
  after(async () => {
    await server.close()
    await ib.close()
    await db.drop()
  })

  test('an empty queue says so (table), prints nothing in machine formats', async () => {
    const table = await xloud('ipam', 'releases')
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stderr, /[Nn]o pending releases/)
    const value = await xloud('ipam', 'releases', '-f', 'value')
    assert.equal(value.stdout, '')
  })

  test('a release waiting for the system: what, state, attempts, next attempt and error', async () => {
    const api = client(server.url)
    const net = (
      await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'n' } })
    ).body.network.id
    await api.post('/v2.0/subnets', {
      subnet: { network_id: net, ip_version: 4, cidr: '10.88.0.0/24' },
    })
    const port = await api.post<{ port: { id: string; fixed_ips: { ip_address: string }[] } }>(
      '/v2.0/ports',
      { port: { network_id: net } },
    )
    const address = port.body.port.fixed_ips[0]?.ip_address ?? ''
    await ib.pause()
    try {
      assert.equal((await api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
      const table = await xloud('ipam', 'releases')
      assert.equal(table.code, 0, table.stderr)
      const header = table.stdout.split('\n')[1] ?? ''
      for (const column of [
        'ID',
        'Kind',
        'IP Address',
        'Port',
        'Subnet',
        'State',
        'Attempts',
        'Next Attempt',
        'Last Error',
      ])
        assert.match(header, new RegExp(`\\| ${column} +\\|`), header)
      assert.match(
        table.stdout,
        new RegExp(`\\| address +\\| ${address.replace(/\./g, '\\.')} +\\|`),
      )
      assert.match(table.stdout, /\| waiting to retry +\|/)
      assert.match(table.stdout, /\| in \d+ ?s \(\d{4}-\d\d-\d\dT/)
      assert.match(table.stdout, /connection refused|unreachable|ECONNREFUSED/i)

      const json = await xloud('ipam', 'releases', '-f', 'json')
      const [row] = JSON.parse(json.stdout) as Record<string, unknown>[]
      assert.equal(row?.State, 'waiting to retry')
      assert.equal(row['IP Address'], address)
      assert.match(String(row['Next Attempt']), /^\d{4}-\d\d-\d\dT[\d:.]+Z$/, 'raw ISO time')
      assert.equal(row.Attempts, 1)
    } finally {
      await ib.resume()
    }
    const retried = await xloud('ipam', 'releases', '--retry')
    assert.match(retried.stderr, /released 1, still pending 0/)
    assert.match(retried.stderr, /[Nn]o pending releases/)
  })
})

describe('xloud ipam releases (internal driver)', () => {
  test('says there is no release queue with the internal driver', async () => {
    const cli = await startCliServer()
    try {
      const result = await cli.run(['ipam', 'releases'])
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stderr, /[Nn]o pending releases/)
    } finally {
      await cli.stop()
    }
  })
})
