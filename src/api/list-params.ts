import { Errors } from '../domain/errors.ts'
import type { ListOptions, SortKey } from '../services/list-query.ts'

export type QueryValues = Readonly<Record<string, string | string[] | undefined>>

const RESERVED = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse'])

export function values(query: QueryValues, key: string): string[] {
  const v = query[key]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

/** The fields a caller asked for (`?fields=a&fields=b`), or undefined for all. */
export function requestedFields(query: QueryValues): string[] | undefined {
  const fields = values(query, 'fields')
  return fields.length === 0 ? undefined : fields
}

/**
 * Neutron's list parameters: filters, sort_key/sort_dir, limit/marker/page_reverse.
 * @throws HTTPBadRequest / BadRequest with Neutron's wording
 */
export function listOptions(query: QueryValues): ListOptions {
  const filters = new Map<string, string[]>()
  for (const key of Object.keys(query)) {
    if (!RESERVED.has(key)) filters.set(key, values(query, key))
  }
  const keys = values(query, 'sort_key')
  const dirs = values(query, 'sort_dir')
  if (keys.length !== dirs.length)
    throw Errors.badRequest('The number of sort_keys and sort_dirs must be same')
  const sort: SortKey[] = keys.map((key, i) => {
    const dir = dirs[i]
    if (dir !== 'asc' && dir !== 'desc') {
      throw Errors.badRequest(
        `${dir ?? ''} is an invalid value for sort_dir, valid values are 'asc' and 'desc'`,
      )
    }
    return { key, direction: dir }
  })
  const limitText = values(query, 'limit')[0]
  let limit: number | undefined
  if (limitText !== undefined) {
    if (!/^[0-9]+$/.test(limitText)) {
      throw Errors.genericBadRequest(
        'limit',
        `Limit must be an integer 0 or greater and not '${limitText}'`,
      )
    }
    // NOTE: a limit beyond any table's size means "all"; capped so SQL never sees 1e20.
    limit = Math.min(Number.parseInt(limitText, 10), 2 ** 31 - 1) || undefined
  }
  const reverse = values(query, 'page_reverse')[0]
  return {
    filters,
    sort,
    limit,
    marker: values(query, 'marker')[0],
    pageReverse: reverse !== undefined && /^(true|1|yes)$/i.test(reverse),
  }
}
