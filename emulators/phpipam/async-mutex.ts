/**
 * A first-come first-served mutex for async code: `run(fn)` starts `fn` once every earlier
 * holder has finished (whether it resolved or threw).
 *
 * NOTE: stands in for phpIPAM 1.8's API write lock (`app_lock_type` File or MySQL), which
 * serialises every POST/PATCH/PUT/DELETE of the API.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve()

  /** Runs `fn` alone; rejects with whatever `fn` throws. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release: () => void = () => undefined
    this.tail = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

/** Yields to the event loop for `ms` milliseconds (0: one macrotask), like a database round trip. */
export function roundTrip(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
