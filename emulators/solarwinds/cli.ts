import { parseArgs } from 'node:util'
import {
  COMMON_OPTIONS,
  COMMON_PARSE_OPTIONS,
  tlsOption,
  tlsProblem,
  FAULTS_HELP,
  listOrNone,
  parseOrExplain,
  portOf,
  printBanner,
  printUsage,
  untilStopped,
  usageError,
} from '../shared/emulator-cli.ts'
import { startSolarwindsEmulator } from './solarwinds-emulator.ts'

const SWIS_PATH = '/SolarWinds/InformationService/v3/Json/'

const USAGE = `usage: npm run emulator -- solarwinds --username U --password P [--port N]
  [--reservation-ttl SECONDS] [--supernet CIDR]... [--subnet CIDR]...
  [--tls-key FILE --tls-cert FILE]

SolarWinds IPAM through the SWIS REST/JSON endpoint (${SWIS_PATH}; the real one
listens on 17774): SWQL queries, IPAM verbs (StartIpReservation, FinishIpReservation, …),
IPAM.IPNode updates, HTTP Basic with the Orion account.

options:
${COMMON_OPTIONS}
  --username U             the Orion account (required)
  --password P             its password (required)
  --reservation-ttl S      a StartIpReservation lapses after S seconds instead of the verb's
                           minutes (to watch reservations expire)
  --supernet CIDR          a supernet under the root folder; repeatable
  --subnet CIDR            a subnet (pre-defined range) under the root folder; repeatable

neutron.conf: [DEFAULT] ipam_driver = solarwinds; [solarwinds] url = the URL printed at
start, username, password.

${FAULTS_HELP}
`

/**
 * `npm run emulator -- solarwinds …`: serves the SWIS REST/JSON emulator on 127.0.0.1 until
 * SIGINT or SIGTERM, optionally seeded with supernets and subnets under the root folder.
 */
export async function runFromCli(args: string[]): Promise<void> {
  const values = parseOrExplain(
    USAGE,
    () =>
      parseArgs({
        args,
        strict: true,
        options: {
          ...COMMON_PARSE_OPTIONS,
          username: { type: 'string' },
          password: { type: 'string' },
          'reservation-ttl': { type: 'string' },
          supernet: { type: 'string', multiple: true, default: [] },
          subnet: { type: 'string', multiple: true, default: [] },
        },
      }).values,
  )
  if (values === undefined) return
  if (values.help) {
    printUsage(USAGE)
    return
  }
  const port = portOf(values.port)
  const { username, password } = values
  const ttl = values['reservation-ttl']
  let problem: string | undefined
  if (port === undefined) problem = `invalid --port ${values.port}`
  else if (username === undefined || password === undefined)
    problem = '--username and --password are required'
  else if (ttl !== undefined && !/^\d+$/.test(ttl)) problem = '--reservation-ttl must be seconds'
  else problem = tlsProblem(values)
  if (
    problem !== undefined ||
    port === undefined ||
    username === undefined ||
    password === undefined
  ) {
    usageError(problem ?? 'invalid options', USAGE)
    return
  }
  const emulator = await startSolarwindsEmulator({
    port,
    username,
    password,
    ...(ttl === undefined ? {} : { reservationTtlSeconds: Number.parseInt(ttl, 10) }),
    ...tlsOption(values),
  })
  try {
    for (const supernet of values.supernet) emulator.state.addSupernet(supernet)
    for (const subnet of values.subnet) emulator.state.addSubnet(subnet)
  } catch (error) {
    await emulator.close()
    usageError(`cannot seed: ${error instanceof Error ? error.message : String(error)}`, USAGE)
    return
  }
  printBanner({
    title: 'SolarWinds IPAM (SWIS REST/JSON) emulator',
    url: emulator.url,
    emulates: `SWIS REST/JSON at ${emulator.url}${SWIS_PATH} (SWQL, IPAM verbs, IPAM.IPNode)`,
    credentials: `${username} / ${password} (HTTP Basic)`,
    seeded: `supernets: ${listOrNone(values.supernet)}; subnets: ${listOrNone(values.subnet)}`,
    config: [
      '[DEFAULT]',
      'ipam_driver = solarwinds',
      '[solarwinds]',
      `url = ${emulator.url}`,
      `username = ${username}`,
      `password = ${password}`,
      ...(values['tls-cert'] === undefined ? [] : [`ssl_verify = ${values['tls-cert'] ?? ''}`]),
    ],
  })
  await untilStopped()
  await emulator.close()
}
