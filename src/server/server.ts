import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { buildApp } from '../api/app.ts'
import { registerDashboardRoutes } from '../api/routes/dashboard-routes.ts'
import type { Authenticator } from '../auth/authenticator.ts'
import { KeystoneAuthenticator } from '../auth/keystone-authenticator.ts'
import { keystoneSettings } from '../auth/keystone-settings.ts'
import { noauthAuthenticator } from '../auth/noauth.ts'
import { tokenAuthenticator } from '../auth/token-authenticator.ts'
import { TokenStore } from '../auth/token-store.ts'
import { ConfigError, type Config } from '../config/load-config.ts'
import { parseConnectionUrl } from '../db/connection-url.ts'
import { openDatabase, type Db } from '../db/database.ts'
import { pendingMigrations } from '../db/migrator.ts'
import { parseMac, type MacOctets } from '../domain/mac-address.ts'
import { createIpamDriver } from '../ipam/registry.ts'
import { createServices } from '../services/app-services.ts'
import { startMaintenance } from './maintenance.ts'
import { ServiceMetrics } from './metrics.ts'

/** A running API process. */
export interface RunningServer {
  readonly app: FastifyInstance
  readonly db: Db
  readonly authenticator: Authenticator
  /** Where it listens, e.g. http://127.0.0.1:9696 */
  readonly url: string
  close(): Promise<void>
}

/**
 * The authenticator of `[DEFAULT] auth_strategy`.
 * @throws ConfigError when `[keystone_authtoken]` is incomplete or its files cannot be read
 */
export function authenticatorFor(config: Config, logger: Logger | false): Authenticator {
  switch (config.DEFAULT.auth_strategy) {
    case 'noauth':
      return noauthAuthenticator()
    case 'token':
      return tokenAuthenticator(new TokenStore(config.token.token_file))
    case 'keystone':
      try {
        return new KeystoneAuthenticator(
          keystoneSettings(config.keystone_authtoken),
          logger === false ? undefined : logger,
        )
      } catch (error) {
        throw new ConfigError(`${config.file ?? '(defaults)'}: ${(error as Error).message}`)
      }
  }
}

/** Builds the app for a configuration, on an already migrated database, without listening. */
export async function createServer(
  config: Config,
  logger: Logger | false,
): Promise<{ app: FastifyInstance; db: Db; authenticator: Authenticator }> {
  const authenticator = authenticatorFor(config, logger)
  const baseMac = parseMac(config.DEFAULT.base_mac) as MacOctets
  const db = openDatabase(parseConnectionUrl(config.database.connection), {
    poolSize: config.database.max_pool_size,
  })
  const metrics = new ServiceMetrics()
  const ipam = createIpamDriver(config, db, metrics, logger === false ? undefined : logger)
  const services = createServices(db, ipam, {
    baseMac,
    physnetMtu: config.DEFAULT.global_physnet_mtu,
    dnsDomain: config.DEFAULT.dns_domain,
  })
  const identityCheck = authenticator.check?.bind(authenticator)
  if (identityCheck !== undefined) services.ipamAdmin.addIdentityCheck(identityCheck)
  const app = await buildApp({
    services,
    authenticator,
    logger,
    extend: (a) => {
      if (config.dashboard.enabled) registerDashboardRoutes(a)
      metrics.install(a, ipam)
      a.get('/healthz', async () => ({ status: 'ok', pid: process.pid }))
      a.get('/readyz', async (_request, reply) => {
        try {
          const pending = await pendingMigrations(db)
          if (pending.length > 0) {
            return await reply.code(503).send({ status: 'migrations pending', pending })
          }
          return { status: 'ready', ipam_driver: ipam.name }
        } catch (error) {
          return await reply
            .code(503)
            .send({ status: 'database unreachable', reason: (error as Error).message })
        }
      })
    },
  })
  const maintenance = startMaintenance(ipam, db, config, logger === false ? undefined : logger)
  app.addHook('onClose', async () => {
    maintenance.stop()
    await ipam.external?.backend.close()
    await authenticator.close?.()
    await db.close()
  })
  return { app, db, authenticator }
}

/** Builds the app and listens on `[DEFAULT] bind_host:bind_port` (0 picks a free port). */
export async function startServer(config: Config, logger: Logger | false): Promise<RunningServer> {
  const { app, db, authenticator } = await createServer(config, logger)
  await app.listen({ host: config.DEFAULT.bind_host, port: config.DEFAULT.bind_port })
  const address = app.server.address()
  const port =
    typeof address === 'object' && address !== null ? address.port : config.DEFAULT.bind_port
  const host = config.DEFAULT.bind_host.includes(':')
    ? `[${config.DEFAULT.bind_host}]`
    : config.DEFAULT.bind_host
  return { app, db, authenticator, url: `http://${host}:${port}`, close: () => app.close() }
}
