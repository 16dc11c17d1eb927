import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Fault injection shared by every vendor emulator: added latency, calls that hang (the client
 * times out), calls failing with a status (the next N, or the N-th from now), and connections
 * reset without an answer. Refused connections are the handle's `pause()` (the port is closed).
 */
export class FaultInjector {
  latencyMs = 0
  private hanging = false
  private failures: { remaining: number; status: number; body: string | undefined }[] = []
  private planned = new Map<number, { status: number; body: string | undefined }>()
  private resetting = 0
  private seen = 0

  /** Adds latency to every call. */
  setLatency(ms: number): void {
    this.latencyMs = ms
  }

  /** Every call hangs (never answered) until `hang(false)`. */
  hang(on: boolean): void {
    this.hanging = on
  }

  /**
   * The next `count` calls fail with `status` and a body (else the vendor's default): a vendor's
   * own error body (JSON is sent as JSON) lets tests replay a real refusal, e.g. a 400.
   */
  failNext(count: number, status = 500, body?: string): void {
    this.failures.push({ remaining: count, status, body })
  }

  /** The `n`-th call from now (1 = the next one) fails with `status`. */
  failNth(n: number, status = 500, body?: string): void {
    this.planned.set(this.seen + n, { status, body })
  }

  /** The next `count` calls get their connection reset with no answer. */
  resetNext(count: number): void {
    this.resetting += count
  }

  reset(): void {
    this.latencyMs = 0
    this.hanging = false
    this.failures = []
    this.planned.clear()
    this.resetting = 0
  }

  /** Decides what happens to a call: proceed, fail with a status, hang, or reset. */
  next():
    | { kind: 'proceed' }
    | { kind: 'fail'; status: number; body: string | undefined }
    | { kind: 'hang' }
    | { kind: 'reset' } {
    this.seen++
    if (this.hanging) return { kind: 'hang' }
    if (this.resetting > 0) {
      this.resetting--
      return { kind: 'reset' }
    }
    const planned = this.planned.get(this.seen)
    if (planned !== undefined) {
      this.planned.delete(this.seen)
      return { kind: 'fail', ...planned }
    }
    const failure = this.failures[0]
    if (failure !== undefined) {
      failure.remaining--
      if (failure.remaining <= 0) this.failures.shift()
      return { kind: 'fail', status: failure.status, body: failure.body }
    }
    return { kind: 'proceed' }
  }
}

/** One call as the emulator saw it. */
export interface CallRecord {
  readonly method: string
  readonly path: string
  readonly status: number
}

/** Counts calls so tests can assert round trips. Emulator control calls are not counted. */
export class CallCounter {
  readonly log: CallRecord[] = []

  get total(): number {
    return this.log.length
  }

  /** Calls whose method matches and whose path contains `fragment`. */
  count(method?: string, fragment?: string): number {
    return this.log.filter(
      (c) =>
        (method === undefined || c.method === method) &&
        (fragment === undefined || c.path.includes(fragment)),
    ).length
  }

  reset(): void {
    this.log.length = 0
  }
}

export const CONTROL_PREFIX = '/__emulator'

/** The content type of an injected body: JSON when it parses as JSON, HTML, else plain text. */
function contentTypeOf(body: string): string {
  try {
    JSON.parse(body)
    return 'application/json; charset=utf-8'
  } catch {
    return body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain'
  }
}

/**
 * Installs fault injection and call counting on an emulator app, and the control routes
 * (`/__emulator/faults`, `/__emulator/calls`, `/__emulator/reset`) for emulators run as
 * separate processes. `defaultFailure` renders a failure in the vendor's error shape.
 */
export function installFaults(
  app: FastifyInstance,
  faults: FaultInjector,
  calls: CallCounter,
  defaultFailure: (status: number, reply: FastifyReply) => FastifyReply,
): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith(CONTROL_PREFIX)) return
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs))
    const decision = faults.next()
    switch (decision.kind) {
      case 'proceed':
        return
      case 'hang':
        await new Promise(() => undefined)
        return
      case 'reset':
        request.raw.socket.destroy()
        await reply.hijack()
        return
      case 'fail':
        // NOTE: counted by the onResponse hook, like every answered call.
        if (decision.body !== undefined) {
          await reply.code(decision.status).type(contentTypeOf(decision.body)).send(decision.body)
        } else {
          await defaultFailure(decision.status, reply.code(decision.status))
        }
        return
    }
  })
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith(CONTROL_PREFIX)) return
    if (reply.statusCode !== 0)
      calls.log.push({ method: request.method, path: request.url, status: reply.statusCode })
  })
  app.post(`${CONTROL_PREFIX}/faults`, async (request) => {
    const body = (request.body ?? {}) as {
      latency_ms?: number
      hang?: boolean
      fail_next?: number
      fail_nth?: number
      status?: number
      /** The failure's body: text as is, anything else as JSON (default: the vendor's own). */
      body?: unknown
      reset_next?: number
    }
    const failure =
      body.body === undefined || typeof body.body === 'string'
        ? body.body
        : JSON.stringify(body.body)
    if (body.latency_ms !== undefined) faults.setLatency(body.latency_ms)
    if (body.hang !== undefined) faults.hang(body.hang)
    if (body.fail_next !== undefined) faults.failNext(body.fail_next, body.status ?? 500, failure)
    if (body.fail_nth !== undefined) faults.failNth(body.fail_nth, body.status ?? 500, failure)
    if (body.reset_next !== undefined) faults.resetNext(body.reset_next)
    return { ok: true }
  })
  app.get(`${CONTROL_PREFIX}/calls`, async () => ({ total: calls.total, calls: calls.log }))
  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    faults.reset()
    calls.reset()
    return { ok: true }
  })
}
