import { InvalidArgumentError, Option, type Command } from 'commander'
import type { ColumnSpec, FieldSpec } from '../display.ts'
import { showList, showOne } from '../display.ts'
import { CommandError } from '../errors.ts'
import type { HttpClient } from '../http-client.ts'
import { addFlagPair, collect, keyValues, plainFlag } from '../options.ts'
import { adminStateColumn, dictColumn, listColumn, listDictColumn } from '../output/cell.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import { pyRepr } from '../output/python-text.ts'
import { parseJson, type JsonObject, type JsonValue } from '../parse-json.ts'
import { createResource, deleteEach, idOf, listResources, updateResource } from '../resource-api.ts'
import { NETWORK, PORT, SUBNET } from '../resource-kind.ts'
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

/** The fields of `port show`, named and ordered as openstack prints them. */
export const PORT_FIELDS: readonly FieldSpec[] = [
  { name: 'admin_state_up', format: adminStateColumn },
  { name: 'allowed_address_pairs', format: listDictColumn },
  { name: 'binding_host_id', from: 'binding:host_id' },
  { name: 'binding_profile', from: 'binding:profile', format: dictColumn },
  { name: 'binding_vif_details', from: 'binding:vif_details', format: dictColumn },
  { name: 'binding_vif_type', from: 'binding:vif_type' },
  { name: 'binding_vnic_type', from: 'binding:vnic_type' },
  { name: 'created_at' },
  { name: 'data_plane_status' },
  { name: 'description' },
  { name: 'device_id' },
  { name: 'device_owner' },
  { name: 'device_profile' },
  { name: 'dns_assignment', format: listDictColumn },
  { name: 'dns_domain' },
  { name: 'dns_name' },
  { name: 'extra_dhcp_opts', format: listDictColumn },
  { name: 'fixed_ips', format: listDictColumn },
  { name: 'id' },
  { name: 'ip_allocation' },
  { name: 'mac_address' },
  { name: 'name' },
  { name: 'network_id' },
  { name: 'numa_affinity_policy' },
  { name: 'port_security_enabled' },
  { name: 'project_id' },
  { name: 'propagate_uplink_status' },
  { name: 'qos_network_policy_id' },
  { name: 'qos_policy_id' },
  { name: 'resource_request' },
  { name: 'revision_number' },
  { name: 'security_group_ids', from: 'security_groups', format: listColumn },
  { name: 'status' },
  { name: 'tags', format: listColumn },
  { name: 'trunk_details' },
  { name: 'updated_at' },
]

const LIST_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Name', from: 'name' },
  { header: 'MAC Address', from: 'mac_address' },
  { header: 'Fixed IP Addresses', from: 'fixed_ips', format: listDictColumn },
  { header: 'Status', from: 'status' },
]

const LONG_COLUMNS: readonly ColumnSpec[] = [
  ...LIST_COLUMNS,
  { header: 'Security Groups', from: 'security_groups', format: listColumn },
  { header: 'Device Owner', from: 'device_owner' },
  { header: 'Tags', from: 'tags', format: listColumn },
]

const VNIC_TYPES = [
  'direct',
  'direct-physical',
  'macvtap',
  'normal',
  'baremetal',
  'virtio-forwarder',
  'vdpa',
  'remote-managed',
]

type KeyValueSpec = Readonly<Record<string, string>>
type FixedIpSpec = KeyValueSpec

/** The options `port create` and `port set` share. */
interface PortAttrOptions {
  readonly name?: string
  readonly description?: string
  readonly device?: string
  readonly macAddress?: string
  readonly deviceOwner?: string
  readonly vnicType?: string
  readonly host?: string
  readonly dnsName?: string
  readonly enable?: boolean
  readonly disable?: boolean
  readonly enablePortSecurity?: boolean
  readonly disablePortSecurity?: boolean
  readonly fixedIp?: readonly FixedIpSpec[]
  readonly noFixedIp?: boolean
  readonly bindingProfile?: JsonObject
  readonly allowedAddress?: readonly KeyValueSpec[]
  readonly extraDhcpOption?: readonly KeyValueSpec[]
}

interface PortCreateOptions extends PortAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly network: string
  readonly project?: string
}

interface PortSetOptions extends PortAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly noBindingProfile?: boolean
  readonly noAllowedAddress?: boolean
}

interface PortUnsetOptions extends TagUnsetOptions, ShowOutputOptions {
  readonly fixedIp?: readonly FixedIpSpec[]
  readonly allowedAddress?: readonly KeyValueSpec[]
  readonly bindingProfile?: readonly string[]
  readonly host?: boolean
}

