import type { Command } from 'commander'
import { showList, type ColumnSpec } from '../display.ts'
import type { HttpClient } from '../http-client.ts'
import { addListOutputOptions, type ListOutputOptions } from '../output/output-options.ts'
import type { JsonObject } from '../parse-json.ts'
import { run } from '../run.ts'
import { objectsOf, text } from './ipam-values.ts'

const FINDING_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Kind', from: 'kind' },
  { header: 'IP Address', from: 'ip_address' },
  { header: 'Port', from: 'port_id' },
  { header: 'Subnet', from: 'subnet_id' },
  { header: 'Detail', from: 'detail' },
  { header: 'Repaired', from: 'repaired' },
]

/** Exit status when findings are left unrepaired or part of the comparison failed. */
export const RECONCILE_LEFT = 3

const EXIT_STATUS_HELP = `
Exit status:
  0  in sync: nothing found, or with --repair everything found was repaired
     (also with the internal driver, where there is nothing to reconcile)
  1  the reconcile could not run (API unreachable, not admin, server error)
  2  a mistake on the command line
  3  findings are left unrepaired (without --repair every finding is; with it, a
     repair failed or a range is missing), or a subnet could not be compared

Findings: orphan (a reservation tagged as ours that no port holds), missing (an
address of ours the IPAM system no longer has), stale (DNS name differs),
missing-range (a subnet whose range is gone in the IPAM system or was never
recorded there: re-create the range or delete the subnet; never repaired).
`

const INTERNAL_DRIVER =
  'Nothing to reconcile: reconcile applies to external IPAM drivers only (infoblox, netbox, phpipam, bluecat, solarwinds), comparing our allocations with the IPAM system. This server uses the internal driver, which keeps every address in its own database: there is no second copy to drift from it.'

/** The report's findings as rows of one table. */
function findingsOf(report: JsonObject): JsonObject[] {
  return [
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
    ...objectsOf(report.missing_ranges).map((r) => ({
      ...r,
      kind: 'missing-range',
      ip_address: null,
      port_id: null,
    })),
  ]
}

/** Runs the reconcile, reporting progress on stderr every 2 s while it runs. */
async function runReconcile(
  api: HttpClient,
  repair: boolean,
  warn: (line: string) => void,
): Promise<JsonObject> {
  const pending = api.post('ipam/reconcile', { repair })
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
  try {
    return (await pending).reconcile as JsonObject
  } finally {
    clearInterval(timer)
  }
}

/**
 * `xloud ipam reconcile [--repair]`: the findings as a table, a summary on stderr, and an exit
 * status that says whether anything is left to fix (see EXIT_STATUS_HELP).
 */
export function registerReconcileCommand(ipam: Command): void {
  const reconcile = ipam
    .command('reconcile')
    .description(
      'Compare our allocations with the IPAM system (orphans, missing, stale DNS/metadata, missing ranges); external IPAM drivers only',
    )
    .option(
      '--repair',
      'Repair what is found: release orphans, reserve missing ones again, rewrite stale ones',
    )
    .addHelpText('after', EXIT_STATUS_HELP)
  addListOutputOptions(reconcile)
  reconcile.action(
    run(async ({ command, client, print, warn }) => {
      const opts = command.opts<ListOutputOptions & { repair?: boolean }>()
      const repair = opts.repair === true
      const api = await client()
      const status = (await api.get('ipam/status')).ipam as JsonObject
      if (status.driver === 'internal') {
        warn(INTERNAL_DRIVER)
        if (opts.format !== 'table') print(showList(FINDING_COLUMNS, [], opts))
        return
      }
      const report = await runReconcile(api, repair, warn)
      const findings = findingsOf(report)
      const left = findings.filter((f) => f.repaired !== true).length
      const errors = Array.isArray(report.errors) ? report.errors.map(text) : []
      const scanned = report.scanned as JsonObject
      const driver = text(report.driver)
      warn(
        `scanned ${text(scanned.ours)} allocation(s) of ours and ${text(scanned.external)} reservation(s) in ${driver}: ${findings.length} finding(s)${repair ? `, ${findings.length - left} repaired` : ''}`,
      )
      for (const line of errors) warn(`error: ${line}`)
      print(showList(FINDING_COLUMNS, findings, opts))
      if (left === 0 && errors.length === 0) {
        if (findings.length === 0) warn(`in sync with ${driver}`)
        return
      }
      if (left > 0) {
        let why = ''
        if (!repair) why = ': --repair fixes orphans, missing and stale ones'
        else if (errors.length > 0) why = ' (see the errors above)'
        warn(`${left} finding(s) left unrepaired${why}`)
      } else {
        warn(`${errors.length} error(s): part of the comparison failed (see above)`)
      }
      process.exitCode = RECONCILE_LEFT
    }),
  )
}
