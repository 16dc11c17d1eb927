import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Errors } from '../../domain/errors.ts'
import { TAGGABLE_COLLECTIONS, type TagService } from '../../services/tag-service.ts'
import { pythonStr, repr } from '../validators.ts'
import { contextOf } from './resource-routes.ts'

/** Neutron's MAX_TAG_LEN, in characters (code points, as Python counts them). */
const MAX_TAG_LENGTH = 255

/** In Unicode mode, a surrogate pair is one code point: only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u

/** neutron-lib's validate_string(tag, 255), as a reason, or undefined when valid. */
function tagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return `${repr(tag)} is not a valid string`
  // NOTE: as everywhere in this API: nothing we store may hold NUL or a lone surrogate.
  if (tag.includes('\u0000')) return 'NUL characters are not allowed'
  if (LONE_SURROGATE.test(tag)) return 'the text is not valid Unicode (a lone surrogate)'
  if (Array.from(tag).length > MAX_TAG_LENGTH)
    return `'${tag}' exceeds maximum length of ${MAX_TAG_LENGTH}`
  return undefined
}

/** Python's `==` between JSON values, as far as duplicates go (`1 == 1.0 == True`). */
function sameKey(value: unknown): string {
  if (typeof value === 'string') return `s:${value}`
  if (typeof value === 'number' || typeof value === 'boolean') return `n:${Number(value)}`
  return `j:${JSON.stringify(value)}`
}

/**
 * The tag named in the URL (Neutron's validate_tag).
 * @throws HTTPNotFound for a tag holding a slash (`%2F`: Neutron routes nothing there)
 * @throws InvalidInput (400) when it is too long
 */
function tagOf(request: FastifyRequest): string {
  const { tag } = request.params as { tag: string }
  if (tag.includes('/')) throw Errors.notFound()
  const problem = tagProblem(tag)
  if (problem !== undefined) throw Errors.invalidInput(problem)
  return tag
}

/**
 * The list of a `{"tags": [...]}` body (Neutron's validate_tags: a list of unique strings of at
 * most 255 characters; duplicates are reported before the items are checked).
 * @throws InvalidInput (400) with Neutron's messages
 */
function tagsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('tags' in body)) {
    throw Errors.invalidInput('Invalid tags body')
  }
  const tags: unknown = body.tags
  if (!Array.isArray(tags)) throw Errors.invalidInput(`${repr(tags)} is not a list`)
  const seen = new Set<string>()
  const dups: unknown[] = []
  const dupKeys = new Set<string>()
  for (const item of tags as unknown[]) {
    const key = sameKey(item)
    if (seen.has(key) && !dupKeys.has(key)) {
      dupKeys.add(key)
      dups.push(item)
    }
    seen.add(key)
  }
  if (dups.length > 0) {
    throw Errors.invalidInput(
      `Duplicate items in the list: '${dups.map((d) => pythonStr(d)).join(', ')}'`,
    )
  }
  for (const item of tags as unknown[]) {
    const problem = tagProblem(item)
    if (problem !== undefined) throw Errors.invalidInput(problem)
  }
  return tags as string[]
}

/**
 * Neutron's `standard-attr-tag` sub-resource on networks, subnets, subnet pools and ports:
 * `GET|PUT|DELETE /v2.0/{collection}/{id}/tags` and `GET|PUT|DELETE .../tags/{tag}`, with
 * Neutron's statuses (200 list and replace, 204 check and deletes, 201 and `null` for one tag).
 */
export function registerTagRoutes(app: FastifyInstance, tags: TagService): void {
  for (const collection of TAGGABLE_COLLECTIONS) {
    const base = `/v2.0/${collection}/:id/tags`
    const idOf = (request: FastifyRequest): string => (request.params as { id: string }).id

    app.get(base, async (request) => ({
      tags: await tags.list(contextOf(request), collection, idOf(request)),
    }))
    app.put(base, async (request) => {
      const ctx = contextOf(request)
      const list = tagsOf(request.body)
      await tags.replace(ctx, collection, idOf(request), list)
      return { tags: list }
    })
    app.delete(base, async (request, reply) => {
      await tags.clear(contextOf(request), collection, idOf(request))
      return reply.code(204).send()
    })
    // NOTE: Neutron's TaggingController refuses create this way.
    app.post(base, async () => {
      throw Errors.tagCreateNotSupported()
    })

    app.get(`${base}/:tag`, async (request, reply) => {
      const ctx = contextOf(request)
      await tags.check(ctx, collection, idOf(request), tagOf(request))
      return reply.code(204).send()
    })
    app.put(`${base}/:tag`, async (request, reply) => {
      const ctx = contextOf(request)
      await tags.add(ctx, collection, idOf(request), tagOf(request))
      return reply.code(201).type('application/json').send('null')
    })
    app.delete(`${base}/:tag`, async (request, reply) => {
      const ctx = contextOf(request)
      await tags.remove(ctx, collection, idOf(request), tagOf(request))
      return reply.code(204).send()
    })
  }
}
