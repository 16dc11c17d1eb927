/**
 * `npm run emulator -- infoblox [options]`: serves the WAPI emulator on 127.0.0.1 until SIGINT /
 * SIGTERM, optionally seeded with network containers, DNS zones and the standard extensible
 * attribute definitions.
 */
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
import { startInfobloxEmulator } from './infoblox-emulator.ts'

/** The versions `_schema` lists; any /wapi/vX.Y[.Z] path is answered. */
const WAPI_VERSIONS = 'WAPI v1.4 to v2.13 (any /wapi/vX.Y path; the driver uses v2.12)'

const USAGE = `usage: npm run emulator -- infoblox [--port N] [--username U] [--password P]
  [--session-timeout SECONDS] [--max-results-cap N] [--standard-eas]
  [--container CIDR]... [--zone FQDN]... [--tls-key FILE --tls-cert FILE]

Infoblox NIOS grid master: ${WAPI_VERSIONS}, HTTP Basic or the ibapauth
session cookie, the network view "default" and the DNS view "default".

options:
${COMMON_OPTIONS}
  --username U             the admin account (default admin)
  --password P             its password (default infoblox)
  --session-timeout S      idle lifetime of the ibapauth cookie (default 600)
  --max-results-cap N      result limit of a search without _max_results (default 1000)
  --standard-eas           define the extensible attributes the driver tags with (Port ID,
                           Tenant ID, …); without them every reservation is refused, as on a
                           grid where they were never defined
  --container CIDR         a network container (pre-defined range) in the view "default";
                           repeatable
  --zone FQDN              an authoritative zone in the DNS view "default" (for dns_zone);
                           repeatable

neutron.conf: [DEFAULT] ipam_driver = infoblox; [infoblox] wapi_url = the URL printed at
start, username, password (and dns_zone = one of the zones, ssl_verify = the certificate with
TLS).

${FAULTS_HELP}
`

/** Runs the emulator from command-line arguments (those after the vendor name). */
export async function runFromCli(args: string[]): Promise<void> {
  const values = parseOrExplain(
    USAGE,
    () =>
      parseArgs({
        args,
        options: {
          ...COMMON_PARSE_OPTIONS,
          username: { type: 'string', default: 'admin' },
          password: { type: 'string', default: 'infoblox' },
          'session-timeout': { type: 'string' },
          'max-results-cap': { type: 'string' },
          'standard-eas': { type: 'boolean', default: false },
          container: { type: 'string', multiple: true, default: [] },
          zone: { type: 'string', multiple: true, default: [] },
        },
        strict: true,
      }).values,
  )
  if (values === undefined) return
  if (values.help) {
    printUsage(USAGE)
    return
  }
  const number = (text: string | undefined): number | undefined | null => {
    if (text === undefined) return undefined
    const n = Number(text)
    return Number.isFinite(n) && n >= 0 ? n : null
  }
  const port = portOf(values.port)
  const timeout = number(values['session-timeout'])
  const cap = number(values['max-results-cap'])
  if (port === undefined) {
    usageError(`invalid --port ${values.port}`, USAGE)
    return
  }
  if (timeout === null) {
    usageError('--session-timeout must be a number of seconds', USAGE)
    return
  }
  if (cap === null) {
    usageError('--max-results-cap must be a non-negative number', USAGE)
    return
  }
  const tls = tlsProblem(values)
  if (tls !== undefined) {
    usageError(tls, USAGE)
    return
  }
  const emulator = await startInfobloxEmulator({
    port,
    username: values.username,
    password: values.password,
    ...(timeout === undefined ? {} : { sessionTimeoutSeconds: timeout }),
    ...(cap === undefined ? {} : { maxResultsCap: cap }),
    ...tlsOption(values),
  })
  try {
    if (values['standard-eas']) emulator.state.addStandardEaDefinitions()
    for (const cidr of values.container) emulator.state.addNetworkContainer(cidr)
    for (const zone of values.zone) emulator.state.addZone(zone)
  } catch (error) {
    await emulator.close()
    usageError(`cannot seed: ${error instanceof Error ? error.message : String(error)}`, USAGE)
    return
  }
  printBanner({
    title: 'Infoblox NIOS WAPI emulator',
    url: emulator.url,
    emulates: `${WAPI_VERSIONS}, at ${emulator.url}/wapi/v2.12/`,
    credentials: `${values.username} / ${values.password} (HTTP Basic, then the ibapauth cookie, idle for ${timeout ?? 600} s)`,
    seeded: `network containers: ${listOrNone(values.container)}; zones: ${listOrNone(values.zone)}; extensible attribute definitions: ${values['standard-eas'] ? 'the driver’s' : 'none (the driver needs them: add --standard-eas)'}`,
    config: [
      '[DEFAULT]',
      'ipam_driver = infoblox',
      '[infoblox]',
      `wapi_url = ${emulator.url}`,
      `username = ${values.username}`,
      `password = ${values.password}`,
      ...(values.zone[0] === undefined ? [] : [`dns_zone = ${values.zone[0]}`]),
      ...(values['tls-cert'] === undefined ? [] : [`ssl_verify = ${values['tls-cert']}`]),
    ],
  })
  await untilStopped()
  await emulator.close()
}
