import type { FastifyRequest } from 'fastify'
import type { ListOptions } from '../services/list-query.ts'

export interface Link {
  rel: 'next' | 'previous'
  href: string
}

/** Neutron's `<collection>_links` for a page (api_common.get_pagination_links). */
export function paginationLinks(
  request: FastifyRequest,
  items: readonly { id: string }[],
  options: ListOptions,
): Link[] {
  const limit = options.limit
  if (limit === undefined) return []
  const url = new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`)
  const base = `${url.origin}${url.pathname}`
  const params = [...url.searchParams].filter(([k]) => k !== 'marker' && k !== 'page_reverse')
  const href = (extra: [string, string][]): string =>
    `${base}?${new URLSearchParams([...params, ...extra]).toString()}`
  const links: Link[] = []
  const last = items.at(-1)
  if (!(items.length < limit && !options.pageReverse) && last !== undefined) {
    links.push({ rel: 'next', href: href([['marker', last.id]]) })
  }
  if (!(items.length < limit && options.pageReverse)) {
    const first = items[0]
    links.push({
      rel: 'previous',
      href: href([
        ...(first === undefined ? [] : [['marker', first.id] as [string, string]]),
        ['page_reverse', 'True'],
      ]),
    })
  }
  return links
}
