import { UsageError } from './errors.ts'

/** The `--os-*` options, as commander parses them onto the program. */
export interface SessionOptions {
  readonly osEndpoint?: string
  readonly osToken?: string
  readonly osAuthType?: string
  readonly osProjectId?: string
  readonly osRoles?: string
}

/** Where requests go and the headers that authenticate them. */
export interface Session {
  /** The API root, without a trailing slash or `/v2.0` (e.g. `http://127.0.0.1:9696`). */
  readonly endpoint: string
  readonly headers: Readonly<Record<string, string>>
}

/** The settings an auth plugin gets: flags first, then the `OS_*` environment. */
export interface AuthSettings {
  readonly endpoint: string | undefined
  readonly token: string | undefined
  readonly projectId: string | undefined
  readonly roles: string | undefined
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Turns settings into a session; may talk to an identity service (hence async). */
type AuthPlugin = (settings: AuthSettings) => Promise<Session>

/**
 * Identity headers for a server in `auth_strategy = noauth` (ignored by token-checking servers,
 * which take the project and roles from the token).
 */
function identityHeaders(settings: AuthSettings): Record<string, string> {
  const headers: Record<string, string> = {}
  if (settings.projectId !== undefined && settings.projectId !== '') {
    headers['X-Project-Id'] = settings.projectId
  }
  if (settings.roles !== undefined && settings.roles !== '') headers['X-Roles'] = settings.roles
  return headers
}

function requireEndpoint(settings: AuthSettings): string {
  const raw = settings.endpoint
  if (raw === undefined || raw.trim() === '') {
    const keystone =
      settings.env.OS_AUTH_URL === undefined
        ? ''
        : ' (OS_AUTH_URL is set, but finding the endpoint through Keystone is not supported yet)'
    throw new UsageError(
      `No endpoint: set OS_ENDPOINT (or OS_URL) or pass --os-endpoint, e.g. http://127.0.0.1:9696${keystone}`,
    )
  }
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new UsageError(`Invalid endpoint '${raw}': expected a URL such as http://127.0.0.1:9696`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Invalid endpoint '${raw}': only http and https are supported`)
  }
  // NOTE: people paste the versioned URL from a service catalog; requests add /v2.0 themselves.
  return url.href.replace(/\/+$/, '').replace(/\/v2\.0$/, '')
}

const noAuth: AuthPlugin = (settings) =>
  Promise.resolve({ endpoint: requireEndpoint(settings), headers: identityHeaders(settings) })

const adminToken: AuthPlugin = (settings) => {
  const endpoint = requireEndpoint(settings)
  if (settings.token === undefined || settings.token === '') {
    throw new UsageError('Token auth needs a token: set OS_TOKEN or pass --os-token')
  }
  return Promise.resolve({
    endpoint,
    headers: { ...identityHeaders(settings), 'X-Auth-Token': settings.token },
  })
}

/**
 * Auth types by `--os-auth-type` / OS_AUTH_TYPE name. Keystone (`password`, `v3password`, ...)
 * will be added here: a plugin that fetches a token and reads the endpoint from the catalog.
 */
const AUTH_PLUGINS: Readonly<Record<string, AuthPlugin>> = {
  none: noAuth,
  noauth: noAuth,
  admin_token: adminToken,
  token: adminToken,
  token_endpoint: adminToken,
}

/**
 * The session for a command, like the openstack CLI resolves it: each `--os-*` flag wins over its
 * environment variable (OS_ENDPOINT, or its alias OS_URL; OS_TOKEN; OS_AUTH_TYPE; OS_PROJECT_ID;
 * OS_ROLES). Without an auth type, a token selects `admin_token` and no token selects `none`.
 * @throws UsageError when the endpoint or the credentials are missing or unsupported
 */
export async function openSession(
  options: SessionOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Session> {
  const settings: AuthSettings = {
    endpoint: options.osEndpoint ?? nonEmpty(env.OS_ENDPOINT) ?? nonEmpty(env.OS_URL),
    token: options.osToken ?? nonEmpty(env.OS_TOKEN),
    projectId: options.osProjectId ?? nonEmpty(env.OS_PROJECT_ID),
    roles: options.osRoles ?? nonEmpty(env.OS_ROLES),
    env,
  }
  const authType =
    options.osAuthType ??
    nonEmpty(env.OS_AUTH_TYPE) ??
    (settings.token === undefined ? 'none' : 'admin_token')
  const plugin = AUTH_PLUGINS[authType]
  if (plugin === undefined) {
    throw new UsageError(
      `Auth type '${authType}' is not supported yet: use ${Object.keys(AUTH_PLUGINS).join(', ')}`,
    )
  }
  return plugin(settings)
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
