import { Option, type Command } from 'commander'
import type { ColumnSpec, FieldSpec } from '../display.ts'
import { showList, showOne } from '../display.ts'
import { CommandError, UsageError } from '../errors.ts'
import { addFlagPair, collect, integer, keyValues, plainFlag } from '../options.ts'
import { allocationPoolsColumn, hostRoutesColumn, listColumn } from '../output/cell.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import { pyStr } from '../output/python-text.ts'
import type { JsonObject, JsonValue } from '../parse-json.ts'
import { createResource, deleteEach, idOf, listResources, updateResource } from '../resource-api.ts'
import { NETWORK, SUBNET, SUBNET_POOL } from '../resource-kind.ts'
import { findId, findResource } from '../resolve.ts'
import { run } from '../run.ts'
import {
  addTagFilterOptions,
  addTagSetOptions,
  addTagUnsetOptions,
  applyTagSet,
  applyTagUnset,
  tagFilterQuery,
  type TagFilterOptions,
  type TagSetOptions,
  type TagUnsetOptions,
} from '../tags.ts'

/** The fields of `subnet show`, named and ordered as openstack prints them. */
export const SUBNET_FIELDS: readonly FieldSpec[] = [
  { name: 'allocation_pools', format: allocationPoolsColumn },
  { name: 'cidr' },
  { name: 'created_at' },
  { name: 'description' },
  { name: 'dns_nameservers', format: listColumn },
  { name: 'dns_publish_fixed_ip' },
  { name: 'enable_dhcp' },
  { name: 'gateway_ip' },
  { name: 'host_routes', format: hostRoutesColumn },
  { name: 'id' },
  { name: 'ip_version' },
  { name: 'ipv6_address_mode' },
  { name: 'ipv6_ra_mode' },
  { name: 'name' },
  { name: 'network_id' },
  { name: 'project_id' },
  { name: 'revision_number' },
  { name: 'segment_id' },
  { name: 'service_types', format: listColumn },
  { name: 'subnetpool_id' },
  { name: 'tags', format: listColumn },
  { name: 'updated_at' },
]

const LIST_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Name', from: 'name' },
  { header: 'Network', from: 'network_id' },
  { header: 'Subnet', from: 'cidr' },
]

const LONG_COLUMNS: readonly ColumnSpec[] = [
  ...LIST_COLUMNS,
  { header: 'Project', from: 'project_id' },
  { header: 'DHCP', from: 'enable_dhcp' },
  { header: 'Name Servers', from: 'dns_nameservers', format: listColumn },
  { header: 'Allocation Pools', from: 'allocation_pools', format: allocationPoolsColumn },
  { header: 'Host Routes', from: 'host_routes', format: hostRoutesColumn },
  { header: 'IP Version', from: 'ip_version' },
  { header: 'Gateway', from: 'gateway_ip' },
  { header: 'Service Types', from: 'service_types', format: listColumn },
  { header: 'Tags', from: 'tags', format: listColumn },
]

const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']

type Pairs = readonly Readonly<Record<string, string>>[]

/** The options `subnet create` and `subnet set` share. */
interface SubnetAttrOptions {
  readonly name?: string
  readonly dhcp?: boolean
  readonly noDhcp?: boolean
  readonly gateway?: string
  readonly description?: string
  readonly allocationPool?: Pairs
  readonly dnsNameserver?: readonly string[]
  readonly hostRoute?: Pairs
  readonly serviceType?: readonly string[]
}

interface SubnetCreateOptions extends SubnetAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly network: string
  readonly project?: string
  readonly subnetPool?: string
  readonly useDefaultSubnetPool?: boolean
  readonly prefixLength?: number
  readonly subnetRange?: string
  readonly ipVersion?: string
  readonly ipv6RaMode?: string
  readonly ipv6AddressMode?: string
}

interface SubnetSetOptions extends SubnetAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly noAllocationPool?: boolean
  readonly noDnsNameservers?: boolean
  readonly noHostRoute?: boolean
}

interface SubnetUnsetOptions extends TagUnsetOptions, ShowOutputOptions {
  readonly allocationPool?: Pairs
  readonly gateway?: boolean
  readonly dnsNameserver?: readonly string[]
  readonly hostRoute?: Pairs
  readonly serviceType?: readonly string[]
}

