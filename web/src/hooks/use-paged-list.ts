import { useState } from 'react'
import { useLoad } from './use-load.ts'

/** One page of a server-side paginated list. */
export interface Page<T> {
  readonly items: readonly T[]
  /** The marker of the next page (from the `next` link), undefined on the last page. */
  readonly nextMarker: string | undefined
}

/** A paginated list: the current page and how to move between pages. */
export interface PagedList<T> {
  readonly items: readonly T[] | undefined
  readonly error: string | undefined
  readonly loading: boolean
  /** 1-based page number. */
  readonly pageNumber: number
  readonly pageSize: number
  readonly hasNext: boolean
  readonly hasPrevious: boolean
  readonly next: () => void
  readonly previous: () => void
  readonly first: () => void
  readonly setPageSize: (size: number) => void
  readonly reload: () => void
}

interface Position {
  /** Filters and sort the stack belongs to: a new query starts again at page 1. */
  readonly key: string
  /** Markers of the pages visited (undefined: the first page). */
  readonly stack: readonly (string | undefined)[]
}

/**
 * Server-side pagination (Neutron's `limit` / `marker`): only one page is ever fetched, so a
 * network with thousands of ports costs the same as one with ten. `queryKey` names the filters;
 * when it changes, the list goes back to page 1.
 */
export function usePagedList<T>(
  fetchPage: (marker: string | undefined, limit: number) => Promise<Page<T>>,
  queryKey: string,
  initialPageSize = 20,
): PagedList<T> {
  const [pageSize, setPageSize] = useState(initialPageSize)
  const [position, setPosition] = useState<Position>({ key: queryKey, stack: [undefined] })
  const stack = position.key === queryKey ? position.stack : [undefined]
  const marker = stack.at(-1)
  const page = useLoad(() => fetchPage(marker, pageSize), [queryKey, marker, pageSize])
  return {
    items: page.data?.items,
    error: page.error,
    loading: page.loading,
    pageNumber: stack.length,
    pageSize,
    hasNext: page.data?.nextMarker !== undefined && !page.loading,
    hasPrevious: stack.length > 1,
    next: () => {
      const nextMarker = page.data?.nextMarker
      if (nextMarker !== undefined) setPosition({ key: queryKey, stack: [...stack, nextMarker] })
    },
    previous: () => {
      if (stack.length > 1) setPosition({ key: queryKey, stack: stack.slice(0, -1) })
    },
    first: () => {
      setPosition({ key: queryKey, stack: [undefined] })
    },
    setPageSize: (size) => {
      setPageSize(size)
      setPosition({ key: queryKey, stack: [undefined] })
    },
    reload: page.reload,
  }
}
