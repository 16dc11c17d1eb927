import type { Whoami } from '../api/neutron-types.ts'

/**
 * Whether the signed-in user may change or delete a resource of `projectId`: one of its own
 * project's, or any as an admin. This mirrors the server's owner-or-admin policy (update_network,
 * delete_network, create_subnet on a network, delete_subnet), so that the dashboard does not
 * offer actions the server will refuse, e.g. deleting a network another project shares.
 *
 * NOTE: ports need no such check: a tenant sees only its own ports and the ports on networks it
 * owns, and may delete all of those.
 */
export function mayChange(whoami: Whoami, projectId: string): boolean {
  return whoami.is_admin || whoami.project_id === projectId
}

/** Why a resource of `projectId` offers no change actions, for people. */
export function notOwnedReason(projectId: string): string {
  return `Owned by project ${projectId}: only that project or an admin can change or delete it.`
}
