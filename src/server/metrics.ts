import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { IpamDriver } from '../ipam/driver.ts'
import type { IpamMetrics } from '../ipam/metrics.ts'

/** The process's Prometheus metrics: HTTP, IPAM calls, release queue depth, circuit state. */
export class ServiceMetrics implements IpamMetrics {
  readonly registry = new Registry()
  private readonly calls = new Counter({
    name: 'xloud_ipam_calls_total',
    help: 'Calls to the IPAM system, by outcome.',
    labelNames: ['driver', 'operation', 'outcome'],
    registers: [this.registry],
  })
  private readonly latency = new Histogram({
    name: 'xloud_ipam_call_seconds',
    help: 'Latency of calls to the IPAM system.',
    labelNames: ['driver', 'operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  })
  private readonly requests = new Counter({
    name: 'xloud_http_requests_total',
    help: 'API requests by route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  })
  private readonly requestSeconds = new Histogram({
    name: 'xloud_http_request_seconds',
    help: 'API request latency.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'xloud_' })
  }

  call(driver: string, operation: string, outcome: string, seconds: number): void {
    this.calls.inc({ driver, operation, outcome })
    this.latency.observe({ driver, operation }, seconds)
  }

  /** Adds queue depth and circuit gauges read at scrape time, and the HTTP hooks and route. */
  install(app: FastifyInstance, ipam: IpamDriver): void {
    const external = ipam.external
    new Gauge({
      name: 'xloud_ipam_release_queue_depth',
      help: 'Releases waiting for the IPAM system.',
      labelNames: ['driver'],
      registers: [this.registry],
      async collect() {
        this.set(
          { driver: ipam.name },
          external === undefined ? 0 : await external.releases.depth(),
        )
      },
    })
    new Gauge({
      name: 'xloud_ipam_circuit_open',
      help: '1 while calls to the IPAM system fail fast.',
      labelNames: ['driver'],
      registers: [this.registry],
      collect() {
        this.set({ driver: ipam.name }, external?.health().circuit === 'open' ? 1 : 0)
      },
    })
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched'
      this.requests.inc({ method: request.method, route, status: String(reply.statusCode) })
      this.requestSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000)
    })
    app.get('/metrics', async (_request, reply) => {
      const text = await this.registry.metrics()
      return reply.type(this.registry.contentType).send(text)
    })
  }
}