interface PortListOptions extends ListOutputOptions, TagFilterOptions {
  readonly deviceOwner?: string
  readonly host?: string
  readonly network?: string
  readonly deviceId?: string
  readonly macAddress?: string
  readonly long?: boolean
  readonly project?: string
  readonly name?: string
  readonly fixedIp?: readonly FixedIpSpec[]
}

/** openstack's JSONKeyValueAction: `--binding-profile '{"a": 1}'` or `--binding-profile a=1`. */
function bindingProfile(value: string, previous: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...(previous ?? {}) }
  let parsed: JsonValue | undefined
  try {
    parsed = parseJson(value)
  } catch {
    parsed = undefined
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    return { ...out, ...parsed }
  }
  const at = value.indexOf('=')
  if (at < 0) throw new InvalidArgumentError("Expected '<key>=<value>' or JSON data.")
  out[value.slice(0, at)] = value.slice(at + 1)
  return out
}

/** `subnet=<name or id>,ip-address=<ip>` as the API's `{subnet_id, ip_address}`. */
async function fixedIps(client: HttpClient, specs: readonly FixedIpSpec[]): Promise<JsonObject[]> {
  const out: JsonObject[] = []
  for (const spec of specs) {
    const item: JsonObject = {}
    if (spec.subnet !== undefined && spec.subnet !== '') {
      item.subnet_id = await findId(client, SUBNET, spec.subnet)
    }
    if (spec['ip-address'] !== undefined) item.ip_address = spec['ip-address']
    out.push(item)
  }
  return out
}

/** `ip-address=<ip>,mac-address=<mac>` as the API's `{ip_address, mac_address}`. */
function addressPairs(specs: readonly KeyValueSpec[]): JsonObject[] {
  return specs.map((spec) => ({
    ip_address: spec['ip-address'] ?? '',
    ...(spec['mac-address'] === undefined ? {} : { mac_address: spec['mac-address'] }),
  }))
}

/**
 * `name=<name>,value=<value>,ip-version=<4|6>` as the API's `{opt_name, opt_value, ip_version}`;
 * without a value the option is removed (on set), as the API reads a null value.
 */
function dhcpOptions(specs: readonly KeyValueSpec[]): JsonObject[] {
  return specs.map((spec) => ({
    opt_name: spec.name ?? '',
    opt_value: spec.value ?? null,
    ...(spec['ip-version'] === undefined ? {} : { ip_version: spec['ip-version'] }),
  }))
}

/** The request attributes for the plain options given (openstack's `_get_attrs` for ports). */
function portAttrs(o: PortAttrOptions): JsonObject {
  const attrs: JsonObject = {}
  if (o.description !== undefined) attrs.description = o.description
  if (o.device !== undefined) attrs.device_id = o.device
  if (o.deviceOwner !== undefined) attrs.device_owner = o.deviceOwner
  if (o.enable === true) attrs.admin_state_up = true
  if (o.disable === true) attrs.admin_state_up = false
  if (o.vnicType !== undefined) attrs['binding:vnic_type'] = o.vnicType
  if (o.host !== undefined) attrs['binding:host_id'] = o.host
  if (o.macAddress !== undefined) attrs.mac_address = o.macAddress
  if (o.dnsName !== undefined) attrs.dns_name = o.dnsName
  if (o.name !== undefined) attrs.name = o.name
  if (o.disablePortSecurity === true) attrs.port_security_enabled = false
  if (o.enablePortSecurity === true) attrs.port_security_enabled = true
  if (o.extraDhcpOption !== undefined) attrs.extra_dhcp_opts = dhcpOptions(o.extraDhcpOption)
  return attrs
}

const FIXED_IP_HELP =
  'Desired IP and/or subnet for this port (name or ID): subnet=<subnet>,ip-address=<ip-address> (repeat option to set multiple fixed IP addresses)'

