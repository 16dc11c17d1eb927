import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startPhpipamEmulator } from './phpipam-emulator.ts'

/**
 * `npm run emulator -- phpipam --port N --username U --password P --app-id A [--no-write-lock]
 * [--token-ttl S] [--security none|ssl_token|ssl_code --app-code C] [--tls-key FILE --tls-cert FILE]`:
 * serves the phpIPAM emulator on 127.0.0.1 until SIGINT/SIGTERM, after printing one line
 * saying where.
 *
 * @throws Error when an option is missing or malformed.
 */
export async function runFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      username: { type: 'string' },
      password: { type: 'string' },
      'app-id': { type: 'string' },
      'no-write-lock': { type: 'boolean', default: false },
      'token-ttl': { type: 'string' },
      security: { type: 'string' },
      'app-code': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
    },
    strict: true,
  })
  const { username, password } = values
  const appId = values['app-id']
  if (username === undefined || password === undefined || appId === undefined) {
    throw new Error('--username, --password and --app-id are required')
  }
  const security = values.security
  if (
    security !== undefined &&
    security !== 'none' &&
    security !== 'ssl_token' &&
    security !== 'ssl_code'
  ) {
    throw new Error('--security must be none, ssl_token or ssl_code')
  }
  const tlsKey = values['tls-key']
  const tlsCert = values['tls-cert']
  if ((tlsKey === undefined) !== (tlsCert === undefined))
    throw new Error('--tls-key and --tls-cert go together')
  const handle = await startPhpipamEmulator({
    port: Number.parseInt(values.port, 10),
    appId,
    username,
    password,
    writeLock: !values['no-write-lock'],
    ...(values['token-ttl'] === undefined
      ? {}
      : { tokenTtlSeconds: Number.parseInt(values['token-ttl'], 10) }),
    ...(security === undefined ? {} : { security }),
    ...(values['app-code'] === undefined ? {} : { appCode: values['app-code'] }),
    ...(tlsKey === undefined || tlsCert === undefined
      ? {}
      : { tls: { key: readFileSync(tlsKey), cert: readFileSync(tlsCert) } }),
  })
  process.stdout.write(
    `phpIPAM emulator listening on ${handle.url}/api/${appId}/ (section ${handle.sectionId}, write lock ${handle.app.writeLock ? 'on' : 'off'})\n`,
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
