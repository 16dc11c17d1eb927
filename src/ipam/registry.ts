import type { Config } from '../config/load-config.ts'
import type { Db } from '../db/database.ts'
import type { IpamDriver } from './driver.ts'
import { createInternalDriver } from './drivers/internal/internal-driver.ts'

/**
 * The driver named by `[DEFAULT] ipam_driver`.
 * @throws Error when the driver cannot be built from the configuration
 */
export function createIpamDriver(config: Config, db: Db): IpamDriver {
  switch (config.DEFAULT.ipam_driver) {
    case 'internal':
      return createInternalDriver(db.dialect, {
        strategy: config.ipam.allocation_strategy,
        randomWindow: config.ipam.random_window,
      })
    default:
      throw new Error(`ipam_driver = ${config.DEFAULT.ipam_driver} is not available in this build`)
  }
}
