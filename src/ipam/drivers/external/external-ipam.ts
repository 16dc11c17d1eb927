import type { Logger } from 'pino'
import type { Db } from '../../../db/database.ts'
import { inTransaction, type Queryable, type Tx } from '../../../db/transaction.ts'
import { NeutronError } from '../../../domain/errors.ts'
import { formatIp, parseIp, type IpAddress } from '../../../domain/ip-address.ts'
import { recordAudit, type AuditEvent } from '../../audit.ts'
import type { IpamMetrics } from '../../metrics.ts'
import type {
  AddressAsk,
  ExternalBackend,
  ExternalSubnet,
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from './external-backend.ts'
import { ExternalIpamError, toNeutronError } from './external-errors.ts'
import { failpoint } from './failpoints.ts'
import { Journal, type Intent } from './journal.ts'
import { ReleaseQueue } from './release-queue.ts'

/** One address to reserve for a port: from the first candidate subnet that has one. */
export interface PlannedReservation {
  readonly candidates: readonly ExternalSubnetSpec[]
  readonly ask: AddressAsk
  /** The tag, without its subnet (filled per candidate). */
  readonly tag: Omit<ReservationTag, 'subnetId'>
  readonly who: { readonly projectId: string; readonly userId: string }
}

/** An address reserved in the external system, not yet committed on our side. */
export interface Reserved {
  readonly spec: ExternalSubnetSpec
  readonly address: IpAddress
  readonly ref: string
  readonly intentId: string
  readonly tag: ReservationTag
}

/** When open intents count as abandoned. */
export interface RecoveryTiming {
  /** Any open intent older than this (a call stuck for that long). */
  readonly recoveryAgeMs: number
  /** The intents of a process whose heartbeat has been silent this long (it died). */
  readonly deadAfterMs: number
}

/** How many external calls one request makes at once (bulk creates). */
const PARALLEL_CALLS = 8

async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out = new Array<PromiseSettledResult<R>>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = next++
        const item = items[i]
        if (item === undefined) return
        try {
          out[i] = { status: 'fulfilled', value: await fn(item) }
        } catch (reason) {
          out[i] = { status: 'rejected', reason }
        }
      }
    }),
  )
  return out
}

/** How long a process trusts its cached record of a subnet's external object. */
const SUBNET_CACHE_MS = 30_000

/**
 * The shared machinery of every external driver: reserve before commit (journal first), settle
 * or compensate, durable releases, recovery of intents left open by a crash, audit and metrics.
 * Vendor specifics stay in the ExternalBackend.
 */
export class ExternalIpam {
  readonly journal: Journal
  readonly releases: ReleaseQueue
  /** Subnet objects read, with when (see {@link SUBNET_CACHE_MS}). */
  private readonly subnets = new Map<string, { ext: ExternalSubnet; at: number }>()
  private readonly prepared = new Map<string, ExternalSubnet>()

  private lastError: { at: string; message: string } | undefined

  constructor(
    readonly db: Db,
    readonly backend: ExternalBackend,
    private readonly metrics: IpamMetrics,
    private readonly log: Logger | undefined,
    private readonly timing: RecoveryTiming = { recoveryAgeMs: 120_000, deadAfterMs: 25_000 },
  ) {
    this.journal = new Journal(db, backend.driver)
    this.releases = new ReleaseQueue(
      db,
      backend.driver,
      this.journal.instanceId,
      timing.deadAfterMs,
    )
  }

  get driver(): string {
    return this.backend.driver
  }

  /** Tells the other processes this one is alive (intents of silent ones get recovered). */
  heartbeat(): Promise<void> {
    return this.journal.heartbeat()
  }

  /** The circuit and the last outage seen by this process. */
  health(): {
    circuit: 'closed' | 'open' | 'half-open'
    lastError: { at: string; message: string } | undefined
  } {
    return { circuit: this.backend.circuit(), lastError: this.lastError }
  }

