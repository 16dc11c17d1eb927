import type { FastifyInstance } from 'fastify'
import { contextOf } from './resource-routes.ts'

/**
 * `GET /v2.0/auth/whoami`: the project, user and roles the presented credentials stand for, so
 * that a client (the dashboard) can decide what to offer.
 *
 * NOTE: this only describes the caller; every admin-only route still checks the role itself.
 */
export function registerWhoamiRoutes(app: FastifyInstance): void {
  app.get('/v2.0/auth/whoami', async (request) => {
    const ctx = contextOf(request)
    return {
      whoami: {
        project_id: ctx.projectId,
        user_id: ctx.userId,
        roles: [...ctx.roles],
        is_admin: ctx.isAdmin,
      },
    }
  })
}
