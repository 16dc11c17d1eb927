/**
 * Secrets never appear in logs, errors or API output: a server (its own process, debug logging)
 * with a wrong Infoblox password, then an outage, then `xloud ipam check`; everything it wrote
 * and answered is searched for the password.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test } from 'node:test'
import { startInfobloxEmulator } from '../../emulators/infoblox/infoblox-emulator.ts'
import { freshDatabase } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { configText, freePort, spawnServer, XLOUD } from '../support/server.ts'

const run = promisify(execFile)
const RIGHT = 'Right-pa55#;word'
const WRONG = 'Wr0ng-pa55#;word'

test('the Infoblox password appears in no log line, error or answer', async () => {
  const ib = await startInfobloxEmulator({ username: 'neutron-svc', password: RIGHT })
  ib.state.addStandardEaDefinitions()
  ib.state.addNetworkContainer('10.90.0.0/24')
  const db = await freshDatabase('sqlite')
  const outputs: string[] = []
  try {
    for (const password of [WRONG, RIGHT]) {
      const conf = `${configText(db.url, 'ipam_driver = infoblox\ndebug = true')}[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = ${password}\nretries = 1\n[ipam]\nmaintenance_interval = 0.2\n`
      const server = await spawnServer(conf, await freePort())
      try {
        const api = client(server.url)
        const net = (
          await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'n' } })
        ).body.network.id
        const sub = await api.post('/v2.0/subnets', {
          subnet: { network_id: net, ip_version: 4, cidr: '10.90.0.0/24' },
        })
        outputs.push(sub.text)
        if (password === RIGHT) {
          assert.equal(sub.status, 201)
          await ib.pause()
          outputs.push((await api.post('/v2.0/ports', { port: { network_id: net } })).text)
          await ib.resume()
        } else {
          assert.equal(sub.status, 503)
        }
        for (const path of [
          '/v2.0/ipam/status',
          '/v2.0/ipam/audit',
          '/v2.0/ipam/releases',
          '/metrics',
        ])
          outputs.push((await api.get(path)).text)
        outputs.push((await api.post('/v2.0/ipam/check', {})).text)
        const cli = await run(process.execPath, [XLOUD, 'ipam', 'check'], {
          env: { ...process.env, OS_ENDPOINT: server.url, OS_AUTH_TYPE: 'none' },
        }).catch((e: unknown) => e as { stdout: string; stderr: string })
        outputs.push(cli.stdout, cli.stderr)
        await new Promise((r) => setTimeout(r, 500))
      } finally {
        await server.stop()
        outputs.push(server.output())
      }
    }
    const all = outputs.join('\n')
    assert.match(
      all,
      /authentication failed for user neutron-svc/,
      'the failure itself is explained',
    )
    assert.match(all, /"ipam":"infoblox"/, 'IPAM log lines are tagged')
    for (const secret of [
      WRONG,
      RIGHT,
      Buffer.from(`neutron-svc:${RIGHT}`).toString('base64'),
      Buffer.from(`neutron-svc:${WRONG}`).toString('base64'),
    ]) {
      assert.ok(!all.includes(secret), 'a secret was printed')
    }
  } finally {
    await ib.close()
    await db.drop()
  }
})
