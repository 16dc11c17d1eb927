import type { Command } from 'commander'
import { showList, type ColumnSpec } from '../display.ts'
import { Cell, type Formatter } from '../output/cell.ts'
import { addListOutputOptions, type ListOutputOptions } from '../output/output-options.ts'
import type { JsonObject } from '../parse-json.ts'
import { run } from '../run.ts'
import { objectsOf, text } from './ipam-values.ts'

/** When the next attempt is, in words for tables (`in 25 s (…)`); the ISO time otherwise. */
function nextAttempt(now: number): Formatter {
  return (value) => {
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN
    if (Number.isNaN(at)) return value
    const seconds = Math.round((at - now) / 1000)
    const when =
      seconds <= 0
        ? 'due now'
        : seconds < 120
          ? `in ${seconds} s`
          : seconds < 7200
            ? `in ${Math.round(seconds / 60)} min`
            : `in ${Math.round(seconds / 3600)} h`
    return new Cell(value, seconds <= 0 ? when : `${when} (${text(value)})`)
  }
}

const RELEASE_COLUMNS = (now: number): readonly ColumnSpec[] => [
  { header: 'ID', from: 'id' },
  { header: 'Kind', from: 'kind' },
  { header: 'IP Address', from: 'ip_address' },
  { header: 'Port', from: 'port_id' },
  { header: 'Subnet', from: 'subnet_id' },
  { header: 'State', from: 'state' },
  { header: 'Attempts', from: 'attempts' },
  { header: 'Next Attempt', from: 'next_attempt_at', format: nextAttempt(now) },
  { header: 'Last Error', from: 'last_error' },
]

/**
 * Where a release stands: a node is working on it (it holds the lease), it was never tried, or
 * it failed and waits for its next attempt (backoff up to 5 min).
 */
function stateOf(release: JsonObject): string {
  if (typeof release.claimed_by === 'string') return 'in progress'
  return release.attempts === 0 ? 'queued' : 'waiting to retry'
}

/** `xloud ipam releases [--retry]`: the durable release queue, with each release's state. */
export function registerReleasesCommand(ipam: Command): void {
  const releases = ipam
    .command('releases')
    .description(
      'List releases waiting for the IPAM system (an address or a subnet object to release), with their state and next attempt',
    )
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
      const rows = objectsOf((await api.get('ipam/releases')).releases).map((r) => ({
        ...r,
        kind: r.kind ?? 'address',
        state: stateOf(r),
      }))
      if (rows.length === 0 && opts.format === 'table') {
        warn('No pending releases: the IPAM system has every release.')
        return
      }
      print(showList(RELEASE_COLUMNS(Date.now()), rows, opts))
    }),
  )
}