interface SubnetListOptions extends ListOutputOptions, TagFilterOptions {
  readonly long?: boolean
  readonly ipVersion?: string
  readonly dhcp?: boolean
  readonly noDhcp?: boolean
  readonly serviceType?: readonly string[]
  readonly project?: string
  readonly network?: string
  readonly gateway?: string
  readonly name?: string
  readonly subnetRange?: string
  readonly subnetPool?: string
}

/** `--host-route destination=,gateway=` as the API's `{destination, nexthop}`. */
function routes(pairs: Pairs): JsonObject[] {
  return pairs.map((r) => ({ destination: r.destination ?? '', nexthop: r.gateway ?? '' }))
}

function pools(pairs: Pairs): JsonObject[] {
  return pairs.map((p) => ({ start: p.start ?? '', end: p.end ?? '' }))
}

/** The request attributes for the options given (openstack's `_get_attrs` for subnets). */
function subnetAttrs(o: SubnetAttrOptions, create: boolean): JsonObject {
  const attrs: JsonObject = {}
  if (o.name !== undefined) attrs.name = o.name
  if (o.gateway !== undefined) {
    const gateway = o.gateway.toLowerCase()
    if (!create && gateway === 'auto') {
      throw new UsageError(
        'Auto option is not available for Subnet Set. Valid options are <ip-address> or none',
      )
    }
    if (gateway === 'none') attrs.gateway_ip = null
    else if (gateway !== 'auto') attrs.gateway_ip = o.gateway
  }
  if (o.allocationPool !== undefined) attrs.allocation_pools = pools(o.allocationPool)
  if (o.dhcp === true) attrs.enable_dhcp = true
  if (o.noDhcp === true) attrs.enable_dhcp = false
  if (o.dnsNameserver !== undefined) attrs.dns_nameservers = [...o.dnsNameserver]
  if (o.hostRoute !== undefined) attrs.host_routes = routes(o.hostRoute)
  if (o.serviceType !== undefined) attrs.service_types = [...o.serviceType]
  if (o.description !== undefined) attrs.description = o.description
  return attrs
}

function addCommonOptions(command: Command, create: boolean): void {
  command.option(
    '--allocation-pool <start=<ip-address>,end=<ip-address>>',
    'Allocation pool IP addresses for this subnet e.g.: start=192.168.199.2,end=192.168.199.254 (repeat option to add multiple IP addresses)',
    keyValues(['start', 'end']),
  )
  if (!create) {
    command.addOption(
      plainFlag(
        '--no-allocation-pool',
        'Clear associated allocation-pools from the subnet. Specify both --allocation-pool and --no-allocation-pool to overwrite the current allocation pool information.',
      ),
    )
  }
  command.option(
    '--dns-nameserver <dns-nameserver>',
    'DNS server for this subnet (repeat option to set multiple DNS servers)',
    collect,
  )
  if (!create) {
    command.addOption(
      plainFlag(
        '--no-dns-nameservers',
        'Clear existing information of DNS Nameservers. Specify both --dns-nameserver and --no-dns-nameserver to overwrite the current DNS Nameserver information.',
      ),
    )
  }
  command.option(
    '--host-route <destination=<subnet>,gateway=<ip-address>>',
    'Additional route for this subnet e.g.: destination=10.10.0.0/16,gateway=192.168.71.254 destination: destination subnet (in CIDR notation) gateway: nexthop IP address (repeat option to add multiple routes)',
    keyValues(['destination', 'gateway']),
  )
  if (!create) {
    command.addOption(
      plainFlag(
        '--no-host-route',
        'Clear associated host-routes from the subnet. Specify both --host-route and --no-host-route to overwrite the current host route information.',
      ),
    )
  }
  command.option(
    '--service-type <service-type>',
    'Service type for this subnet e.g.: network:floatingip_agent_gateway. Must be a valid device owner value for a network port (repeat option to set multiple service types)',
    collect,
  )
}

