import type { Command } from 'commander'
import { showList, showOne, type ColumnSpec, type FieldSpec } from '../display.ts'
import {
  addListOutputOptions,
  addShowOutputOptions,
  type ListOutputOptions,
  type ShowOutputOptions,
} from '../output/output-options.ts'
import type { JsonObject } from '../parse-json.ts'
import { run } from '../run.ts'
import { registerReconcileCommand } from './ipam-reconcile.ts'
import { registerReleasesCommand } from './ipam-releases.ts'
import { objectsOf } from './ipam-values.ts'

const STATUS_FIELDS: readonly FieldSpec[] = [
  { name: 'driver' },
  { name: 'endpoint' },
  { name: 'view' },
  { name: 'state' },
  { name: 'circuit' },
  { name: 'pending_releases' },
  { name: 'journal_open' },
  { name: 'last_error' },
]

const STEP_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Step', from: 'name' },
  { header: 'Result', from: 'status' },
  { header: 'Detail', from: 'detail' },
]

const AUDIT_COLUMNS: readonly ColumnSpec[] = [
  { header: 'At', from: 'at' },
  { header: 'Action', from: 'action' },
  { header: 'Outcome', from: 'outcome' },
  { header: 'IP Address', from: 'ip_address' },
  { header: 'Port', from: 'port_id' },
  { header: 'Subnet', from: 'subnet_id' },
  { header: 'Project', from: 'project_id' },
  { header: 'Detail', from: 'detail' },
]

/**
 * `xloud ipam status|check|releases|reconcile|audit`: the admin IPAM surfaces
 * (docs/ipam-admin-api.md) from the command line, in the openstack CLI's output formats.
 */
export function registerIpamCommands(program: Command): Command {
  const ipam = program.command('ipam').description('IPAM driver administration (admin role)')

  const status = ipam.command('status').description('Show the IPAM driver, its endpoint and health')
  addShowOutputOptions(status)
  status.action(
    run(async ({ command, client, print }) => {
      const body = await (await client()).get('ipam/status')
      print(showOne(STATUS_FIELDS, body.ipam as JsonObject, command.opts<ShowOutputOptions>()))
    }),
  )

  const check = ipam
    .command('check')
    .description(
      'Reach the IPAM system, check TLS and credentials, find the view and the pre-defined ranges, step by step',
    )
  addListOutputOptions(check)
  check.action(
    run(async ({ command, client, print }) => {
      const report = (await (await client()).post('ipam/check', {})).check as JsonObject
      print(showList(STEP_COLUMNS, objectsOf(report.steps), command.opts<ListOutputOptions>()))
      if (report.ok !== true) process.exitCode = 1
    }),
  )

  registerReleasesCommand(ipam)
  registerReconcileCommand(ipam)

  const audit = ipam
    .command('audit')
    .description(
      'Show the audit trail of allocations, releases, adoptions and repairs (newest first)',
    )
    .option('--subnet <subnet-id>', 'Only events of this subnet')
    .option('--port <port-id>', 'Only events of this port')
    .option('--ip-address <address>', 'Only events of this address')
    .option(
      '--action <action...>',
      'Only these actions (allocate, release, subnet-create, subnet-adopt, subnet-delete, repair, refuse)',
    )
    .option('--since <time>', 'Events at or after this ISO-8601 time')
    .option('--until <time>', 'Events before this ISO-8601 time')
    .option('--limit <n>', 'At most this many events', '100')
  addListOutputOptions(audit)
  audit.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<
        ListOutputOptions & {
          subnet?: string
          port?: string
          ipAddress?: string
          action?: string[]
          since?: string
          until?: string
          limit: string
        }
      >()
      const query: [string, string][] = [['limit', o.limit]]
      if (o.subnet !== undefined) query.push(['subnet_id', o.subnet])
      if (o.port !== undefined) query.push(['port_id', o.port])
      if (o.ipAddress !== undefined) query.push(['ip_address', o.ipAddress])
      for (const a of o.action ?? []) query.push(['action', a])
      if (o.since !== undefined) query.push(['since', o.since])
      if (o.until !== undefined) query.push(['until', o.until])
      const body = await (await client()).get('ipam/audit', query)
      print(showList(AUDIT_COLUMNS, objectsOf(body.audit), o))
    }),
  )
  return ipam
}
