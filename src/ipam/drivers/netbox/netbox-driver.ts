import type { Config } from '../../../config/load-config.ts'
import type { ExternalBackend } from '../external/external-backend.ts'

/** The netbox backend from `[netbox]`. @throws Error naming the section and key at fault */
export function netboxBackend(_config: Config): ExternalBackend {
  throw new Error('ipam_driver = netbox is not available in this build yet')
}
