import { randomUUID } from 'node:crypto'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify'
import { AuthenticationError, type Authenticator } from '../auth/authenticator.ts'
import { Errors, NeutronError } from '../domain/errors.ts'
import type { AppServices } from '../services/app-services.ts'
import type { RequestContext } from '../services/request-context.ts'
import { toJson } from './json.ts'
import { registerAuthRoutes } from './routes/auth-routes.ts'
import { registerAvailabilityRoutes } from './routes/availability-routes.ts'
import { registerInfoRoutes } from './routes/info-routes.ts'
import { registerIpamRoutes } from './routes/ipam-routes.ts'
import { registerNetworkingRoutes } from './routes/networking-routes.ts'
import { registerTagRoutes } from './routes/tag-routes.ts'
import { registerWhoamiRoutes } from './routes/whoami-routes.ts'

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext | undefined
  }
}

export interface AppOptions {
  readonly services: AppServices
  readonly authenticator: Authenticator
  /** A pino logger, or nothing to log nothing. */
  readonly logger?: FastifyBaseLogger | false
  /** Extra routes (health, metrics, dashboard) registered by the server. */
  readonly extend?: (app: FastifyInstance) => void | Promise<void>
}

/**
 * Paths anyone may read without credentials (version discovery, probes, the dashboard and its
 * sign-in).
 */
const PUBLIC = [
  /^\/$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/dashboard(\/|$)/,
  /^\/v2\.0\/auth\/(config|login)$/,
]

function errorBody(e: NeutronError): {
  NeutronError: { type: string; message: string; detail: string }
} {
  return { NeutronError: { type: e.type, message: e.message, detail: '' } }
}

/** Deeper JSON than any Neutron body needs; deeper is refused (it could only exhaust the stack). */
const MAX_BODY_DEPTH = 32

/** A JSON body: empty is none; invalid UTF-8, invalid JSON or too deep nesting is refused. */
function parseBody(raw: Buffer | string): unknown {
  let text: string
  try {
    text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw)
  } catch {
    throw Errors.badRequest('Body contains invalid data: it is not UTF-8')
  }
  if (text.trim() === '') return undefined
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw Errors.badRequest('Body contains invalid data')
  }
  if (depthExceeds(body, MAX_BODY_DEPTH)) {
    throw Errors.badRequest(
      `Body contains invalid data: nested deeper than ${MAX_BODY_DEPTH} levels`,
    )
  }
  return body
}

/** Whether arrays and objects nest deeper than `max` (iteratively: no recursion to overflow). */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item
    if (typeof v !== 'object' || v === null) continue
    if (depth > max) return true
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return false
}

/** The Neutron v2.0 API as a Fastify app (not listening: `inject()` it or `listen()` it). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger === undefined || options.logger === false
      ? { logger: false }
      : { loggerInstance: options.logger }),
    // NOTE: a long id is an unknown one (404), as in Neutron, not Fastify's 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
    // NOTE: Fastify's own refusals (a malformed URL) in Neutron's envelope.
    frameworkErrors: (_error, _request, reply: FastifyReply) => {
      const e = Errors.badRequest('The URL is malformed')
      void reply.code(e.status).type('application/json').send(errorBody(e))
    },
    bodyLimit: 16 * 1024 * 1024,
    genReqId: () => `req-${randomUUID()}`,
    logController: new LogController({ disableRequestLogging: true }),
  })
  app.decorateRequest('ctx', undefined)
  app.setReplySerializer((payload) => toJson(payload))

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, raw, done) => {
    try {
      done(null, parseBody(raw))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-openstack-request-id', request.id)
    const path = request.url.split('?')[0] ?? ''
    if (PUBLIC.some((p) => p.test(path))) return
    request.ctx = await options.authenticator.authenticate(request.headers)
    // NOTE: a NUL can reach no stored value (PostgreSQL refuses it in text): refuse it up front.
    if (/%00/.test(request.url))
      throw Errors.badRequest('NUL characters are not allowed in the URL')
  })

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof NeutronError) {
      // NOTE: no stack: these are answers (an outage, a busy database), not bugs.
      if (error.status >= 500)
        request.log.warn({ type: error.type, url: request.url }, error.message)
      return reply.code(error.status).type('application/json').send(errorBody(error))
    }
    if (error instanceof AuthenticationError) {
      if (error.wwwAuthenticate !== undefined)
        reply.header('www-authenticate', error.wwwAuthenticate)
      return reply
        .code(401)
        .type('application/json')
        .send({ error: { code: 401, title: 'Unauthorized', message: error.message } })
    }
    const status = (error as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const e =
        status === 413
          ? Errors.badRequest('Request body too large')
          : status === 415
            ? Errors.badRequest('Unsupported content type')
            : Errors.badRequest((error as Error).message)
      return reply.code(e.status).type('application/json').send(errorBody(e))
    }
    request.log.error({ err: error }, 'unexpected error')
    return reply
      .code(500)
      .type('application/json')
      .send(
        errorBody(
          new NeutronError(
            'HTTPInternalServerError',
            500,
            'Request Failed: internal server error while processing your request.',
          ),
        ),
      )
  })

  app.setNotFoundHandler((_request, reply) => {
    const e = Errors.notFound()
    return reply.code(404).type('application/json').send(errorBody(e))
  })

  registerInfoRoutes(app)
  registerNetworkingRoutes(app, options.services)
  registerTagRoutes(app, options.services.tags)
  registerAvailabilityRoutes(app, options.services.availability)
  registerIpamRoutes(app, options.services.ipamAdmin)
  registerWhoamiRoutes(app)
  registerAuthRoutes(app, options.authenticator)
  await options.extend?.(app)
  return app
}