function registerCreate(subnet: Command): void {
  const create = subnet
    .command('create')
    .description('Create a subnet')
    .argument('<name>', 'New subnet name')
    .option('--project <project>', "Owner's project (ID)")
    .addOption(
      new Option(
        '--subnet-pool <subnet-pool>',
        'Subnet pool from which this subnet will obtain a CIDR (Name or ID)',
      ).conflicts('useDefaultSubnetPool'),
    )
    .option('--use-default-subnet-pool', 'Use default subnet pool for --ip-version')
    .option(
      '--prefix-length <prefix-length>',
      'Prefix length for subnet allocation from subnet pool',
      integer(0),
    )
    .option(
      '--subnet-range <subnet-range>',
      'Subnet range in CIDR notation (required if --subnet-pool is not specified, optional otherwise)',
    )
  addFlagPair(create, ['--dhcp', 'Enable DHCP (default)'], ['--no-dhcp', 'Disable DHCP'])
  create
    .option(
      '--gateway <gateway>',
      "Specify a gateway for the subnet.  The three options are: <ip-address>: Specific IP address to use as the gateway, 'auto': Gateway address should automatically be chosen from within the subnet itself, 'none': This subnet will not use a gateway, e.g.: --gateway 192.168.9.1, --gateway auto, --gateway none (default is 'auto').",
    )
    .addOption(
      new Option(
        '--ip-version <ip-version>',
        'IP version (default is 4).  Note that when subnet pool is specified, IP version is determined from the subnet pool and this option is ignored.',
      ).choices(['4', '6']),
    )
    .addOption(
      new Option(
        '--ipv6-ra-mode <ipv6-ra-mode>',
        'IPv6 RA (Router Advertisement) mode, valid modes: [dhcpv6-stateful, dhcpv6-stateless, slaac]',
      ).choices(IPV6_MODES),
    )
    .addOption(
      new Option(
        '--ipv6-address-mode <ipv6-address-mode>',
        'IPv6 address mode, valid modes: [dhcpv6-stateful, dhcpv6-stateless, slaac]',
      ).choices(IPV6_MODES),
    )
    .requiredOption('--network <network>', 'Network this subnet belongs to (name or ID)')
    .option('--description <description>', 'Set subnet description')
  addCommonOptions(create, true)
  addTagSetOptions(create, 'subnet', true)
  addShowOutputOptions(create)
  create.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<SubnetCreateOptions>()
      const [name = ''] = command.args
      const api = await client()
      const attrs: JsonObject = { name }
      if (o.project !== undefined) attrs.project_id = o.project
      attrs.network_id = await findId(api, NETWORK, o.network)
      let ipVersion = o.ipVersion === undefined ? 4 : Number(o.ipVersion)
      if (o.subnetPool !== undefined) {
        const pool = await findResource(api, SUBNET_POOL, o.subnetPool)
        attrs.subnetpool_id = idOf(pool)
        // NOTE: as the help says, the pool decides the version (openstack would send 4).
        if (o.ipVersion === undefined && typeof pool.ip_version === 'number') {
          ipVersion = pool.ip_version
        }
      }
      if (o.useDefaultSubnetPool === true) attrs.use_default_subnetpool = true
      if (o.prefixLength !== undefined) attrs.prefixlen = o.prefixLength
      if (o.subnetRange !== undefined) attrs.cidr = o.subnetRange
      attrs.ip_version = ipVersion
      if (o.ipv6RaMode !== undefined) attrs.ipv6_ra_mode = o.ipv6RaMode
      if (o.ipv6AddressMode !== undefined) attrs.ipv6_address_mode = o.ipv6AddressMode
      Object.assign(attrs, subnetAttrs(o, true))
      const created = await createResource(api, SUBNET, attrs)
      print(showOne(SUBNET_FIELDS, await applyTagSet(api, SUBNET, created, o), o))
    }),
  )
}

function registerDelete(subnet: Command): void {
  subnet
    .command('delete')
    .description('Delete subnet(s)')
    .argument('<subnet...>', 'Subnet(s) to delete (name or ID)')
    .action(
      run(async (context) => {
        await deleteEach(context, SUBNET, context.command.args, (c, ref) =>
          findResource(c, SUBNET, ref),
        )
      }),
    )
}