function addAttrOptions(command: Command): void {
  command
    .option('--description <description>', 'Description of this port')
    .option('--device <device-id>', 'Port device ID')
    .option('--mac-address <mac-address>', 'MAC address of this port (admin only)')
    .option(
      '--device-owner <device-owner>',
      'Device owner of this port. This is the entity that uses the port (for example, network:dhcp).',
    )
    .addOption(
      new Option(
        '--vnic-type <vnic-type>',
        'VNIC type for this port (direct | direct-physical | macvtap | normal | baremetal | virtio-forwarder | vdpa | remote-managed, default: normal)',
      ).choices(VNIC_TYPES),
    )
    .option('--host <host-id>', 'Allocate port on host <host-id> (ID only)')
    .option(
      '--dns-name <dns-name>',
      'Set DNS name for this port (requires DNS integration extension)',
    )
    .option(
      '--binding-profile <binding-profile>',
      'Custom data to be passed as binding:profile. Data may be passed as <key>=<value> or JSON. (repeat option to set multiple binding:profile data)',
      bindingProfile,
    )
    .option(
      '--allowed-address <ip-address=<ip-address>[,mac-address=<mac-address>]>',
      "Add allowed-address pair associated with this port: ip-address=<ip-address>[,mac-address=<mac-address>] (the MAC defaults to the port's; repeat option to set multiple allowed-address pairs)",
      keyValues(['ip-address'], ['mac-address']),
    )
    .option(
      '--extra-dhcp-option <name=<name>[,value=<value>,ip-version={4,6}]>',
      'Extra DHCP options to be assigned to this port: name=<name>[,value=<value>,ip-version={4,6}] (on set, an option without a value is removed; repeat option to set multiple extra DHCP options)',
      keyValues(['name'], ['value', 'ip-version']),
    )
}

function registerCreate(port: Command): void {
  const create = port
    .command('create')
    .description('Create a new port')
    .argument('<name>', 'Name of this port')
    .requiredOption('--network <network>', 'Network this port belongs to (name or ID)')
  addAttrOptions(create)
  const noFixedIp = plainFlag('--no-fixed-ip', 'No IP or subnet for this port.')
  create
    .addOption(
      new Option('--fixed-ip <subnet=<subnet>,ip-address=<ip-address>>', FIXED_IP_HELP)
        .argParser(keyValues([], ['subnet', 'ip-address']))
        .conflicts(noFixedIp.attributeName()),
    )
    .addOption(noFixedIp)
  addFlagPair(create, ['--enable', 'Enable port (default)'], ['--disable', 'Disable port'])
  create.option('--project <project>', "Owner's project (ID)")
  addFlagPair(
    create,
    ['--enable-port-security', 'Enable port security for this port (Default)'],
    ['--disable-port-security', 'Disable port security for this port'],
  )
  addTagSetOptions(create, 'port', true)
  addShowOutputOptions(create)
  create.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PortCreateOptions>()
      const [name = ''] = command.args
      const api = await client()
      const attrs: JsonObject = { network_id: await findId(api, NETWORK, o.network) }
      Object.assign(attrs, portAttrs({ ...o, name }))
      // NOTE: openstack always sends admin_state_up on create (--enable is its default).
      if (o.disable !== true) attrs.admin_state_up = true
      if (o.project !== undefined) attrs.project_id = o.project
      if (o.bindingProfile !== undefined) attrs['binding:profile'] = o.bindingProfile
      if (o.allowedAddress !== undefined)
        attrs.allowed_address_pairs = addressPairs(o.allowedAddress)
      if (o.fixedIp !== undefined) attrs.fixed_ips = await fixedIps(api, o.fixedIp)
      else if (o.noFixedIp === true) attrs.fixed_ips = []
      const created = await createResource(api, PORT, attrs)
      print(showOne(PORT_FIELDS, await applyTagSet(api, PORT, created, o), o))
    }),
  )
}

function registerDelete(port: Command): void {
  port
    .command('delete')
    .description('Delete port(s)')
    .argument('<port...>', 'Port(s) to delete (name or ID)')
    .action(
      run(async (context) => {
        await deleteEach(context, PORT, context.command.args, (c, ref) =>
          findResource(c, PORT, ref),
        )
      }),
    )
}

