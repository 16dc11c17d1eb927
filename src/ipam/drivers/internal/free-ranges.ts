import type { Dialect } from '../../../db/connection-url.ts'
import type { Tx } from '../../../db/transaction.ts'
import { ipKey } from '../../../domain/ip-address.ts'
import type { Interval, IntervalSet } from '../../../domain/interval-set.ts'

/**
 * The free-space index of the internal driver: rows of inclusive free ranges per subnet, keyed by
 * their start. Every operation touches O(1) rows through the (subnet, start) key, so its cost
 * does not depend on the size of the subnet or on how many addresses are taken.
 *
 * NOTE: a large range hands out addresses through small "chunk" rows split off its front. Each
 * chunk is a separate row, so concurrent transactions on PostgreSQL and MariaDB lock different
 * rows (SKIP LOCKED) instead of queueing on one; one client still gets the lowest address first.
 */
export const CHUNK = 32n

interface RangeRow {
  start_key: string
  end_key: string
}

const toInterval = (r: RangeRow): Interval => ({
  start: BigInt(`0x${r.start_key}`),
  end: BigInt(`0x${r.end_key}`),
})

export class FreeRanges {
  constructor(
    private readonly tx: Tx,
    private readonly dialect: Dialect,
    private readonly subnetId: string,
  ) {}

  private first() {
    return this.tx
      .selectFrom('ipam_free_ranges')
      .select(['start_key', 'end_key'])
      .where('subnet_id', '=', this.subnetId)
      .orderBy('start_key')
      .limit(1)
  }

  /**
   * Locks and returns the lowest free range that no other transaction holds, waiting only when all
   * are held. Undefined when the subnet has no free address.
   */
  async lockLowest(): Promise<Interval | undefined> {
    for (;;) {
      const free = await this.first().forUpdate().skipLocked().executeTakeFirst()
      if (free !== undefined) return toInterval(free)
      const waited = await this.first().forUpdate().executeTakeFirst()
      if (waited !== undefined) return toInterval(waited)
      // The row we waited for was consumed; a plain read tells whether anything is left.
      if ((await this.first().executeTakeFirst()) === undefined) return undefined
    }
  }

  /** Locks and returns the free range holding `value`, if the index says it is free. */
  async lockContaining(value: bigint): Promise<Interval | undefined> {
    const query = this.tx
      .selectFrom('ipam_free_ranges')
      .select(['start_key', 'end_key'])
      .where('subnet_id', '=', this.subnetId)
      .where('start_key', '<=', ipKey(value))
      .orderBy('start_key', 'desc')
      .limit(1)
    const row = await query.forUpdate().executeTakeFirst()
    if (row === undefined) return undefined
    const range = toInterval(row)
    return range.end >= value ? range : undefined
  }

  /** Up to `limit` lowest ranges, unlocked (a window to pick from at random). */
  async peek(limit: number): Promise<Interval[]> {
    const rows = await this.tx
      .selectFrom('ipam_free_ranges')
      .select(['start_key', 'end_key'])
      .where('subnet_id', '=', this.subnetId)
      .orderBy('start_key')
      .limit(limit)
      .execute()
    return rows.map(toInterval)
  }

  /**
   * Takes up to `count` addresses from the front of a locked range and returns them as an
   * interval. Splits a chunk off the front of what is left when that is large.
   */
  async takeFront(range: Interval, count: bigint): Promise<Interval> {
    const size = range.end - range.start + 1n
    const taken = count < size ? count : size
    const next = range.start + taken
    if (next > range.end) {
      await this.delete(range.start)
    } else if (range.end - next + 1n > 2n * CHUNK) {
      await this.moveStart(range.start, next + CHUNK)
      await this.insert([{ start: next, end: next + CHUNK - 1n }])
    } else {
      await this.moveStart(range.start, next)
    }
    return { start: range.start, end: range.start + taken - 1n }
  }

  /** Removes one address from a locked range that holds it. */
  async carve(range: Interval, value: bigint): Promise<void> {
    if (value === range.start) {
      await this.takeFront(range, 1n)
      return
    }
    await this.tx
      .updateTable('ipam_free_ranges')
      .set({ end_key: ipKey(value - 1n) })
      .where('subnet_id', '=', this.subnetId)
      .where('start_key', '=', ipKey(range.start))
      .execute()
    if (value < range.end) await this.insert([{ start: value + 1n, end: range.end }])
  }

  /** Adds free ranges (no error for one that is already there). */
  async insert(ranges: readonly Interval[]): Promise<void> {
    for (let i = 0; i < ranges.length; i += 500) {
      const rows = ranges.slice(i, i + 500).map((r) => ({
        subnet_id: this.subnetId,
        start_key: ipKey(r.start),
        end_key: ipKey(r.end),
      }))
      const insert = this.tx.insertInto('ipam_free_ranges').values(rows)
      await (
        this.dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.doNothing())
      ).execute()
    }
  }

  /** Replaces the whole index of the subnet. */
  async replace(free: IntervalSet): Promise<void> {
    await this.clear()
    await this.insert(free.intervals)
  }

  async clear(): Promise<void> {
    await this.tx.deleteFrom('ipam_free_ranges').where('subnet_id', '=', this.subnetId).execute()
  }

  private async delete(start: bigint): Promise<void> {
    await this.tx
      .deleteFrom('ipam_free_ranges')
      .where('subnet_id', '=', this.subnetId)
      .where('start_key', '=', ipKey(start))
      .execute()
  }

  private async moveStart(from: bigint, to: bigint): Promise<void> {
    await this.tx
      .updateTable('ipam_free_ranges')
      .set({ start_key: ipKey(to) })
      .where('subnet_id', '=', this.subnetId)
      .where('start_key', '=', ipKey(from))
      .execute()
  }
}