function registerList(subnet: Command): void {
  const list = subnet
    .command('list')
    .description('List subnets')
    .option('--long', 'List additional fields in output')
    .addOption(
      new Option(
        '--ip-version <ip-version>',
        'List only subnets of given IP version in output. Allowed values for IP version are 4 and 6.',
      ).choices(['4', '6']),
    )
  addFlagPair(
    list,
    ['--dhcp', 'List subnets which have DHCP enabled'],
    ['--no-dhcp', 'List subnets which have DHCP disabled'],
  )
  list
    .option(
      '--service-type <service-type>',
      'List only subnets of a given service type in output (repeat option to list multiple service types)',
      collect,
    )
    .option('--project <project>', 'List only subnets which belong to a given project (ID)')
    .option(
      '--network <network>',
      'List only subnets which belong to a given network in output (name or ID)',
    )
    .option('--gateway <gateway>', 'List only subnets of given gateway IP in output')
    .option('--name <name>', 'List only subnets of given name in output')
    .option(
      '--subnet-range <subnet-range>',
      'List only subnets of given subnet range (in CIDR notation) in output e.g.: --subnet-range 10.10.0.0/16',
    )
    .option(
      '--subnet-pool <subnet-pool>',
      'List only subnets which belong to a given subnet pool in output (Name or ID)',
    )
  addTagFilterOptions(list, 'subnets')
  addListOutputOptions(list)
  list.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<SubnetListOptions>()
      const api = await client()
      const query: [string, string][] = []
      if (o.ipVersion !== undefined) query.push(['ip_version', o.ipVersion])
      if (o.dhcp === true) query.push(['enable_dhcp', 'True'])
      if (o.noDhcp === true) query.push(['enable_dhcp', 'False'])
      for (const t of o.serviceType ?? []) query.push(['service_types', t])
      if (o.project !== undefined) query.push(['project_id', o.project])
      if (o.network !== undefined) query.push(['network_id', await findId(api, NETWORK, o.network)])
      if (o.gateway !== undefined) query.push(['gateway_ip', o.gateway])
      if (o.name !== undefined) query.push(['name', o.name])
      if (o.subnetRange !== undefined) query.push(['cidr', o.subnetRange])
      if (o.subnetPool !== undefined) {
        query.push(['subnetpool_id', await findId(api, SUBNET_POOL, o.subnetPool)])
      }
      query.push(...tagFilterQuery(o))
      const subnets = await listResources(api, SUBNET, query)
      print(showList(o.long === true ? LONG_COLUMNS : LIST_COLUMNS, subnets, o))
    }),
  )
}

function listOf(resource: JsonObject, key: string): JsonValue[] {
  const value = resource[key]
  return Array.isArray(value) ? value : []
}

function registerSet(subnet: Command): void {
  const set = subnet
    .command('set')
    .description('Set subnet properties (prints the updated subnet)')
    .argument('<subnet>', 'Subnet to modify (name or ID)')
    .option('--name <name>', 'Updated name of the subnet')
  addFlagPair(set, ['--dhcp', 'Enable DHCP'], ['--no-dhcp', 'Disable DHCP'])
  set
    .option(
      '--gateway <gateway>',
      "Specify a gateway for the subnet. The options are: <ip-address>: Specific IP address to use as the gateway, 'none': This subnet will not use a gateway, e.g.: --gateway 192.168.9.1, --gateway none.",
    )
    .option('--description <description>', 'Set subnet description')
  addCommonOptions(set, false)
  addTagSetOptions(set, 'subnet', false)
  addShowOutputOptions(set)
  set.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<SubnetSetOptions>()
      const [ref = ''] = command.args
      const attrs = subnetAttrs(o, false)
      const api = await client()
      const found = await findResource(api, SUBNET, ref)
      // NOTE: read-modify-write as openstack: new entries first, then the current ones, unless
      // the matching --no-* option clears them.
      const merge = (key: string, clear: boolean | undefined): void => {
        const added = attrs[key]
        if (Array.isArray(added)) {
          if (clear !== true) attrs[key] = [...added, ...listOf(found, key)]
        } else if (clear === true) {
          attrs[key] = []
        }
      }
      merge('dns_nameservers', o.noDnsNameservers)
      merge('host_routes', o.noHostRoute)
      merge('allocation_pools', o.noAllocationPool)
      merge('service_types', false)
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, SUBNET, idOf(found), attrs)
      print(showOne(SUBNET_FIELDS, await applyTagSet(api, SUBNET, updated, o), o))
    }),
  )
}