function registerList(port: Command): void {
  const list = port
    .command('list')
    .description('List ports')
    .option(
      '--device-owner <device-owner>',
      'List only ports with the specified device owner. This is the entity that uses the port (for example, network:dhcp).',
    )
    .option('--host <host-id>', 'List only ports bound to this host ID')
    .option('--network <network>', 'List only ports connected to this network (name or ID)')
    .option('--device-id <device-id>', 'List only ports with the specified device ID')
    .option('--mac-address <mac-address>', 'List only ports with this MAC address')
    .option('--long', 'List additional fields in output')
    .option('--project <project>', 'List ports according to their project (ID)')
    .option('--name <name>', 'List ports according to their name')
    .option(
      '--fixed-ip <subnet=<subnet>,ip-address=<ip-address>,ip-substring=<ip-substring>>',
      'Desired IP and/or subnet for filtering ports (name or ID): subnet=<subnet>,ip-address=<ip-address>,ip-substring=<ip-substring> (repeat option to set multiple fixed IP addresses)',
      keyValues([], ['subnet', 'ip-address', 'ip-substring']),
    )
  addTagFilterOptions(list, 'ports')
  addListOutputOptions(list)
  list.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PortListOptions>()
      const api = await client()
      const query: [string, string][] = []
      if (o.deviceOwner !== undefined) query.push(['device_owner', o.deviceOwner])
      if (o.deviceId !== undefined) query.push(['device_id', o.deviceId])
      if (o.host !== undefined) query.push(['binding:host_id', o.host])
      if (o.network !== undefined) query.push(['network_id', await findId(api, NETWORK, o.network)])
      if (o.macAddress !== undefined) query.push(['mac_address', o.macAddress])
      if (o.project !== undefined) query.push(['project_id', o.project])
      if (o.name !== undefined) query.push(['name', o.name])
      for (const spec of o.fixedIp ?? []) {
        if (spec.subnet !== undefined && spec.subnet !== '') {
          query.push(['fixed_ips', `subnet_id=${await findId(api, SUBNET, spec.subnet)}`])
        }
        if (spec['ip-address'] !== undefined) {
          query.push(['fixed_ips', `ip_address=${spec['ip-address']}`])
        }
        if (spec['ip-substring'] !== undefined) {
          query.push(['fixed_ips', `ip_address_substr=${spec['ip-substring']}`])
        }
      }
      query.push(...tagFilterQuery(o))
      const ports = await listResources(api, PORT, query)
      print(showList(o.long === true ? LONG_COLUMNS : LIST_COLUMNS, ports, o))
    }),
  )
}

/** A list attribute of a port as shown (fixed_ips, allowed_address_pairs). */
function currentList(port: JsonObject, key: string): JsonValue[] {
  const value = port[key]
  return Array.isArray(value) ? value : []
}

function registerSet(port: Command): void {
  const set = port
    .command('set')
    .description('Set port properties (prints the updated port)')
    .argument('<port>', 'Port to modify (name or ID)')
  addAttrOptions(set)
  addFlagPair(set, ['--enable', 'Enable port'], ['--disable', 'Disable port'])
  set
    .option('--name <name>', 'Set port name')
    .option(
      '--fixed-ip <subnet=<subnet>,ip-address=<ip-address>>',
      FIXED_IP_HELP,
      keyValues([], ['subnet', 'ip-address']),
    )
    .addOption(
      plainFlag(
        '--no-fixed-ip',
        'Clear existing information of fixed IP addresses. Specify both --fixed-ip and --no-fixed-ip to overwrite the current fixed IP addresses.',
      ),
    )
    .addOption(
      plainFlag(
        '--no-allowed-address',
        'Clear existing allowed-address pairs associated with this port. Specify both --allowed-address and --no-allowed-address to overwrite the current allowed-address pairs.',
      ),
    )
    .addOption(
      plainFlag(
        '--no-binding-profile',
        'Clear existing information of binding:profile. Specify both --binding-profile and --no-binding-profile to overwrite the current binding:profile information.',
      ),
    )
  addFlagPair(
    set,
    ['--enable-port-security', 'Enable port security for this port'],
    ['--disable-port-security', 'Disable port security for this port'],
  )
  addTagSetOptions(set, 'port', false)
  addShowOutputOptions(set)
  set.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PortSetOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, PORT, ref)
      const attrs = portAttrs(o)
      if (o.noBindingProfile === true) attrs['binding:profile'] = {}
      if (o.bindingProfile !== undefined) {
        const current = found['binding:profile']
        const base =
          o.noBindingProfile !== true &&
          typeof current === 'object' &&
          current !== null &&
          !Array.isArray(current)
            ? current
            : {}
        attrs['binding:profile'] = { ...base, ...o.bindingProfile }
      }
      // NOTE: the API replaces the list: --allowed-address adds to the current pairs.
      if (o.noAllowedAddress === true) attrs.allowed_address_pairs = []
      if (o.allowedAddress !== undefined) {
        const base = o.noAllowedAddress === true ? [] : currentList(found, 'allowed_address_pairs')
        attrs.allowed_address_pairs = [...base, ...addressPairs(o.allowedAddress)]
      }
      // NOTE: read-modify-write as openstack: --fixed-ip adds to the port's current addresses
      // (or to none after --no-fixed-ip); the server keeps the ones listed and frees the rest.
      if (o.noFixedIp === true) attrs.fixed_ips = []
      if (o.fixedIp !== undefined) {
        const base = o.noFixedIp === true ? [] : currentList(found, 'fixed_ips')
        attrs.fixed_ips = [...base, ...(await fixedIps(api, o.fixedIp))]
      }
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, PORT, idOf(found), attrs)
      print(showOne(PORT_FIELDS, await applyTagSet(api, PORT, updated, o), o))
    }),
  )
}

