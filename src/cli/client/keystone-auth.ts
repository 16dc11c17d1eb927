import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { ApiError, CommandError, ConnectionError, UsageError } from './errors.ts'

/** What Keystone v3 authentication needs, from flags, OS_* variables and clouds.yaml. */
export interface KeystoneCredentials {
  readonly authUrl: string
  /** `password`: user and password; `token`: an existing token re-scoped (OS_TOKEN). */
  readonly method: 'password' | 'token'
  readonly username: string | undefined
  readonly userId: string | undefined
  readonly password: string | undefined
  readonly token: string | undefined
  readonly userDomainName: string | undefined
  readonly userDomainId: string | undefined
  readonly projectName: string | undefined
  readonly projectId: string | undefined
  readonly projectDomainName: string | undefined
  readonly projectDomainId: string | undefined
  /** Domain id used when neither a name nor an id is given (OS_DEFAULT_DOMAIN, "default"). */
  readonly defaultDomainId: string
  readonly regionName: string | undefined
  /** public (default), internal or admin. */
  readonly interface: string
  readonly cacert: string | undefined
  readonly insecure: boolean
}

/** One endpoint of the service catalog that came with the token. */
export interface CatalogEndpoint {
  readonly type: string
  readonly interface: string
  readonly region: string
  readonly url: string
}

/** A token and the catalog it came with. */
export interface KeystoneAuth {
  readonly token: string
  readonly catalog: readonly CatalogEndpoint[]
}

const TIMEOUT_MS = 60_000

type JsonMap = Readonly<Record<string, unknown>>

function map(value: unknown): JsonMap | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonMap)
    : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `http://k:5000`, `http://k:5000/v3/` → `http://k:5000/v3` (the v3 API is the only one). */
