import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Errors } from '../../domain/errors.ts'
import type { ListOptions } from '../../services/list-query.ts'
import type { RequestContext } from '../../services/request-context.ts'
import { bodyItems } from '../body.ts'
import { listOptions, requestedFields, type QueryValues } from '../list-params.ts'
import { paginationLinks } from '../pagination.ts'

/** What the generic routes need from a resource's service. */
export interface ResourceHandlers<V extends object, C, U> {
  readonly resource: string
  readonly collection: string
  list(ctx: RequestContext, options: ListOptions): Promise<V[]>
  get(ctx: RequestContext, id: string): Promise<V>
  /** Parses one body item (throws Neutron's 400s). */
  parseCreate(item: Record<string, unknown>): C
  parseUpdate(item: Record<string, unknown>): U
  /** Creates all or none. */
  createBulk(ctx: RequestContext, inputs: C[]): Promise<V[]>
  update(ctx: RequestContext, id: string, input: U): Promise<V>
  delete(ctx: RequestContext, id: string): Promise<void>
  /** Removes what the caller may not see (e.g. provider attributes for non-admins). */
  redact?(ctx: RequestContext, view: V): V
}

/** Keeps only the requested fields (Neutron's `fields=`), after policy redaction. */
export function shape<V extends object>(
  handlers: Pick<ResourceHandlers<V, unknown, unknown>, 'redact'>,
  ctx: RequestContext,
  view: V,
  fields: readonly string[] | undefined,
): Partial<V> {
  const visible = handlers.redact === undefined ? view : handlers.redact(ctx, view)
  if (fields === undefined) return visible
  const out: Record<string, unknown> = {}
  for (const f of fields)
    if (Object.hasOwn(visible, f)) out[f] = (visible as Record<string, unknown>)[f]
  return out as Partial<V>
}

export function contextOf(request: FastifyRequest): RequestContext {
  if (request.ctx === undefined) throw Errors.unauthorized()
  return request.ctx
}

const methodNotAllowed = (): never => {
  throw Errors.methodNotAllowed()
}

/** GET/POST on the collection, GET/PUT/DELETE on one item, 405 for anything else. */
export function registerResource<V extends object, C, U>(
  app: FastifyInstance,
  h: ResourceHandlers<V, C, U>,
): void {
  const base = `/v2.0/${h.collection}`
  app.get(base, async (request, reply) => {
    const ctx = contextOf(request)
    const query = request.query as QueryValues
    const options = listOptions(query)
    const fields = requestedFields(query)
    const views = await h.list(ctx, options)
    const body: Record<string, unknown> = {
      [h.collection]: views.map((v) => shape(h, ctx, v, fields)),
    }
    if (options.limit !== undefined) {
      body[`${h.collection}_links`] = paginationLinks(
        request,
        views as unknown as { id: string }[],
        options,
      )
    }
    return reply.send(body)
  })
  app.post(base, async (request, reply) => {
    const ctx = contextOf(request)
    const { items, bulk } = bodyItems(request.body, h.resource, h.collection, true)
    const inputs = items.map((item) => h.parseCreate(item))
    const views = await h.createBulk(ctx, inputs)
    const shaped = views.map((v) => shape(h, ctx, v, undefined))
    return reply.code(201).send(bulk ? { [h.collection]: shaped } : { [h.resource]: shaped[0] })
  })
  app.get(`${base}/:id`, async (request, reply) => {
    const ctx = contextOf(request)
    const { id } = request.params as { id: string }
    const view = await h.get(ctx, id)
    return reply.send({
      [h.resource]: shape(h, ctx, view, requestedFields(request.query as QueryValues)),
    })
  })
  app.put(`${base}/:id`, async (request, reply) => {
    const ctx = contextOf(request)
    const { id } = request.params as { id: string }
    const { items } = bodyItems(request.body, h.resource, h.collection, false)
    const input = h.parseUpdate(items[0] ?? {})
    const view = await h.update(ctx, id, input)
    return reply.send({ [h.resource]: shape(h, ctx, view, undefined) })
  })
  app.delete(`${base}/:id`, async (request, reply: FastifyReply) => {
    await h.delete(contextOf(request), (request.params as { id: string }).id)
    return reply.code(204).send()
  })
  for (const path of [base, `${base}/:id`]) {
    app.route({ method: ['PATCH', 'OPTIONS'], url: path, handler: methodNotAllowed })
  }
  app.route({ method: ['PUT', 'DELETE'], url: base, handler: methodNotAllowed })
  app.route({ method: ['POST'], url: `${base}/:id`, handler: methodNotAllowed })
}
