import { removeQueryParam, replaceQueryParam, type QueryParams } from './query-params.ts'

/** NetBox's paging settings. */
export interface PagingConfig {
  /** PAGINATE_COUNT: the page size when no `limit` is given (NetBox default 50). */
  readonly paginateCount: number
  /** MAX_PAGE_SIZE: larger limits are silently capped; 0 removes the cap (NetBox default 1000). */
  readonly maxPageSize: number
}

/** One page in DRF's envelope. */
export interface Page<T> {
  readonly count: number
  readonly next: string | null
  readonly previous: string | null
  readonly results: T[]
}

/**
 * NetBox's `OptionalLimitOffsetPagination.get_limit`: the `limit` parameter (a negative or
 * malformed one falls back to PAGINATE_COUNT), capped at MAX_PAGE_SIZE; `limit=0` means
 * MAX_PAGE_SIZE, or everything when there is no cap.
 */
export function pageLimit(query: QueryParams, config: PagingConfig): number {
  const text = query.get('limit')
  if (text !== undefined && /^\s*\+?\d+\s*$/.test(text)) {
    const limit = Number.parseInt(text, 10)
    if (config.maxPageSize > 0)
      return limit === 0 ? config.maxPageSize : Math.min(limit, config.maxPageSize)
    return limit
  }
  return config.paginateCount
}

/**
 * Slices `items` with `limit`/`offset` and builds `next`/`previous` as absolute URLs the way
 * DRF does (the request URL with `limit` set to the effective, capped limit and `offset`
 * replaced, every parameter re-encoded in key order; the first page's `previous` drops
 * `offset`). `limit=0` without a cap returns everything with null links.
 */
export function paginate<T>(
  items: readonly T[],
  query: QueryParams,
  requestUrl: string,
  config: PagingConfig,
): Page<T> {
  const count = items.length
  const limit = pageLimit(query, config)
  const offsetText = query.get('offset')
  const offset =
    offsetText !== undefined && /^\s*\+?\d+\s*$/.test(offsetText)
      ? Number.parseInt(offsetText, 10)
      : 0
  if (limit === 0) return { count, next: null, previous: null, results: items.slice(offset) }
  const results = count === 0 || offset > count ? [] : items.slice(offset, offset + limit)
  const withLimit = replaceQueryParam(requestUrl, 'limit', String(limit))
  const next =
    offset + limit >= count ? null : replaceQueryParam(withLimit, 'offset', String(offset + limit))
  let previous: string | null = null
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? removeQueryParam(withLimit, 'offset')
        : replaceQueryParam(withLimit, 'offset', String(offset - limit))
  }
  return { count, next, previous, results }
}
