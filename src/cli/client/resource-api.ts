import { ApiError, CommandError, describeError } from './errors.ts'
import type { HttpClient, Query } from './http-client.ts'
import type { JsonObject, JsonValue } from './parse-json.ts'
import type { ResourceKind } from './resource-kind.ts'
import type { CommandContext } from './run.ts'

function itemOf(kind: ResourceKind, body: JsonObject): JsonObject {
  const item = body[kind.singular]
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) return item
  throw new ApiError(200, undefined, `No '${kind.singular}' in the answer`)
}

function itemPath(kind: ResourceKind, id: string): string {
  return `${kind.path}/${encodeURIComponent(id)}`
}

/** GET one item by id. */
export async function getResource(
  client: HttpClient,
  kind: ResourceKind,
  id: string,
): Promise<JsonObject> {
  return itemOf(kind, await client.get(itemPath(kind, id)))
}

/** GET the collection with Neutron filters. */
export async function listResources(
  client: HttpClient,
  kind: ResourceKind,
  query: Query = [],
): Promise<JsonObject[]> {
  return client.list(kind.path, kind.collection, query)
}

/** POST one item; returns it as created. */
export async function createResource(
  client: HttpClient,
  kind: ResourceKind,
  attrs: JsonObject,
): Promise<JsonObject> {
  return itemOf(kind, await client.post(kind.path, { [kind.singular]: attrs }))
}

/** PUT changed attributes; returns the updated item. */
export async function updateResource(
  client: HttpClient,
  kind: ResourceKind,
  id: string,
  attrs: JsonObject,
): Promise<JsonObject> {
  return itemOf(kind, await client.put(itemPath(kind, id), { [kind.singular]: attrs }))
}

/** The `id` of an item from the API. */
export function idOf(resource: JsonObject): string {
  const id = resource.id
  if (typeof id !== 'string') throw new ApiError(200, undefined, 'A resource without an id')
  return id
}

/** A string attribute of an item, or undefined. */
export function stringAttr(resource: JsonObject, key: string): string | undefined {
  const value: JsonValue | undefined = resource[key]
  return typeof value === 'string' ? value : undefined
}

/**
 * Deletes each named resource like the openstack CLI: every one is tried; a failure is reported
 * on its own line and the command then fails with "N of M ... failed to delete." A single
 * failing name gives just its error.
 */
export async function deleteEach(
  context: CommandContext,
  kind: ResourceKind,
  refs: readonly string[],
  find: (client: HttpClient, ref: string) => Promise<JsonObject>,
): Promise<void> {
  const client = await context.client()
  if (refs.length === 1 && refs[0] !== undefined) {
    await client.delete(itemPath(kind, idOf(await find(client, refs[0]))))
    return
  }
  let failed = 0
  for (const ref of refs) {
    try {
      await client.delete(itemPath(kind, idOf(await find(client, ref))))
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof CommandError)) throw error
      failed += 1
      context.warn(
        `Failed to delete ${kind.noun} with name or ID '${ref}': ${describeError(error)}`,
      )
    }
  }
  if (failed > 0) {
    throw new CommandError(`${failed} of ${refs.length} ${kind.noun}s failed to delete.`)
  }
}
