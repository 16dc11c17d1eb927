import { Option, type Command } from 'commander'
import type { HttpClient } from './http-client.ts'
import { collect, plainFlag } from './options.ts'
import type { JsonObject } from './parse-json.ts'
import { getResource, idOf } from './resource-api.ts'
import type { ResourceKind } from './resource-kind.ts'
import { showOne, type FieldSpec } from './display.ts'
import { addShowOutputOptions, type ShowOutputOptions } from './output/output-options.ts'
import { findResource } from './resolve.ts'
import { run } from './run.ts'

/**
 * osc-lib's tag options (`osc_lib.utils.tags`) for create, set, unset and list, and the
 * read-modify-write it does: tags are a sub-resource, replaced with `PUT .../tags` after the
 * resource itself is created or updated, and only when they change.
 */

/** `--tag` (repeatable) and `--no-tag` on create and set. */
export interface TagSetOptions {
  readonly tag?: readonly string[]
  readonly noTag?: boolean
}

/** `--tag` (repeatable) and `--all-tag` on unset. */
export interface TagUnsetOptions {
  readonly tag?: readonly string[]
  readonly allTag?: boolean
}

/** The list filters, each a comma-separated list (the last use of an option wins). */
export interface TagFilterOptions {
  readonly tags?: readonly string[]
  readonly anyTags?: readonly string[]
  readonly notTags?: readonly string[]
  readonly notAnyTags?: readonly string[]
}

const commaList = (value: string): string[] => value.split(',')

/** `--tag`/`--no-tag` for `<noun> create` (mutually exclusive) or `<noun> set` (clear, then add). */
export function addTagSetOptions(command: Command, noun: string, create: boolean): Command {
  const noTag = plainFlag(
    '--no-tag',
    create
      ? `No tags associated with the ${noun}`
      : `Clear tags associated with the ${noun}. Specify both --tag and --no-tag to overwrite current tags`,
  )
  const tag = new Option(
    '--tag <tag>',
    `Tag to be added to the ${noun} (repeat option to set multiple tags)`,
  ).argParser(collect)
  if (create) tag.conflicts(noTag.attributeName())
  return command.addOption(tag).addOption(noTag)
}

/** `--tag`/`--all-tag` for `<noun> unset` (mutually exclusive). */
export function addTagUnsetOptions(command: Command, noun: string): Command {
  const allTag = new Option('--all-tag', `Clear all tags associated with the ${noun}`)
  const tag = new Option(
    '--tag <tag>',
    `Tag to be removed from the ${noun} (repeat option to remove multiple tags)`,
  )
    .argParser(collect)
    .conflicts(allTag.attributeName())
  return command.addOption(tag).addOption(allTag)
}

/** `--tags`, `--any-tags`, `--not-tags`, `--not-any-tags` for `<noun> list`. */
export function addTagFilterOptions(command: Command, nouns: string): Command {
  const filters: [string, string][] = [
    ['--tags', `List ${nouns} which have all given tag(s)`],
    ['--any-tags', `List ${nouns} which have any given tag(s)`],
    ['--not-tags', `Exclude ${nouns} which have all given tag(s)`],
    ['--not-any-tags', `Exclude ${nouns} which have any given tag(s)`],
  ]
  for (const [flag, help] of filters) {
    command.addOption(
      new Option(`${flag} <tag>[,<tag>,...]`, `${help} (Comma-separated list of tags)`).argParser(
        commaList,
      ),
    )
  }
  return command
}

/** The query pairs of the tag filters given (Neutron's `tags`, `tags-any`, ...). */
export function tagFilterQuery(o: TagFilterOptions): [string, string][] {
  const query: [string, string][] = []
  if (o.tags !== undefined) query.push(['tags', o.tags.join(',')])
  if (o.anyTags !== undefined) query.push(['tags-any', o.anyTags.join(',')])
  if (o.notTags !== undefined) query.push(['not-tags', o.notTags.join(',')])
  if (o.notAnyTags !== undefined) query.push(['not-tags-any', o.notAnyTags.join(',')])
  return query
}

function currentTags(resource: JsonObject): string[] {
  const tags = resource.tags
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : []
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((t) => b.has(t))
}

/**
 * Replaces the resource's tags when they change, as openstack: the sorted set, in one
 * `PUT .../tags`. Returns the resource as the server now shows it (or as given when unchanged).
 */
async function replaceTags(
  client: HttpClient,
  kind: ResourceKind,
  resource: JsonObject,
  wanted: ReadonlySet<string>,
): Promise<JsonObject> {
  if (sameSet(new Set(currentTags(resource)), wanted)) return resource
  const id = idOf(resource)
  const tags = [...wanted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  await client.put(`${kind.path}/${encodeURIComponent(id)}/tags`, { tags })
  return getResource(client, kind, id)
}

/** After create or set: `--no-tag` clears, then each `--tag` is added (osc-lib's update_tags_for_set). */
export async function applyTagSet(
  client: HttpClient,
  kind: ResourceKind,
  resource: JsonObject,
  o: TagSetOptions,
): Promise<JsonObject> {
  const wanted = new Set(o.noTag === true ? [] : currentTags(resource))
  for (const t of o.tag ?? []) wanted.add(t)
  return replaceTags(client, kind, resource, wanted)
}

/** After unset: `--all-tag` clears, each `--tag` is removed if present (update_tags_for_unset). */
export async function applyTagUnset(
  client: HttpClient,
  kind: ResourceKind,
  resource: JsonObject,
  o: TagUnsetOptions,
): Promise<JsonObject> {
  const wanted = new Set(o.allTag === true ? [] : currentTags(resource))
  for (const t of o.tag ?? []) wanted.delete(t)
  return replaceTags(client, kind, resource, wanted)
}

/**
 * `<resource> unset --tag … | --all-tag` for resources whose only unsettable properties are
 * their tags (networks, subnet pools): prints the updated resource.
 */
export function registerTagUnsetCommand(
  parent: Command,
  kind: ResourceKind,
  fields: readonly FieldSpec[],
  noun: string,
): void {
  const unset = parent
    .command('unset')
    .description(`Unset ${noun} properties (prints the updated ${noun})`)
    .argument(
      `<${noun.replace(/ /g, '-')}>`,
      `${noun[0]?.toUpperCase() ?? ''}${noun.slice(1)} to modify (name or ID)`,
    )
  addTagUnsetOptions(unset, noun)
  addShowOutputOptions(unset)
  unset.action(
    run(async ({ command, client, print }) => {
      const o = command.opts<TagUnsetOptions & ShowOutputOptions>()
      const [ref = ''] = command.args
      const api = await client()
      const found = await findResource(api, kind, ref)
      print(showOne(fields, await applyTagUnset(api, kind, found, o), o))
    }),
  )
}
