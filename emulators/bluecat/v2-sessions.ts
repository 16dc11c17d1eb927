import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BamContext } from './bluecat-context.ts'
import { BamError } from './bluecat-model.ts'
import type { BamSession } from './bluecat-sessions.ts'
import { bodyOf, sendResource } from './v2-http.ts'
import { V2_PREFIX } from './v2-render.ts'

const sessionOfRequest = new WeakMap<FastifyRequest, BamSession>()

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function sessionBody(session: BamSession, withToken: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: session.id, type: 'UserSession' }
  if (withToken) {
    out.apiToken = session.token
    out.apiTokenExpirationDateTime = isoSeconds(session.expiresAt)
    out.basicAuthenticationCredentials = Buffer.from(
      `${session.username}:${session.token}`,
    ).toString('base64')
  }
  Object.assign(out, {
    state: session.state,
    remoteAddress: '127.0.0.1',
    readOnly: session.readOnly,
    loginDateTime: isoSeconds(session.loginAt),
    logoutDateTime: session.logoutAt === undefined ? null : isoSeconds(session.logoutAt),
    user: { id: 100893, type: 'User', name: session.username },
  })
  if (session.state === 'LOGGED_OUT') out.apiTokenExpirationDateTime = isoSeconds(session.expiresAt)
  return out
}

const unauthorized = (code: string, message: string) => new BamError(401, code, message)

/**
 * The session of a v2 call: `Authorization: Basic base64(user:apiToken)` of a live session.
 * @throws 401 InvalidAuthorizationCredentials (missing or malformed), InvalidAuthorizationToken
 *   (unknown, expired or logged out token; Bearer without an OAuth authenticator)
 */
function authenticate(ctx: BamContext, request: FastifyRequest): BamSession {
  const header = request.headers.authorization ?? ''
  if (/^Bearer\s/i.test(header)) {
    throw unauthorized('InvalidAuthorizationToken', 'The provided authorization token is invalid')
  }
  const encoded = /^Basic\s+(\S+)$/i.exec(header)?.[1]
  if (encoded === undefined) {
    throw unauthorized(
      'InvalidAuthorizationCredentials',
      'The provided authorization credentials are invalid',
    )
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const session = colon < 0 ? undefined : ctx.sessions.live(decoded.slice(colon + 1), 'v2')
  if (session === undefined || session.username !== decoded.slice(0, colon)) {
    throw unauthorized('InvalidAuthorizationToken', 'The provided authorization token is invalid')
  }
  return session
}

/**
 * v2 sessions (`POST /api/v2/sessions`, `GET|PATCH /api/v2/sessions/{id|current}`) and the
 * authentication of every other v2 call; read-only sessions may only read.
 */
export function registerV2Sessions(v2: FastifyInstance, ctx: BamContext): void {
  v2.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && request.url.split('?')[0] === `${V2_PREFIX}/sessions`) return
    const session = authenticate(ctx, request)
    sessionOfRequest.set(request, session)
    const writes = !['GET', 'HEAD'].includes(request.method)
    if (writes && session.readOnly && !request.url.startsWith(`${V2_PREFIX}/sessions/`)) {
      throw new BamError(
        403,
        'ReadOnlySession',
        'The operation is not permitted in a read-only session',
      )
    }
  })

  v2.post('/sessions', async (request, reply) => {
    const body = bodyOf(request)
    if (body.username !== ctx.username || body.password !== ctx.password) {
      throw unauthorized(
        'InvalidUsernameOrPassword',
        'The provided username or password is invalid',
      )
    }
    const session = ctx.sessions.create(ctx.username, 'v2', body.readOnly === true)
    void reply.header('location', `${V2_PREFIX}/sessions/${session.id}`)
    return sendResource(request, reply, sessionBody(session, true), 201)
  })

  const target = (request: FastifyRequest): BamSession => {
    const id = (request.params as { id: string }).id
    const own = sessionOfRequest.get(request)
    const session = id === 'current' ? own : ctx.sessions.byId(Number.parseInt(id, 10))
    if (session === undefined)
      throw new BamError(404, 'ResourceNotFound', `Session ${id} was not found`)
    return session
  }
  v2.get('/sessions/:id', async (request, reply) =>
    sendResource(request, reply, sessionBody(target(request), false)),
  )
  v2.patch('/sessions/:id', async (request, reply) => {
    const session = target(request)
    const state = bodyOf(request).state
    if (state !== 'LOGGED_OUT' && state !== 'TERMINATED') {
      throw new BamError(400, 'InvalidFieldValue', `Invalid session state: ${String(state)}`)
    }
    ctx.sessions.logout(session)
    return sendResource(request, reply, sessionBody(session, false))
  })
}
