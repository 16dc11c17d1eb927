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
import { startNetboxEmulator } from './netbox-emulator.ts'

const USAGE = `usage: npm run emulator -- netbox --token T [--port N] [--token-version 3|4]
  [--max-page-size N] [--enforce-unique] [--vrf NAME] [--container CIDR]...
  [--tls-key FILE --tls-cert FILE]

NetBox REST API (/api/): 3.1.11 as recorded (Authorization: Token <40 hex>) or 4.x
(also Bearer nbt_<key>.<token>); prefixes, available-ips, ip-addresses, VRFs, tags.

options:
${COMMON_OPTIONS}
  --token T                the one API token accepted (required): 40 hex digits, or
                           nbt_<key>.<token> for NetBox 4.x
  --token-version 3|4      the NetBox generation to answer as (default: 4 for an nbt_ token,
                           else 3)
  --max-page-size N        MAX_PAGE_SIZE (default 1000; 0: no cap)
  --enforce-unique         ENFORCE_GLOBAL_UNIQUE for the global table
  --vrf NAME               a VRF (unique addresses); --container prefixes go in it
  --container CIDR         a container prefix (pre-defined range); repeatable

neutron.conf: [DEFAULT] ipam_driver = netbox; [netbox] url = the URL printed at start, token
(and vrf = the --vrf name).

${FAULTS_HELP}
`

/**
 * `npm run emulator -- netbox …`: serves the NetBox emulator on 127.0.0.1 until SIGINT/SIGTERM,
 * optionally seeded with a VRF and container prefixes, after printing where and how to use it.
 */
export async function runFromCli(args: string[]): Promise<void> {
  const values = parseOrExplain(
    USAGE,
    () =>
      parseArgs({
        args,
        options: {
          ...COMMON_PARSE_OPTIONS,
          token: { type: 'string' },
          'token-version': { type: 'string' },
          'max-page-size': { type: 'string' },
          'enforce-unique': { type: 'boolean', default: false },
          vrf: { type: 'string' },
          container: { type: 'string', multiple: true, default: [] },
        },
        strict: true,
      }).values,
  )
  if (values === undefined) return
  if (values.help) {
    printUsage(USAGE)
    return
  }
  const port = portOf(values.port)
  const token = values.token
  const version = values['token-version']
  const maxPageSize = values['max-page-size']
  let problem: string | undefined
  if (port === undefined) problem = `invalid --port ${values.port}`
  else if (token === undefined) problem = '--token is required'
  else if (version !== undefined && version !== '3' && version !== '4')
    problem = '--token-version must be 3 or 4'
  else if (maxPageSize !== undefined && !/^\d+$/.test(maxPageSize))
    problem = '--max-page-size must be a number'
  else problem = tlsProblem(values)
  if (problem !== undefined || port === undefined || token === undefined) {
    usageError(problem ?? 'invalid options', USAGE)
    return
  }
  const handle = await startNetboxEmulator({
    port,
    token,
    ...(version === undefined ? {} : { tokenVersion: version === '3' ? 3 : 4 }),
    ...(maxPageSize === undefined ? {} : { maxPageSize: Number.parseInt(maxPageSize, 10) }),
    enforceUnique: values['enforce-unique'],
    ...tlsOption(values),
  })
  try {
    const vrfId = values.vrf === undefined ? null : handle.state.addVrf({ name: values.vrf }).id
    for (const prefix of values.container)
      handle.state.addPrefix({ prefix, vrfId, status: 'container' })
  } catch (error) {
    await handle.close()
    usageError(`cannot seed: ${error instanceof Error ? error.message : String(error)}`, USAGE)
    return
  }
  const bearer = token.startsWith('nbt_')
  printBanner({
    title: 'NetBox emulator',
    url: handle.url,
    emulates: `NetBox ${handle.api.apiVersion} REST API under ${handle.url}/api/`,
    credentials: `the token ${token} (Authorization: ${bearer ? 'Bearer' : 'Token'} …)`,
    seeded: `${values.vrf === undefined ? 'global table' : `VRF ${values.vrf}`}; container prefixes: ${listOrNone(values.container)}`,
    config: [
      '[DEFAULT]',
      'ipam_driver = netbox',
      '[netbox]',
      `url = ${handle.url}`,
      `token = ${token}`,
      ...(values.vrf === undefined ? [] : [`vrf = ${values.vrf}`]),
      ...(values['tls-cert'] === undefined ? [] : [`ssl_verify = ${values['tls-cert'] ?? ''}`]),
    ],
  })
  await untilStopped()
  await handle.close()
}
