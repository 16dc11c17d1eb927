import cluster from 'node:cluster'
import { ConfigError, loadConfig, type Config } from '../../config/load-config.ts'
import { bootstrap } from '../../server/bootstrap.ts'
import { createLogger } from '../../server/logger.ts'
import { startServer } from '../../server/server.ts'

function describeStart(config: Config, adminToken: string | undefined, url: string): string {
  const lines = [
    `Xloud Networking API on ${url} (ipam_driver = ${config.DEFAULT.ipam_driver}, auth_strategy = ${config.DEFAULT.auth_strategy}, ${config.DEFAULT.api_workers} worker(s))`,
  ]
  if (adminToken !== undefined) {
    lines.push(
      '',
      `An admin token was created in ${config.token.token_file}. It is shown only now:`,
      '',
      `  ${adminToken}`,
      '',
      'Use it with the xloud CLI:',
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
      const server = await startServer(config, logger)
      process.stderr.write(`${describeStart(config, report.adminToken, server.url)}\n`)
      stopOnSignal(() => server.close())
      return
    }
    let stopping = false
    for (let i = 0; i < workers; i++) cluster.fork()
    let ready = 0
    cluster.on('listening', () => {
      if (++ready === workers)
        process.stderr.write(`${describeStart(config, report.adminToken, url)}\n`)
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
