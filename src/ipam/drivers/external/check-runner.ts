import type { CheckStep } from './external-backend.ts'
import { ExternalIpamError } from './external-errors.ts'

/** One step of a connectivity check after reach and TLS: its detail, or a thrown reason. */
export interface CheckStepPlan {
  readonly name: string
  readonly run: () => Promise<string>
}

/**
 * The connectivity check every driver runs (`xloud ipam check`): reach the endpoint (any HTTP
 * answer counts, credentials or not), its TLS, then each step in turn, stopping at the first
 * failure (the rest are reported as skipped). Reasons come from ExternalIpamError (never a secret).
 */
export async function runCheck(
  endpoint: string,
  probe: () => Promise<unknown>,
  plan: readonly CheckStepPlan[],
): Promise<CheckStep[]> {
  const steps: CheckStep[] = []
  const skipRest = (): CheckStep[] =>
    plan
      .slice(Math.max(0, steps.length - 2))
      .map((p) => ({ name: p.name, status: 'skipped' as const, detail: '' }))
  const t0 = performance.now()
  try {
    await probe()
    steps.push({
      name: 'reach endpoint',
      status: 'pass',
      detail: `${endpoint} answered in ${Math.round(performance.now() - t0)} ms`,
    })
    steps.push({
      name: 'TLS',
      status: 'pass',
      detail: endpoint.startsWith('https:')
        ? 'certificate accepted'
        : 'plain HTTP (no TLS configured)',
    })
  } catch (error) {
    if (error instanceof ExternalIpamError && error.kind === 'tls') {
      steps.push({
        name: 'reach endpoint',
        status: 'pass',
        detail: `${endpoint} accepted a connection`,
      })
      steps.push({ name: 'TLS', status: 'fail', detail: error.reason })
    } else {
      steps.push({
        name: 'reach endpoint',
        status: 'fail',
        detail: error instanceof ExternalIpamError ? error.reason : (error as Error).message,
      })
      steps.push({ name: 'TLS', status: 'skipped', detail: '' })
    }
    return [...steps, ...skipRest()]
  }
  for (const step of plan) {
    try {
      steps.push({ name: step.name, status: 'pass', detail: await step.run() })
    } catch (error) {
      steps.push({
        name: step.name,
        status: 'fail',
        detail: error instanceof ExternalIpamError ? error.reason : (error as Error).message,
      })
      return [...steps, ...skipRest()]
    }
  }
  return steps
}
