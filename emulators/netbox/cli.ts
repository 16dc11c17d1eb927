import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startNetboxEmulator } from './netbox-emulator.ts'

/**
 * `npm run emulator -- netbox --port N --token T [--token-version 3|4] [--max-page-size N]
 * [--enforce-unique] [--tls-key FILE --tls-cert FILE]`: serves the NetBox emulator on
 * 127.0.0.1 until SIGINT/SIGTERM, after printing one line saying where.
 *
 * @throws Error when an option is missing or malformed.
 */
export async function runFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      'token-version': { type: 'string' },
      'max-page-size': { type: 'string' },
      'enforce-unique': { type: 'boolean', default: false },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
    },
    strict: true,
  })
  if (values.token === undefined) throw new Error('--token is required')
  const version = values['token-version']
  if (version !== undefined && version !== '3' && version !== '4')
    throw new Error('--token-version must be 3 or 4')
  const tlsKey = values['tls-key']
  const tlsCert = values['tls-cert']
  if ((tlsKey === undefined) !== (tlsCert === undefined))
    throw new Error('--tls-key and --tls-cert go together')
  const handle = await startNetboxEmulator({
    port: Number.parseInt(values.port, 10),
    token: values.token,
    ...(version === undefined ? {} : { tokenVersion: version === '3' ? 3 : 4 }),
    ...(values['max-page-size'] === undefined
      ? {}
      : { maxPageSize: Number.parseInt(values['max-page-size'], 10) }),
    enforceUnique: values['enforce-unique'],
    ...(tlsKey === undefined || tlsCert === undefined
      ? {}
      : { tls: { key: readFileSync(tlsKey), cert: readFileSync(tlsCert) } }),
  })
  process.stdout.write(
    `NetBox emulator listening on ${handle.url} (API ${handle.api.apiVersion})\n`,
  )
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await handle.close()
}