export function identityUrl(authUrl: string): string {
  let url: URL
  try {
    url = new URL(authUrl.trim())
  } catch {
    throw new UsageError(`Invalid auth URL '${authUrl}': expected e.g. http://keystone:5000/v3`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`Invalid auth URL '${authUrl}': only http and https are supported`)
  const path = url.pathname.replace(/\/+$/, '')
  if (/\/v2\.0$/.test(path))
    throw new UsageError(`Invalid auth URL '${authUrl}': use the identity v3 API (/v3)`)
  url.pathname = /\/v3$/.test(path) ? path : `${path}/v3`
  return url.href.replace(/\/+$/, '')
}

function domain(id: string | undefined, name: string | undefined, fallbackId: string): JsonMap {
  if (id !== undefined) return { id }
  if (name !== undefined) return { name }
  return { id: fallbackId }
}

function authBody(c: KeystoneCredentials): JsonMap {
  let identity: JsonMap
  if (c.method === 'token') {
    if (c.token === undefined) throw new UsageError('Token auth needs OS_TOKEN or --os-token')
    identity = { methods: ['token'], token: { id: c.token } }
  } else {
    if (c.username === undefined && c.userId === undefined)
      throw new UsageError('Password auth needs a user: set OS_USERNAME (or OS_USER_ID)')
    if (c.password === undefined)
      throw new UsageError('Password auth needs a password: set OS_PASSWORD')
    const user =
      c.userId !== undefined
        ? { id: c.userId, password: c.password }
        : {
            name: c.username,
            password: c.password,
            domain: domain(c.userDomainId, c.userDomainName, c.defaultDomainId),
          }
    identity = { methods: ['password'], password: { user } }
  }
  if (c.projectId === undefined && c.projectName === undefined)
    throw new UsageError('Keystone auth needs a project: set OS_PROJECT_NAME (or OS_PROJECT_ID)')
  const project =
    c.projectId !== undefined
      ? { id: c.projectId }
      : {
          name: c.projectName,
          domain: domain(c.projectDomainId, c.projectDomainName, c.defaultDomainId),
        }
  return { auth: { identity, scope: { project } } }
}

function catalogOf(body: unknown): CatalogEndpoint[] {
  const catalog = map(map(body)?.token)?.catalog
  if (!Array.isArray(catalog)) return []
  return catalog.flatMap((entry) => {
    const service = map(entry)
    const type = str(service?.type)
    const endpoints = service?.endpoints
    if (type === undefined || !Array.isArray(endpoints)) return []
    return endpoints.flatMap((e) => {
      const endpoint = map(e)
      const url = str(endpoint?.url)
      if (url === undefined) return []
      return [
        {
          type,
          interface: str(endpoint?.interface) ?? 'public',
          region: str(endpoint?.region_id) ?? str(endpoint?.region) ?? '',
          url,
        },
      ]
    })
  })
}

/**
 * Authenticates with Keystone (`POST /v3/auth/tokens`, catalog included), as keystoneauth does
 * for the openstack CLI.
 * @throws UsageError when credentials are missing, ApiError when Keystone refuses them,
 *   ConnectionError when it cannot be reached
 */
export async function keystoneAuthenticate(c: KeystoneCredentials): Promise<KeystoneAuth> {
  const base = identityUrl(c.authUrl)
  const payload = JSON.stringify(authBody(c))
  let answer: { status: number; subject: string | undefined; text: string }
  try {
    answer = await post(new URL(`${base}/auth/tokens`), payload, c)
  } catch (error) {
    throw new ConnectionError(`Unable to connect to Keystone at ${base}: ${problem(error)}`)
  }
  let body: unknown
  try {
    body = JSON.parse(answer.text) as unknown
  } catch {
    body = undefined
  }
  if (answer.status !== 201 && answer.status !== 200) {
    const error = map(map(body)?.error)
    throw new ApiError(
      answer.status,
      str(error?.title),
      str(error?.message) ?? `Keystone at ${base} refused the authentication`,
    )
  }
  if (answer.subject === undefined)
    throw new CommandError(`Keystone at ${base} issued no token (no X-Subject-Token)`)
  return { token: answer.subject, catalog: catalogOf(body) }
}

/**
 * The URL of a service in the catalog, like keystoneauth's endpoint filter: the type, the
 * interface (public, internal, admin; `publicURL` also accepted) and, when given, the region.
 * @throws CommandError when the catalog has no such endpoint
 */
export function pickEndpoint(
  catalog: readonly CatalogEndpoint[],
  type: string,
  wanted: string,
  region: string | undefined,
): string {
  const iface = wanted.replace(/URL$/, '')
  const found = catalog.find(
    (e) =>
      e.type === type &&
      e.interface === iface &&
      (region === undefined || region === '' || e.region === region),
  )
  if (found === undefined) {
    throw new CommandError(
      `${iface} endpoint for ${type} service${region === undefined ? '' : ` in ${region} region`} not found`,
    )
  }
  return found.url
}

function post(
  url: URL,
  payload: string,
  c: KeystoneCredentials,
): Promise<{ status: number; subject: string | undefined; text: string }> {
  const https = url.protocol === 'https:'
  const tls = https
    ? {
        rejectUnauthorized: !c.insecure,
        ...(c.cacert === undefined ? {} : { ca: readFileSync(c.cacert, 'utf8') }),
      }
    : {}
  const send = https ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': String(Buffer.byteLength(payload)),
          'User-Agent': 'xloud-cli',
        },
        ...tls,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const subject = response.headers['x-subject-token']
          resolve({
            status: response.statusCode ?? 0,
            subject: Array.isArray(subject) ? subject[0] : subject,
            text: Buffer.concat(chunks).toString('utf8'),
          })
        })
      },
    )
    request.setTimeout(TIMEOUT_MS, () => {
      request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`))
    })
    request.on('error', reject)
    request.end(payload)
  })
}

const WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOENT: 'CA bundle not found',
}

function problem(error: unknown): string {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return WORDS[code] ?? code
  return error instanceof Error ? error.message : String(error)
}
