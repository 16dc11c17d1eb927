import { TLSSocket } from 'node:tls'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { listenEmulator, type EmulatorHandle } from '../shared/emulator-handle.ts'
import { CONTROL_PREFIX, CallCounter, FaultInjector, installFaults } from '../shared/faults.ts'
import { PhpipamApi, type PiRequest } from './phpipam-api.ts'
import { PhpipamState, type PiApp } from './phpipam-state.ts'

/** How to start a phpIPAM emulator. */
export interface PhpipamEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent: a free one. */
  readonly port?: number
  /** The API app id (`/api/{appId}/…`). */
  readonly appId: string
  /** The user that logs in with HTTP Basic on `POST /api/{appId}/user/`. */
  readonly username: string
  readonly password: string
  /** The API write lock (1.8's `app_lock_type` File/MySQL); false reproduces `Disabled`. Default true. */
  readonly writeLock?: boolean
  /** Token lifetime in seconds, sliding (default 21600, phpIPAM's 6 h). */
  readonly tokenTtlSeconds?: number
  /**
   * The app's security: `none` (user token over plain HTTP, as recorded; default), `ssl_token`
   * (user token, HTTPS only) or `ssl_code` (the static `appCode` as token, HTTPS only).
   */
  readonly security?: 'none' | 'ssl_token' | 'ssl_code'
  /** The static app code for `ssl_code`. */
  readonly appCode?: string
  /** The app's permissions: 1 read, 2 read/write (default), 3 read/write/admin. */
  readonly permissions?: 1 | 2 | 3
  /** `api_allow_unsafe` (default true): `none` apps over plain HTTP. */
  readonly allowUnsafe?: boolean
  /** `api_stringify_results` (default false: PHP 8.1 native integers in GETs). */
  readonly stringifyResults?: boolean
  /** The initial, empty section (default `Customers`, id 1). */
  readonly section?: { readonly name?: string; readonly description?: string }
  /** Upper bound of the random per-round-trip delay in writes, in ms (default 1). */
  readonly dbLatencyMs?: number
  /** Without the write lock: upper bound of the random delay before a write runs, in ms (default 150). */
  readonly bootstrapJitterMs?: number
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
}

/** A running phpIPAM emulator: the common handle plus its state for seeding and inspection. */
export interface PhpipamEmulatorHandle extends EmulatorHandle {
  readonly state: PhpipamState
  /** The emulator's own API app. */
  readonly app: PiApp
  /** The initial section's id. */
  readonly sectionId: number
}

/**
 * Starts a phpIPAM API emulator (see {@link PhpipamApi} for what it reproduces) with fault
 * injection, call counting and the `/__emulator/…` control routes. It starts with the app,
 * the user and one empty section; seed subnets with `handle.state.addSubnet`.
 */
export async function startPhpipamEmulator(
  options: PhpipamEmulatorOptions,
): Promise<PhpipamEmulatorHandle> {
  const state = new PhpipamState()
  const app = state.addApp({
    appId: options.appId,
    security: options.security ?? 'none',
    permissions: options.permissions ?? 2,
    ...(options.appCode === undefined ? {} : { code: options.appCode }),
    writeLock: options.writeLock ?? true,
  })
  state.addUser(options.username, options.password)
  const section = state.addSection({
    name: options.section?.name ?? 'Customers',
    description: options.section?.description ?? '',
  })
  const api = new PhpipamApi(state, {
    tokenTtlSeconds: options.tokenTtlSeconds ?? 21600,
    allowUnsafe: options.allowUnsafe ?? true,
    stringifyResults: options.stringifyResults ?? false,
    dbLatencyMs: options.dbLatencyMs ?? 1,
    bootstrapJitterMs: options.bootstrapJitterMs ?? 150,
  })
  const faults = new FaultInjector()
  const calls = new CallCounter()
  const tls = options.tls

  const build = async (): Promise<FastifyInstance> => {
    const server = (tls === undefined
      ? Fastify({ logger: false })
      : Fastify({
          logger: false,
          https: { key: tls.key, cert: tls.cert },
        })) as unknown as FastifyInstance
    server.removeAllContentTypeParsers()
    server.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8')
      if (request.url.startsWith(CONTROL_PREFIX)) {
        try {
          done(null, text.trim() === '' ? {} : (JSON.parse(text) as unknown))
        } catch {
          done(null, {})
        }
        return
      }
      done(null, text)
    })
    installFaults(server, faults, calls, (status, reply) => {
      if (status === 401) reply.header('Location', `/api/${options.appId}/user/`)
      return reply
        .header('Content-Type', 'application/json; charset=utf-8')
        .send(api.failureBody(status))
    })
    server.all('/*', async (request, reply) => {
      const res = await api.handle(toPiRequest(request))
      return send(reply, res.status, res.headers, res.body)
    })
    return server
  }

  const handle = await listenEmulator(build, faults, calls, options.port ?? 0)
  const scheme = tls === undefined ? 'http' : 'https'
  return {
    ...handle,
    url: `${scheme}://127.0.0.1:${handle.port}`,
    state,
    app,
    sectionId: section.id,
  }
}

function toPiRequest(request: FastifyRequest): PiRequest {
  const url = request.url
  const q = url.indexOf('?')
  const header = (name: string): string | undefined => {
    const v = request.headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  return {
    method: request.method,
    path: q < 0 ? url : url.slice(0, q),
    search: q < 0 ? '' : url.slice(q + 1),
    headers: {
      authorization: header('authorization'),
      contentType: header('content-type'),
      // NOTE: phpIPAM copies `token` into `phpipam-token` only when the latter is absent.
      token: header('phpipam-token') ?? header('token'),
      stringify: header('api-stringify-results'),
    },
    body: typeof request.body === 'string' ? request.body : undefined,
    clientIp: request.ip,
    secure: request.raw.socket instanceof TLSSocket,
  }
}

function send(
  reply: FastifyReply,
  status: number,
  headers: Record<string, string>,
  body: string,
): FastifyReply {
  reply.code(status)
  for (const [k, v] of Object.entries(headers)) reply.header(k, v)
  return reply.send(body)
}
