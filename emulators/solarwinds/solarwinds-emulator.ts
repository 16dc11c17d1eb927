import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { listenEmulator, type EmulatorHandle } from '../shared/emulator-handle.ts'
import { CallCounter, FaultInjector, installFaults } from '../shared/faults.ts'
import { SolarwindsStateHelpers } from './solarwinds-seed.ts'
import { registerSwisRoutes, swisErrorBody } from './swis-routes.ts'
import { SwisState } from './swis-state.ts'

/** Options of {@link startSolarwindsEmulator}. */
export interface SolarwindsEmulatorOptions {
  /** 0 or absent: a free port (the real SWIS REST endpoint is on 17774). */
  readonly port?: number
  readonly username: string
  readonly password: string
  /**
   * When set, every StartIpReservation lapses after this many seconds instead of the verb's
   * minutes (default 10), so tests can watch reservations expire.
   */
  readonly reservationTtlSeconds?: number
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
}

/** A running SolarWinds IPAM (SWIS REST/JSON) emulator. */
export interface SolarwindsEmulator extends EmulatorHandle {
  readonly state: SolarwindsStateHelpers
}

/** Reads JSON bodies, tolerating an empty one. */
function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    try {
      done(null, JSON.parse(text))
    } catch {
      done(
        Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }),
        undefined,
      )
    }
  })
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body)
  })
}

function injectedFailure(status: number, reply: FastifyReply): FastifyReply {
  return reply.type('application/json').send(swisErrorBody(`Injected failure (HTTP ${status}).`))
}

/**
 * Starts a SolarWinds IPAM emulator on 127.0.0.1: the SWIS REST/JSON endpoint
 * (`/SolarWinds/InformationService/v3/Json/…`) over an IPAM tree that starts with the root folder
 * only, plus the shared fault injection and call counting (`/__emulator/…`).
 */
export async function startSolarwindsEmulator(
  options: SolarwindsEmulatorOptions,
): Promise<SolarwindsEmulator> {
  const state = new SwisState(options.reservationTtlSeconds)
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
    registerSwisRoutes(app, state, { username: options.username, password: options.password })
    return app
  }
  const handle = await listenEmulator(build, faults, calls, options.port ?? 0)
  return {
    ...handle,
    url: tls === undefined ? handle.url : handle.url.replace(/^http:/, 'https:'),
    state: new SolarwindsStateHelpers(state),
  }
}
