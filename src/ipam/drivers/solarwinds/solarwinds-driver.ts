import type { Config } from '../../../config/load-config.ts'
import { connect, readSecret, required } from '../external/vendor-settings.ts'
import { SolarwindsBackend } from './solarwinds-backend.ts'
import { SwisClient } from './swis-client.ts'

/** The solarwinds backend from `[solarwinds]`. @throws Error naming the section and key at fault */
export function solarwindsBackend(config: Config): SolarwindsBackend {
  const s = config.solarwinds
  const url = required('solarwinds', 'url', s.url).replace(/\/$/, '')
  const { http, resilience } = connect('solarwinds', url, s)
  const username = required('solarwinds', 'username', s.username)
  const swis = new SwisClient(http, resilience, {
    username,
    password: readSecret('solarwinds', 'password', s.password, s.password_file),
    pageSize: s.page_size,
  })
  const lifetimeMs = s.reservation_minutes * 60_000
  // NOTE: a finish must reach SolarWinds while the reservation still holds: it is only sent
  // when at least a request timeout (10 s at least, half the lifetime at most) is left.
  const marginMs = Math.min(lifetimeMs / 2, Math.max(10_000, s.request_timeout * 1000))
  return new SolarwindsBackend(http, resilience, swis, {
    username,
    group: s.group,
    reservationMinutes: s.reservation_minutes,
    finishWithinMs: lifetimeMs - marginMs,
  })
}