/** Whether two API entries (pools, routes) are the same, whatever their key order. */
function sameEntry(a: JsonValue, b: JsonValue): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b
  if (Array.isArray(a) || Array.isArray(b)) return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/** The current list without the given entries; each must be present. */
function without(
  current: readonly JsonValue[],
  removed: readonly JsonValue[],
  option: string,
): JsonValue[] {
  const out = [...current]
  for (const item of removed) {
    const at = out.findIndex((c) => sameEntry(c, item))
    if (at < 0) throw new CommandError(`Subnet does not contain ${option} ${pyStr(item)}`)
    out.splice(at, 1)
  }
  return out
}

function registerUnset(subnet: Command): void {
  const unset = subnet
    .command('unset')
    .description('Unset subnet properties (prints the updated subnet)')
    .argument('<subnet>', 'Subnet to modify (name or ID)')
    .option(
      '--allocation-pool <start=<ip-address>,end=<ip-address>>',
      'Allocation pool IP addresses to be removed from this subnet e.g.: start=192.168.199.2,end=192.168.199.254 (repeat option to unset multiple allocation pools)',
      keyValues(['start', 'end']),
    )
    .option('--gateway', 'Remove gateway IP from this subnet')
    .option(
      '--dns-nameserver <dns-nameserver>',
      'DNS server to be removed from this subnet (repeat option to unset multiple DNS servers)',
      collect,
    )
    .option(
      '--host-route <destination=<subnet>,gateway=<ip-address>>',
      'Route to be removed from this subnet e.g.: destination=10.10.0.0/16,gateway=192.168.71.254 (repeat option to unset multiple host routes)',
      keyValues(['destination', 'gateway']),
    )
    .option(
      '--service-type <service-type>',
      'Service type to be removed from this subnet (repeat option to unset multiple service types)',
      collect,
    )
  addTagUnsetOptions(unset, 'subnet')
  addShowOutputOptions(unset)
  unset.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<SubnetUnsetOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, SUBNET, ref)
      const attrs: JsonObject = {}
      if (o.gateway === true) attrs.gateway_ip = null
      if (o.dnsNameserver !== undefined) {
        attrs.dns_nameservers = without(
          listOf(found, 'dns_nameservers'),
          o.dnsNameserver,
          'dns-nameserver',
        )
      }
      if (o.hostRoute !== undefined) {
        attrs.host_routes = without(listOf(found, 'host_routes'), routes(o.hostRoute), 'host-route')
      }
      if (o.allocationPool !== undefined) {
        attrs.allocation_pools = without(
          listOf(found, 'allocation_pools'),
          pools(o.allocationPool),
          'allocation-pool',
        )
      }
      if (o.serviceType !== undefined) {
        attrs.service_types = without(listOf(found, 'service_types'), o.serviceType, 'service-type')
      }
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, SUBNET, idOf(found), attrs)
      print(showOne(SUBNET_FIELDS, await applyTagUnset(api, SUBNET, updated, o), o))
    }),
  )
}

function registerShow(subnet: Command): void {
  const show = subnet
    .command('show')
    .description('Display subnet details')
    .argument('<subnet>', 'Subnet to display (name or ID)')
  addShowOutputOptions(show)
  show.action(
    run(async ({ command, client, print }) => {
      const [ref = ''] = command.args
      const found = await findResource(await client(), SUBNET, ref)
      print(showOne(SUBNET_FIELDS, found, command.opts<ShowOutputOptions>()))
    }),
  )
}

/** `subnet create|delete|list|set|show|unset` (and the `subnet pool` group is added to it). */
export function registerSubnetCommands(program: Command): Command {
  const subnet = program.command('subnet').description('Subnets (and subnet pools)')
  registerCreate(subnet)
  registerDelete(subnet)
  registerList(subnet)
  registerSet(subnet)
  registerShow(subnet)
  registerUnset(subnet)
  return subnet
}
