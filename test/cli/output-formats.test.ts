/**
 * Output formats through the real CLI, against openstack's (cliff's) exact text: table borders
 * and alignment, -c, -f json/yaml/value/csv/shell, --noindent, --sort-column, empty lists.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { startCliServer, type CliServer } from './cli-harness.ts'

describe('xloud output formats', () => {
  let cli: CliServer
  let netId = ''
  let subnetId = ''
  let portId = ''

  before(async () => {
    cli = await startCliServer()
    netId = (await cli.ok(['network', 'create', 'fmt-net', '-f', 'value', '-c', 'id'])).trim()
    subnetId = (
      await cli.ok([
        'subnet',
        'create',
        '--network',
        netId,
        '--subnet-range',
        '10.60.0.0/24',
        '--dns-nameserver',
        '8.8.8.8',
        '--dns-nameserver',
        '1.1.1.1',
        'fmt-sub',
        '-f',
        'value',
        '-c',
        'id',
      ])
    ).trim()
    portId = (
      await cli.ok([
        'port',
        'create',
        '--network',
        'fmt-net',
        '--fixed-ip',
        'ip-address=10.60.0.7',
        'fmt-port',
        '-f',
        'value',
        '-c',
        'id',
      ])
    ).trim()
  })
  after(async () => {
    await cli.stop()
  })

  test('show -c keeps the fields in openstack order, in a bordered Field/Value table', async () => {
    const out = await cli.ok(['network', 'show', 'fmt-net', '-c', 'name', '-c', 'id', '-c', 'mtu'])
    assert.equal(
      out,
      [
        '+-------+--------------------------------------+',
        '| Field | Value                                |',
        '+-------+--------------------------------------+',
        `| id    | ${netId} |`,
        '| mtu   | 1450                                 |',
        '| name  | fmt-net                              |',
        '+-------+--------------------------------------+',
        '',
      ].join('\n'),
    )
  })

  test('list tables: openstack headers, multi-line cells, numbers right-aligned', async () => {
    const ports = await cli.ok(['port', 'list'])
    const lines = ports.split('\n')
    assert.match(lines[0] ?? '', /^\+-+\+-+\+-+\+-+\+-+\+$/)
    assert.match(
      lines[1] ?? '',
      /^\| ID +\| Name +\| MAC Address +\| Fixed IP Addresses +\| Status +\|$/,
    )
    assert.ok(ports.includes(`ip_address='10.60.0.7', subnet_id='${subnetId}'`))

    const subnets = await cli.ok(['subnet', 'list', '--long', '-c', 'Name', '-c', 'IP Version'])
    assert.equal(
      subnets,
      [
        '+---------+------------+',
        '| Name    | IP Version |',
        '+---------+------------+',
        '| fmt-sub |          4 |',
        '+---------+------------+',
        '',
      ].join('\n'),
    )

    const networks = await cli.ok(['network', 'list'])
    assert.match(networks.split('\n')[1] ?? '', /^\| ID +\| Name +\| Subnets +\|$/)
    assert.ok(networks.includes(`| ${netId} | fmt-net | ${subnetId} |`))
  })

  test('list headers of every resource, as openstack names them', async () => {
    const [subnets, pools, availability, longNetworks] = await Promise.all([
      cli.ok(['subnet', 'list', '-f', 'csv']),
      cli.ok(['subnet', 'pool', 'list', '--long', '-f', 'csv']),
      cli.ok(['ip', 'availability', 'list', '-f', 'csv']),
      cli.ok(['network', 'list', '--long', '-f', 'csv']),
    ])
    assert.equal(subnets.split('\n')[0], '"ID","Name","Network","Subnet"')
    assert.equal(
      pools,
      '"ID","Name","Prefixes","Default Prefix Length","Address Scope","Default Subnet Pool","Shared","Tags"\n',
    )
    assert.equal(
      availability,
      `"Network ID","Network Name","Total IPs","Used IPs"\n"${netId}","fmt-net",253,1\n`,
    )
    assert.equal(
      longNetworks.split('\n')[0],
      '"ID","Name","Status","Project","State","Shared","Subnets","Network Type","Router Type","Availability Zones","Tags"',
    )
  })

  test('-f value prints machine-readable values, Python style', async () => {
    const out = await cli.ok([
      'subnet',
      'show',
      'fmt-sub',
      '-f',
      'value',
      '-c',
      'dns_nameservers',
      '-c',
      'enable_dhcp',
      '-c',
      'segment_id',
      '-c',
      'allocation_pools',
    ])
    assert.equal(
      out,
      "[{'start': '10.60.0.2', 'end': '10.60.0.254'}]\n['8.8.8.8', '1.1.1.1']\nTrue\nNone\n",
    )
    const rows = await cli.ok(['port', 'list', '-f', 'value', '-c', 'Name', '-c', 'Status'])
    assert.equal(rows, 'fmt-port DOWN\n')
  })

  test('table shows lists sorted and joined, json keeps the API order', async () => {
    const table = await cli.ok(['subnet', 'show', 'fmt-sub', '-c', 'dns_nameservers'])
    assert.ok(table.includes('| dns_nameservers | 1.1.1.1, 8.8.8.8 |'), table)
    const json = (await cli.json(['subnet', 'show', 'fmt-sub'])) as Record<string, unknown>
    assert.deepEqual(json.dns_nameservers, ['8.8.8.8', '1.1.1.1'])
    assert.equal(json.segment_id, null)
    assert.equal(json.enable_dhcp, true)
  })

  test('json indents by two spaces; --noindent uses Python separators on one line', async () => {
    const pretty = await cli.ok([
      'network',
      'show',
      'fmt-net',
      '-f',
      'json',
      '-c',
      'name',
      '-c',
      'subnets',
    ])
    assert.equal(pretty, `{\n  "name": "fmt-net",\n  "subnets": [\n    "${subnetId}"\n  ]\n}\n`)
    const flat = await cli.ok([
      'network',
      'show',
      'fmt-net',
      '-f',
      'json',
      '--noindent',
      '-c',
      'name',
      '-c',
      'subnets',
    ])
    assert.equal(flat, `{"name": "fmt-net", "subnets": ["${subnetId}"]}\n`)
    const list = await cli.ok(['network', 'list', '-f', 'json', '--noindent'])
    assert.equal(list, `[{"ID": "${netId}", "Name": "fmt-net", "Subnets": ["${subnetId}"]}]\n`)
  })

  test('yaml: one key per field for show, sorted keys for lists', async () => {
    const show = await cli.ok([
      'port',
      'show',
      portId,
      '-f',
      'yaml',
      '-c',
      'name',
      '-c',
      'fixed_ips',
    ])
    assert.equal(
      show,
      `fixed_ips:\n- ip_address: 10.60.0.7\n  subnet_id: ${subnetId}\nname: fmt-port\n`,
    )
    const list = parseYaml(await cli.ok(['port', 'list', '-f', 'yaml'])) as Record<
      string,
      unknown
    >[]
    assert.equal(list.length, 1)
    assert.deepEqual(Object.keys(list[0] ?? {}), [
      'Fixed IP Addresses',
      'ID',
      'MAC Address',
      'Name',
      'Status',
    ])
    const created = await cli.ok(['network', 'show', 'fmt-net', '-f', 'yaml', '-c', 'created_at'])
    assert.match(created, /^created_at: '[0-9-]+T[0-9:]+Z'\n$/)
  })

  test('shell format with --prefix', async () => {
    const out = await cli.ok([
      'network',
      'show',
      'fmt-net',
      '-f',
      'shell',
      '--prefix',
      'net_',
      '-c',
      'name',
      '-c',
      'router:external',
      '-c',
      'admin_state_up',
    ])
    assert.equal(
      out,
      'net_admin_state_up="True"\nnet_name="fmt-net"\nnet_router_external="False"\n',
    )
  })

  test('csv quoting follows cliff (--quote nonnumeric by default)', async () => {
    const nonNumeric = await cli.ok([
      'subnet',
      'list',
      '--long',
      '-f',
      'csv',
      '-c',
      'Name',
      '-c',
      'IP Version',
      '-c',
      'DHCP',
    ])
    assert.equal(nonNumeric, '"Name","DHCP","IP Version"\n"fmt-sub",True,4\n')
    const minimal = await cli.ok([
      'subnet',
      'list',
      '--long',
      '-f',
      'csv',
      '--quote',
      'minimal',
      '-c',
      'Name',
      '-c',
      'Name Servers',
    ])
    assert.equal(minimal, "Name,Name Servers\nfmt-sub,\"['8.8.8.8', '1.1.1.1']\"\n")
  })

  test('--sort-column sorts rows; empty lists print a blank line or, with --print-empty, the header', async () => {
    await cli.ok(['network', 'create', 'aaa-net'])
    await cli.ok(['network', 'create', 'zzz-net'])
    const ascending = await cli.ok([
      'network',
      'list',
      '-f',
      'value',
      '-c',
      'Name',
      '--sort-column',
      'Name',
    ])
    assert.equal(ascending, 'aaa-net\nfmt-net\nzzz-net\n')
    const descending = await cli.ok([
      'network',
      'list',
      '-f',
      'value',
      '-c',
      'Name',
      '--sort-column',
      'Name',
      '--sort-descending',
    ])
    assert.equal(descending, 'zzz-net\nfmt-net\naaa-net\n')

    const empty = await cli.ok(['port', 'list', '--network', 'zzz-net'])
    assert.equal(empty, '\n')
    const header = await cli.ok([
      'port',
      'list',
      '--network',
      'zzz-net',
      '--print-empty',
      '-c',
      'ID',
      '-c',
      'Name',
    ])
    assert.equal(header, '+----+------+\n| ID | Name |\n+----+------+\n+----+------+\n')
    assert.equal(await cli.ok(['port', 'list', '--network', 'zzz-net', '-f', 'json']), '[]\n')
  })

  test('an unknown -c column is a usage error naming the known columns', async () => {
    const result = await cli.run(['network', 'list', '-c', 'Nope'])
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      "Error: No recognized column names in ['Nope']. Recognized columns are ('ID', 'Name', 'Subnets').\n",
    )
  })
})
