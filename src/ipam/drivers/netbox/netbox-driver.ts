import type { Config } from '../../../config/load-config.ts'
import { connect, readSecret, required } from '../external/vendor-settings.ts'
import { NetboxBackend } from './netbox-backend.ts'

/** The NetBox backend from `[netbox]`. @throws Error naming the section and key at fault */
export function netboxBackend(config: Config): NetboxBackend {
  const s = config.netbox
  const url = required('netbox', 'url', s.url)
    .replace(/\/+$/, '')
    .replace(/\/api$/, '')
  const token = readSecret('netbox', 'token', s.token, s.token_file)
  if (token === '') throw new Error('[netbox] token or token_file must be set')
  if (/\s/.test(token))
    throw new Error('[netbox] token: the token alone is expected, without "Token" or "Bearer"')
  required('netbox', 'tag', s.tag)
  const { http, resilience } = connect('netbox', url, s)
  return new NetboxBackend(
    http,
    resilience,
    {
      token,
      vrf: s.vrf,
      tenant: s.tenant,
      dnsDomain: s.dns_domain.replace(/^\.+|\.+$/g, ''),
      tag: s.tag,
      pageSize: s.page_size,
    },
    url,
  )
}
