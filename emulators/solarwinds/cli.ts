import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startSolarwindsEmulator } from './solarwinds-emulator.ts'

const USAGE = `usage: npm run emulator -- solarwinds --port N --username U --password P
  [--reservation-ttl SECONDS] [--tls-key FILE --tls-cert FILE]
  [--supernet CIDR]... [--subnet CIDR]...
`

function fail(message: string): void {
  process.stderr.write(`${message}\n${USAGE}`)
  process.exitCode = 2
}

/**
 * `npm run emulator -- solarwinds …`: serves the SWIS REST/JSON emulator on 127.0.0.1 until
 * SIGINT or SIGTERM, optionally seeded with supernets and subnets under the root folder.
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
        'reservation-ttl': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-cert': { type: 'string' },
        supernet: { type: 'string', multiple: true, default: [] },
        subnet: { type: 'string', multiple: true, default: [] },
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
  const ttl = values['reservation-ttl']
  const emulator = await startSolarwindsEmulator({
    port,
    username: values.username,
    password: values.password,
    ...(ttl === undefined ? {} : { reservationTtlSeconds: Number.parseInt(ttl, 10) }),
    ...(values['tls-key'] === undefined || values['tls-cert'] === undefined
      ? {}
      : { tls: { key: readFileSync(values['tls-key']), cert: readFileSync(values['tls-cert']) } }),
  })
  try {
    for (const supernet of values.supernet) emulator.state.addSupernet(supernet)
    for (const subnet of values.subnet) emulator.state.addSubnet(subnet)
  } catch (error) {
    await emulator.close()
    fail(`cannot seed: ${error instanceof Error ? error.message : String(error)}`)
    return
  }
  process.stdout.write(
    `SolarWinds IPAM (SWIS REST/JSON) emulator listening on ${emulator.url}/SolarWinds/InformationService/v3/Json/\n`,
  )
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await emulator.close()
}
