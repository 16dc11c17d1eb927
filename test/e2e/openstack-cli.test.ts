/**
 * The seed's flow driven by the real `openstack` CLI (Debian's python3-openstackclient) against
 * our running server: without auth (`OS_AUTH_TYPE=none`) and with an admin token.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { startTestServer } from '../support/server.ts'
import type { RunningServer } from '../../src/server/server.ts'

const run = promisify(execFile)

async function openstack(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('openstack', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  })
  return stdout
}

async function openstackJson<T>(env: Record<string, string>, ...args: string[]): Promise<T> {
  return JSON.parse(await openstack(env, ...args, '-f', 'json')) as T
}

describe('the seed flow with the real openstack CLI', () => {
  let db: TestDatabase
  let server: RunningServer
  let env: Record<string, string>

  before(async () => {
    db = await freshDatabase('sqlite')
    server = await startTestServer(db.url)
    env = { OS_AUTH_TYPE: 'none', OS_ENDPOINT: server.url }
  })
  after(async () => {
    await server.close()
    await db.drop()
  })

  test('network, subnet 10.50.0.0/24, port, port show, delete; ip availability follows', async () => {
    const net = await openstackJson<{ id: string; name: string }>(env, 'network', 'create', 'net1')
    assert.equal(net.name, 'net1')
    const subnet = await openstackJson<{ cidr: string; allocation_pools: unknown }>(
      env,
      'subnet',
      'create',
      '--network',
      'net1',
      '--subnet-range',
      '10.50.0.0/24',
      'sub1',
    )
    assert.equal(subnet.cidr, '10.50.0.0/24')
    const port = await openstackJson<{ id: string }>(
      env,
      'port',
      'create',
      '--network',
      'net1',
      'port1',
    )
    const shown = await openstackJson<{ fixed_ips: { ip_address: string }[] }>(
      env,
      'port',
      'show',
      'port1',
    )
    const address = shown.fixed_ips[0]?.ip_address ?? ''
    const last = Number(address.split('.')[3])
    assert.ok(address.startsWith('10.50.0.') && last >= 2 && last <= 254, address)
    const before = await openstackJson<{ used_ips: number; total_ips: number }>(
      env,
      'ip',
      'availability',
      'show',
      'net1',
    )
    assert.equal(before.used_ips, 1)
    assert.equal(before.total_ips, 253)
    await openstack(env, 'port', 'delete', port.id)
    const afterDelete = await openstackJson<{ used_ips: number }>(
      env,
      'ip',
      'availability',
      'show',
      'net1',
    )
    assert.equal(afterDelete.used_ips, 0)
    const list = await openstackJson<unknown[]>(env, 'port', 'list')
    assert.deepEqual(list, [])
  })

  test('errors come back as Neutron errors the CLI understands', async () => {
    await openstack(env, 'network', 'create', 'small')
    await openstack(
      env,
      'subnet',
      'create',
      '--network',
      'small',
      '--subnet-range',
      '192.168.9.0/30',
      'tiny',
    )
    await openstack(env, 'port', 'create', '--network', 'small', 'only')
    await assert.rejects(
      openstack(env, 'port', 'create', '--network', 'small', 'one-too-many'),
      (e: Error & { stderr?: string }) => {
        assert.match(e.stderr ?? '', /No more IP addresses available on network/)
        return true
      },
    )
  })

  test('subnet pools: subnet create --subnet-pool --prefix-length', async () => {
    await openstack(
      env,
      'subnet',
      'pool',
      'create',
      '--pool-prefix',
      '10.100.0.0/16',
      '--default-prefix-length',
      '24',
      'pool1',
    )
    await openstack(env, 'network', 'create', 'pooled')
    const s = await openstackJson<{ cidr: string }>(
      env,
      'subnet',
      'create',
      '--network',
      'pooled',
      '--subnet-pool',
      'pool1',
      '--prefix-length',
      '26',
      'p26',
    )
    assert.equal(s.cidr, '10.100.0.0/26')
  })

  test('port create/set/unset with allowed address pairs, extra DHCP options and a DNS name', async () => {
    await openstack(env, 'network', 'create', 'extras')
    await openstack(
      env,
      'subnet',
      'create',
      '--network',
      'extras',
      '--subnet-range',
      '10.77.0.0/24',
      'extras-v4',
    )
    interface Shown {
      id: string
      mac_address: string
      dns_name: string
      allowed_address_pairs: { ip_address: string; mac_address: string }[]
      extra_dhcp_opts: { opt_name: string; opt_value: string; ip_version: number }[]
    }
    const created = await openstackJson<Shown>(
      env,
      'port',
      'create',
      '--network',
      'extras',
      '--allowed-address',
      'ip-address=10.77.0.200',
      '--extra-dhcp-option',
      'name=bootfile-name,value=pxelinux.0',
      '--dns-name',
      'Web-01',
      'vip-port',
    )
    assert.deepEqual(created.allowed_address_pairs, [
      { ip_address: '10.77.0.200', mac_address: created.mac_address },
    ])
    assert.deepEqual(created.extra_dhcp_opts, [
      { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
    ])
    assert.equal(created.dns_name, 'web-01')
    await openstack(env, 'port', 'set', '--allowed-address', 'ip-address=10.77.1.0/24', 'vip-port')
    await openstack(
      env,
      'port',
      'set',
      '--extra-dhcp-option',
      'name=tftp-server,value=10.77.0.2',
      'vip-port',
    )
    const set = await openstackJson<Shown>(env, 'port', 'show', 'vip-port')
    assert.deepEqual(
      set.allowed_address_pairs.map((p) => p.ip_address),
      ['10.77.0.200', '10.77.1.0/24'],
    )
    assert.deepEqual(
      set.extra_dhcp_opts.map((o) => o.opt_name),
      ['bootfile-name', 'tftp-server'],
    )
    // NOTE: as with Neutron, a pair is removed by its IP and MAC (the port's, when defaulted).
    await openstack(
      env,
      'port',
      'unset',
      '--allowed-address',
      `ip-address=10.77.0.200,mac-address=${created.mac_address}`,
      'vip-port',
    )
    const unset = await openstackJson<Shown>(env, 'port', 'show', 'vip-port')
    assert.deepEqual(
      unset.allowed_address_pairs.map((p) => p.ip_address),
      ['10.77.1.0/24'],
    )
    const dnsNet = await openstackJson<{ dns_domain: string }>(
      env,
      'network',
      'create',
      '--dns-domain',
      'corp.example.org.',
      'dns-net',
    )
    assert.equal(dnsNet.dns_domain, 'corp.example.org.')
    const assigned = await openstackJson<{ dns_assignment: { fqdn: string }[] }>(
      env,
      'port',
      'show',
      'vip-port',
    )
    assert.match(assigned.dns_assignment[0]?.fqdn ?? '', /^host-10-77-0-\d+\.openstacklocal\.$/)
    await assert.rejects(
      openstack(env, 'port', 'set', '--dns-name', 'bad_name', 'vip-port'),
      (e: Error & { stderr?: string }) => {
        assert.match(e.stderr ?? '', /not a valid PQDN or FQDN/)
        return true
      },
    )
  })
})
