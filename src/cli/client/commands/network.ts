import type { Command } from 'commander'
import type { ColumnSpec, FieldSpec } from '../display.ts'
import { showList, showOne } from '../display.ts'
import type { Query } from '../http-client.ts'
import { addFlagPair, collect, integer } from '../options.ts'
import { adminStateColumn, listColumn, routerExternalColumn } from '../output/cell.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import type { JsonObject } from '../parse-json.ts'
import { createResource, deleteEach, idOf, listResources, updateResource } from '../resource-api.ts'
import { NETWORK } from '../resource-kind.ts'
import { findResource } from '../resolve.ts'
import { run } from '../run.ts'
import {
  addTagFilterOptions,
  addTagSetOptions,
  applyTagSet,
  registerTagUnsetCommand,
  tagFilterQuery,
  type TagFilterOptions,
  type TagSetOptions,
} from '../tags.ts'

/** The fields of `network show`, named and ordered as openstack prints them. */
export const NETWORK_FIELDS: readonly FieldSpec[] = [
  { name: 'admin_state_up', format: adminStateColumn },
  { name: 'availability_zone_hints', format: listColumn },
  { name: 'availability_zones', format: listColumn },
  { name: 'created_at' },
  { name: 'description' },
  { name: 'dns_domain' },
  { name: 'id' },
  { name: 'ipv4_address_scope' },
  { name: 'ipv6_address_scope' },
  { name: 'is_default' },
  { name: 'is_vlan_transparent', from: 'vlan_transparent' },
  { name: 'mtu' },
  { name: 'name' },
  { name: 'port_security_enabled' },
  { name: 'project_id' },
  { name: 'provider:network_type' },
  { name: 'provider:physical_network' },
  { name: 'provider:segmentation_id' },
  { name: 'qos_policy_id' },
  { name: 'revision_number' },
  { name: 'router:external', format: routerExternalColumn },
  { name: 'segments' },
  { name: 'shared' },
  { name: 'status' },
  { name: 'subnets', format: listColumn },
  { name: 'tags', format: listColumn },
  { name: 'updated_at' },
]

const LIST_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Name', from: 'name' },
  { header: 'Subnets', from: 'subnets', format: listColumn },
]

const LONG_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Name', from: 'name' },
  { header: 'Status', from: 'status' },
  { header: 'Project', from: 'project_id' },
  { header: 'State', from: 'admin_state_up', format: adminStateColumn },
  { header: 'Shared', from: 'shared' },
  { header: 'Subnets', from: 'subnets', format: listColumn },
  { header: 'Network Type', from: 'provider:network_type' },
  { header: 'Router Type', from: 'router:external', format: routerExternalColumn },
  { header: 'Availability Zones', from: 'availability_zones', format: listColumn },
  { header: 'Tags', from: 'tags', format: listColumn },
]

/** The options `network create` and `network set` share. */
interface NetworkAttrOptions {
  readonly name?: string
  readonly enable?: boolean
  readonly disable?: boolean
  readonly share?: boolean
  readonly noShare?: boolean
  readonly description?: string
  readonly mtu?: number
  readonly dnsDomain?: string
  readonly enablePortSecurity?: boolean
  readonly disablePortSecurity?: boolean
  readonly external?: boolean
  readonly internal?: boolean
  readonly providerNetworkType?: string
  readonly providerPhysicalNetwork?: string
  readonly providerSegment?: number
}

interface NetworkCreateOptions extends NetworkAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly project?: string
  readonly availabilityZoneHint?: readonly string[]
}

interface NetworkListOptions extends ListOutputOptions, TagFilterOptions {
  readonly external?: boolean
  readonly internal?: boolean
  readonly long?: boolean
  readonly name?: string
  readonly enable?: boolean
  readonly disable?: boolean
  readonly project?: string
  readonly share?: boolean
  readonly noShare?: boolean
  readonly status?: string
  readonly providerNetworkType?: string
  readonly providerPhysicalNetwork?: string
  readonly providerSegment?: string
}

