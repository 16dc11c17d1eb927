import { Option, type Command } from 'commander'
import type { ColumnSpec, FieldSpec } from '../display.ts'
import { showList, showOne } from '../display.ts'
import { listDictColumn } from '../output/cell.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import { getResource, listResources } from '../resource-api.ts'
import { NETWORK, NETWORK_IP_AVAILABILITY } from '../resource-kind.ts'
import { findId } from '../resolve.ts'
import { run } from '../run.ts'

/**
 * The fields of `ip availability show`. The counts may exceed 2^53 (IPv6): they stay BigInt from
 * the response to the printed digits.
 */
export const IP_AVAILABILITY_FIELDS: readonly FieldSpec[] = [
  { name: 'network_id' },
  { name: 'network_name' },
  { name: 'project_id' },
  { name: 'subnet_ip_availability', format: listDictColumn },
  { name: 'total_ips' },
  { name: 'used_ips' },
]

const LIST_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Network ID', from: 'network_id' },
  { header: 'Network Name', from: 'network_name' },
  { header: 'Total IPs', from: 'total_ips' },
  { header: 'Used IPs', from: 'used_ips' },
]

interface AvailabilityListOptions extends ListOutputOptions {
  readonly ipVersion: string
  readonly project?: string
}

function registerList(availability: Command): void {
  const list = availability
    .command('list')
    .description('List IP availability for network')
    .addOption(
      new Option(
        '--ip-version <ip-version>',
        'List IP availability of given IP version networks (default is 4)',
      )
        .choices(['4', '6'])
        .default('4'),
    )
    .option('--project <project>', 'List IP availability of given project (ID)')
  addListOutputOptions(list)
  list.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<AvailabilityListOptions>()
      const query: [string, string][] = [['ip_version', o.ipVersion]]
      if (o.project !== undefined) query.push(['project_id', o.project])
      const found = await listResources(await client(), NETWORK_IP_AVAILABILITY, query)
      print(showList(LIST_COLUMNS, found, o))
    }),
  )
}

function registerShow(availability: Command): void {
  const show = availability
    .command('show')
    .description('Show network IP availability details')
    .argument('<network>', 'Show IP availability for a specific network (name or ID)')
  addShowOutputOptions(show)
  show.action(
    run(async ({ command, client, print }) => {
      const [ref = ''] = command.args
      const api = await client()
      const networkId = await findId(api, NETWORK, ref)
      const found = await getResource(api, NETWORK_IP_AVAILABILITY, networkId)
      print(showOne(IP_AVAILABILITY_FIELDS, found, command.opts<ShowOutputOptions>()))
    }),
  )
}

/** `ip availability list|show`. */
export function registerIpAvailabilityCommands(program: Command): Command {
  const ip = program.command('ip').description('IP address information')
  const availability = ip.command('availability').description('Network IP availability')
  registerList(availability)
  registerShow(availability)
  return ip
}
