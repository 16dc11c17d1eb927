import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type RetryPolicy,
} from 'cockatiel'
import { ExternalIpamError } from './external-errors.ts'

export interface ResilienceOptions {
  readonly driver: string
  readonly endpoint: string
  /** Attempts in all for idempotent calls. */
  readonly attempts: number
  /** Consecutive outage failures that open the circuit. */
  readonly breakAfter: number
  /** How long the circuit stays open before one call may try again. */
  readonly halfOpenAfterMs: number
}

const isOutage = (e: Error): boolean => e instanceof ExternalIpamError && e.isOutage

/** Worth another try: not refused credentials or a certificate, which fail the same way again. */
const isTransient = (e: Error): boolean =>
  e instanceof ExternalIpamError && e.isOutage && e.kind !== 'auth' && e.kind !== 'tls'

/**
 * Retries (bounded, exponential backoff) for idempotent calls and one circuit breaker per
 * endpoint: after `breakAfter` consecutive outages, calls fail at once with 503 until a probe
 * call succeeds. Answers of the system (exhausted, taken, not defined) neither retry nor trip it.
 */
export class Resilience {
  private readonly breaker: CircuitBreakerPolicy
  private readonly retries: RetryPolicy
  lastError: { at: string; message: string } | undefined

  constructor(private readonly options: ResilienceOptions) {
    this.breaker = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakAfter),
    })
    this.retries = retry(handleWhen(isTransient), {
      maxAttempts: Math.max(0, options.attempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }),
    })
  }

  get circuit(): 'closed' | 'open' | 'half-open' {
    switch (this.breaker.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'open'
      case CircuitState.HalfOpen:
        return 'half-open'
      case CircuitState.Closed:
        return 'closed'
    }
  }

  /** Runs a call through the breaker, and through retries when it is idempotent. */
  async call<T>(idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    const once = (): Promise<T> => this.breaker.execute(fn)
    try {
      return await (idempotent ? this.retries.execute(once) : once())
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const wrapped = new ExternalIpamError(
          'unavailable',
          this.options.driver,
          this.options.endpoint,
          `circuit open after ${this.options.breakAfter} consecutive failures (last: ${this.lastError?.message ?? 'unknown'}); retrying in at most ${Math.round(this.options.halfOpenAfterMs / 1000)} s`,
        )
        throw wrapped
      }
      if (error instanceof ExternalIpamError && error.isOutage) {
        this.lastError = { at: new Date().toISOString(), message: error.message }
      }
      throw error
    }
  }
}
