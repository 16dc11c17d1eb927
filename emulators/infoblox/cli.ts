/**
 * `npm run emulator -- infoblox --port N --username U --password P [--session-timeout S]
 * [--max-results-cap N] [--tls-key FILE --tls-cert FILE]`: serves the WAPI emulator on
 * 127.0.0.1:N until SIGINT / SIGTERM.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startInfobloxEmulator } from './infoblox-emulator.ts'

/** Runs the emulator from command-line arguments (those after the vendor name). */
export async function runFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      username: { type: 'string', default: 'admin' },
      password: { type: 'string', default: 'infoblox' },
      'session-timeout': { type: 'string' },
      'max-results-cap': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      'standard-eas': { type: 'boolean', default: false },
    },
    strict: true,
  })
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined
    const n = Number(text)
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`)
    return n
  }
  const keyFile = values['tls-key']
  const certFile = values['tls-cert']
  if ((keyFile === undefined) !== (certFile === undefined)) {
    throw new Error('--tls-key and --tls-cert go together')
  }
  const timeout = number('session-timeout', values['session-timeout'])
  const cap = number('max-results-cap', values['max-results-cap'])
  const emulator = await startInfobloxEmulator({
    port: number('port', values.port) ?? 0,
    username: values.username,
    password: values.password,
    ...(timeout === undefined ? {} : { sessionTimeoutSeconds: timeout }),
    ...(cap === undefined ? {} : { maxResultsCap: cap }),
    ...(keyFile === undefined || certFile === undefined
      ? {}
      : { tls: { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') } }),
  })
  if (values['standard-eas']) emulator.state.addStandardEaDefinitions()
  process.stdout.write(
    `Infoblox WAPI emulator listening on ${emulator.url} (WAPI at ${emulator.wapiUrl()})\n`,
  )
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void emulator.close().then(resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
