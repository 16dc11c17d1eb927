import type { Config } from '../../../config/load-config.ts'
import type { ExternalBackend } from '../external/external-backend.ts'

/** The bluecat backend from `[bluecat]`. @throws Error naming the section and key at fault */
export function bluecatBackend(_config: Config): ExternalBackend {
  throw new Error('ipam_driver = bluecat is not available in this build yet')
}
