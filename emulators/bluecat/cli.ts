import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startBluecatEmulator } from './bluecat-emulator.ts'

const USAGE = `usage: npm run emulator -- bluecat --port N --username U --password P
  [--configuration NAME] [--session-timeout SECONDS] [--tls-key FILE --tls-cert FILE]
  [--block CIDR]... [--network CIDR]... [--view NAME [--zone FQDN]...]
`

function fail(message: string): void {
  process.stderr.write(`${message}\n${USAGE}`)
  process.exitCode = 2
}

/**
 * `npm run emulator -- bluecat …`: serves the BlueCat emulator (v1 and v2) on 127.0.0.1 until
 * SIGINT or SIGTERM, optionally seeded with blocks, networks, a DNS view and zones.
 */
export async function runFromCli(args: string[]): Promise<void> {
  let values
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        port: { type: 'string', default: '0' },
        username: { type: 'string' },
        password: { type: 'string' },
        configuration: { type: 'string', default: 'default' },
        'session-timeout': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-cert': { type: 'string' },
        block: { type: 'string', multiple: true, default: [] },
        network: { type: 'string', multiple: true, default: [] },
        view: { type: 'string' },
        zone: { type: 'string', multiple: true, default: [] },
      },
    }).values
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
    return
  }
  const port = Number.parseInt(values.port, 10)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`invalid --port ${values.port}`)
    return
  }
  if (values.username === undefined || values.password === undefined) {
    fail('--username and --password are required')
    return
  }
  if ((values['tls-key'] === undefined) !== (values['tls-cert'] === undefined)) {
    fail('--tls-key and --tls-cert go together')
    return
  }
  const timeout = values['session-timeout']
  const emulator = await startBluecatEmulator({
    port,
    username: values.username,
    password: values.password,
    configuration: values.configuration,
    ...(timeout === undefined ? {} : { sessionTimeoutSeconds: Number.parseInt(timeout, 10) }),
    ...(values['tls-key'] === undefined || values['tls-cert'] === undefined
      ? {}
      : { tls: { key: readFileSync(values['tls-key']), cert: readFileSync(values['tls-cert']) } }),
  })
  try {
    for (const block of values.block) emulator.state.addBlock(block)
    for (const network of values.network) emulator.state.addNetwork(network)
    if (values.view !== undefined) {
      const viewId = emulator.state.addView(values.view)
      for (const zone of values.zone) emulator.state.addZone(zone, viewId)
    }
  } catch (error) {
    await emulator.close()
    fail(`cannot seed: ${error instanceof Error ? error.message : String(error)}`)
    return
  }
  process.stdout.write(
    `BlueCat Address Manager emulator listening on ${emulator.url} (v1 /Services/REST/v1/, v2 /api/v2/, configuration "${values.configuration}")\n`,
  )
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await emulator.close()
}
