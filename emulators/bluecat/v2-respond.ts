import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Entity } from './bluecat-model.ts'
import type { BamState } from './bluecat-state.ts'
import type { FilterField } from './v2-filter.ts'
import { sendCollection, sendResource, wantsHal } from './v2-http.ts'
import { selfHref, V2Renderer } from './v2-render.ts'

/** How a v2 route answers with resources: one (201 adds Location) or a collection. */
export interface V2Responder {
  readonly render: V2Renderer
  list(items: Iterable<Entity>, fields: Readonly<Record<string, FilterField<Entity>>>): FastifyReply
  one(entity: Entity, status?: number): FastifyReply
}

/** The responder of one v2 request. */
export function respond(
  state: BamState,
  request: FastifyRequest,
  reply: FastifyReply,
): V2Responder {
  const render = new V2Renderer(state, wantsHal(request))
  return {
    render,
    list: (items, fields) =>
      sendCollection(request, reply, items, fields, (e) => render.resource(e)),
    one: (entity, status = 200) => {
      if (status === 201) void reply.header('location', selfHref(entity))
      return sendResource(request, reply, render.resource(entity), status)
    },
  }
}
