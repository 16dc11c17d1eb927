import type { FastifyInstance } from 'fastify'
import { Errors } from '../../domain/errors.ts'
import type { IpamAdminService } from '../../services/ipam-admin-service.ts'
import { values, type QueryValues } from '../list-params.ts'
import { contextOf } from './resource-routes.ts'

/** Normalises an ISO time filter so it compares with event ids (millisecond ISO). */
function isoFilter(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const t = Date.parse(text)
  if (Number.isNaN(t))
    throw Errors.badRequest(`Invalid input for ${name}. Reason: '${text}' is not an ISO-8601 time.`)
  return new Date(t).toISOString()
}

/** The admin-only IPAM surfaces under /v2.0/ipam (docs/ipam-admin-api.md). */
export function registerIpamRoutes(app: FastifyInstance, admin: IpamAdminService): void {
  app.get('/v2.0/ipam/status', async (request) => ({
    ipam: await admin.status(contextOf(request)),
  }))
  app.post('/v2.0/ipam/check', async (request) => ({
    check: await admin.check(contextOf(request)),
  }))
  app.get('/v2.0/ipam/releases', async (request) => ({
    releases: await admin.releases(contextOf(request)),
  }))
  app.post('/v2.0/ipam/releases/retry', async (request) => admin.retryReleases(contextOf(request)))
  app.post('/v2.0/ipam/releases/:id/retry', async (request) =>
    admin.retryReleases(contextOf(request), (request.params as { id: string }).id),
  )
  app.post('/v2.0/ipam/reconcile', async (request) => {
    const body = (request.body ?? {}) as { repair?: unknown }
    if (body.repair !== undefined && typeof body.repair !== 'boolean') {
      throw Errors.badRequest('Invalid input for repair. Reason: expected true or false.')
    }
    return { reconcile: await admin.reconcile(contextOf(request), body.repair === true) }
  })
  app.get('/v2.0/ipam/reconcile', async (request) => ({
    reconcile: await admin.lastReconcile(contextOf(request)),
  }))
  app.get('/v2.0/ipam/reconcile/progress', async (request) => ({
    progress: admin.reconcileProgress(contextOf(request)),
  }))
  app.get('/v2.0/ipam/audit', async (request) => {
    const q = request.query as QueryValues
    const one = (k: string): string | undefined => values(q, k)[0]
    const limitText = one('limit')
    const limit = limitText === undefined ? 100 : Number.parseInt(limitText, 10)
    if (!Number.isFinite(limit))
      throw Errors.genericBadRequest('audit', `limit must be an integer, not '${limitText ?? ''}'`)
    return {
      audit: await admin.audit(contextOf(request), {
        subnetId: one('subnet_id'),
        portId: one('port_id'),
        ipAddress: one('ip_address'),
        actions: values(q, 'action'),
        since: isoFilter('since', one('since')),
        until: isoFilter('until', one('until')),
        marker: one('marker'),
        limit,
      }),
    }
  })
}
