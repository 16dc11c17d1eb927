import { Errors } from '../domain/errors.ts'

/** Who is asking: the project and roles the authentication layer established. */
export interface RequestContext {
  readonly projectId: string
  readonly userId: string
  readonly roles: readonly string[]
  readonly isAdmin: boolean
}

export function adminContext(projectId = 'admin'): RequestContext {
  return { projectId, userId: 'admin', roles: ['admin'], isAdmin: true }
}

/** True when the context may see a resource owned by `projectId` (or shared with everyone). */
export function canSee(ctx: RequestContext, projectId: string, shared = false): boolean {
  return ctx.isAdmin || shared || ctx.projectId === projectId
}

/** True when the context owns the resource (or is admin). */
export function owns(ctx: RequestContext, projectId: string): boolean {
  return ctx.isAdmin || ctx.projectId === projectId
}

/**
 * The project a new resource belongs to: the caller's, unless an admin names another.
 * @throws HTTPBadRequest when a non-admin names another project (Neutron's wording)
 */
export function owningProject(ctx: RequestContext, requested: string | undefined): string {
  if (requested === undefined || requested === ctx.projectId) return ctx.projectId
  if (ctx.isAdmin) return requested
  throw Errors.badRequest(
    "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
  )
}

/** @throws PolicyNotAuthorized (403) unless the caller is admin */
export function requireAdmin(ctx: RequestContext, rule: string): void {
  if (!ctx.isAdmin) throw Errors.policyNotAuthorized(rule)
}
