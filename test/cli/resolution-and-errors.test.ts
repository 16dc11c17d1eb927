/**
 * Name-or-ID resolution (with openstack's messages for ambiguity and absence) and how failures
 * reach the user: one line on stderr, exit status 1 for API errors and 2 for usage mistakes.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { freePort } from '../support/server.ts'
import { runXloud, startCliServer, type CliServer } from './cli-harness.ts'

/** Exactly one line, ending with a newline. */
function assertOneLine(text: string): void {
  assert.equal(text.split('\n').length, 2, `expected one line, got: ${JSON.stringify(text)}`)
  assert.ok(text.endsWith('\n'))
  assert.ok(!text.includes('    at '), 'no stack trace')
}

describe('xloud name resolution and errors', () => {
  let cli: CliServer
  let twinA = ''
  let twinB = ''

  before(async () => {
    cli = await startCliServer()
    twinA = (await cli.ok(['network', 'create', 'twin', '-f', 'value', '-c', 'id'])).trim()
    twinB = (await cli.ok(['network', 'create', 'twin', '-f', 'value', '-c', 'id'])).trim()
    await cli.ok(['network', 'create', 'solo'])
  })
  after(async () => {
    await cli.stop()
  })

  test('a name is found through ?name= when it is not an id; an id works directly', async () => {
    const [byName, byId] = await Promise.all([
      cli.ok(['network', 'show', 'solo', '-f', 'value', '-c', 'name']),
      cli.ok(['network', 'show', twinA, '-f', 'value', '-c', 'id']),
    ])
    assert.equal(byName, 'solo\n')
    assert.equal(byId, `${twinA}\n`)
  })

  test('two resources with the name: openstack’s ambiguity error, exit 1, nothing on stdout', async () => {
    const result = await cli.run(['network', 'show', 'twin'])
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assertOneLine(result.stderr)
    assert.equal(result.stderr, "Error: More than one Network exists with the name 'twin'.\n")

    // Options taking a name resolve the same way.
    const subnet = await cli.run([
      'subnet',
      'create',
      '--network',
      'twin',
      '--subnet-range',
      '10.1.0.0/24',
      'x',
    ])
    assert.equal(subnet.code, 1)
    assert.equal(subnet.stderr, "Error: More than one Network exists with the name 'twin'.\n")
    // ...and nothing was created.
    assert.equal(await cli.ok(['subnet', 'list', '-f', 'value']), '')
  })

  test('no such name: "No Network found for ..."', async () => {
    const result = await cli.run(['network', 'show', 'ghost'])
    assert.equal(result.code, 1)
    assert.equal(result.stderr, 'Error: No Network found for ghost\n')
    const pool = await cli.run(['subnet', 'pool', 'show', 'ghost'])
    assert.equal(pool.stderr, 'Error: No SubnetPool found for ghost\n')
    const port = await cli.run(['port', 'set', '--name', 'x', 'ghost'])
    assert.equal(port.stderr, 'Error: No Port found for ghost\n')
  })

  test('--network, --subnet and --subnet-pool options take names', async () => {
    await cli.ok([
      'subnet',
      'pool',
      'create',
      '--pool-prefix',
      '10.200.0.0/16',
      '--default-prefix-length',
      '24',
      'named-pool',
    ])
    const subnet = (await cli.json([
      'subnet',
      'create',
      '--network',
      'solo',
      '--subnet-pool',
      'named-pool',
      'solo-sub',
    ])) as Record<string, unknown>
    assert.equal(subnet.cidr, '10.200.0.0/24')
    const port = (await cli.json([
      'port',
      'create',
      '--network',
      'solo',
      '--fixed-ip',
      'subnet=solo-sub,ip-address=10.200.0.9',
      'solo-port',
    ])) as Record<string, unknown>
    assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.id, ip_address: '10.200.0.9' }])
  })

  test('an API error is one line with the type, status and Neutron message; exit 1', async () => {
    await cli.ok(['network', 'create', 'tiny-net'])
    await cli.ok([
      'subnet',
      'create',
      '--network',
      'tiny-net',
      '--subnet-range',
      '10.9.9.0/30',
      'tiny',
    ])
    await cli.ok(['port', 'create', '--network', 'tiny-net', 'p1'])
    const netId = (await cli.ok(['network', 'show', 'tiny-net', '-f', 'value', '-c', 'id'])).trim()
    const full = await cli.run(['port', 'create', '--network', 'tiny-net', 'p2'])
    assert.equal(full.code, 1)
    assert.equal(full.stdout, '')
    assertOneLine(full.stderr)
    assert.equal(
      full.stderr,
      `Error: IpAddressGenerationFailure (HTTP 409): No more IP addresses available on network ${netId}.\n`,
    )

    const bad = await cli.run([
      'subnet',
      'create',
      '--network',
      'tiny-net',
      '--subnet-range',
      '10.0.0.0/33',
      'bad',
    ])
    assert.equal(bad.code, 1)
    assertOneLine(bad.stderr)
    assert.match(bad.stderr, /^Error: \S+ \(HTTP 400\): .*10\.0\.0\.0\/33/)

    const inUse = await cli.run(['network', 'delete', 'tiny-net'])
    assert.equal(inUse.code, 1)
    assertOneLine(inUse.stderr)
    assert.match(
      inUse.stderr,
      /^Error: NetworkInUse \(HTTP 409\): Unable to complete operation on network/,
    )
  })

  test('deleting several: each failure on its own line, then the count; the rest are deleted', async () => {
    await cli.ok(['network', 'create', 'doomed'])
    const result = await cli.run(['network', 'delete', 'doomed', 'ghost', 'twin'])
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      [
        "Failed to delete network with name or ID 'ghost': No Network found for ghost",
        "Failed to delete network with name or ID 'twin': More than one Network exists with the name 'twin'.",
        'Error: 2 of 3 networks failed to delete.',
        '',
      ].join('\n'),
    )
    const names = await cli.ok(['network', 'list', '-f', 'value', '-c', 'Name'])
    assert.ok(!names.includes('doomed'))
    const both = await cli.run(['network', 'delete', twinA, twinB])
    assert.equal(both.code, 0, both.stderr)
  })

  test('connection refused: one line naming the endpoint, exit 1', async () => {
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    const result = await runXloud(['network', 'list'], { OS_ENDPOINT: endpoint })
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, `Error: Unable to connect to ${endpoint}: connection refused\n`)
  })

  test('a server that closes the connection: one line, exit 1', async () => {
    const server = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const result = await runXloud(['network', 'list'], {
        OS_ENDPOINT: `http://127.0.0.1:${port}`,
      })
      assert.equal(result.code, 1)
      assertOneLine(result.stderr)
      assert.match(
        result.stderr,
        new RegExp(`^Error: Unable to connect to http://127\\.0\\.0\\.1:${port}: `),
      )
    } finally {
      server.close()
    }
  })

  test('missing endpoint: one line telling what to set, exit 2', async () => {
    const result = await runXloud(['network', 'list'])
    assert.equal(result.code, 2)
    assertOneLine(result.stderr)
    assert.match(result.stderr, /OS_ENDPOINT/)
    assert.match(result.stderr, /--os-endpoint/)
  })

  test('usage mistakes exit 2 before any request', async () => {
    // No endpoint is set: a request would fail with exit 1 instead.
    const missing = await runXloud(['subnet', 'create', '--subnet-range', '10.0.0.0/24', 'x'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /required option '--network <network>' not specified/)
    const conflict = await runXloud(['network', 'create', '--share', '--no-share', 'x'])
    assert.equal(conflict.code, 2)
    assert.match(conflict.stderr, /'--share' cannot be used with option '--no-share'/)
    const badPool = await runXloud([
      'subnet',
      'create',
      '--network',
      'n',
      '--allocation-pool',
      'start=1.2.3.4',
      'x',
    ])
    assert.equal(badPool.code, 2)
    assert.match(badPool.stderr, /Missing required keys end/)
    const badFormat = await runXloud(['network', 'show', 'n', '-f', 'csv'])
    assert.equal(badFormat.code, 2)
    const auto = await cli.run(['subnet', 'set', '--gateway', 'auto', 'solo-sub'])
    assert.equal(auto.code, 2)
    assert.equal(
      auto.stderr,
      'Error: Auto option is not available for Subnet Set. Valid options are <ip-address> or none\n',
    )
    const help = await runXloud(['network', 'create', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--provider-segment <provider-segment>/)
  })
})
