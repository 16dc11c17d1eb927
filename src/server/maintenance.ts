import type { Logger } from 'pino'
import type { Config } from '../config/load-config.ts'
import type { Db } from '../db/database.ts'
import { pruneAudit } from '../ipam/audit.ts'
import type { IpamDriver } from '../ipam/driver.ts'

/**
 * Background work of an external driver, in every API process: settle reservations left open by
 * a process that died (recovery), and work through the release queue. Rows are claimed under
 * locks and leases, so any number of processes and nodes may run it at once.
 */
export function startMaintenance(
  ipam: IpamDriver,
  db: Db,
  config: Config,
  log: Logger | undefined,
): { stop(): void } {
  // The audit trail is pruned hourly whatever the driver.
  const prune = setInterval(() => {
    pruneAudit(db.kysely, config.ipam.audit_retention_days).catch((error: unknown) => {
      log?.warn({ ipam: ipam.name, err: (error as Error).message }, 'ipam: audit pruning failed')
    })
  }, 3_600_000)
  prune.unref()
  const external = ipam.external
  if (external === undefined)
    return {
      stop: () => {
        clearInterval(prune)
      },
    }
  let running = false
  const tick = async (): Promise<void> => {
    if (running) return
    running = true
    try {
      await external.heartbeat()
      const recovered = await external.recover()
      if (recovered.undone > 0) {
        log?.warn(
          { ipam: external.driver, ...recovered },
          `ipam: recovery released ${recovered.undone} reservation(s) of ports never created`,
        )
      }
      const drained = await external.drainReleases()
      if (drained.released > 0)
        log?.info(
          { ipam: external.driver, ...drained },
          `ipam: released ${drained.released} queued address(es)`,
        )
      await external.journal.prune(24 * 3600_000)
    } catch (error) {
      log?.warn(
        { ipam: external.driver, err: (error as Error).message },
        `ipam: background work failed: ${(error as Error).message}`,
      )
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), config.ipam.maintenance_interval * 1000)
  timer.unref()
  void tick()
  return {
    stop: () => {
      clearInterval(timer)
    },
  }
}
