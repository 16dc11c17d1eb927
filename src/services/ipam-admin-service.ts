import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { NeutronError } from '../domain/errors.ts'
import { listAudit, type AuditQuery, type AuditRecord } from '../ipam/audit.ts'
import type { IpamDriver } from '../ipam/driver.ts'
import type { CheckStep } from '../ipam/drivers/external/external-backend.ts'
import {
  reconcile,
  type ReconcileProgress,
  type ReconcileReport,
} from '../ipam/drivers/external/reconcile.ts'
import type { QueuedRelease } from '../ipam/drivers/external/release-queue.ts'
import { requireAdmin, type RequestContext } from './request-context.ts'

export interface IpamStatus {
  driver: string
  endpoint: string | null
  view: string | null
  state: 'ok' | 'degraded' | 'unreachable'
  circuit: 'closed' | 'open' | 'half-open'
  last_error: { at: string; message: string } | null
  pending_releases: number
  journal_open: number
}

export interface CheckReport {
  driver: string
  ok: boolean
  steps: CheckStep[]
}

/**
 * The admin-only IPAM surfaces (docs/ipam-admin-api.md): driver status, the connectivity check,
 * pending releases, reconcile and the audit trail. The same for every driver; the internal one
 * has nothing external to check, release or reconcile.
 */
export class IpamAdminService {
  private readonly progress: ReconcileProgress = {
    running: false,
    phase: 'idle',
    done: 0,
    total: null,
  }
  private running: Promise<ReconcileReport> | undefined
  private identityCheck: (() => Promise<CheckStep[]>) | undefined

  constructor(
    private readonly db: Db,
    private readonly ipam: IpamDriver,
  ) {}

  /** Appends the identity steps (auth_strategy = keystone) to every check report. */
  addIdentityCheck(check: () => Promise<CheckStep[]>): void {
    this.identityCheck = check
  }

  private admin(ctx: RequestContext, what: string): void {
    requireAdmin(ctx, `rule:${what}`)
  }

  async status(ctx: RequestContext): Promise<IpamStatus> {
    this.admin(ctx, 'get_ipam_status')
    const external = this.ipam.external
    if (external === undefined) {
      return {
        driver: this.ipam.name,
        endpoint: null,
        view: null,
        state: 'ok',
        circuit: 'closed',
        last_error: null,
        pending_releases: 0,
        journal_open: 0,
      }
    }
    const health = external.health()
    return {
      driver: this.ipam.name,
      endpoint: external.backend.endpoint,
      view: external.backend.scope,
      state:
        health.circuit === 'open'
          ? 'unreachable'
          : health.lastError !== undefined && Date.now() - Date.parse(health.lastError.at) < 60_000
            ? 'degraded'
            : 'ok',
      circuit: health.circuit,
      last_error: health.lastError ?? null,
      pending_releases: await external.releases.depth(),
      journal_open: await external.journal.countOpen(),
    }
  }

  async check(ctx: RequestContext): Promise<CheckReport> {
    this.admin(ctx, 'check_ipam')
    const external = this.ipam.external
    let steps: CheckStep[]
    if (external === undefined) {
      const t0 = performance.now()
      try {
        await sql`select 1`.execute(this.db.kysely)
        steps = [
          {
            name: 'database',
            status: 'pass',
            detail: `${this.db.dialect} answered in ${Math.round(performance.now() - t0)} ms`,
          },
        ]
      } catch (error) {
        steps = [{ name: 'database', status: 'fail', detail: (error as Error).message }]
      }
    } else {
      steps = await external.backend.check()
    }
    if (this.identityCheck !== undefined) steps = [...steps, ...(await this.identityCheck())]
    return { driver: this.ipam.name, ok: steps.every((s) => s.status !== 'fail'), steps }
  }

  async releases(ctx: RequestContext): Promise<QueuedRelease[]> {
    this.admin(ctx, 'get_ipam_releases')
    return (await this.ipam.external?.releases.list()) ?? []
  }

  async retryReleases(
    ctx: RequestContext,
    id?: string,
  ): Promise<{ released: number; pending: number }> {
    this.admin(ctx, 'retry_ipam_releases')
    const external = this.ipam.external
    if (external === undefined) return { released: 0, pending: 0 }
    await external.releases.makeDue(id)
    return external.drainReleases(id === undefined ? undefined : [id])
  }

  /** Runs a reconcile (one at a time per process; a second call joins the running one). */
  async reconcile(ctx: RequestContext, repair: boolean): Promise<ReconcileReport> {
    this.admin(ctx, 'reconcile_ipam')
    const external = this.ipam.external
    if (external === undefined) {
      // NOTE: the internal driver's allocations are the only record: nothing to compare with.
      const now = new Date().toISOString()
      const ours = await this.db.kysely
        .selectFrom('ip_allocations')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst()
      const report: ReconcileReport = {
        id: randomUUID(),
        driver: this.ipam.name,
        started_at: now,
        finished_at: now,
        repair,
        scanned: { ours: Number(ours?.n ?? 0), external: 0 },
        orphans: [],
        missing: [],
        stale: [],
        errors: [],
      }
      await this.db.kysely
        .insertInto('ipam_reconcile_reports')
        .values({
          id: report.id,
          driver: report.driver,
          started_at: now,
          report: JSON.stringify(report),
        })
        .execute()
      return report
    }
    this.running ??= reconcile(external, repair, this.progress).finally(() => {
      this.running = undefined
    })
    return this.running
  }

  async lastReconcile(ctx: RequestContext): Promise<ReconcileReport | null> {
    this.admin(ctx, 'get_ipam_reconcile')
    const row = await this.db.kysely
      .selectFrom('ipam_reconcile_reports')
      .select('report')
      .where('driver', '=', this.ipam.name)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row === undefined ? null : (JSON.parse(row.report) as ReconcileReport)
  }

  reconcileProgress(ctx: RequestContext): ReconcileProgress {
    this.admin(ctx, 'get_ipam_reconcile')
    return { ...this.progress }
  }

  async audit(ctx: RequestContext, query: AuditQuery): Promise<AuditRecord[]> {
    this.admin(ctx, 'get_ipam_audit')
    if (query.limit < 1 || query.limit > 1000)
      throw new NeutronError('BadRequest', 400, 'Bad audit request: limit must be from 1 to 1000.')
    return listAudit(this.db.kysely, query)
  }
}
