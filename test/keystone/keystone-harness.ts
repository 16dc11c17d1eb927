/**
 * A real Keystone for tests (Debian's package, started by test/fixtures/keystone/keystone.sh on
 * a free port with its own state directory), a counting proxy in front of it, and our server
 * with `auth_strategy = keystone`.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { bootstrap } from '../../src/server/bootstrap.ts'
import { startServer, type RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { freePort, ROOT } from '../support/server.ts'

export const KEYSTONE_SH = join(ROOT, 'test/fixtures/keystone/keystone.sh')

/** The users keystone.sh seeds: name → password and project (role admin, member, service). */
export const USERS = {
  admin: { password: 'admin-secret', project: 'admin' },
  demo: { password: 'demo-secret', project: 'demo' },
  xloud: { password: 'xloud-secret', project: 'service' },
} as const

export type UserName = keyof typeof USERS

/** A running Keystone owned by one test file. */
export interface Keystone {
  readonly port: number
  /** The identity v3 root, e.g. http://127.0.0.1:40123/v3. */
  readonly url: string
  /** A project-scoped token for a seeded user (password authentication). */
  issue(user: UserName): Promise<string>
  /** Revokes a token (`DELETE /v3/auth/tokens`, the token revoking itself). */
  revoke(token: string): Promise<void>
  projectId(name: string): Promise<string>
  /** Stops the server (keystone.sh down), keeping its state. */
  stop(): Promise<void>
  /** Starts it again on the same state (keystone.sh start). */
  start(): Promise<void>
  /** Stops it and removes its state directory. */
  destroy(): Promise<void>
}

function script(
  command: string,
  env: Readonly<Record<string, string>>,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [KEYSTONE_SH, command],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr })
        else reject(new Error(`keystone.sh ${command} failed: ${error.message}\n${stderr}`))
      },
    )
  })
}

/**
 * Builds, starts and seeds a Keystone (about 20 s) whose catalog points `network` at
 * `networkUrl`. Tokens live `tokenExpiration` seconds.
 */
export async function startKeystone(options: {
  readonly networkUrl: string
  readonly port?: number
  readonly tokenExpiration?: number
}): Promise<Keystone> {
  const port = options.port ?? (await freePort())
  const state = join(mkdtempSync(join(tmpdir(), 'xloud-keystone-')), 'state')
  const env = {
    KS_STATE: state,
    KS_PORT: String(port),
    KS_NETWORK_URL: options.networkUrl,
    KS_TOKEN_EXPIRATION: String(options.tokenExpiration ?? 3600),
    KS_FAST_KEYS: '1',
    KS_SKIP_VERIFY: '1',
  }
  await script('up', env)
  const url = `http://127.0.0.1:${port}/v3`
  const issue = async (user: UserName): Promise<string> => {
    const { password, project } = USERS[user]
    const res = await fetch(`${url}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, domain: { name: 'Default' }, password } },
          },
          scope: { project: { name: project, domain: { name: 'Default' } } },
        },
      }),
    })
    await res.text()
    const token = res.headers.get('x-subject-token')
    if (res.status !== 201 || token === null) throw new Error(`no token for ${user}: ${res.status}`)
    return token
  }
  return {
    port,
    url,
    issue,
    revoke: async (token) => {
      const res = await fetch(`${url}/auth/tokens`, {
        method: 'DELETE',
        headers: { 'x-auth-token': token, 'x-subject-token': token },
      })
      if (res.status !== 204) throw new Error(`revocation answered ${res.status}`)
    },
    projectId: async (name) => {
      const admin = await issue('admin')
      const res = await fetch(`${url}/projects?name=${encodeURIComponent(name)}`, {
        headers: { 'x-auth-token': admin },
      })
      const body = (await res.json()) as { projects: { id: string }[] }
      const id = body.projects[0]?.id
      if (id === undefined) throw new Error(`no project ${name}`)
      return id
    },
    stop: async () => {
      await script('down', env)
    },
    start: async () => {
      await script('start', env)
    },
    destroy: async () => {
      await script('down', env)
      rmSync(join(state, '..'), { recursive: true, force: true })
    },
  }
}

/** A pass-through proxy in front of Keystone that counts what our service asks. */
export interface CountingProxy {
  /** The identity v3 root through the proxy. */
  readonly url: string
  /** `GET /v3/auth/tokens` (validations) per subject token. */
  validations(token: string): number
  /** Every validation so far. */
  totalValidations(): number
  /** Times of `POST /v3/auth/tokens` (our service obtaining its own token), ms since epoch. */
  readonly tokenRequests: number[]
  close(): Promise<void>
}

/** Starts a proxy on a free port to Keystone on `upstreamPort` (which need not run yet). */
export async function startCountingProxy(upstreamPort: number): Promise<CountingProxy> {
  const validations = new Map<string, number>()
  const tokenRequests: number[] = []
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/v3/auth/tokens' && req.method === 'GET') {
      const subject = String(req.headers['x-subject-token'] ?? '')
      validations.set(subject, (validations.get(subject) ?? 0) + 1)
    }
    if (path === '/v3/auth/tokens' && req.method === 'POST') tokenRequests.push(Date.now())
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    // NOTE: Keystone down: close the client's connection, as an unreachable Keystone would.
    upstream.on('error', () => req.socket.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/v3`,
    validations: (token) => validations.get(token) ?? 0,
    totalValidations: () => [...validations.values()].reduce((a, b) => a + b, 0),
    tokenRequests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => {
          done()
        })
      }),
  }
}

