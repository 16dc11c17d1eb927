import type { CloudEntry } from './clouds-yaml.ts'
import { UsageError } from './errors.ts'
import { keystoneAuthenticate, pickEndpoint, type KeystoneCredentials } from './keystone-auth.ts'

/** The `--os-*` options, as commander parses them onto the program. */
export interface SessionOptions {
  readonly osEndpoint?: string
  readonly osToken?: string
  readonly osAuthType?: string
  readonly osProjectId?: string
  readonly osRoles?: string
  readonly osCloud?: string
  readonly osAuthUrl?: string
  readonly osUsername?: string
  readonly osPassword?: string
  readonly osProjectName?: string
  readonly osUserDomainName?: string
  readonly osProjectDomainName?: string
  readonly osRegionName?: string
  readonly osInterface?: string
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
  /** Keystone settings, when an auth URL is known (flags, OS_* variables or clouds.yaml). */
  readonly keystone: Omit<KeystoneCredentials, 'method'> | undefined
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
    throw new UsageError(
      'No endpoint: set OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME (or OS_CLOUD) to find it in the Keystone catalog, or set OS_ENDPOINT (or OS_URL) or pass --os-endpoint, e.g. http://127.0.0.1:9696',
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
 * Keystone v3 authentication: a project-scoped token from Keystone, and the endpoint of the
 * `network` service from the catalog that came with it (an explicit endpoint wins).
 */
const keystone =
  (method: KeystoneCredentials['method']): AuthPlugin =>
  async (settings) => {
    const credentials = settings.keystone
    if (credentials === undefined) {
      throw new UsageError(
        `Keystone auth needs an auth URL: set OS_AUTH_URL (or auth_url of the cloud in clouds.yaml with OS_CLOUD)`,
      )
    }
    const auth = await keystoneAuthenticate({ ...credentials, method })
    const endpoint =
      settings.endpoint ??
      pickEndpoint(auth.catalog, 'network', credentials.interface, credentials.regionName)
    return {
      endpoint: requireEndpoint({ ...settings, endpoint }),
      headers: { 'X-Auth-Token': auth.token },
    }
  }

/**
 * `token`: with an endpoint, the token is sent as is (as `admin_token`); with only an auth URL,
 * it is exchanged at Keystone for a scoped token with a catalog (as keystoneauth's v3token).
 */
const tokenPlugin: AuthPlugin = (settings) =>
  settings.endpoint === undefined && settings.keystone !== undefined
    ? keystone('token')(settings)
    : adminToken(settings)

/** Auth types by `--os-auth-type` / OS_AUTH_TYPE (or clouds.yaml `auth_type`) name. */
const AUTH_PLUGINS: Readonly<Record<string, AuthPlugin>> = {
  none: noAuth,
  noauth: noAuth,
  admin_token: adminToken,
  token_endpoint: adminToken,
  token: tokenPlugin,
  v3token: keystone('token'),
  password: keystone('password'),
  v3password: keystone('password'),
}

/**
 * The Keystone settings, as keystoneauth reads them: each flag wins over its OS_* variable,
 * which wins over the cloud's entry in clouds.yaml. Undefined without an auth URL.
 */
function keystoneCredentials(
  options: SessionOptions,
  env: Readonly<Record<string, string | undefined>>,
  cloud: CloudEntry | undefined,
  token: string | undefined,
): Omit<KeystoneCredentials, 'method'> | undefined {
  const auth = cloud?.auth ?? {}
  const pick = (flag: string | undefined, names: readonly string[], key: string) =>
    nonEmpty(flag) ?? names.map((n) => nonEmpty(env[n])).find((v) => v !== undefined) ?? auth[key]
  const authUrl = pick(options.osAuthUrl, ['OS_AUTH_URL'], 'auth_url')
  if (authUrl === undefined) return undefined
  const insecure = nonEmpty(env.OS_INSECURE)
  return {
    authUrl,
    username: pick(options.osUsername, ['OS_USERNAME'], 'username'),
    userId: pick(undefined, ['OS_USER_ID'], 'user_id'),
    password: pick(options.osPassword, ['OS_PASSWORD'], 'password'),
    token: token ?? auth.token,
    userDomainName: pick(options.osUserDomainName, ['OS_USER_DOMAIN_NAME'], 'user_domain_name'),
    userDomainId: pick(undefined, ['OS_USER_DOMAIN_ID'], 'user_domain_id'),
    projectName: pick(options.osProjectName, ['OS_PROJECT_NAME', 'OS_TENANT_NAME'], 'project_name'),
    projectId: pick(options.osProjectId, ['OS_PROJECT_ID', 'OS_TENANT_ID'], 'project_id'),
    projectDomainName: pick(
      options.osProjectDomainName,
      ['OS_PROJECT_DOMAIN_NAME'],
      'project_domain_name',
    ),
    projectDomainId: pick(undefined, ['OS_PROJECT_DOMAIN_ID'], 'project_domain_id'),
    defaultDomainId:
      pick(undefined, ['OS_DEFAULT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN'], '') ?? 'default',
    regionName: nonEmpty(options.osRegionName) ?? nonEmpty(env.OS_REGION_NAME) ?? cloud?.regionName,
    interface:
      nonEmpty(options.osInterface) ??
      nonEmpty(env.OS_INTERFACE) ??
      nonEmpty(env.OS_ENDPOINT_TYPE) ??
      cloud?.interface ??
      'public',
    cacert: nonEmpty(env.OS_CACERT) ?? cloud?.cacert,
    insecure:
      insecure === undefined ? cloud?.verify === false : ['1', 'true', 'yes'].includes(insecure),
  }
}

/**
 * The session for a command, like the openstack CLI resolves it: each `--os-*` flag wins over its
 * environment variable (OS_ENDPOINT, or its alias OS_URL; OS_TOKEN; OS_AUTH_TYPE; OS_PROJECT_ID;
 * OS_ROLES; the Keystone ones: OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME,
 * OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME, OS_INTERFACE), which wins over
 * the cloud named by OS_CLOUD in clouds.yaml. Without an auth type: a token selects
 * `admin_token` (or `token` at Keystone when there is an auth URL but no endpoint), an auth URL
 * selects `password`, and nothing selects `none`.
 * @throws UsageError when the endpoint or the credentials are missing or unsupported
 * @throws ApiError when Keystone refuses the credentials, ConnectionError when it is unreachable,
 *   CommandError when its catalog has no network endpoint
 */
export async function openSession(
  options: SessionOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Session> {
  const cloudName = nonEmpty(options.osCloud) ?? nonEmpty(env.OS_CLOUD)
  // NOTE: loaded on demand: the YAML parser is only needed with a cloud name.
  const cloud =
    cloudName === undefined
      ? undefined
      : (await import('./clouds-yaml.ts')).loadCloud(cloudName, env)
  const token = options.osToken ?? nonEmpty(env.OS_TOKEN)
  const settings: AuthSettings = {
    endpoint: options.osEndpoint ?? nonEmpty(env.OS_ENDPOINT) ?? nonEmpty(env.OS_URL),
    token,
    projectId: options.osProjectId ?? nonEmpty(env.OS_PROJECT_ID),
    roles: options.osRoles ?? nonEmpty(env.OS_ROLES),
    keystone: keystoneCredentials(options, env, cloud, token),
    env,
  }
  const authType =
    options.osAuthType ?? nonEmpty(env.OS_AUTH_TYPE) ?? cloud?.authType ?? defaultAuthType(settings)
  const plugin = AUTH_PLUGINS[authType]
  if (plugin === undefined) {
    throw new UsageError(
      `Auth type '${authType}' is not supported yet: use ${Object.keys(AUTH_PLUGINS).join(', ')}`,
    )
  }
  return plugin(settings)
}

function defaultAuthType(settings: AuthSettings): string {
  if (settings.token !== undefined) {
    return settings.endpoint === undefined && settings.keystone !== undefined
      ? 'v3token'
      : 'admin_token'
  }
  return settings.keystone === undefined ? 'none' : 'password'
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