/** Whether a current list item (a fixed IP, an address pair) matches every key given. */
function matches(current: JsonValue, wanted: JsonObject): boolean {
  if (typeof current !== 'object' || current === null || Array.isArray(current)) return false
  return Object.entries(wanted).every(([k, v]) => current[k] === v)
}

function registerUnset(port: Command): void {
  const unset = port
    .command('unset')
    .description('Unset port properties (prints the updated port)')
    .argument('<port>', 'Port to modify (name or ID)')
    .option(
      '--fixed-ip <subnet=<subnet>,ip-address=<ip-address>>',
      'Desired IP and/or subnet which should be removed from this port (name or ID): subnet=<subnet>,ip-address=<ip-address> (repeat option to unset multiple fixed IP addresses)',
      keyValues([], ['subnet', 'ip-address']),
    )
    .option(
      '--binding-profile <binding-profile-key>',
      'Desired key which should be removed from binding:profile (repeat option to unset multiple binding:profile data)',
      collect,
    )
    .option('--host', 'Clear host binding for the port.')
    .option(
      '--allowed-address <ip-address=<ip-address>[,mac-address=<mac-address>]>',
      'Desired allowed-address pair which should be removed from this port: ip-address=<ip-address>[,mac-address=<mac-address>] (without a MAC, the pair with that address; repeat option to unset multiple allowed-address pairs)',
      keyValues(['ip-address'], ['mac-address']),
    )
  addTagUnsetOptions(unset, 'port')
  addShowOutputOptions(unset)
  unset.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PortUnsetOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, PORT, ref)
      const attrs: JsonObject = {}
      if (o.fixedIp !== undefined) {
        const remaining = [...currentList(found, 'fixed_ips')]
        for (const wanted of await fixedIps(api, o.fixedIp)) {
          const at = remaining.findIndex((c) => matches(c, wanted))
          if (at < 0) throw new CommandError(`Port does not contain fixed-ip ${pyRepr(wanted)}`)
          remaining.splice(at, 1)
        }
        attrs.fixed_ips = remaining
      }
      if (o.allowedAddress !== undefined) {
        const remaining = [...currentList(found, 'allowed_address_pairs')]
        for (const wanted of addressPairs(o.allowedAddress)) {
          const at = remaining.findIndex((c) => matches(c, wanted))
          if (at < 0) {
            throw new CommandError(`Port does not contain allowed-address-pair ${pyRepr(wanted)}`)
          }
          remaining.splice(at, 1)
        }
        attrs.allowed_address_pairs = remaining
      }
      if (o.bindingProfile !== undefined) {
        const current = found['binding:profile']
        const profile: JsonObject =
          typeof current === 'object' && current !== null && !Array.isArray(current) ? current : {}
        for (const key of o.bindingProfile) {
          if (!(key in profile)) {
            throw new CommandError(`Port does not contain binding-profile ${key}`)
          }
        }
        const removed = new Set(o.bindingProfile)
        attrs['binding:profile'] = Object.fromEntries(
          Object.entries(profile).filter(([k]) => !removed.has(k)),
        )
      }
      // NOTE: openstack sends null; Neutron stores an unbound host as the empty string.
      if (o.host === true) attrs['binding:host_id'] = ''
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, PORT, idOf(found), attrs)
      print(showOne(PORT_FIELDS, await applyTagUnset(api, PORT, updated, o), o))
    }),
  )
}

function registerShow(port: Command): void {
  const show = port
    .command('show')
    .description('Display port details')
    .argument('<port>', 'Port to display (name or ID)')
  addShowOutputOptions(show)
  show.action(
    run(async ({ command, client, print }) => {
      const [ref = ''] = command.args
      const found = await findResource(await client(), PORT, ref)
      print(showOne(PORT_FIELDS, found, command.opts<ShowOutputOptions>()))
    }),
  )
}

/** `port create|delete|list|set|show|unset`. */
export function registerPortCommands(program: Command): Command {
  const port = program.command('port').description('Ports')
  registerCreate(port)
  registerDelete(port)
  registerList(port)
  registerSet(port)
  registerShow(port)
  registerUnset(port)
  return port
}
