import type { FastifyReply, FastifyRequest } from 'fastify'
import { queryParam } from './bluecat-context.ts'
import { BamError } from './bluecat-model.ts'
import { compileFilter, parseFilter, type FilterField } from './v2-filter.ts'

type Json = Record<string, unknown>

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** The v2 error body: `{"status","reason","code","message"}`. */
export function v2ErrorBody(status: number, code: string, message: string): Json {
  return { status, reason: REASONS[status] ?? 'Error', code, message }
}

/** Answers a BamError in the v2 error shape. */
export function sendV2Error(reply: FastifyReply, error: BamError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json')
    .send(v2ErrorBody(error.status, error.code, error.message))
}

/** The code v2 gives a status without a more specific one (injected failures use it). */
export function genericCode(status: number): string {
  return (REASONS[status] ?? 'Error').replaceAll(' ', '')
}

/** HAL (`_links`) unless the client asked for plain `application/json` only. */
export function wantsHal(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept === '' || accept.includes('application/hal+json') || accept.includes('*/*')
}

/** Answers one resource, HAL or plain JSON per `Accept`, honouring `fields`. */
export function sendResource(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Json,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .type(wantsHal(request) ? 'application/hal+json' : 'application/json')
    .send(pickFields(request, body))
}

/** The request body as an object (unknown fields are kept and ignored by callers). */
export function bodyOf(request: FastifyRequest): Json {
  const body = request.body
  if (body === undefined || body === null || body === '') return {}
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new BamError(400, 'InvalidRequestBody', 'The request body must be a JSON object')
  }
  return body as Json
}

/** `fields=a,b`: only those top-level fields (and `_links`). */
function pickFields(request: FastifyRequest, body: Json): Json {
  const fields = queryParam(request, 'fields')
  if (fields === undefined || fields === '') return body
  const keep = new Set(fields.split(',').map((f) => f.trim()))
  return Object.fromEntries(Object.entries(body).filter(([k]) => keep.has(k) || k === '_links'))
}

function intQuery(request: FastifyRequest, name: string, fallback: number): number {
  const text = queryParam(request, name)
  if (text === undefined || text === '') return fallback
  if (!/^[0-9]+$/.test(text)) {
    throw new BamError(400, 'InvalidQueryParameter', `Invalid value for ${name}: ${text}`)
  }
  return Number.parseInt(text, 10)
}

/**
 * Answers a collection: filtered (`filter`), paged (`offset`, `limit` default 1000, at most
 * 100000), `count` = items returned, `totalCount` with `total=true`, HAL `prev`/`next` links.
 * Items are produced lazily so listing a large network's UNASSIGNED rows stops at the page.
 * @throws InvalidFilter, InvalidFilterField, InvalidFilterOperator, InvalidQueryParameter
 */
export function sendCollection<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  items: Iterable<T>,
  fields: Readonly<Record<string, FilterField<T>>>,
  render: (item: T) => Json,
): FastifyReply {
  const filterText = queryParam(request, 'filter')
  const keep =
    filterText === undefined || filterText.trim() === ''
      ? () => true
      : compileFilter(parseFilter(filterText), fields)
  const offset = intQuery(request, 'offset', 0)
  const limit = intQuery(request, 'limit', 1000)
  if (limit > 100000)
    throw new BamError(400, 'InvalidQueryParameter', 'limit must not exceed 100000')
  const wantTotal = queryParam(request, 'total') === 'true'
  const data: Json[] = []
  let seen = 0
  let more = false
  for (const item of items) {
    if (!keep(item)) continue
    seen++
    if (seen <= offset) continue
    if (data.length < limit) data.push(pickFields(request, render(item)))
    else {
      more = true
      if (!wantTotal) break
    }
  }
  const body: Json = { count: data.length }
  if (wantTotal) body.totalCount = seen
  if (wantsHal(request)) {
    const links: Json = {}
    const href = (o: number) => {
      const url = new URL(request.url, 'http://emulator')
      url.searchParams.set('offset', String(o))
      url.searchParams.set('limit', String(limit))
      return `${url.pathname}${url.search}`
    }
    if (offset > 0) links.prev = { href: href(Math.max(0, offset - limit)) }
    if (more) links.next = { href: href(offset + limit) }
    if (Object.keys(links).length > 0) body._links = links
  }
  body.data = data
  return reply
    .code(200)
    .type(wantsHal(request) ? 'application/hal+json' : 'application/json')
    .send(body)
}
