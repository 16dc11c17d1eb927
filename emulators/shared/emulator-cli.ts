import { readFileSync } from 'node:fs'

/**
 * What every `npm run emulator -- <vendor>` command shares: help on stdout (exit 0), mistakes as
 * one message plus the usage on stderr (exit 2, never a stack trace), the start banner, and the
 * text about the fault-injection controls.
 */

/** The options every vendor has, for its usage text. */
export const COMMON_OPTIONS = `  --port N                 port on 127.0.0.1 (default 0: a free one, printed at start)
  --tls-key FILE --tls-cert FILE
                           serve HTTPS with this PEM key and certificate
  -h, --help               this help`

/** The fault-injection and call-log controls every emulator serves (emulators/shared/faults.ts). */
export const FAULTS_HELP = `fault injection and call log (on the emulator's port, no credentials needed):
  POST /__emulator/faults  with a JSON body holding any of
         {"latency_ms": 200}              every call waits this long first
         {"hang": true}                   every call hangs (until {"hang": false})
         {"fail_next": 3, "status": 503}  the next 3 calls fail with 503, in the vendor's error shape
         {"fail_nth": 2, "status": 500}   the 2nd call from now fails
         {"reset_next": 1}                the next call's connection is reset without an answer
  GET  /__emulator/calls   the calls received (method, path, status)
  POST /__emulator/reset   no more faults, empty call log
  An outage (connection refused): stop the emulator; the state lives in memory only.`

/** The `parseArgs` options every vendor takes (described by {@link COMMON_OPTIONS}). */
export const COMMON_PARSE_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  port: { type: 'string', default: '0' },
  'tls-key': { type: 'string' },
  'tls-cert': { type: 'string' },
} as const

/** The TLS options as given. */
export interface TlsOptionValues {
  readonly 'tls-key'?: string | undefined
  readonly 'tls-cert'?: string | undefined
}

/** The mistake in --tls-key / --tls-cert, if any: they go together. */
export function tlsProblem(values: TlsOptionValues): string | undefined {
  return (values['tls-key'] === undefined) !== (values['tls-cert'] === undefined)
    ? '--tls-key and --tls-cert go together'
    : undefined
}

/** The emulator option serving HTTPS with the PEM files given (none: plain HTTP). */
export function tlsOption(values: TlsOptionValues): { tls?: { key: string; cert: string } } {
  const key = values['tls-key']
  const cert = values['tls-cert']
  return key === undefined || cert === undefined
    ? {}
    : { tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') } }
}

/** Prints the usage on stdout (asked for with --help). */
export function printUsage(usage: string): void {
  process.stdout.write(`${usage.trimEnd()}\n`)
}

/** A mistake: the message and the usage on stderr, exit status 2. */
export function usageError(message: string, usage: string): void {
  process.stderr.write(`${message}\n\n${usage.trimEnd()}\n`)
  process.exitCode = 2
}

/**
 * Runs a `parseArgs` call, turning its errors (unknown option, missing value) into
 * {@link usageError}; undefined then.
 */
export function parseOrExplain<T>(usage: string, parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error), usage)
    return undefined
  }
}

/** A port number from its option text (0: a free one); undefined when it is not one. */
export function portOf(text: string): number | undefined {
  const port = Number(text)
  return /^\d+$/.test(text) && port <= 65535 ? port : undefined
}

/** What the start banner says about one emulator. */
export interface Banner {
  /** e.g. "Infoblox NIOS WAPI emulator"; followed by "listening on <url>". */
  readonly title: string
  readonly url: string
  /** The API and versions it answers as. */
  readonly emulates: string
  /** Who it lets in, with how. */
  readonly credentials: string
  /** What it holds at start (pre-defined ranges and the like). */
  readonly seeded: string
  /** The neutron.conf lines that point the driver at it. */
  readonly config: readonly string[]
}

/** The start banner: where it listens (first line), then what to know to use it. */
export function printBanner(b: Banner): void {
  const lines = [
    `${b.title} listening on ${b.url}`,
    `  emulates:     ${b.emulates}`,
    `  credentials:  ${b.credentials}`,
    `  seeded:       ${b.seeded}`,
    '  neutron.conf:',
    ...b.config.map((l) => `      ${l}`),
    `  faults:       POST ${b.url}/__emulator/faults {"fail_next": 3, "status": 503} (latency_ms, hang, fail_nth, reset_next),`,
    `                GET ${b.url}/__emulator/calls, POST ${b.url}/__emulator/reset`,
    '  state in memory only; stop with Ctrl-C. More: docs/emulators.md',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** Resolves on the first SIGINT or SIGTERM (the emulator then closes and the process exits 0). */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/** `[]` as "none", else the items joined with ", ". */
export function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ')
}
