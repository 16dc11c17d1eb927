import type { ReactNode } from 'react'
import type { PagedList } from '../hooks/use-paged-list.ts'

/** Props of {@link Pager}. */
export interface PagerProps {
  readonly list: PagedList<unknown>
  /** What the pages hold, e.g. "ports". */
  readonly noun: string
}

const SIZES = [20, 50, 100]

/** Previous / next page buttons and the page size for a server-side paginated list. */
export function Pager({ list, noun }: PagerProps): ReactNode {
  if (!list.hasPrevious && !list.hasNext && list.pageSize === SIZES[0]) return null
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button type="button" disabled={!list.hasPrevious} onClick={list.previous}>
        ‹ Previous
      </button>
      <span aria-live="polite">Page {list.pageNumber}</span>
      <button type="button" disabled={!list.hasNext} onClick={list.next}>
        Next ›
      </button>
      <label className="pager-size">
        Per page{' '}
        <select
          value={list.pageSize}
          onChange={(e) => {
            list.setPageSize(Number.parseInt(e.target.value, 10))
          }}
        >
          {SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
    </nav>
  )
}
