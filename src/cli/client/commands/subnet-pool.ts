import type { Command } from 'commander'
import type { ColumnSpec, FieldSpec } from '../display.ts'
import { showList, showOne } from '../display.ts'
import { addFlagPair, collect, integer } from '../options.ts'
import { integerValue, listColumn } from '../output/cell.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import type { JsonObject } from '../parse-json.ts'
import { createResource, deleteEach, idOf, listResources, updateResource } from '../resource-api.ts'
import { SUBNET_POOL } from '../resource-kind.ts'
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

/**
 * The fields of `subnet pool show`, named and ordered as openstack prints them. The prefix
 * lengths come as strings from the API; openstacksdk shows them as integers.
 */
export const SUBNET_POOL_FIELDS: readonly FieldSpec[] = [
  { name: 'address_scope_id' },
  { name: 'created_at' },
  { name: 'default_prefixlen', format: integerValue },
  { name: 'default_quota', format: integerValue },
  { name: 'description' },
  { name: 'id' },
  { name: 'ip_version' },
  { name: 'is_default' },
  { name: 'max_prefixlen', format: integerValue },
  { name: 'min_prefixlen', format: integerValue },
  { name: 'name' },
  { name: 'prefixes', format: listColumn },
  { name: 'project_id' },
  { name: 'revision_number' },
  { name: 'shared' },
  { name: 'tags', format: listColumn },
  { name: 'updated_at' },
]

const LIST_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Name', from: 'name' },
  { header: 'Prefixes', from: 'prefixes', format: listColumn },
]

const LONG_COLUMNS: readonly ColumnSpec[] = [
  ...LIST_COLUMNS,
  { header: 'Default Prefix Length', from: 'default_prefixlen', format: integerValue },
  { header: 'Address Scope', from: 'address_scope_id' },
  { header: 'Default Subnet Pool', from: 'is_default' },
  { header: 'Shared', from: 'shared' },
  { header: 'Tags', from: 'tags', format: listColumn },
]

/** The options `subnet pool create` and `subnet pool set` share. */
interface PoolAttrOptions {
  readonly name?: string
  readonly poolPrefix?: readonly string[]
  readonly defaultPrefixLength?: number
  readonly minPrefixLength?: number
  readonly maxPrefixLength?: number
  readonly default?: boolean
  readonly noDefault?: boolean
  readonly description?: string
  readonly defaultQuota?: number
}

interface PoolCreateOptions extends PoolAttrOptions, TagSetOptions, ShowOutputOptions {
  readonly project?: string
  readonly share?: boolean
  readonly noShare?: boolean
}

interface PoolListOptions extends ListOutputOptions, TagFilterOptions {
  readonly long?: boolean
  readonly share?: boolean
  readonly noShare?: boolean
  readonly default?: boolean
  readonly noDefault?: boolean
  readonly project?: string
  readonly name?: string
}

/** The request attributes for the options given (openstack's `_get_attrs` for subnet pools). */
function poolAttrs(o: PoolAttrOptions): JsonObject {
  const attrs: JsonObject = {}
  if (o.name !== undefined) attrs.name = o.name
  if (o.poolPrefix !== undefined) attrs.prefixes = [...o.poolPrefix]
  if (o.defaultPrefixLength !== undefined) attrs.default_prefixlen = o.defaultPrefixLength
  if (o.minPrefixLength !== undefined) attrs.min_prefixlen = o.minPrefixLength
  if (o.maxPrefixLength !== undefined) attrs.max_prefixlen = o.maxPrefixLength
  if (o.default === true) attrs.is_default = true
  if (o.noDefault === true) attrs.is_default = false
  if (o.description !== undefined) attrs.description = o.description
  if (o.defaultQuota !== undefined) attrs.default_quota = o.defaultQuota
  return attrs
}

function addAttrOptions(command: Command, create: boolean): void {
  const prefixHelp =
    'Set subnet pool prefixes (in CIDR notation) (repeat option to set multiple prefixes)'
  if (create) command.requiredOption('--pool-prefix <pool-prefix>', prefixHelp, collect)
  else command.option('--pool-prefix <pool-prefix>', prefixHelp, collect)
  command
    .option(
      '--default-prefix-length <default-prefix-length>',
      'Set subnet pool default prefix length',
      integer(0),
    )
    .option(
      '--min-prefix-length <min-prefix-length>',
      'Set subnet pool minimum prefix length',
      integer(0),
    )
    .option(
      '--max-prefix-length <max-prefix-length>',
      'Set subnet pool maximum prefix length',
      integer(0),
    )
  addFlagPair(
    command,
    ['--default', 'Set this as a default subnet pool'],
    ['--no-default', 'Set this as a non-default subnet pool'],
  )
  command
    .option('--description <description>', 'Set subnet pool description')
    .option(
      '--default-quota <num-ip-addresses>',
      'Set default per-project quota for this subnet pool as the number of IP addresses that can be allocated from the subnet pool',
      integer(),
    )
}

