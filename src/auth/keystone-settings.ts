import type { Config } from '../config/load-config.ts'
import { readSecret } from '../ipam/drivers/external/vendor-settings.ts'
import { identityRoot, type PasswordCredentials } from './keystone-client.ts'

/** `[keystone_authtoken]`, checked and resolved (the password read from its file). */
export interface KeystoneSettings {
  /** The identity v3 root this service talks to, e.g. http://keystone:5000/v3. */
  readonly authUrl: string
  /** Sent to clients with a 401: `WWW-Authenticate: Keystone uri="<this>"`. */
  readonly wwwAuthenticateUri: string
  readonly credentials: PasswordCredentials
  /** Where the password came from, for reports (never the password). */
  readonly passwordSource: string
  readonly regionName: string
  readonly cafile: string
  readonly insecure: boolean
  readonly cacheTimeMs: number
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
}

function required(key: string, value: string): string {
  if (value.trim() === '')
    throw new Error(`[keystone_authtoken] ${key} must be set for auth_strategy = keystone`)
  return value.trim()
}

/**
 * Reads `[keystone_authtoken]`.
 * @throws Error naming the section and key of a missing or bad option (never a value of a
 *   secret), or an unreadable password_file
 */
export function keystoneSettings(section: Config['keystone_authtoken']): KeystoneSettings {
  const authUrl = identityRoot(required('auth_url', section.auth_url))
  const password = readSecret(
    'keystone_authtoken',
    'password',
    section.password,
    section.password_file,
  )
  if (password === '') throw new Error('[keystone_authtoken] password_file: the file is empty')
  return {
    authUrl,
    wwwAuthenticateUri:
      section.www_authenticate_uri.trim() === '' ? authUrl : section.www_authenticate_uri.trim(),
    credentials: {
      username: required('username', section.username),
      password,
      userDomainName: required('user_domain_name', section.user_domain_name),
      projectName: required('project_name', section.project_name),
      projectDomainName: required('project_domain_name', section.project_domain_name),
    },
    passwordSource:
      section.password === ''
        ? `password_file ${section.password_file}`
        : 'password in [keystone_authtoken]',
    regionName: section.region_name.trim(),
    cafile: section.cafile.trim(),
    insecure: section.insecure,
    cacheTimeMs: section.token_cache_time * 1000,
    connectTimeoutMs: section.http_connect_timeout * 1000,
    requestTimeoutMs: section.http_request_timeout * 1000,
  }
}
