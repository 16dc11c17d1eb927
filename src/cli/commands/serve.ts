import cluster from 'node:cluster'
import type { Logger } from 'pino'
import type { Authenticator } from '../../auth/authenticator.ts'
import { TokenFileError, TokenStore } from '../../auth/token-store.ts'
import { ConfigError, loadConfig, type Config } from '../../config/load-config.ts'
import { bootstrap } from '../../server/bootstrap.ts'
import { createLogger } from '../../server/logger.ts'
import { authenticatorFor, startServer } from '../../server/server.ts'

function describeStart(config: Config, adminToken: string | undefined, url: string): string {
  const lines = [
    `Xloud Networking API on ${url} (ipam_driver = ${config.DEFAULT.ipam_driver}, auth_strategy = ${config.DEFAULT.auth_strategy}, ${config.DEFAULT.api_workers} worker(s))`,
  ]
  if (adminToken !== undefined) {
    lines.push(
      '',
      `An admin token was created in ${new TokenStore(config.token.token_file).path}. It is shown only now:`,
      '',
      `  ${adminToken}`,
      '',
      'Use it with the xloud CLI (node bin/xloud.js in the project; `npm link` puts xloud on your PATH):',
      `  export OS_TOKEN=${adminToken} OS_ENDPOINT=${url}`,
      '  xloud network list',
      'or with the openstack CLI:',
      `  openstack --os-auth-type admin_token --os-token ${adminToken} --os-endpoint ${url} network list`,
      'More tokens: xloud token create --project <project> --role member',
      '',
    )
  }
  if (config.DEFAULT.auth_strategy === 'noauth') {
    lines.push(
      'WARNING: auth_strategy = noauth: anyone who can reach this port is admin. Development only.',
    )
  }
  return lines.join('\n')
}

/**
 * The identity steps for the start-up report (auth_strategy = keystone): configuration, Keystone
 * reachable, service token, role check, catalog. A failure is logged as an error but does not
 * stop the service: it answers 503 to requests that need a validation until Keystone works.
 */
async function reportIdentity(authenticator: Authenticator, logger: Logger): Promise<void> {
  if (authenticator.check === undefined) return
  const steps = await authenticator.check()
  const lines = steps.map(
    (s) => `  ${s.status.padEnd(7)} ${s.name}${s.detail === '' ? '' : `: ${s.detail}`}`,
  )
  process.stderr.write(`Identity (auth_strategy = keystone):\n${lines.join('\n')}\n`)
  const failed = steps.find((s) => s.status === 'fail')
  if (failed !== undefined) {
    logger.error(
      { step: failed.name, detail: failed.detail },
      `identity check failed at "${failed.name}": requests that need a token validation get 503 until this is fixed`,
    )
  }
}

/**
 * With `auth_strategy = token`, a token file that cannot be read stops start-up with its name and
 * what to do (exit 2, as a configuration mistake), rather than failing every request.
 */
function checkTokenFile(config: Config): void {
  if (config.DEFAULT.auth_strategy !== 'token') return
  try {
    new TokenStore(config.token.token_file).list()
  } catch (error) {
    if (!(error instanceof TokenFileError)) throw error
    process.stderr.write(`xloud: ${error.message}\n`)
    process.exit(2)
  }
}

/** `xloud serve`: migrate, then serve with `api_workers` processes behind one port. */
export async function serve(configFile: string | undefined): Promise<void> {
  let config: Config
  try {
    config = loadConfig(configFile)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`xloud: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
  const logger = createLogger(config.DEFAULT.debug)
  const workers = config.DEFAULT.api_workers
  if (cluster.isPrimary) {
    checkTokenFile(config)
    for (const section of config.unknownSections)
      logger.warn({ section }, `configuration section [${section}] is not used`)
    const report = await bootstrap(config)
    if (report.migrations.length > 0)
      logger.info({ migrations: report.migrations }, 'database migrated')
    const host = config.DEFAULT.bind_host.includes(':')
      ? `[${config.DEFAULT.bind_host}]`
      : config.DEFAULT.bind_host
    const url = `http://${host}:${config.DEFAULT.bind_port}`
    if (workers === 1) {
      const server = await startServer(config, logger).catch((error: unknown) => {
        // NOTE: the token is in the file already: shown now, or it would never be.
        if (report.adminToken !== undefined) {
          process.stderr.write(
            `The service did not start, but an admin token was created in ${new TokenStore(config.token.token_file).path}; it is shown only now:\n\n  ${report.adminToken}\n\n`,
          )
        }
        throw error
      })
      process.stderr.write(`${describeStart(config, report.adminToken, server.url)}\n`)
      stopOnSignal(() => server.close())
      await reportIdentity(server.authenticator, logger)
      return
    }
    // NOTE: the primary serves nothing; an authenticator of its own checks the identity settings
    // before any worker starts (a bad [keystone_authtoken] would make every worker die), then
    // runs the identity report once the workers listen.
    const identity = authenticatorFor(config, logger)
    let stopping = false
    for (let i = 0; i < workers; i++) cluster.fork()
    let ready = 0
    cluster.on('listening', () => {
      if (++ready !== workers) return
      process.stderr.write(`${describeStart(config, report.adminToken, url)}\n`)
      void reportIdentity(identity, logger).finally(() => identity.close?.())
    })
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return
      logger.error(
        { worker: worker.process.pid, code, signal },
        'API worker died; starting another',
      )
      cluster.fork()
    })
    stopOnSignal(async () => {
      stopping = true
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM')
    })
    return
  }
  const server = await startServer(config, logger)
  stopOnSignal(() => server.close())
}

function stopOnSignal(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
}