/** The request attributes for the options given (openstack's `_get_attrs_network`). */
function networkAttrs(o: NetworkAttrOptions): JsonObject {
  const attrs: JsonObject = {}
  if (o.name !== undefined) attrs.name = o.name
  if (o.enable === true) attrs.admin_state_up = true
  if (o.disable === true) attrs.admin_state_up = false
  if (o.share === true) attrs.shared = true
  if (o.noShare === true) attrs.shared = false
  if (o.enablePortSecurity === true) attrs.port_security_enabled = true
  if (o.disablePortSecurity === true) attrs.port_security_enabled = false
  if (o.description !== undefined) attrs.description = o.description
  if (o.mtu !== undefined) attrs.mtu = o.mtu
  if (o.dnsDomain !== undefined) attrs.dns_domain = o.dnsDomain
  if (o.internal === true) attrs['router:external'] = false
  if (o.external === true) attrs['router:external'] = true
  if (o.providerNetworkType !== undefined) attrs['provider:network_type'] = o.providerNetworkType
  if (o.providerPhysicalNetwork !== undefined) {
    attrs['provider:physical_network'] = o.providerPhysicalNetwork
  }
  if (o.providerSegment !== undefined) attrs['provider:segmentation_id'] = o.providerSegment
  return attrs
}

/** The options `network create` and `network set` share (after the name/enable ones). */
function addAttrOptions(command: Command, create: boolean): Command {
  command
    .option('--description <description>', 'Set network description')
    .option('--mtu <mtu>', 'Set network mtu', integer(0))
    .option(
      '--dns-domain <dns-domain>',
      'Set DNS domain for this network (requires DNS integration extension)',
    )
  addFlagPair(
    command,
    [
      '--enable-port-security',
      `Enable port security by default for ports created on this network${create ? ' (default)' : ''}`,
    ],
    [
      '--disable-port-security',
      'Disable port security by default for ports created on this network',
    ],
  )
  addFlagPair(
    command,
    ['--external', 'Set this network as an external network (external-net extension required)'],
    ['--internal', `Set this network as an internal network${create ? ' (default)' : ''}`],
  )
  return command
    .option(
      '--provider-network-type <provider-network-type>',
      'The physical mechanism by which the virtual network is implemented. For example: flat, geneve, gre, local, vlan, vxlan.',
    )
    .option(
      '--provider-physical-network <provider-physical-network>',
      'Name of the physical network over which the virtual network is implemented',
    )
    .option(
      '--provider-segment <provider-segment>',
      'VLAN ID for VLAN networks or Tunnel ID for GENEVE/GRE/VXLAN networks',
      integer(0),
    )
}

function registerCreate(network: Command): void {
  const create = network
    .command('create')
    .description('Create new network')
    .argument('<name>', 'New network name')
  addFlagPair(
    create,
    ['--share', 'Share the network between projects'],
    ['--no-share', 'Do not share the network between projects'],
  )
  addFlagPair(create, ['--enable', 'Enable network (default)'], ['--disable', 'Disable network'])
  create
    .option('--project <project>', "Owner's project (ID)")
    .option(
      '--availability-zone-hint <availability-zone>',
      'Availability Zone in which to create this network (repeat option to set multiple availability zones)',
      collect,
    )
  addAttrOptions(create, true)
  addTagSetOptions(create, 'network', true)
  addShowOutputOptions(create)
  create.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<NetworkCreateOptions>()
      const [name = ''] = command.args
      const attrs: JsonObject = { name, ...networkAttrs(o) }
      // NOTE: openstack always sends admin_state_up on create (--enable is its default).
      if (o.disable !== true) attrs.admin_state_up = true
      if (o.project !== undefined) attrs.project_id = o.project
      if (o.availabilityZoneHint !== undefined) {
        attrs.availability_zone_hints = [...o.availabilityZoneHint]
      }
      const api = await client()
      const created = await createResource(api, NETWORK, attrs)
      print(showOne(NETWORK_FIELDS, await applyTagSet(api, NETWORK, created, o), o))
    }),
  )
}

function registerDelete(network: Command): void {
  network
    .command('delete')
    .description('Delete network(s)')
    .argument('<network...>', 'Network(s) to delete (name or ID)')
    .action(
      run(async (context) => {
        await deleteEach(context, NETWORK, context.command.args, (c, ref) =>
          findResource(c, NETWORK, ref),
        )
      }),
    )
}

