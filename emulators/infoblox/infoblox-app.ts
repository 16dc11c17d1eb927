/**
 * The HTTP face of the emulator: `/wapi/v<major>.<minor>[.<patch>]/…` with Basic / cookie
 * authentication, the appliance's HTML 401 and 403 pages, WAPI JSON errors, and the shared
 * fault injection and call counting.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { installFaults, type CallCounter, type FaultInjector } from '../shared/faults.ts'
import type { WapiAuth } from './wapi-auth.ts'
import { WapiError, WapiErrors } from './wapi-error.ts'
import type { WapiHandler } from './wapi-handler.ts'
import type { Json } from './wapi-json.ts'

/** What the app is built from; the state lives outside so a rebuilt app (resume) keeps it. */
export interface InfobloxAppOptions {
  readonly handler: WapiHandler
  readonly auth: WapiAuth
  readonly faults: FaultInjector
  readonly calls: CallCounter
  readonly tls?: { readonly key: string; readonly cert: string }
}

/** A body that was not valid JSON, kept so the handler answers with a WAPI error. */
class InvalidJson {
  constructor(readonly text: string) {}
}

const VERSION_PATH = /^\/wapi\/(v(\d+)\.(\d+)(?:\.(\d+))?)(?:\/(.*))?$/
const AUTH_REALM = 'InfoBlox ONE Platform'

const UNAUTHORIZED_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>401 Authorization Required</title>
</head><body>
<h1>Authorization Required</h1>
<p>This server could not verify that you
are authorized to access the document
requested.  Either you supplied the wrong
credentials (e.g., bad password), or your
browser doesn't understand how to supply
the credentials required.</p>
</body></html>
`

function forbiddenPage(path: string): string {
  const safe = path.replace(/[<>&"]/g, '')
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>403 Forbidden</title>
</head><body>
<h1>Forbidden</h1>
<p>You don't have permission to access ${safe}
on this server.</p>
</body></html>
`
}

function notFoundPage(path: string): string {
  const safe = path.replace(/[<>&"]/g, '')
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL ${safe} was not found on this server.</p>
</body></html>
`
}

/** The 401 page (bad credentials, no credentials, expired session). */
function sendUnauthorized(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', `Basic realm="${AUTH_REALM}"`)
    .type('text/html; charset=iso-8859-1')
    .send(UNAUTHORIZED_PAGE)
}

function sendJson(reply: FastifyReply, status: number, body: Json, pretty = false): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(pretty ? JSON.stringify(body, null, 4) : JSON.stringify(body))
}

/**
 * An injected failure in the appliance's shape: HTML for 401 / 403, WAPI JSON otherwise
 * (`Server` codes for 5xx, as the grid reports internal and availability errors).
 */
export function renderInfobloxFailure(status: number, reply: FastifyReply): FastifyReply {
  if (status === 401) return sendUnauthorized(reply)
  if (status === 403)
    return reply
      .code(403)
      .type('text/html; charset=iso-8859-1')
      .send(forbiddenPage(reply.request.url.split('?')[0] ?? ''))
  if (status === 503) {
    return sendJson(reply, 503, {
      Error: 'AdmConServiceUnavailableError: The grid is temporarily unavailable, try again later.',
      code: 'Server.Unavailable',
      text: 'The grid is temporarily unavailable, try again later.',
    })
  }
  if (status >= 500) {
    return sendJson(reply, status, {
      Error: 'AdmConInternalError: Internal error',
      code: 'Server',
      text: 'Internal error',
    })
  }
  if (status === 404) return sendJson(reply, 404, WapiErrors.notFound('Object not found').body())
  return sendJson(reply, status, WapiErrors.proto('Request failed').body())
}

/** Builds the Fastify app (not listening). */
export async function buildInfobloxApp(options: InfobloxAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // NOTE: references travel in the path and can be long; the router must not cut them off.
    routerOptions: { maxParamLength: 16_384 },
    bodyLimit: 16 * 1024 * 1024,
    ...(options.tls === undefined
      ? {}
      : { https: { key: options.tls.key, cert: options.tls.cert } }),
  }) as unknown as FastifyInstance
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const textBody = typeof body === 'string' ? body : body.toString('utf8')
    if (textBody.trim() === '') {
      done(null, undefined)
      return
    }
    try {
      done(null, JSON.parse(textBody) as unknown)
    } catch {
      done(null, new InvalidJson(textBody))
    }
  })
  installFaults(app, options.faults, options.calls, renderInfobloxFailure)

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rawUrl = request.raw.url ?? request.url
    const q = rawUrl.indexOf('?')
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))
    const auth = options.auth.authenticate(
      request.headers.authorization,
      request.headers.cookie,
      request.ip,
    )
    if (auth.kind === 'unauthorized') return sendUnauthorized(reply)
    if (auth.kind === 'forbidden') {
      return reply.code(403).type('text/html; charset=iso-8859-1').send(forbiddenPage(rawPath))
    }
    if (auth.setCookie !== undefined) void reply.header('set-cookie', auth.setCookie)
    const m = VERSION_PATH.exec(rawPath)
    if (m === null) {
      return sendJson(reply, 400, WapiErrors.proto(`Invalid WAPI version in ${rawPath}`).body())
    }
    let path: string
    try {
      path = decodeURIComponent(m[5] ?? '').replace(/\/+$/, '')
    } catch {
      return sendJson(reply, 400, WapiErrors.proto('Malformed URL encoding').body())
    }
    if (path === 'logout') {
      if (request.method !== 'POST')
        return sendJson(reply, 400, WapiErrors.proto('logout requires POST').body())
      void reply.header('set-cookie', options.auth.logout(request.headers.cookie))
      return reply.code(200).send('')
    }
    if (request.body instanceof InvalidJson) {
      return sendJson(reply, 400, WapiErrors.proto('Invalid JSON in the request body').body())
    }
    try {
      const result = options.handler.execute({
        method: request.method,
        path,
        query,
        body: request.body as Json | undefined,
        version: `${m[2] ?? ''}.${m[3] ?? ''}${m[4] === undefined ? '' : `.${m[4]}`}`,
      })
      return await sendJson(reply, result.status, result.body, result.pretty)
    } catch (e) {
      if (e instanceof WapiError) return sendJson(reply, e.status, e.body())
      request.log.error(e)
      return sendJson(reply, 500, {
        Error: `AdmConInternalError: ${String(e)}`,
        code: 'Server',
        text: String(e),
      })
    }
  }
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: '/wapi/*', handler: serve })
  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .type('text/html; charset=iso-8859-1')
      .send(notFoundPage(request.url.split('?')[0] ?? '')),
  )
  app.setErrorHandler(async (error, _request, reply) => {
    const status =
      typeof error === 'object' &&
      error !== null &&
      'statusCode' in error &&
      typeof error.statusCode === 'number'
        ? error.statusCode
        : 500
    const message = error instanceof Error ? error.message : String(error)
    if (status < 500) return sendJson(reply, status, WapiErrors.proto(message).body())
    return sendJson(reply, 500, {
      Error: `AdmConInternalError: ${message}`,
      code: 'Server',
      text: message,
    })
  })
  return app
}
