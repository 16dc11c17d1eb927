/**
 * Every create/set/show/list/delete (and unset) of network, subnet, subnet pool and port
 * through the real CLI, checking what reached the server through later `show`s.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { fieldTable, startCliServer, type CliServer } from './cli-harness.ts'

type Obj = Record<string, unknown>

describe('xloud resource commands', () => {
  let cli: CliServer

  before(async () => {
    cli = await startCliServer()
  })
  after(async () => {
    await cli.stop()
  })

  const show = async (...args: string[]): Promise<Obj> => (await cli.json(args)) as Obj

  test('network create/show/list/set/delete', async () => {
    const created = await show(
      'network',
      'create',
      '--description',
      'first',
      '--mtu',
      '1400',
      '--disable',
      '--share',
      '--disable-port-security',
      '--external',
      '--provider-network-type',
      'vlan',
      '--provider-physical-network',
      'physnet1',
      '--provider-segment',
      '101',
      'crud-net',
    )
    assert.equal(created.name, 'crud-net')
    assert.equal(created.description, 'first')
    assert.equal(created.mtu, 1400)
    assert.equal(created.admin_state_up, false)
    assert.equal(created.shared, true)
    assert.equal(created.port_security_enabled, false)
    assert.equal(created['router:external'], true)
    assert.equal(created['provider:network_type'], 'vlan')
    assert.equal(created['provider:physical_network'], 'physnet1')
    assert.equal(created['provider:segmentation_id'], 101)
    const id = String(created.id)
    await cli.ok(['network', 'create', 'other-net'])

    const table = fieldTable(await cli.ok(['network', 'show', 'crud-net']))
    assert.equal(table.get('admin_state_up'), 'DOWN')
    assert.equal(table.get('router:external'), 'External')

    const external = await cli.ok(['network', 'list', '--external', '-f', 'value', '-c', 'Name'])
    assert.equal(external, 'crud-net\n')
    const named = await cli.ok([
      'network',
      'list',
      '--name',
      'other-net',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(named, 'other-net\n')
    const long = await cli.ok([
      'network',
      'list',
      '--long',
      '--name',
      'crud-net',
      '-f',
      'csv',
      '-c',
      'State',
      '-c',
      'Shared',
      '-c',
      'Network Type',
      '-c',
      'Router Type',
    ])
    assert.equal(
      long,
      '"State","Shared","Network Type","Router Type"\n"False",True,"vlan","True"\n',
    )

    const updated = await show(
      'network',
      'set',
      '--name',
      'crud-net-2',
      '--enable',
      '--no-share',
      '--description',
      'second',
      '--mtu',
      '1300',
      '--internal',
      '--enable-port-security',
      'crud-net',
    )
    assert.equal(updated.id, id)
    assert.equal(updated.name, 'crud-net-2')
    assert.equal(updated.admin_state_up, true)
    assert.equal(updated.shared, false)
    assert.equal(updated.description, 'second')
    assert.equal(updated.mtu, 1300)
    assert.equal(updated['router:external'], false)
    assert.equal(updated.port_security_enabled, true)
    const again = await show('network', 'show', id)
    assert.equal(again.name, 'crud-net-2')
    assert.equal(again.mtu, 1300)

    const deleted = await cli.run(['network', 'delete', 'crud-net-2', 'other-net'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(await cli.ok(['network', 'list', '-f', 'value']), '')
  })

  test('subnet create/show/list/set/unset/delete', async () => {
    await cli.ok(['network', 'create', 'sub-net'])
    const created = await show(
      'subnet',
      'create',
      '--network',
      'sub-net',
      '--subnet-range',
      '10.70.0.0/24',
      '--gateway',
      'none',
      '--no-dhcp',
      '--allocation-pool',
      'start=10.70.0.5,end=10.70.0.9',
      '--dns-nameserver',
      '9.9.9.9',
      '--host-route',
      'destination=1.0.0.0/8,gateway=10.70.0.1',
      '--description',
      'sd',
      'crud-sub',
    )
    assert.equal(created.cidr, '10.70.0.0/24')
    assert.equal(created.gateway_ip, null)
    assert.equal(created.enable_dhcp, false)
    assert.deepEqual(created.allocation_pools, [{ start: '10.70.0.5', end: '10.70.0.9' }])
    assert.deepEqual(created.dns_nameservers, ['9.9.9.9'])
    assert.deepEqual(created.host_routes, [{ destination: '1.0.0.0/8', nexthop: '10.70.0.1' }])
    assert.equal(created.description, 'sd')
    const table = fieldTable(await cli.ok(['subnet', 'show', 'crud-sub']))
    assert.equal(table.get('host_routes'), "destination='1.0.0.0/8', gateway='10.70.0.1'")
    assert.equal(table.get('allocation_pools'), '10.70.0.5-10.70.0.9')

    // set adds to the current lists (new entries first), as openstack does.
    const updated = await show(
      'subnet',
      'set',
      '--name',
      'crud-sub-2',
      '--gateway',
      '10.70.0.1',
      '--dhcp',
      '--dns-nameserver',
      '8.8.4.4',
      '--allocation-pool',
      'start=10.70.0.20,end=10.70.0.30',
      '--host-route',
      'destination=2.0.0.0/8,gateway=10.70.0.1',
      'crud-sub',
    )
    assert.equal(updated.name, 'crud-sub-2')
    assert.equal(updated.gateway_ip, '10.70.0.1')
    assert.equal(updated.enable_dhcp, true)
    assert.deepEqual(updated.dns_nameservers, ['8.8.4.4', '9.9.9.9'])
    assert.deepEqual(updated.allocation_pools, [
      { start: '10.70.0.5', end: '10.70.0.9' },
      { start: '10.70.0.20', end: '10.70.0.30' },
    ])
    assert.equal((updated.host_routes as unknown[]).length, 2)

    // --no-dns-nameservers with --dns-nameserver replaces.
    const replaced = await show(
      'subnet',
      'set',
      '--no-dns-nameservers',
      '--dns-nameserver',
      '1.1.1.1',
      'crud-sub-2',
    )
    assert.deepEqual(replaced.dns_nameservers, ['1.1.1.1'])

    const unset = await show(
      'subnet',
      'unset',
      '--allocation-pool',
      'start=10.70.0.5,end=10.70.0.9',
      '--host-route',
      'destination=1.0.0.0/8,gateway=10.70.0.1',
      '--dns-nameserver',
      '1.1.1.1',
      '--gateway',
      'crud-sub-2',
    )
    assert.deepEqual(unset.allocation_pools, [{ start: '10.70.0.20', end: '10.70.0.30' }])
    assert.deepEqual(unset.host_routes, [{ destination: '2.0.0.0/8', nexthop: '10.70.0.1' }])
    assert.deepEqual(unset.dns_nameservers, [])
    assert.equal(unset.gateway_ip, null)
    const missing = await cli.run(['subnet', 'unset', '--dns-nameserver', '4.4.4.4', 'crud-sub-2'])
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, 'Error: Subnet does not contain dns-nameserver 4.4.4.4\n')

    await cli.ok(['network', 'create', 'v6-net'])
    await cli.ok([
      'subnet',
      'create',
      '--network',
      'v6-net',
      '--ip-version',
      '6',
      '--ipv6-ra-mode',
      'slaac',
      '--ipv6-address-mode',
      'slaac',
      '--subnet-range',
      '2001:db8:7::/64',
      'v6-sub',
    ])
    const v6 = await cli.ok([
      'subnet',
      'list',
      '--ip-version',
      '6',
      '-f',
      'value',
      '-c',
      'Name',
      '-c',
      'Subnet',
    ])
    assert.equal(v6, 'v6-sub 2001:db8:7::/64\n')
    const byNetwork = await cli.ok([
      'subnet',
      'list',
      '--network',
      'sub-net',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(byNetwork, 'crud-sub-2\n')
    const long = await cli.ok([
      'subnet',
      'list',
      '--long',
      '--name',
      'v6-sub',
      '-f',
      'value',
      '-c',
      'IP Version',
      '-c',
      'DHCP',
    ])
    assert.equal(long, 'True 6\n')

    const deleted = await cli.run(['subnet', 'delete', 'crud-sub-2', 'v6-sub'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(await cli.ok(['subnet', 'list', '-f', 'value']), '')
    await cli.ok(['network', 'delete', 'sub-net', 'v6-net'])
  })

  test('subnet pool create/show/list/set/delete, and a subnet from it', async () => {
    const created = await show(
      'subnet',
      'pool',
      'create',
      '--pool-prefix',
      '10.100.0.0/16',
      '--default-prefix-length',
      '26',
      '--min-prefix-length',
      '20',
      '--max-prefix-length',
      '28',
      '--share',
      '--description',
      'pd',
      '--default-quota',
      '100',
      'crud-pool',
    )
    assert.deepEqual(created.prefixes, ['10.100.0.0/16'])
    // Neutron sends prefix lengths as strings; the CLI shows integers as openstacksdk does.
    assert.equal(created.default_prefixlen, 26)
    assert.equal(created.min_prefixlen, 20)
    assert.equal(created.max_prefixlen, 28)
    assert.equal(created.shared, true)
    assert.equal(created.description, 'pd')
    assert.equal(created.default_quota, 100)

    const updated = await show(
      'subnet',
      'pool',
      'set',
      '--name',
      'crud-pool-2',
      '--pool-prefix',
      '10.101.0.0/16',
      '--default-prefix-length',
      '27',
      'crud-pool',
    )
    assert.equal(updated.name, 'crud-pool-2')
    assert.deepEqual(updated.prefixes, ['10.100.0.0/15'])
    assert.equal(updated.default_prefixlen, 27)

    const long = await cli.ok(['subnet', 'pool', 'list', '--long'])
    assert.match(long, /\| Default Prefix Length \|/)
    assert.match(long, /\| crud-pool-2 \| 10\.100\.0\.0\/15 \| +27 \|/)

    await cli.ok(['network', 'create', 'pool-net'])
    const subnet = await show(
      'subnet',
      'create',
      '--network',
      'pool-net',
      '--subnet-pool',
      'crud-pool-2',
      '--prefix-length',
      '24',
      'pool-sub',
    )
    assert.equal(subnet.cidr, '10.100.0.0/24')
    assert.equal(subnet.subnetpool_id, created.id)
    const fromPool = await cli.ok([
      'subnet',
      'list',
      '--subnet-pool',
      'crud-pool-2',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(fromPool, 'pool-sub\n')

    const inUse = await cli.run(['subnet', 'pool', 'delete', 'crud-pool-2'])
    assert.equal(inUse.code, 1)
    assert.match(inUse.stderr, /^Error: SubnetPoolInUse \(HTTP 409\): /)
    await cli.ok(['subnet', 'delete', 'pool-sub'])
    const deleted = await cli.run(['subnet', 'pool', 'delete', 'crud-pool-2'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(await cli.ok(['subnet', 'pool', 'list', '-f', 'value']), '')
    await cli.ok(['network', 'delete', 'pool-net'])
  })

  test('port create/show/list/set/unset/delete, with read-modify-write fixed IPs', async () => {
    await cli.ok(['network', 'create', 'port-net'])
    const subnetId = String(
      (
        await show(
          'subnet',
          'create',
          '--network',
          'port-net',
          '--subnet-range',
          '10.80.0.0/24',
          'port-sub',
        )
      ).id,
    )
    const created = await show(
      'port',
      'create',
      '--network',
      'port-net',
      '--fixed-ip',
      'subnet=port-sub,ip-address=10.80.0.5',
      '--mac-address',
      'fa:16:3e:00:00:01',
      '--device',
      'dev-1',
      '--device-owner',
      'compute:nova',
      '--host',
      'host-1',
      '--vnic-type',
      'direct',
      '--dns-name',
      'vm1',
      '--disable',
      '--description',
      'pdesc',
      '--binding-profile',
      'a=1',
      'crud-port',
    )
    assert.deepEqual(created.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.80.0.5' }])
    assert.equal(created.mac_address, 'fa:16:3e:00:00:01')
    assert.equal(created.device_id, 'dev-1')
    assert.equal(created.device_owner, 'compute:nova')
    assert.equal(created.binding_host_id, 'host-1')
    assert.equal(created.binding_vnic_type, 'direct')
    assert.equal(created.dns_name, 'vm1')
    assert.equal(created.admin_state_up, false)
    assert.equal(created.description, 'pdesc')
    assert.deepEqual(created.binding_profile, { a: '1' })
    const id = String(created.id)

    const bare = await show('port', 'create', '--network', 'port-net', '--no-fixed-ip', 'bare-port')
    assert.deepEqual(bare.fixed_ips, [])

    // --fixed-ip adds to the current addresses.
    const added = await show(
      'port',
      'set',
      '--fixed-ip',
      'subnet=port-sub',
      '--name',
      'crud-port-2',
      '--enable',
      id,
    )
    const ips = added.fixed_ips as { ip_address: string }[]
    assert.equal(ips.length, 2)
    assert.ok(
      ips.some((ip) => ip.ip_address === '10.80.0.5'),
      'the first address is kept',
    )
    assert.equal(added.name, 'crud-port-2')
    assert.equal(added.admin_state_up, true)
    const used = (await show('ip', 'availability', 'show', 'port-net')).used_ips
    assert.equal(used, 2)

    // --no-fixed-ip with --fixed-ip replaces them.
    const replaced = await show(
      'port',
      'set',
      '--no-fixed-ip',
      '--fixed-ip',
      'ip-address=10.80.0.77',
      'crud-port-2',
    )
    assert.deepEqual(replaced.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.80.0.77' }])

    const more = await show('port', 'set', '--fixed-ip', 'ip-address=10.80.0.78', 'crud-port-2')
    assert.equal((more.fixed_ips as unknown[]).length, 2)
    const removed = await show(
      'port',
      'unset',
      '--fixed-ip',
      'ip-address=10.80.0.77',
      '--binding-profile',
      'a',
      'crud-port-2',
    )
    assert.deepEqual(removed.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.80.0.78' }])
    assert.deepEqual(removed.binding_profile, {})
    const notThere = await cli.run([
      'port',
      'unset',
      '--fixed-ip',
      'ip-address=10.80.0.99',
      'crud-port-2',
    ])
    assert.equal(notThere.code, 1)
    assert.equal(
      notThere.stderr,
      "Error: Port does not contain fixed-ip {'ip_address': '10.80.0.99'}\n",
    )

    const cleared = await show('port', 'set', '--no-fixed-ip', 'crud-port-2')
    assert.deepEqual(cleared.fixed_ips, [])
    assert.equal((await show('ip', 'availability', 'show', 'port-net')).used_ips, 0)

    await cli.ok(['port', 'set', '--fixed-ip', 'ip-address=10.80.0.50', 'crud-port-2'])
    const byIp = await cli.ok([
      'port',
      'list',
      '--fixed-ip',
      'ip-address=10.80.0.50',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(byIp, 'crud-port-2\n')
    const bySubnet = await cli.ok([
      'port',
      'list',
      '--fixed-ip',
      'subnet=port-sub',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(bySubnet, 'crud-port-2\n')
    const byOwner = await cli.ok([
      'port',
      'list',
      '--device-owner',
      'compute:nova',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(byOwner, 'crud-port-2\n')
    const byNetwork = await cli.ok([
      'port',
      'list',
      '--network',
      'port-net',
      '--sort-column',
      'Name',
      '-f',
      'value',
      '-c',
      'Name',
    ])
    assert.equal(byNetwork, 'bare-port\ncrud-port-2\n')
    const long = await cli.ok([
      'port',
      'list',
      '--long',
      '--name',
      'crud-port-2',
      '-f',
      'csv',
      '-c',
      'Device Owner',
      '-c',
      'Status',
    ])
    assert.equal(long, '"Status","Device Owner"\n"DOWN","compute:nova"\n')

    const deleted = await cli.run(['port', 'delete', 'crud-port-2', 'bare-port'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(await cli.ok(['port', 'list', '-f', 'value']), '')
  })

  test('port allowed-address pairs and extra DHCP options: create, set adds, unset removes', async () => {
    await cli.ok(['network', 'create', 'pairs-net'])
    await cli.ok([
      'subnet',
      'create',
      '--network',
      'pairs-net',
      '--subnet-range',
      '10.81.0.0/24',
      'pairs-sub',
    ])
    const created = await show(
      'port',
      'create',
      '--network',
      'pairs-net',
      '--allowed-address',
      'ip-address=10.81.0.100',
      '--allowed-address',
      'ip-address=10.81.1.0/24,mac-address=fa:16:3e:00:00:aa',
      '--extra-dhcp-option',
      'name=bootfile-name,value=pxelinux.0',
      '--extra-dhcp-option',
      'name=tftp-server,value=fd00::2,ip-version=6',
      'pairs-port',
    )
    const mac = String(created.mac_address)
    assert.deepEqual(created.allowed_address_pairs, [
      { ip_address: '10.81.0.100', mac_address: mac },
      { ip_address: '10.81.1.0/24', mac_address: 'fa:16:3e:00:00:aa' },
    ])
    assert.deepEqual(created.extra_dhcp_opts, [
      { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
      { opt_name: 'tftp-server', opt_value: 'fd00::2', ip_version: 6 },
    ])
    const set = await show(
      'port',
      'set',
      '--allowed-address',
      'ip-address=10.81.0.101',
      '--extra-dhcp-option',
      'name=bootfile-name',
      '--extra-dhcp-option',
      'name=domain-search,value=example.org',
      'pairs-port',
    )
    assert.deepEqual(
      (set.allowed_address_pairs as Obj[]).map((p) => p.ip_address),
      ['10.81.0.100', '10.81.1.0/24', '10.81.0.101'],
    )
    assert.deepEqual(
      (set.extra_dhcp_opts as Obj[]).map((o) => o.opt_name),
      ['domain-search', 'tftp-server'],
    )
    const unset = await show(
      'port',
      'unset',
      '--allowed-address',
      'ip-address=10.81.0.100',
      'pairs-port',
    )
    assert.deepEqual(
      (unset.allowed_address_pairs as Obj[]).map((p) => p.ip_address),
      ['10.81.1.0/24', '10.81.0.101'],
    )
    const missing = await cli.run([
      'port',
      'unset',
      '--allowed-address',
      'ip-address=10.9.9.9',
      'pairs-port',
    ])
    assert.notEqual(missing.code, 0)
    assert.match(
      missing.stderr,
      /Port does not contain allowed-address-pair \{'ip_address': '10\.9\.9\.9'\}/,
    )
    const cleared = await show('port', 'set', '--no-allowed-address', 'pairs-port')
    assert.deepEqual(cleared.allowed_address_pairs, [])
    const table = fieldTable(await cli.ok(['port', 'show', 'pairs-port']))
    assert.match(table.get('extra_dhcp_opts') ?? '', /opt_name='domain-search'/)
  })
})
