import type { Config } from '../../../config/load-config.ts'
import { connect, readSecret, required } from '../external/vendor-settings.ts'
import { InfobloxBackend } from './infoblox-backend.ts'

/** The Infoblox backend from `[infoblox]`. @throws Error naming the section and key at fault */
export function infobloxBackend(config: Config): InfobloxBackend {
  const s = config.infoblox
  const url = required('infoblox', 'wapi_url', s.wapi_url).replace(/\/$/, '')
  const { http, resilience } = connect('infoblox', url, s)
  return new InfobloxBackend(
    http,
    resilience,
    {
      version: s.wapi_version,
      username: required('infoblox', 'username', s.username),
      password: readSecret('infoblox', 'password', s.password, s.password_file),
      networkView: s.network_view,
      dnsView: s.dns_view,
      dnsZone: s.dns_zone,
      useHostRecords: s.use_host_records,
      pageSize: s.page_size,
    },
    url,
  )
}