/** Our API with `auth_strategy = keystone`, and its log lines. */
export interface KeystoneApi {
  readonly server: RunningServer
  readonly url: string
  /** Every log line so far (JSON text). */
  readonly logs: string[]
  close(): Promise<void>
}

/** neutron.conf for our service against Keystone at `authUrl` (password in a file). */
export function keystoneConfigText(options: {
  readonly databaseUrl: string
  readonly authUrl: string
  readonly wwwAuthenticateUri?: string
  readonly cacheTime?: number
  readonly password?: string
  readonly port?: number
}): string {
  const dir = mkdtempSync(join(tmpdir(), 'xloud-ks-api-'))
  const passwordFile = join(dir, 'service-password')
  writeFileSync(passwordFile, `${options.password ?? USERS.xloud.password}\n`, { mode: 0o600 })
  return [
    '[DEFAULT]',
    'bind_host = 127.0.0.1',
    `bind_port = ${options.port ?? 0}`,
    'auth_strategy = keystone',
    `state_path = ${dir}`,
    '[database]',
    `connection = ${options.databaseUrl}`,
    '[keystone_authtoken]',
    `auth_url = ${options.authUrl}`,
    ...(options.wwwAuthenticateUri === undefined
      ? []
      : [`www_authenticate_uri = ${options.wwwAuthenticateUri}`]),
    'auth_type = password',
    'username = xloud',
    `password_file = ${passwordFile}`,
    'project_name = service',
    'user_domain_name = Default',
    'project_domain_name = Default',
    'region_name = RegionOne',
    `token_cache_time = ${options.cacheTime ?? 300}`,
    'http_connect_timeout = 5',
    'http_request_timeout = 30',
    '[dashboard]',
    'enabled = true',
    '',
  ].join('\n')
}

/** Starts our API in this process with `auth_strategy = keystone`, logging into memory. */
export async function startKeystoneApi(
  options: Omit<Parameters<typeof keystoneConfigText>[0], 'databaseUrl'>,
): Promise<KeystoneApi> {
  const db: TestDatabase = await freshDatabase('sqlite')
  const config = buildConfig(parseOsloIni(keystoneConfigText({ ...options, databaseUrl: db.url })))
  await bootstrap(config)
  const logs: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      )
      done()
    },
  })
  const server = await startServer(config, pino({ level: 'info' }, sink))
  return {
    server,
    url: server.url,
    logs,
    close: async () => {
      await server.close()
      await db.drop()
    },
  }
}

/** One call to our API with a token, returning the status, the headers and the parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { 'x-auth-token': token }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown)
  } catch {
    parsed = text
  }
  return { status: res.status, headers: res.headers, body: parsed }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((done) => {
    setTimeout(done, ms)
  })
