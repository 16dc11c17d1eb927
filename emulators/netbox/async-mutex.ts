/**
 * A first-come first-served mutex for async code: `run(fn)` starts `fn` once every earlier
 * holder has finished (whether it resolved or threw).
 *
 * NOTE: stands in for NetBox's PostgreSQL advisory lock `available-ips`, which serialises
 * allocations across every worker of a real deployment.
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
