import type { Config } from '../../../config/load-config.ts'
import { connect, readSecret, required } from '../external/vendor-settings.ts'
import { PhpipamBackend } from './phpipam-backend.ts'

/** The phpIPAM backend from `[phpipam]`. @throws Error naming the section and key at fault */
export function phpipamBackend(config: Config): PhpipamBackend {
  const s = config.phpipam
  const url = required('phpipam', 'url', s.url)
    .replace(/\/+$/, '')
    .replace(/\/api$/, '')
  const appId = required('phpipam', 'app_id', s.app_id)
  if (!/^[A-Za-z0-9_-]+$/.test(appId))
    throw new Error('[phpipam] app_id: letters, digits, "-" and "_" only')
  const section = required('phpipam', 'section', s.section)
  // NOTE: a static app token (app security "ssl_code") replaces the user login altogether.
  const appToken =
    s.app_token !== '' || s.app_token_file !== ''
      ? readSecret('phpipam', 'app_token', s.app_token, s.app_token_file)
      : ''
  let username = ''
  let password = ''
  if (appToken === '') {
    username = required('phpipam', 'username', s.username)
    password = readSecret('phpipam', 'password', s.password, s.password_file)
  }
  const { http, resilience } = connect('phpipam', url, s)
  return new PhpipamBackend(http, resilience, { appId, username, password, appToken, section }, url)
}
