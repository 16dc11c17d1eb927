/**
 * The seed flow through the real `xloud` CLI: network, subnet from a range, a port taking an
 * address from the pool, and IP availability following the port's life.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { fieldTable, startCliServer, type CliServer } from './cli-harness.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The last octet of an IPv4 address in 10.50.0.0/24, or fails. */
function hostOf(ip: string): number {
  const m = /^10\.50\.0\.([0-9]{1,3})$/.exec(ip)
  assert.ok(m !== null, `${ip} is not in 10.50.0.0/24`)
  return Number(m[1])
}

describe('xloud seed flow', () => {
  let cli: CliServer

  before(async () => {
    cli = await startCliServer()
  })
  after(async () => {
    await cli.stop()
  })

  test('network, subnet, port and IP availability, in table and json formats', async () => {
    const network = fieldTable(await cli.ok(['network', 'create', 'seed-net']))
    assert.equal(network.get('name'), 'seed-net')
    assert.equal(network.get('admin_state_up'), 'UP')
    assert.equal(network.get('router:external'), 'Internal')
    assert.equal(network.get('status'), 'ACTIVE')
    assert.equal(network.get('subnets'), '')
    const networkId = network.get('id') ?? ''
    assert.match(networkId, UUID)

    const subnetText = await cli.ok([
      'subnet',
      'create',
      '--network',
      'seed-net',
      '--subnet-range',
      '10.50.0.0/24',
      'seed-subnet',
    ])
    const subnet = fieldTable(subnetText)
    assert.equal(subnet.get('cidr'), '10.50.0.0/24')
    assert.equal(subnet.get('network_id'), networkId)
    assert.equal(subnet.get('gateway_ip'), '10.50.0.1')
    assert.equal(subnet.get('allocation_pools'), '10.50.0.2-10.50.0.254')
    assert.equal(subnet.get('enable_dhcp'), 'True')
    assert.equal(subnet.get('ip_version'), '4')
    const subnetId = subnet.get('id') ?? ''
    assert.match(subnetId, UUID)

    const before = (await cli.json(['ip', 'availability', 'show', 'seed-net'])) as Record<
      string,
      unknown
    >
    assert.equal(before.network_id, networkId)
    assert.equal(before.network_name, 'seed-net')
    assert.equal(before.total_ips, 253)
    assert.equal(before.used_ips, 0)
    assert.deepEqual(Object.keys(before), [
      'network_id',
      'network_name',
      'project_id',
      'subnet_ip_availability',
      'total_ips',
      'used_ips',
    ])

    const portId = (
      await cli.ok([
        'port',
        'create',
        '--network',
        'seed-net',
        'seed-port',
        '-f',
        'value',
        '-c',
        'id',
      ])
    ).trim()
    assert.match(portId, UUID)

    const port = (await cli.json(['port', 'show', 'seed-port'])) as Record<string, unknown>
    assert.equal(port.id, portId)
    assert.equal(port.network_id, networkId)
    const fixed = port.fixed_ips as { subnet_id: string; ip_address: string }[]
    assert.equal(fixed.length, 1)
    assert.equal(fixed[0]?.subnet_id, subnetId)
    const host = hostOf(fixed[0]?.ip_address ?? '')
    assert.ok(host >= 2 && host <= 254, `${host} outside the allocation pool`)

    // The same address, as the table shows it.
    const portTable = fieldTable(await cli.ok(['port', 'show', portId]))
    assert.equal(
      portTable.get('fixed_ips'),
      `ip_address='${fixed[0]?.ip_address ?? ''}', subnet_id='${subnetId}'`,
    )
    assert.equal(portTable.get('admin_state_up'), 'UP')

    const during = fieldTable(await cli.ok(['ip', 'availability', 'show', networkId]))
    assert.equal(during.get('used_ips'), '1')
    assert.equal(during.get('total_ips'), '253')
    assert.equal(
      during.get('subnet_ip_availability'),
      `cidr='10.50.0.0/24', ip_version='4', subnet_id='${subnetId}', subnet_name='seed-subnet', total_ips='253', used_ips='1'`,
    )

    const deleted = await cli.run(['port', 'delete', 'seed-port'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, '')

    const afterDelete = (await cli.json(['ip', 'availability', 'show', 'seed-net'])) as Record<
      string,
      unknown
    >
    assert.equal(afterDelete.used_ips, 0)
    const list = await cli.ok(['ip', 'availability', 'list', '-f', 'value'])
    assert.equal(list, `${networkId} seed-net 253 0\n`)
  })
})
