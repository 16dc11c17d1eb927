import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { listenEmulator, type EmulatorHandle } from '../shared/emulator-handle.ts'
import { CONTROL_PREFIX, CallCounter, FaultInjector, installFaults } from '../shared/faults.ts'
import type { NetboxGeneration } from './netbox-auth.ts'
import { NetboxApi, type ApiRequest } from './netbox-api.ts'
import { failureBody } from './netbox-errors.ts'
import { NetboxState } from './netbox-state.ts'

/** How to start a NetBox emulator. */
export interface NetboxEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent: a free one. */
  readonly port?: number
  /**
   * The API token clients must send: 40 hex characters for `Authorization: Token <token>`, or
   * `nbt_<key>.<token>` for `Authorization: Bearer …` (NetBox 4.5+).
   */
  readonly token: string
  /**
   * The NetBox generation to answer as: 3 (3.1.11, as recorded: `Token` only) or 4 (both
   * token formats, 4.x messages, plain IP writes under the lock). Default: 4 for an `nbt_`
   * token, else 3.
   */
  readonly tokenVersion?: NetboxGeneration
  /** MAX_PAGE_SIZE (default 1000; 0: no cap). */
  readonly maxPageSize?: number
  /** PAGINATE_COUNT, the default page size (default 50). */
  readonly paginateCount?: number
  /** ENFORCE_GLOBAL_UNIQUE for the global table (default false, as recorded on 3.1). VRFs carry their own flag. */
  readonly enforceUnique?: boolean
  /** Plain IP-address writes take the `available-ips` lock (default: true for generation 4, false for 3). */
  readonly lockPlainWrites?: boolean
  /** Delay between a plain create's uniqueness check and its insert, in ms (default 5). */
  readonly raceWindowMs?: number
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
}

/** A running NetBox emulator: the common handle plus its state for seeding and inspection. */
export interface NetboxEmulatorHandle extends EmulatorHandle {
  readonly state: NetboxState
  readonly api: NetboxApi
}

/**
 * Starts a NetBox API emulator (see {@link NetboxApi} for what it reproduces) with fault
 * injection, call counting and the `/__emulator/…` control routes. The state starts empty
 * apart from the token: seed VRFs, prefixes, tags and custom fields with `handle.state`.
 */
export async function startNetboxEmulator(
  options: NetboxEmulatorOptions,
): Promise<NetboxEmulatorHandle> {
  const generation: NetboxGeneration =
    options.tokenVersion ?? (options.token.startsWith('nbt_') ? 4 : 3)
  const state = new NetboxState({ enforceGlobalUnique: options.enforceUnique ?? false })
  state.addToken(options.token)
  const api = new NetboxApi(state, {
    generation,
    paging: {
      paginateCount: options.paginateCount ?? 50,
      maxPageSize: options.maxPageSize ?? 1000,
    },
    lockPlainWrites: options.lockPlainWrites ?? generation === 4,
    raceWindowMs: options.raceWindowMs ?? 5,
  })
  const faults = new FaultInjector()
  const calls = new CallCounter()
  const tls = options.tls
  const scheme = tls === undefined ? 'http' : 'https'

  const build = async (): Promise<FastifyInstance> => {
    const app = (tls === undefined
      ? Fastify({ logger: false })
      : Fastify({
          logger: false,
          https: { key: tls.key, cert: tls.cert },
        })) as unknown as FastifyInstance
    installRawBody(app)
    installFaults(app, faults, calls, (status, reply) =>
      reply
        .header('API-Version', api.apiVersion)
        .type('application/json')
        .send(JSON.stringify(failureBody(status))),
    )
    app.all('/*', async (request, reply) => {
      const res = await api.handle(toApiRequest(request, scheme))
      return sendRaw(reply, res.status, res.headers, res.body)
    })
    return app
  }

  const handle = await listenEmulator(build, faults, calls, options.port ?? 0)
  return { ...handle, url: `${scheme}://127.0.0.1:${handle.port}`, state, api }
}

/**
 * Keeps request bodies as text for the vendor code (which parses them its own way) while the
 * control routes still get JSON objects.
 */
function installRawBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
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
}

function toApiRequest(request: FastifyRequest, scheme: string): ApiRequest {
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
    authorization: header('authorization'),
    contentType: header('content-type'),
    body: typeof request.body === 'string' ? request.body : undefined,
    clientIp: request.ip,
    origin: `${scheme}://${header('host') ?? '127.0.0.1'}`,
  }
}

/** Sends exactly these bytes with these headers. */
function sendRaw(
  reply: FastifyReply,
  status: number,
  headers: Record<string, string>,
  body: string,
): FastifyReply {
  reply.code(status)
  for (const [k, v] of Object.entries(headers)) reply.header(k, v)
  return reply.send(body)
}