function registerCreate(pool: Command): void {
  const create = pool
    .command('create')
    .description('Create subnet pool')
    .argument('<name>', 'Name of the new subnet pool')
    .option('--project <project>', "Owner's project (ID)")
  addAttrOptions(create, true)
  addFlagPair(
    create,
    ['--share', 'Set this subnet pool as shared'],
    ['--no-share', 'Set this subnet pool as not shared'],
  )
  addTagSetOptions(create, 'subnet pool', true)
  addShowOutputOptions(create)
  create.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PoolCreateOptions>()
      const [name = ''] = command.args
      const attrs: JsonObject = { name, ...poolAttrs(o) }
      if (o.share === true) attrs.shared = true
      if (o.noShare === true) attrs.shared = false
      if (o.project !== undefined) attrs.project_id = o.project
      const api = await client()
      const created = await createResource(api, SUBNET_POOL, attrs)
      print(showOne(SUBNET_POOL_FIELDS, await applyTagSet(api, SUBNET_POOL, created, o), o))
    }),
  )
}

function registerDelete(pool: Command): void {
  pool
    .command('delete')
    .description('Delete subnet pool(s)')
    .argument('<subnet-pool...>', 'Subnet pool(s) to delete (name or ID)')
    .action(
      run(async (context) => {
        await deleteEach(context, SUBNET_POOL, context.command.args, (c, ref) =>
          findResource(c, SUBNET_POOL, ref),
        )
      }),
    )
}

function registerList(pool: Command): void {
  const list = pool
    .command('list')
    .description('List subnet pools')
    .option('--long', 'List additional fields in output')
  addFlagPair(
    list,
    ['--share', 'List subnet pools shared between projects'],
    ['--no-share', 'List subnet pools not shared between projects'],
  )
  addFlagPair(
    list,
    ['--default', 'List subnet pools used as the default external subnet pool'],
    ['--no-default', 'List subnet pools not used as the default external subnet pool'],
  )
  list
    .option('--project <project>', 'List subnet pools according to their project (ID)')
    .option('--name <name>', 'List only subnet pools of given name in output')
  addTagFilterOptions(list, 'subnet pools')
  addListOutputOptions(list)
  list.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PoolListOptions>()
      const query: [string, string][] = []
      if (o.share === true) query.push(['shared', 'True'])
      if (o.noShare === true) query.push(['shared', 'False'])
      if (o.default === true) query.push(['is_default', 'True'])
      if (o.noDefault === true) query.push(['is_default', 'False'])
      if (o.project !== undefined) query.push(['project_id', o.project])
      if (o.name !== undefined) query.push(['name', o.name])
      query.push(...tagFilterQuery(o))
      const found = await listResources(await client(), SUBNET_POOL, query)
      print(showList(o.long === true ? LONG_COLUMNS : LIST_COLUMNS, found, o))
    }),
  )
}

function registerSet(pool: Command): void {
  const set = pool
    .command('set')
    .description('Set subnet pool properties (prints the updated subnet pool)')
    .argument('<subnet-pool>', 'Subnet pool to modify (name or ID)')
    .option('--name <name>', 'Set subnet pool name')
  addAttrOptions(set, false)
  addTagSetOptions(set, 'subnet pool', false)
  addShowOutputOptions(set)
  set.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<PoolAttrOptions & TagSetOptions & ShowOutputOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, SUBNET_POOL, ref)
      const attrs = poolAttrs(o)
      // NOTE: the current prefixes must stay in the pool; openstack adds the new ones to them.
      const current = found.prefixes
      if (Array.isArray(attrs.prefixes) && Array.isArray(current)) {
        attrs.prefixes = [...attrs.prefixes, ...current]
      }
      const updated =
        Object.keys(attrs).length === 0
          ? found
          : await updateResource(api, SUBNET_POOL, idOf(found), attrs)
      print(showOne(SUBNET_POOL_FIELDS, await applyTagSet(api, SUBNET_POOL, updated, o), o))
    }),
  )
}

function registerShow(pool: Command): void {
  const show = pool
    .command('show')
    .description('Display subnet pool details')
    .argument('<subnet-pool>', 'Subnet pool to display (name or ID)')
  addShowOutputOptions(show)
  show.action(
    run(async ({ command, client, print }) => {
      const [ref = ''] = command.args
      const found = await findResource(await client(), SUBNET_POOL, ref)
      print(showOne(SUBNET_POOL_FIELDS, found, command.opts<ShowOutputOptions>()))
    }),
  )
}

/** `subnet pool create|delete|list|set|show|unset`, under the `subnet` group. */
export function registerSubnetPoolCommands(subnet: Command): Command {
  const pool = subnet.command('pool').description('Subnet pools')
  registerCreate(pool)
  registerDelete(pool)
  registerList(pool)
  registerSet(pool)
  registerShow(pool)
  registerTagUnsetCommand(pool, SUBNET_POOL, SUBNET_POOL_FIELDS, 'subnet pool')
  return pool
}
