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
import { startBluecatEmulator } from './bluecat-emulator.ts'

const USAGE = `usage: npm run emulator -- bluecat --username U --password P [--port N]
  [--configuration NAME] [--session-timeout SECONDS] [--block CIDR]... [--network CIDR]...
  [--view NAME [--zone FQDN]...] [--tls-key FILE --tls-cert FILE]

BlueCat Address Manager: the RESTful v2 API (/api/v2/, BAM 9.5+) and the legacy v1 REST API
(/Services/REST/v1/) on one port, sharing one state (IPv4 blocks, networks, addresses, DNS).

options:
${COMMON_OPTIONS}
  --username U             the API user (required)
  --password P             its password (required)
  --configuration NAME     the configuration that exists at start (default "default")
  --session-timeout S      lifetime of v1 tokens and v2 sessions (default 86400)
  --block CIDR             an IPv4 block (pre-defined range); repeatable
  --network CIDR           an IPv4 network in the smallest block holding it; repeatable
  --view NAME              a DNS view (for dns_view)
  --zone FQDN              a zone in that view (for dns_zone); repeatable

neutron.conf: [DEFAULT] ipam_driver = bluecat; [bluecat] url = the URL printed at start,
api_version = v2 (or v1), username, password, configuration (and dns_view, dns_zone).

${FAULTS_HELP}
`

/**
 * `npm run emulator -- bluecat …`: serves the BlueCat emulator (v1 and v2) on 127.0.0.1 until
 * SIGINT or SIGTERM, optionally seeded with blocks, networks, a DNS view and zones.
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
          configuration: { type: 'string', default: 'default' },
          'session-timeout': { type: 'string' },
          block: { type: 'string', multiple: true, default: [] },
          network: { type: 'string', multiple: true, default: [] },
          view: { type: 'string' },
          zone: { type: 'string', multiple: true, default: [] },
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
  const timeout = values['session-timeout']
  let problem: string | undefined
  if (port === undefined) problem = `invalid --port ${values.port}`
  else if (username === undefined || password === undefined)
    problem = '--username and --password are required'
  else if (timeout !== undefined && !/^\d+$/.test(timeout))
    problem = '--session-timeout must be seconds'
  else if (values.zone.length > 0 && values.view === undefined)
    problem = '--zone needs --view (the DNS view holding the zones)'
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
  const emulator = await startBluecatEmulator({
    port,
    username,
    password,
    configuration: values.configuration,
    ...(timeout === undefined ? {} : { sessionTimeoutSeconds: Number.parseInt(timeout, 10) }),
    ...tlsOption(values),
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
    usageError(`cannot seed: ${error instanceof Error ? error.message : String(error)}`, USAGE)
    return
  }
  printBanner({
    title: 'BlueCat Address Manager emulator',
    url: emulator.url,
    emulates: `RESTful v2 API at ${emulator.url}/api/v2/ and legacy v1 REST at ${emulator.url}/Services/REST/v1/`,
    credentials: `${username} / ${password} (v2: POST /api/v2/sessions, then Basic with the session; v1: login, then the BAMAuthToken)`,
    seeded: `configuration "${values.configuration}"; blocks: ${listOrNone(values.block)}; networks: ${listOrNone(values.network)}; DNS view: ${values.view ?? 'none'}; zones: ${listOrNone(values.zone)}`,
    config: [
      '[DEFAULT]',
      'ipam_driver = bluecat',
      '[bluecat]',
      `url = ${emulator.url}`,
      'api_version = v2',
      `username = ${username}`,
      `password = ${password}`,
      `configuration = ${values.configuration}`,
      ...(values.view === undefined ? [] : [`dns_view = ${values.view}`]),
      ...(values.zone[0] === undefined ? [] : [`dns_zone = ${values.zone[0]}`]),
      ...(values['tls-cert'] === undefined ? [] : [`ssl_verify = ${values['tls-cert'] ?? ''}`]),
    ],
  })
  await untilStopped()
  await emulator.close()
}