function registerList(network: Command): void {
  const list = network.command('list').description('List networks')
  addFlagPair(
    list,
    ['--external', 'List external networks'],
    ['--internal', 'List internal networks'],
  )
  list
    .option('--long', 'List additional fields in output')
    .option('--name <name>', 'List networks according to their name')
  addFlagPair(list, ['--enable', 'List enabled networks'], ['--disable', 'List disabled networks'])
  list.option('--project <project>', 'List networks according to their project (ID)')
  addFlagPair(
    list,
    ['--share', 'List networks shared between projects'],
    ['--no-share', 'List networks not shared between projects'],
  )
  list
    .option(
      '--status <status>',
      "List networks according to their status ('ACTIVE', 'BUILD', 'DOWN', 'ERROR')",
    )
    .option(
      '--provider-network-type <provider-network-type>',
      'List networks according to their physical mechanisms',
    )
    .option(
      '--provider-physical-network <provider-physical-network>',
      'List networks according to name of the physical network',
    )
    .option(
      '--provider-segment <provider-segment>',
      'List networks according to VLAN ID for VLAN networks or Tunnel ID for GENEVE/GRE/VXLAN networks',
    )
  addTagFilterOptions(list, 'networks')
  addListOutputOptions(list)
  list.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<NetworkListOptions>()
      const query: [string, string][] = []
      if (o.external === true) query.push(['router:external', 'True'])
      if (o.internal === true) query.push(['router:external', 'False'])
      if (o.name !== undefined) query.push(['name', o.name])
      if (o.enable === true) query.push(['admin_state_up', 'True'])
      if (o.disable === true) query.push(['admin_state_up', 'False'])
      if (o.project !== undefined) query.push(['project_id', o.project])
      if (o.share === true) query.push(['shared', 'True'])
      if (o.noShare === true) query.push(['shared', 'False'])
      if (o.status !== undefined) query.push(['status', o.status])
      if (o.providerNetworkType !== undefined) {
        query.push(['provider:network_type', o.providerNetworkType])
      }
      if (o.providerPhysicalNetwork !== undefined) {
        query.push(['provider:physical_network', o.providerPhysicalNetwork])
      }
      if (o.providerSegment !== undefined) {
        query.push(['provider:segmentation_id', o.providerSegment])
      }
      query.push(...tagFilterQuery(o))
      const networks = await listResources(await client(), NETWORK, query satisfies Query)
      print(showList(o.long === true ? LONG_COLUMNS : LIST_COLUMNS, networks, o))
    }),
  )
}

function registerSet(network: Command): void {
  const set = network
    .command('set')
    .description('Set network properties (prints the updated network)')
    .argument('<network>', 'Network to modify (name or ID)')
    .option('--name <name>', 'Set network name')
  addFlagPair(set, ['--enable', 'Enable network'], ['--disable', 'Disable network'])
  addFlagPair(
    set,
    ['--share', 'Share the network between projects'],
    ['--no-share', 'Do not share the network between projects'],
  )
  addAttrOptions(set, false)
  addTagSetOptions(set, 'network', false)
  addShowOutputOptions(set)
  set.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<NetworkAttrOptions & TagSetOptions & ShowOutputOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, NETWORK, ref)
      const attrs = networkAttrs(o)
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, NETWORK, idOf(found), attrs)
      print(showOne(NETWORK_FIELDS, await applyTagSet(api, NETWORK, updated, o), o))
    }),
  )
}

function registerShow(network: Command): void {
  const show = network
    .command('show')
    .description('Show network details')
    .argument('<network>', 'Network to display (name or ID)')
  addShowOutputOptions(show)
  show.action(
    run(async ({ command, client, print }) => {
      const [ref = ''] = command.args
      const found = await findResource(await client(), NETWORK, ref)
      print(showOne(NETWORK_FIELDS, found, command.opts<ShowOutputOptions>()))
    }),
  )
}

/** `network create|delete|list|set|show|unset`. */
export function registerNetworkCommands(program: Command): Command {
  const network = program.command('network').description('Networks')
  registerCreate(network)
  registerDelete(network)
  registerList(network)
  registerSet(network)
  registerShow(network)
  registerTagUnsetCommand(network, NETWORK, NETWORK_FIELDS, 'network')
  return network
}
