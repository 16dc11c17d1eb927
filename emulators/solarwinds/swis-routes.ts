import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CONTROL_PREFIX } from '../shared/faults.ts'
import { SwisError } from './swis-model.ts'
import type { SwisState } from './swis-state.ts'
import { deleteUri, readUri, updateUri } from './swis-uri.ts'
import { invokeVerb } from './swis-verbs.ts'
import { runSwql } from './swql-engine.ts'

/** The SWIS REST/JSON base path (port 17774 on a real Orion server). */
export const SWIS_PREFIX = '/SolarWinds/InformationService/v3/Json'

const FAULT_TYPE =
  'System.ServiceModel.FaultException`1[[SolarWinds.InformationService.Contract2.InfoServiceFaultContract, SolarWinds.InformationService.Contract2]]'

/** The SWIS error body: orionsdk-python reads `Message`. */
export function swisErrorBody(message: string): Record<string, string> {
  return { Message: message, ExceptionType: FAULT_TYPE, FullException: `${FAULT_TYPE}: ${message}` }
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(swisErrorBody(message))
}

function ok(reply: FastifyReply, value: unknown): FastifyReply {
  return reply
    .code(200)
    .type('application/json')
    .send(JSON.stringify(value ?? null))
}

interface Credentials {
  readonly username: string
  readonly password: string
}

/** HTTP Basic on every call: 401 (with a challenge) without credentials, 403 for wrong ones. */
function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  creds: Credentials,
): FastifyReply | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
  if (encoded === undefined) {
    void reply.header('www-authenticate', 'Basic realm="SolarWinds Information Service"')
    return sendError(reply, 401, 'Authentication is required.')
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  // NOTE: wrong credentials answer 403 as reported in OrionSDK#101 (401-vs-403 is [U] in §5.2).
  if (
    colon < 0 ||
    decoded.slice(0, colon) !== creds.username ||
    decoded.slice(colon + 1) !== creds.password
  ) {
    return sendError(
      reply,
      403,
      `Access denied for user '${colon < 0 ? decoded : decoded.slice(0, colon)}'.`,
    )
  }
  return undefined
}

/** The path after `/Json/` as a SWIS URI (clients may or may not percent-encode it). */
function uriOf(request: FastifyRequest): string {
  const raw = (request.params as Record<string, string | undefined>)['*'] ?? ''
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/**
 * The SWIS REST/JSON endpoint: Query (GET `?query=` or POST `{"query","parameters"}`), Invoke with
 * positional JSON-array arguments, read/update/delete on `swis://` URIs, BulkUpdate, BulkDelete.
 * Successes are 200 everywhere (update/delete with an empty body); failures 400 with `Message`.
 */
export function registerSwisRoutes(
  app: FastifyInstance,
  state: SwisState,
  creds: Credentials,
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith(CONTROL_PREFIX)) return
    const refused = authenticate(request, reply, creds)
    if (refused !== undefined) return refused
  })
  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof SwisError) return sendError(reply, error.status, error.message)
    const status = (error as { statusCode?: number }).statusCode ?? 500
    return sendError(
      reply,
      status >= 400 && status < 500 ? 400 : 500,
      error instanceof Error ? error.message : String(error),
    )
  })
  app.setNotFoundHandler(async (request, reply) =>
    sendError(
      reply,
      404,
      `Endpoint not found: ${request.method} ${request.url.split('?')[0] ?? ''}`,
    ),
  )

  app.get(`${SWIS_PREFIX}/Query`, async (request, reply) => {
    const query = (request.query as Record<string, string | undefined>).query
    if (query === undefined) throw new SwisError('The query parameter is required.')
    return ok(reply, runSwql(state, query))
  })
  app.post(`${SWIS_PREFIX}/Query`, async (request, reply) => {
    const body = (request.body ?? {}) as { query?: unknown; parameters?: unknown }
    if (typeof body.query !== 'string')
      throw new SwisError('The request body must carry a "query" string.')
    const parameters =
      typeof body.parameters === 'object' && body.parameters !== null
        ? (body.parameters as Record<string, unknown>)
        : {}
    return ok(reply, runSwql(state, body.query, parameters))
  })
  app.post(`${SWIS_PREFIX}/Invoke/:entity/:verb`, async (request, reply) => {
    const { entity, verb } = request.params as { entity: string; verb: string }
    return ok(reply, invokeVerb(state, entity, verb, request.body ?? []))
  })
  app.post(`${SWIS_PREFIX}/Create/:entity`, async (request) => {
    const { entity } = request.params as { entity: string }
    throw new SwisError(
      `Create is not supported for entity ${entity} by this emulator; use IPAM.SubnetManagement verbs.`,
    )
  })
  app.post(`${SWIS_PREFIX}/BulkUpdate`, async (request, reply) => {
    const body = (request.body ?? {}) as { uris?: unknown; properties?: unknown }
    const uris = Array.isArray(body.uris)
      ? body.uris.filter((u): u is string => typeof u === 'string')
      : []
    for (const uri of uris) updateUri(state, uri, body.properties)
    return reply.code(200).send()
  })
  app.post(`${SWIS_PREFIX}/BulkDelete`, async (request, reply) => {
    const body = (request.body ?? {}) as { uris?: unknown }
    const uris = Array.isArray(body.uris)
      ? body.uris.filter((u): u is string => typeof u === 'string')
      : []
    for (const uri of uris) deleteUri(state, uri)
    return reply.code(200).send()
  })
  app.get(`${SWIS_PREFIX}/*`, async (request, reply) => ok(reply, readUri(state, uriOf(request))))
  app.post(`${SWIS_PREFIX}/*`, async (request, reply) => {
    updateUri(state, uriOf(request), request.body)
    return reply.code(200).send()
  })
  app.delete(`${SWIS_PREFIX}/*`, async (request, reply) => {
    deleteUri(state, uriOf(request))
    return reply.code(200).send()
  })
}
