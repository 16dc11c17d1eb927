import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { listenEmulator, type EmulatorHandle } from '../shared/emulator-handle.ts'
import { CallCounter, FaultInjector, installFaults } from '../shared/faults.ts'
import type { BamContext } from './bluecat-context.ts'
import { BluecatStateHelpers } from './bluecat-seed.ts'
import { BamSessions } from './bluecat-sessions.ts'
import { BamState } from './bluecat-state.ts'
import { genericCode, v2ErrorBody } from './v2-http.ts'
import { V2_PREFIX } from './v2-render.ts'
import { registerV2Routes } from './v2-routes.ts'
import { registerV1Routes } from './v1-routes.ts'

/** Options of {@link startBluecatEmulator}. */
export interface BluecatEmulatorOptions {
  /** 0 or absent: a free port. */
  readonly port?: number
  readonly username: string
  readonly password: string
  /** Name of the one (empty) configuration that exists at start; default "default". */
  readonly configuration?: string
  /** Lifetime of v1 tokens and v2 sessions from login; default 86400 (the v2 guide's 24 h). */
  readonly sessionTimeoutSeconds?: number
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
}

/** A running BlueCat Address Manager emulator: both API generations on one port. */
export interface BluecatEmulator extends EmulatorHandle {
  readonly state: BluecatStateHelpers
}

/** Reads JSON bodies (also HAL and merge-patch), tolerating an empty body as BAM does. */
function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', 'application/hal+json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8')
      if (text.trim() === '') {
        done(null, undefined)
        return
      }
      try {
        done(null, JSON.parse(text))
      } catch {
        done(
          Object.assign(new Error('The request body is not valid JSON'), { statusCode: 400 }),
          undefined,
        )
      }
    },
  )
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body)
  })
}

/** An injected failure in the shape of the API generation that was called. */
function injectedFailure(status: number, reply: FastifyReply): FastifyReply {
  const reason = genericCode(status)
  if (reply.request.url.startsWith(V2_PREFIX)) {
    return reply.type('application/json').send(v2ErrorBody(status, reason, `${reason} (injected)`))
  }
  return reply.type('application/json').send(JSON.stringify(`${reason} (injected)`))
}

/**
 * Starts a BlueCat Address Manager emulator on 127.0.0.1: the legacy v1 REST API under
 * `/Services/REST/v1/` and the RESTful v2 API under `/api/v2/`, sharing one state with one empty
 * configuration, plus the shared fault injection and call counting (`/__emulator/…`).
 */
export async function startBluecatEmulator(
  options: BluecatEmulatorOptions,
): Promise<BluecatEmulator> {
  const state = new BamState()
  const configuration = state.addConfiguration(options.configuration ?? 'default')
  const sessions = new BamSessions(options.sessionTimeoutSeconds ?? 86400)
  const ctx: BamContext = {
    state,
    sessions,
    username: options.username,
    password: options.password,
  }
  const faults = new FaultInjector()
  const calls = new CallCounter()
  const tls = options.tls
  const build = async (): Promise<FastifyInstance> => {
    // NOTE: an HTTPS Fastify instance has another server type parameter; the handle only needs
    // what both share (listen, close, server.closeAllConnections).
    const app =
      tls === undefined
        ? Fastify({ logger: false })
        : (Fastify({
            logger: false,
            https: { key: tls.key, cert: tls.cert },
          }) as unknown as FastifyInstance)
    installBodyParsers(app)
    installFaults(app, faults, calls, injectedFailure)
    registerV1Routes(app, ctx)
    registerV2Routes(app, ctx)
    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).type('text/plain').send(`Not Found: ${request.url}`),
    )
    return app
  }
  const handle = await listenEmulator(build, faults, calls, options.port ?? 0)
  return {
    ...handle,
    url: tls === undefined ? handle.url : handle.url.replace(/^http:/, 'https:'),
    state: new BluecatStateHelpers(state, sessions, configuration.id),
  }
}
