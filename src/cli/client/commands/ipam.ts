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

const RELEASE_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'IP Address', from: 'ip_address' },
  { header: 'Port', from: 'port_id' },
  { header: 'Attempts', from: 'attempts' },
  { header: 'Next Attempt', from: 'next_attempt_at' },
  { header: 'Last Error', from: 'last_error' },
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

const FINDING_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Kind', from: 'kind' },
  { header: 'IP Address', from: 'ip_address' },
  { header: 'Port', from: 'port_id' },
  { header: 'Subnet', from: 'subnet_id' },
  { header: 'Detail', from: 'detail' },
  { header: 'Repaired', from: 'repaired' },
]

/** A JSON scalar as text (objects as JSON). */
function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return value.toString()
  return JSON.stringify(value)
}

function objectsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value as JsonObject[]) : []
}

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

  const releases = ipam.command('releases').description('List releases waiting for the IPAM system')
  addListOutputOptions(releases)
  releases.option('--retry', 'Retry every pending release now')
  releases.action(
    run(async ({ command, client, print, warn }) => {
      const api = await client()
      const opts = command.opts<ListOutputOptions & { retry?: boolean }>()
      if (opts.retry === true) {
        const result = await api.post('ipam/releases/retry', {})
        warn(`released ${text(result.released)}, still pending ${text(result.pending)}`)
      }
      const body = await api.get('ipam/releases')
      print(showList(RELEASE_COLUMNS, objectsOf(body.releases), opts))
    }),
  )

  const reconcile = ipam
    .command('reconcile')
    .description(
      'Compare our allocations with the IPAM system (orphans, missing, stale DNS/metadata)',
    )
    .option(
      '--repair',
      'Repair what is found: release orphans, reserve missing ones again, rewrite stale ones',
    )
  addListOutputOptions(reconcile)
  reconcile.action(
    run(async ({ command, client, print, warn }) => {
      const opts = command.opts<ListOutputOptions & { repair?: boolean }>()
      const api = await client()
      // NOTE: long runs: progress goes to stderr while the report is computed.
      const pending = api.post('ipam/reconcile', { repair: opts.repair === true })
      const timer = setInterval(() => {
        void api.get('ipam/reconcile/progress').then(
          (p) => {
            const progress = p.progress as JsonObject
            if (progress.running === true)
              warn(
                `reconcile: ${text(progress.phase)} ${text(progress.done)}/${text(progress.total ?? '?')}`,
              )
          },
          () => undefined,
        )
      }, 2000)
      let report: JsonObject
      try {
        report = (await pending).reconcile as JsonObject
      } finally {
        clearInterval(timer)
      }
      const findings = [
        ...objectsOf(report.orphans).map((o) => ({
          ...o,
          kind: 'orphan',
          detail: o.external_ref ?? '',
        })),
        ...objectsOf(report.missing).map((m) => ({ ...m, kind: 'missing', detail: '' })),
        ...objectsOf(report.stale).map((s) => ({
          ...s,
          kind: 'stale',
          detail: `${text(s.field)}: ours ${text(s.ours)}, theirs ${text(s.external)}`,
        })),
      ]
      const scanned = report.scanned as JsonObject
      warn(
        `scanned ${text(scanned.ours)} allocation(s) of ours and ${text(scanned.external)} in the IPAM system; ${findings.length} finding(s)`,
      )
      for (const e of objectsOf(report.errors)) warn(`error: ${text(e)}`)
      print(showList(FINDING_COLUMNS, findings, opts))
    }),
  )

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
