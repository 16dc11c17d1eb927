import { Pool } from 'undici'

/** What a load run measured. */
export interface LoadResult {
  readonly requests: number
  readonly seconds: number
  readonly perSecond: number
  readonly p50ms: number
  readonly p99ms: number
  readonly errors: number
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/**
 * Sends `total` requests with `concurrency` clients over keep-alive connections (undici) and
 * measures throughput and latency. `body(i)` gives the i-th request body. A non-2xx answer
 * counts as an error (and is reported, never hidden).
 */
export async function runLoad(
  url: string,
  path: string,
  concurrency: number,
  total: number,
  body: (i: number) => string,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 })
  const latencies: number[] = []
  let next = 0
  let errors = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++
        if (i >= total) return
        const t0 = performance.now()
        const res = await pool.request({
          method: 'POST',
          path,
          body: body(i),
          headers: { 'content-type': 'application/json', ...headers },
        })
        await res.body.text()
        latencies.push(performance.now() - t0)
        if (res.statusCode >= 300) errors++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  return {
    requests: total,
    seconds,
    perSecond: total / seconds,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    errors,
  }
}
