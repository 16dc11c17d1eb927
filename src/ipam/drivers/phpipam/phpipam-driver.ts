import type { Config } from '../../../config/load-config.ts'
import type { ExternalBackend } from '../external/external-backend.ts'

/** The phpipam backend from `[phpipam]`. @throws Error naming the section and key at fault */
export function phpipamBackend(_config: Config): ExternalBackend {
  throw new Error('ipam_driver = phpipam is not available in this build yet')
}
