import type { FastifyInstance } from 'fastify'
import type { CallCounter, FaultInjector } from './faults.ts'

/** A running emulator: its URL, its fault controls and call log, and its lifecycle. */
export interface EmulatorHandle {
  readonly url: string
  readonly port: number
  readonly faults: FaultInjector
  readonly calls: CallCounter
  /** Closes the port (connections are refused) while keeping the state. */
  pause(): Promise<void>
  /** Listens again on the same port, with the same state. */
  resume(): Promise<void>
  close(): Promise<void>
}

/**
 * Listens on 127.0.0.1:`port` (0: a free one). `build` is called again on resume, with the same
 * state captured in its closure, because a closed Fastify app cannot listen again.
 */
export async function listenEmulator(
  build: () => Promise<FastifyInstance>,
  faults: FaultInjector,
  calls: CallCounter,
  port = 0,
): Promise<EmulatorHandle> {
  let app = await build()
  await app.listen({ host: '127.0.0.1', port })
  const address = app.server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  let running = true
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    faults,
    calls,
    async pause() {
      if (!running) return
      running = false
      app.server.closeAllConnections()
      await app.close()
    },
    async resume() {
      if (running) return
      app = await build()
      await app.listen({ host: '127.0.0.1', port: bound })
      running = true
    },
    async close() {
      if (!running) return
      running = false
      app.server.closeAllConnections()
      await app.close()
    },
  }
}
