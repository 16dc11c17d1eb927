/**
 * A map whose entries expire, holding at most `maxEntries` (the oldest entry goes first). Time
 * comes from `now()` so tests can drive it.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>()

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** The value for `key`, unless it has expired (an expired entry is dropped). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  /** Keeps `value` for `ttlMs` milliseconds (nothing is kept when `ttlMs` is not positive). */
  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key)
    if (!(ttlMs > 0)) return
    if (this.entries.size >= this.maxEntries) this.evict()
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs })
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }

  /** Drops expired entries, then the oldest ones until there is room for one more. */
  private evict(): void {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
    // NOTE: a Map iterates in insertion order, and set() re-inserts, so the first is the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break
      this.entries.delete(key)
    }
  }
}
