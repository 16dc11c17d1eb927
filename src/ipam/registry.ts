import type { Logger } from 'pino'
import type { Config } from '../config/load-config.ts'
import type { Db } from '../db/database.ts'
import type { IpamDriver } from './driver.ts'
import type { ExternalBackend } from './drivers/external/external-backend.ts'
import { createExternalDriver } from './drivers/external/external-driver.ts'
import { ExternalIpam } from './drivers/external/external-ipam.ts'
import { bluecatBackend } from './drivers/bluecat/bluecat-driver.ts'
import { infobloxBackend } from './drivers/infoblox/infoblox-driver.ts'
import { netboxBackend } from './drivers/netbox/netbox-driver.ts'
import { phpipamBackend } from './drivers/phpipam/phpipam-driver.ts'
import { solarwindsBackend } from './drivers/solarwinds/solarwinds-driver.ts'
import { createInternalDriver } from './drivers/internal/internal-driver.ts'
import type { IpamMetrics } from './metrics.ts'

/** The external backends, by `ipam_driver` name. */
const BACKENDS: Partial<
  Record<Config['DEFAULT']['ipam_driver'], (config: Config) => ExternalBackend>
> = {
  infoblox: infobloxBackend,
  netbox: netboxBackend,
  phpipam: phpipamBackend,
  bluecat: bluecatBackend,
  solarwinds: solarwindsBackend,
}

/**
 * The driver named by `[DEFAULT] ipam_driver`.
 * @throws Error when the driver's section is incomplete (naming section and key)
 */
export function createIpamDriver(
  config: Config,
  db: Db,
  metrics: IpamMetrics,
  log: Logger | undefined,
): IpamDriver {
  const name = config.DEFAULT.ipam_driver
  if (name === 'internal') {
    return createInternalDriver(db.dialect, {
      strategy: config.ipam.allocation_strategy,
      randomWindow: config.ipam.random_window,
    })
  }
  const backend = BACKENDS[name]
  if (backend === undefined) throw new Error(`ipam_driver = ${name} is not available in this build`)
  // NOTE: a process is taken for dead after five missed heartbeats (one per maintenance run).
  const timing = {
    recoveryAgeMs: config.ipam.recovery_age_seconds * 1000,
    deadAfterMs: Math.max(1000, config.ipam.maintenance_interval * 5000),
  }
  return createExternalDriver(new ExternalIpam(db, backend(config), metrics, log, timing))
}
