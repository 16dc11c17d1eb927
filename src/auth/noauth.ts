import type { RequestContext } from '../services/request-context.ts'
import { header, rolesFrom, type Authenticator } from './authenticator.ts'

/**
 * `auth_strategy = noauth`: no credentials. Without identity headers the caller is admin in
 * project `fake_project_id`, as Neutron's noauth; `X-Project-Id` (or `X-Tenant-Id`),
 * `X-User-Id` and `X-Roles` make it that project with those roles. For development and behind a
 * trusted proxy only: anyone can claim any identity.
 */
export function noauthAuthenticator(): Authenticator {
  return {
    strategy: 'noauth',
    authenticate(headers) {
      const project = header(headers, 'x-project-id') ?? header(headers, 'x-tenant-id')
      if (project === undefined || project === '') {
        const admin: RequestContext = {
          projectId: 'fake_project_id',
          userId: 'fake_user_id',
          roles: ['admin'],
          isAdmin: true,
        }
        return Promise.resolve(admin)
      }
      const roles = rolesFrom(header(headers, 'x-roles'))
      return Promise.resolve({
        projectId: project,
        userId: header(headers, 'x-user-id') ?? 'anonymous',
        roles,
        isAdmin: roles.includes('admin'),
      })
    },
  }
}
