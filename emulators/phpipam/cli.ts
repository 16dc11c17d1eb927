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
import { startPhpipamEmulator } from './phpipam-emulator.ts'

const USAGE = `usage: npm run emulator -- phpipam --username U --password P --app-id A [--port N]
  [--section NAME] [--subnet CIDR]... [--no-write-lock] [--token-ttl SECONDS]
  [--security none|ssl_token|ssl_code [--app-code C]] [--tls-key FILE --tls-cert FILE]

phpIPAM 1.8.2 REST API (/api/<app-id>/): user token login (POST /api/<app-id>/user/ with
HTTP Basic) or a static app code; sections, subnets, first_free, addresses.

options:
${COMMON_OPTIONS}
  --username U             the API user (required)
  --password P             its password (required)
  --app-id A               the API application id (required)
  --section NAME           the section holding the subnets (default Customers)
  --subnet CIDR            a master subnet (pre-defined range) in that section; repeatable
  --no-write-lock          the app's write lock Disabled (concurrent first_free calls collide)
  --token-ttl S            lifetime of a user token, sliding (default 21600)
  --security MODE          none (default, plain HTTP allowed), ssl_token or ssl_code
                           (both HTTPS only: give --tls-key and --tls-cert)
  --app-code C             the static app code, for --security ssl_code

neutron.conf: [DEFAULT] ipam_driver = phpipam; [phpipam] url = the URL printed at start,
app_id, username, password (or app_token = the app code), section.

${FAULTS_HELP}
`

/**
 * `npm run emulator -- phpipam …`: serves the phpIPAM emulator on 127.0.0.1 until SIGINT/SIGTERM,
 * optionally seeded with master subnets, after printing where and how to use it.
 */
export async function runFromCli(args: string[]): Promise<void> {
  const values = parseOrExplain(
    USAGE,
    () =>
      parseArgs({
        args,
        options: {
          ...COMMON_PARSE_OPTIONS,
          username: { type: 'string' },
          password: { type: 'string' },
          'app-id': { type: 'string' },
          section: { type: 'string', default: 'Customers' },
          subnet: { type: 'string', multiple: true, default: [] },
          'no-write-lock': { type: 'boolean', default: false },
          'token-ttl': { type: 'string' },
          security: { type: 'string' },
          'app-code': { type: 'string' },
        },
        strict: true,
      }).values,
  )
  if (values === undefined) return
  if (values.help) {
    printUsage(USAGE)
    return
  }
  const { username, password } = values
  const appId = values['app-id']
  const port = portOf(values.port)
  const security = values.security
  const ttl = values['token-ttl']
  let problem: string | undefined
  if (port === undefined) problem = `invalid --port ${values.port}`
  else if (username === undefined || password === undefined || appId === undefined)
    problem = '--username, --password and --app-id are required'
  else if (
    security !== undefined &&
    security !== 'none' &&
    security !== 'ssl_token' &&
    security !== 'ssl_code'
  )
    problem = '--security must be none, ssl_token or ssl_code'
  else if (ttl !== undefined && !/^\d+$/.test(ttl)) problem = '--token-ttl must be seconds'
  else problem = tlsProblem(values)
  if (
    problem !== undefined ||
    port === undefined ||
    username === undefined ||
    password === undefined ||
    appId === undefined
  ) {
    usageError(problem ?? 'invalid options', USAGE)
    return
  }
  const handle = await startPhpipamEmulator({
    port,
    appId,
    username,
    password,
    section: { name: values.section },
    writeLock: !values['no-write-lock'],
    ...(ttl === undefined ? {} : { tokenTtlSeconds: Number.parseInt(ttl, 10) }),
    ...(security === 'none' || security === 'ssl_token' || security === 'ssl_code'
      ? { security }
      : {}),
    ...(values['app-code'] === undefined ? {} : { appCode: values['app-code'] }),
    ...tlsOption(values),
  })
  try {
    for (const cidr of values.subnet)
      handle.state.addSubnet({ cidr, sectionId: handle.sectionId, description: 'pre-defined' })
  } catch (error) {
    await handle.close()
    usageError(`cannot seed: ${error instanceof Error ? error.message : String(error)}`, USAGE)
    return
  }
  const code = values['app-code']
  const byCode = security === 'ssl_code' && code !== undefined
  printBanner({
    title: 'phpIPAM emulator',
    url: handle.url,
    emulates: `phpIPAM 1.8.2 REST API at ${handle.url}/api/${appId}/ (app security ${security ?? 'none'}, write lock ${handle.app.writeLock ? 'on' : 'off'})`,
    credentials: byCode
      ? `the app code ${code} (sent as the token header; HTTPS only)`
      : `${username} / ${password} (HTTP Basic on POST /api/${appId}/user/, then the token)`,
    seeded: `section ${values.section} (id ${handle.sectionId}); master subnets: ${listOrNone(values.subnet)}`,
    config: [
      '[DEFAULT]',
      'ipam_driver = phpipam',
      '[phpipam]',
      `url = ${handle.url}`,
      `app_id = ${appId}`,
      ...(byCode ? [`app_token = ${code}`] : [`username = ${username}`, `password = ${password}`]),
      `section = ${values.section}`,
      ...(values['tls-cert'] === undefined ? [] : [`ssl_verify = ${values['tls-cert'] ?? ''}`]),
    ],
  })
  await untilStopped()
  await handle.close()
}
