import type { Config } from '../../../config/load-config.ts'
import { connect, readSecret, required } from '../external/vendor-settings.ts'
import type { BamApi } from './bluecat-api.ts'
import { BluecatBackend } from './bluecat-backend.ts'
import { BluecatV1Client } from './bluecat-v1-client.ts'
import { BluecatV2Client } from './bluecat-v2-client.ts'

/**
 * The BlueCat Address Manager backend from `[bluecat]`, over the RESTful v2 API or the legacy v1
 * API (`api_version`).
 * @throws Error naming the section and key at fault
 */
export function bluecatBackend(config: Config): BluecatBackend {
  const s = config.bluecat
  const url = required('bluecat', 'url', s.url).replace(/\/$/, '')
  const { http, resilience } = connect('bluecat', url, s)
  const options = {
    username: required('bluecat', 'username', s.username),
    password: readSecret('bluecat', 'password', s.password, s.password_file),
    pageSize: s.page_size,
  }
  const api: BamApi =
    s.api_version === 'v1'
      ? new BluecatV1Client(http, resilience, options)
      : new BluecatV2Client(http, resilience, options)
  return new BluecatBackend(
    http,
    resilience,
    api,
    {
      username: options.username,
      configuration: required('bluecat', 'configuration', s.configuration),
      dnsView: s.dns_view,
      dnsZone: s.dns_zone,
    },
    url,
  )
}
