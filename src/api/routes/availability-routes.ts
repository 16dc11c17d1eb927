import type { FastifyInstance } from 'fastify'
import type { AvailabilityService } from '../../services/availability-service.ts'
import { listOptions, requestedFields, type QueryValues } from '../list-params.ts'
import { paginationLinks } from '../pagination.ts'
import { contextOf, shape } from './resource-routes.ts'

/** `network-ip-availabilities`: read-only, exact big integers. */
export function registerAvailabilityRoutes(
  app: FastifyInstance,
  service: AvailabilityService,
): void {
  app.get('/v2.0/network-ip-availabilities', async (request) => {
    const ctx = contextOf(request)
    const query = request.query as QueryValues
    const options = listOptions(query)
    const views = await service.list(ctx, options)
    const fields = requestedFields(query)
    const body: Record<string, unknown> = {
      network_ip_availabilities: views.map((v) => shape({}, ctx, v, fields)),
    }
    if (options.limit !== undefined) {
      body.network_ip_availabilities_links = paginationLinks(
        request,
        views.map((v) => ({ id: v.network_id })),
        options,
      )
    }
    return body
  })
  app.get('/v2.0/network-ip-availabilities/:id', async (request) => {
    const ctx = contextOf(request)
    const view = await service.get(ctx, (request.params as { id: string }).id)
    return {
      network_ip_availability: shape({}, ctx, view, requestedFields(request.query as QueryValues)),
    }
  })
}
