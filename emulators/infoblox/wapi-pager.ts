import { randomBytes } from 'node:crypto'
import type { JsonObject } from './wapi-json.ts'

/** One page of a paged search. */
export interface Page {
  readonly result: JsonObject[]
  readonly nextPageId: string | undefined
}

interface Cursor {
  readonly iterator: Iterator<JsonObject>
  readonly pageSize: number
  peeked: IteratorResult<JsonObject>
  lastUsed: number
}

const MAX_CURSORS = 1000
const CURSOR_IDLE_MS = 10 * 60 * 1000

/**
 * Paged searches (`_paging=1&_return_as_object=1&_max_results=N`, then `_page_id=…`): the
 * search is evaluated lazily and each page pulls the next N results; `next_page_id` is given
 * while more remain. Page ids are single-use and expire after ten idle minutes.
 */
export class WapiPager {
  private readonly cursors = new Map<string, Cursor>()

  /** The first page of a search. */
  start(items: Iterable<JsonObject>, pageSize: number): Page {
    const iterator = items[Symbol.iterator]()
    return this.page({ iterator, pageSize, peeked: iterator.next(), lastUsed: Date.now() })
  }

  /** The page a page id points at, or undefined when the id is unknown, used or expired. */
  next(pageId: string): Page | undefined {
    this.sweep()
    const cursor = this.cursors.get(pageId)
    if (cursor === undefined) return undefined
    this.cursors.delete(pageId)
    return this.page(cursor)
  }

  private page(cursor: Cursor): Page {
    const result: JsonObject[] = []
    while (!cursor.peeked.done && result.length < cursor.pageSize) {
      result.push(cursor.peeked.value)
      cursor.peeked = cursor.iterator.next()
    }
    if (cursor.peeked.done === true) return { result, nextPageId: undefined }
    const id = randomBytes(16).toString('hex')
    cursor.lastUsed = Date.now()
    this.cursors.set(id, cursor)
    if (this.cursors.size > MAX_CURSORS) {
      const oldest = this.cursors.keys().next()
      if (oldest.done !== true) this.cursors.delete(oldest.value)
    }
    return { result, nextPageId: id }
  }

  private sweep(): void {
    const limit = Date.now() - CURSOR_IDLE_MS
    for (const [id, c] of this.cursors) if (c.lastUsed < limit) this.cursors.delete(id)
  }
}
