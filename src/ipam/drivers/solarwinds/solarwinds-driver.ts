import type { Config } from '../../../config/load-config.ts'
import type { ExternalBackend } from '../external/external-backend.ts'

/** The solarwinds backend from `[solarwinds]`. @throws Error naming the section and key at fault */
export function solarwindsBackend(_config: Config): ExternalBackend {
  throw new Error('ipam_driver = solarwinds is not available in this build yet')
}