  /** Times a backend call and counts its outcome. */
  private async timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      const value = await fn()
      this.metrics.call(this.driver, operation, 'ok', (performance.now() - start) / 1000)
      return value
    } catch (error) {
      const outcome = error instanceof ExternalIpamError ? error.kind : 'error'
      this.metrics.call(this.driver, operation, outcome, (performance.now() - start) / 1000)
      if (error instanceof ExternalIpamError && error.isOutage) {
        this.lastError = { at: new Date().toISOString(), message: error.message }
        this.log?.warn(
          { ipam: this.driver, operation, err: error.message },
          `ipam: ${error.message}`,
        )
      }
      throw error
    }
  }

  // ---------------------------------------------------------------- subnets

  /**
   * Phase one of a subnet create: the pre-defined range is found and adopted, or the subnet's
   * object created inside it. Kept until `addSubnet` records it in our transaction.
   * @throws NeutronError: 400 when the range is not defined or overlaps, 503 on outage
   */
  async prepareSubnet(
    spec: ExternalSubnetSpec,
    who: { projectId: string; userId: string },
  ): Promise<ExternalSubnet> {
    const [intent] = await this.journal.open([
      {
        operation: 'subnet',
        subnetId: spec.subnetId,
        tag: { cidr: formatIp({ version: spec.cidr.version, value: spec.cidr.network }) },
      },
    ])
    try {
      const ext = await this.timed('subnet-create', () => this.backend.prepareSubnet(spec))
      this.prepared.set(spec.subnetId, ext)
      await recordAudit(this.db.kysely, [
        {
          ...this.subnetEvent(spec, who),
          action: ext.createdByUs ? 'subnet-create' : 'subnet-adopt',
          outcome: 'ok',
          detail: ext.ref,
        },
      ])
      return ext
    } catch (error) {
      await this.journal.close(this.db.kysely, intent === undefined ? [] : [intent.id], 'undone')
      if (error instanceof ExternalIpamError) {
        await recordAudit(this.db.kysely, [
          {
            ...this.subnetEvent(spec, who),
            action: 'refuse',
            outcome: 'failed',
            detail: error.message,
          },
        ])
        throw toNeutronError(error, {
          networkId: spec.networkId,
          subnetId: spec.subnetId,
          cidr: spec.cidr,
          scope: this.backend.scope,
        })
      }
      throw error
    }
  }

  /** Inside the subnet's transaction: records the prepared object and settles the intent. */
  async recordSubnet(tx: Tx, subnetId: string): Promise<void> {
    const ext = this.prepared.get(subnetId)
    if (ext === undefined) throw new Error(`subnet ${subnetId} was not prepared in ${this.driver}`)
    await tx
      .insertInto('ipam_external_subnets')
      .values({
        subnet_id: subnetId,
        driver: this.driver,
        external_ref: ext.ref,
        created_by_us: ext.createdByUs ? 1 : 0,
        detail: JSON.stringify(ext.detail),
        created_at: new Date().toISOString(),
      })
      .execute()
    await tx
      .updateTable('ipam_journal')
      .set({ state: 'done', updated_at: new Date().toISOString() })
      .where('operation', '=', 'subnet')
      .where('subnet_id', '=', subnetId)
      .where('state', '=', 'open')
      .execute()
  }

  /** When our subnet transaction failed after phase one: undo what phase one created. */
  async abandonSubnet(spec: ExternalSubnetSpec): Promise<void> {
    const ext = this.prepared.get(spec.subnetId)
    this.prepared.delete(spec.subnetId)
    if (ext !== undefined && ext.createdByUs) await this.releaseSubnetObject(spec.subnetId, ext.ref)
    await this.db.kysely
      .updateTable('ipam_journal')
      .set({ state: 'undone', updated_at: new Date().toISOString() })
      .where('operation', '=', 'subnet')
      .where('subnet_id', '=', spec.subnetId)
      .where('state', '=', 'open')
      .execute()
  }

  /** After our subnet transaction committed. */
  forgetPrepared(subnetId: string): void {
    this.prepared.delete(subnetId)
  }

  /**
   * Links a subnet whose external object is gone (or was never recorded) to its range as the
   * system has it now: adopted, or created inside the enclosing range, as for a new subnet.
   * Reconcile's repair of a missing range; the subnet's addresses are reserved again after.
   * @throws NeutronError as prepareSubnet: 400 while the range is still not defined, 503 on outage
   */
  async relinkSubnet(
    spec: ExternalSubnetSpec,
    who: { projectId: string; userId: string },
  ): Promise<ExternalSubnet> {
    const ext = await this.prepareSubnet(spec, who)
    try {
      await inTransaction(this.db, async (tx) => {
        await tx
          .deleteFrom('ipam_external_subnets')
          .where('subnet_id', '=', spec.subnetId)
          .execute()
        await this.recordSubnet(tx, spec.subnetId)
      })
    } catch (error) {
      await this.abandonSubnet(spec)
      throw error
    }
    this.forgetPrepared(spec.subnetId)
    this.subnets.delete(spec.subnetId)
    return ext
  }

  /** Inside the subnet delete's transaction: queues the release of an object we created. */
  async removeSubnet(tx: Tx, subnetId: string): Promise<string[]> {
    const row = await tx
      .selectFrom('ipam_external_subnets')
      .selectAll()
      .where('subnet_id', '=', subnetId)
      .executeTakeFirst()
    this.subnets.delete(subnetId)
    if (row === undefined) return []
    await tx.deleteFrom('ipam_external_subnets').where('subnet_id', '=', subnetId).execute()
    if (row.created_by_us !== 1) return []
    return this.releases.enqueue(tx, [{ kind: 'subnet', subnetId, externalRef: row.external_ref }])
  }

  private async releaseSubnetObject(subnetId: string, ref: string): Promise<void> {
    try {
      await this.timed('subnet-delete', () => this.backend.releaseSubnet(ref))
    } catch (error) {
      if (!(error instanceof ExternalIpamError)) throw error
      await this.releases.enqueue(this.db.kysely, [{ kind: 'subnet', subnetId, externalRef: ref }])
    }
  }

  /**
   * The external object of a subnet. Cached for {@link SUBNET_CACHE_MS}: it changes only when
   * reconcile re-links a missing range, perhaps in another process.
   */
  async subnetOf(q: Queryable, subnetId: string): Promise<ExternalSubnet> {
    const cached = this.subnets.get(subnetId)
    if (cached !== undefined && Date.now() - cached.at < SUBNET_CACHE_MS) return cached.ext
    const row = await q
      .selectFrom('ipam_external_subnets')
      .selectAll()
      .where('subnet_id', '=', subnetId)
      .executeTakeFirst()
    if (row === undefined) {
      throw new NeutronError(
        'IpamDriverError',
        503,
        `IPAM driver error: ${this.driver}: subnet ${subnetId} has no ${this.driver} object (created before the driver was configured?)`,
      )
    }
    const ext: ExternalSubnet = {
      ref: row.external_ref,
      createdByUs: row.created_by_us === 1,
      detail: JSON.parse(row.detail) as ExternalSubnet['detail'],
    }
    this.subnets.set(subnetId, { ext, at: Date.now() })
    return ext
  }

  // ---------------------------------------------------------------- addresses

  /**
   * Phase one of a port create: every address is reserved in the external system (intents
   * journaled first). All or nothing: when one fails, those already made are released.
   * @throws NeutronError mapped from the failure (409 exhaustion / taken, 503 outage)
   */
  async reserveAll(plans: readonly PlannedReservation[]): Promise<Reserved[]> {
    if (plans.length === 0) return []
    const intents = await this.journal.open(
      plans.map((p) => ({
        operation: 'allocate' as const,
        subnetId: p.candidates[0]?.subnetId ?? '',
        portId: p.tag.portId,
        tag: { ...p.tag, subnetId: p.candidates[0]?.subnetId ?? '' },
      })),
    )
    const results = await inParallel(
      plans.map((plan, i) => ({ plan, intent: intents[i] as Intent })),
      PARALLEL_CALLS,
      ({ plan, intent }) => this.reserveOne(plan, intent),
    )
    const reserved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failure = results.find((r) => r.status === 'rejected')
    if (failure === undefined) {
      failpoint('allocate:after-reserve')
      return reserved
    }
    await this.compensate(reserved)
    await this.journal.close(
      this.db.kysely,
      intents.filter((i) => !reserved.some((r) => r.intentId === i.id)).map((i) => i.id),
      'undone',
    )
    throw failure.reason
  }

  private async reserveOne(plan: PlannedReservation, intent: Intent): Promise<Reserved> {
    let last: ExternalIpamError | undefined
    for (const spec of plan.candidates) {
      const tag: ReservationTag = { ...plan.tag, subnetId: spec.subnetId }
      try {
        const ext = await this.subnetOf(this.db.kysely, spec.subnetId)
        failpoint('allocate:before-call')
        const reservation = await this.reserveTakingBackOrphans(spec, ext, plan.ask, tag)
        return {
          spec,
          address: reservation.address,
          ref: reservation.ref,
          intentId: intent.id,
          tag,
        }
      } catch (error) {
        if (!(error instanceof ExternalIpamError)) throw error
        last = error
        if (error.kind === 'exhausted') continue
        const address = plan.ask.kind === 'specific' ? formatIp(plan.ask.address) : undefined
        await recordAudit(this.db.kysely, [
          {
            ...this.portEvent(tag, plan.who, address),
            action: 'allocate',
            outcome: 'failed',
            detail: error.message,
          },
        ])
        throw toNeutronError(error, {
          networkId: spec.networkId,
          subnetId: spec.subnetId,
          address,
          cidr: spec.cidr,
          scope: this.backend.scope,
        })
      }
    }
    const first = plan.candidates[0]
    throw toNeutronError(
      last ?? new ExternalIpamError('exhausted', this.driver, this.backend.endpoint, 'no subnet'),
      {
        networkId: first?.networkId ?? '',
        subnetId: first?.subnetId ?? '',
        scope: this.backend.scope,
      },
    )
  }

  /**
   * Reserves; when a specific address is taken, first settles what dead processes left open
   * (their reservations are released) and tries once more: a create retried after a crash does
   * not trip over its own earlier reservation.
   */
  private async reserveTakingBackOrphans(
    spec: ExternalSubnetSpec,
    ext: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation> {
    try {
      return await this.timed('allocate', () => this.backend.reserve(spec, ext, ask, tag))
    } catch (error) {
      if (
        !(error instanceof ExternalIpamError) ||
        error.kind !== 'taken' ||
        ask.kind !== 'specific'
      )
        throw error
      const { undone } = await this.recover()
      if (undone === 0) throw error
      return this.timed('allocate', () => this.backend.reserve(spec, ext, ask, tag))
    }
  }

  /** Inside the port's transaction: the intents are settled with the commit; allocations audited. */
  async settle(
    tx: Tx,
    reserved: readonly Reserved[],
    who: { projectId: string; userId: string },
  ): Promise<void> {
    await this.journal.close(
      tx,
      reserved.map((r) => r.intentId),
      'done',
    )
    await recordAudit(
      tx,
      reserved.map((r) => ({
        ...this.portEvent(r.tag, who, formatIp(r.address)),
        action: 'allocate' as const,
        outcome: 'ok' as const,
        detail: r.ref,
      })),
    )
  }

  /** Our commit failed: the reservations are released (or queued), their intents closed. */
  async compensate(reserved: readonly Reserved[]): Promise<void> {
    if (reserved.length === 0) return
    await inParallel(reserved, PARALLEL_CALLS, async (r) => {
      try {
        await this.timed('release', () => this.backend.release(r.ref, r.address))
      } catch (error) {
        if (!(error instanceof ExternalIpamError)) throw error
        await this.releases.enqueue(this.db.kysely, [
          {
            kind: 'address',
            portId: r.tag.portId,
            subnetId: r.spec.subnetId,
            ipAddress: formatIp(r.address),
            externalRef: r.ref,
          },
        ])
      }
    })
    await this.journal.close(
      this.db.kysely,
      reserved.map((r) => r.intentId),
      'undone',
    )
  }

  /**
   * Writes a port's new DNS name, device or MAC to one of its reservations.
   * @throws NeutronError 503 when the system cannot be reached
   */
  async updateReservation(ref: string, address: IpAddress, tag: ReservationTag): Promise<void> {
    try {
      await this.timed('update', () => this.backend.update(ref, address, tag))
    } catch (error) {
      if (!(error instanceof ExternalIpamError)) throw error
      throw toNeutronError(error, {
        networkId: tag.networkId,
        subnetId: tag.subnetId,
        address: formatIp(address),
        scope: this.backend.scope,
      })
    }
  }

  // ---------------------------------------------------------------- releases

  /**
   * After a port or subnet delete committed: tries its queued releases now (one call each in the
   * common case); what fails stays queued for the background worker.
   */
  async releaseNow(of: { portId?: string; subnetId?: string }): Promise<void> {
    let query = this.db.kysely
      .selectFrom('ipam_release_queue')
      .select('id')
      .where('driver', '=', this.driver)
    if (of.portId !== undefined) query = query.where('port_id', '=', of.portId)
    if (of.subnetId !== undefined)
      query = query.where('subnet_id', '=', of.subnetId).where('kind', '=', 'subnet')
    const ids = (await query.execute()).map((r) => r.id)
    if (ids.length > 0) await this.drainReleases(ids)
  }

  /**
   * Works through due releases (or the given ones): "already gone" counts as released; a
   * failure waits with backoff. Returns what was released and what is still pending.
   */
  async drainReleases(ids?: readonly string[]): Promise<{ released: number; pending: number }> {
    const items = await this.releases.claim(100, ids)
    let released = 0
    await inParallel(items, PARALLEL_CALLS, async (item) => {
      try {
        if (item.kind === 'subnet') {
          await this.timed('subnet-delete', () =>
            this.backend.releaseSubnet(item.external_ref ?? ''),
          )
        } else {
          const address = parseIp(item.ip_address ?? '')
          if (address !== undefined) {
            const call = this.timed('release', () =>
              this.backend.release(item.external_ref ?? '', address),
            )
            failpoint('release:during')
            await call
          }
        }
        await this.releases.done(item.id)
        released++
        await recordAudit(this.db.kysely, [
          {
            driver: this.driver,
            action: item.kind === 'subnet' ? 'subnet-delete' : 'release',
            outcome: 'ok',
            portId: item.port_id ?? undefined,
            subnetId: item.subnet_id,
            ipAddress: item.ip_address ?? undefined,
            detail: `${item.external_ref ?? ''}${item.attempts > 0 ? ` (after ${item.attempts} failed attempts)` : ''}`,
          },
        ])
      } catch (error) {
        if (!(error instanceof ExternalIpamError)) throw error
        await this.releases.failed(item, error.message)
      }
    })
    return { released, pending: await this.releases.depth() }
  }

  // ---------------------------------------------------------------- recovery

  /**
   * Settles intents left open by a crash: a reservation whose port committed is kept; any other
   * reservation carrying the port's tag is released. Also retries due releases.
   */
  async recover(): Promise<{ settled: number; undone: number }> {
    let settled = 0
    let undone = 0
    for (const intent of await this.journal.stale(
      this.timing.recoveryAgeMs,
      this.timing.deadAfterMs,
    )) {
      if (intent.operation === 'subnet') {
        const exists = await this.db.kysely
          .selectFrom('ipam_external_subnets')
          .select('subnet_id')
          .where('subnet_id', '=', intent.subnet_id)
          .executeTakeFirst()
        await this.journal.close(
          this.db.kysely,
          [intent.id],
          exists === undefined ? 'undone' : 'done',
        )
        if (exists === undefined) undone++
        else settled++
        continue
      }
      const portId = intent.port_id ?? ''
      const kept = await this.db.kysely
        .selectFrom('ip_allocations')
        .select(['ip_address', 'external_ref', 'subnet_id'])
        .where('port_id', '=', portId)
        .execute()
      const subnetRow = await this.db.kysely
        .selectFrom('subnets')
        .selectAll()
        .where('id', '=', intent.subnet_id)
        .executeTakeFirst()
      const ext =
        subnetRow === undefined
          ? undefined
          : await this.subnetOf(this.db.kysely, intent.subnet_id).catch(() => undefined)
      if (subnetRow !== undefined && ext !== undefined) {
        const spec = specOfRow(subnetRow)
        const found = await this.timed('lookup', () => this.backend.findByPort(spec, ext, portId))
        for (const r of found) {
          if (kept.some((k) => k.external_ref === r.ref || k.ip_address === formatIp(r.address)))
            continue
          await this.timed('release', () => this.backend.release(r.ref, r.address))
          undone++
          await recordAudit(this.db.kysely, [
            {
              driver: this.driver,
              action: 'repair',
              outcome: 'ok',
              portId,
              subnetId: intent.subnet_id,
              ipAddress: formatIp(r.address),
              detail: `released ${r.ref}: reserved for a port that was never created (crash before commit)`,
            },
          ])
        }
      }
      await this.journal.close(this.db.kysely, [intent.id], kept.length > 0 ? 'done' : 'undone')
      settled++
    }
    return { settled, undone }
  }

  // ---------------------------------------------------------------- helpers

  private subnetEvent(
    spec: ExternalSubnetSpec,
    who: { projectId: string; userId: string },
  ): Omit<AuditEvent, 'action' | 'outcome'> {
    return {
      driver: this.driver,
      projectId: who.projectId,
      userId: who.userId,
      subnetId: spec.subnetId,
      networkId: spec.networkId,
    }
  }

  private portEvent(
    tag: ReservationTag,
    who: { projectId: string; userId: string },
    address: string | undefined,
  ): Omit<AuditEvent, 'action' | 'outcome'> {
    return {
      driver: this.driver,
      projectId: who.projectId,
      userId: who.userId,
      portId: tag.portId,
      subnetId: tag.subnetId,
      networkId: tag.networkId,
      ipAddress: address,
    }
  }
}

/** The external view of a stored subnet row. */
export function specOfRow(row: {
  id: string
  network_id: string
  project_id: string
  name: string
  cidr: string
  gateway_ip: string | null
  allocation_pools: string
}): ExternalSubnetSpec {
  const pools = (JSON.parse(row.allocation_pools) as { start: string; end: string }[]).map((p) => ({
    start: parseIp(p.start)?.value ?? 0n,
    end: parseIp(p.end)?.value ?? 0n,
  }))
  const [address, length] = row.cidr.split('/')
  const ip = parseIp(address ?? '')
  if (ip === undefined) throw new Error(`stored subnet CIDR ${row.cidr} is unreadable`)
  return {
    subnetId: row.id,
    networkId: row.network_id,
    projectId: row.project_id,
    name: row.name,
    cidr: { version: ip.version, network: ip.value, prefixLength: Number(length) },
    gateway: row.gateway_ip === null ? undefined : parseIp(row.gateway_ip),
    pools,
  }
}
