import type { FastifyInstance } from 'fastify'
import type { Authenticator } from '../../auth/authenticator.ts'
import { Errors } from '../../domain/errors.ts'

function field(body: Record<string, unknown>, key: string, fallback?: string): string {
  const value = body[key]
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || value.trim() === '')
    throw Errors.badRequest(`Invalid input for ${key}. Reason: a non-empty string is required.`)
  return key === 'password' ? value : value.trim()
}

/**
 * The dashboard's sign-in, without credentials (both paths are public in app.ts):
 *
 * - `GET /v2.0/auth/config`: the active strategy, so the dashboard offers a token field or a
 *   Keystone username/password/project form.
 * - `POST /v2.0/auth/login` `{username, password, project_name, domain}`: with
 *   `auth_strategy = keystone`, asks Keystone for a project-scoped token and returns it
 *   (201, also in `X-Subject-Token`). 401 when Keystone refuses, 503 when it is unreachable,
 *   400 with any other strategy.
 *
 * NOTE: the password only travels to Keystone; it is never logged or returned.
 */
export function registerAuthRoutes(app: FastifyInstance, authenticator: Authenticator): void {
  app.get('/v2.0/auth/config', async () => ({
    auth: { strategy: authenticator.strategy, password_login: authenticator.login !== undefined },
  }))
  app.post('/v2.0/auth/login', async (request, reply) => {
    if (authenticator.login === undefined)
      throw Errors.badRequest(
        `Password sign-in needs auth_strategy = keystone; this server uses ${authenticator.strategy}.`,
      )
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw Errors.badRequest('Body must be a JSON object with username, password, project_name.')
    const input = body as Record<string, unknown>
    const issued = await authenticator.login({
      username: field(input, 'username'),
      password: field(input, 'password'),
      projectName: field(input, 'project_name'),
      domain: field(input, 'domain', 'Default'),
    })
    return reply
      .code(201)
      .header('x-subject-token', issued.token)
      .header('cache-control', 'no-store')
      .send({
        token: {
          id: issued.token,
          expires_at: issued.expiresAt,
          project: { id: issued.projectId, name: issued.projectName },
          user: { id: issued.userId, name: issued.userName },
          roles: [...issued.roles],
        },
      })
  })
}
