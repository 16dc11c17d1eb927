import { ApiError, CommandError } from './errors.ts'
import type { HttpClient } from './http-client.ts'
import type { JsonObject } from './parse-json.ts'
import { getResource, idOf, listResources } from './resource-api.ts'
import type { ResourceKind } from './resource-kind.ts'

/**
 * Finds a resource by ID or name, as openstacksdk's `find_*` does: GET by id first; on 404,
 * list with `?name=`; exactly one match wins.
 * @throws CommandError "No Network found for x" / "More than one Network exists with the name 'x'."
 */
export async function findResource(
  client: HttpClient,
  kind: ResourceKind,
  nameOrId: string,
): Promise<JsonObject> {
  if (nameOrId !== '') {
    try {
      return await getResource(client, kind, nameOrId)
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error
    }
  }
  const matches = await listResources(client, kind, [['name', nameOrId]])
  const [first, second] = matches
  if (first !== undefined && second === undefined) return first
  if (second !== undefined) {
    throw new CommandError(`More than one ${kind.label} exists with the name '${nameOrId}'.`)
  }
  throw new CommandError(`No ${kind.label} found for ${nameOrId}`)
}

/** The id of the resource a name-or-ID option designates. */
export async function findId(
  client: HttpClient,
  kind: ResourceKind,
  nameOrId: string,
): Promise<string> {
  return idOf(await findResource(client, kind, nameOrId))
}
