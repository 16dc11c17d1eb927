import { randomInt, randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import { chunks } from '../db/chunks.ts'
import { inTransaction, type Queryable } from '../db/transaction.ts'
import { Errors } from '../domain/errors.ts'
import type { IpamDriver } from '../ipam/driver.ts'
import { checkProviderSegment, resolveMtu } from './network-limits.ts'
import { filterConditions, selectPage, type ColumnMap, type ListOptions } from './list-query.ts'
import { canSee, owningProject, requireAdmin, type RequestContext } from './request-context.ts'
import type { NetworkView } from './resources.ts'
import { removeSubnetInTx } from './subnet-removal.ts'
import { networkView, timestamp, type NetworkRow } from './views.ts'

export interface NetworkCreate {
  name?: string
  description?: string
  admin_state_up?: boolean
  shared?: boolean
  mtu?: number
  port_security_enabled?: boolean
  project_id?: string
  'router:external'?: boolean
  'provider:network_type'?: string
  'provider:physical_network'?: string | null
  'provider:segmentation_id'?: number | null
  availability_zone_hints?: string[]
  dns_domain?: string
}

export type NetworkUpdate = Omit<NetworkCreate, 'project_id'>

/** Attributes only an admin may set (Neutron's policy), with the rule Neutron names. */
const ADMIN_ATTRIBUTES = [
  'shared',
  'router:external',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
] as const

export const NETWORK_COLUMNS: ColumnMap = {
  id: { column: 'id', type: 'string' },
  name: { column: 'name', type: 'string' },
  description: { column: 'description', type: 'string' },
  project_id: { column: 'project_id', type: 'string' },
  tenant_id: { column: 'project_id', type: 'string' },
  status: { column: 'status', type: 'string' },
  admin_state_up: { column: 'admin_state_up', type: 'bool' },
  shared: { column: 'shared', type: 'bool' },
  mtu: { column: 'mtu', type: 'int' },
  'router:external': { column: 'router_external', type: 'bool' },
  port_security_enabled: { column: 'port_security_enabled', type: 'bool' },
  'provider:network_type': { column: 'provider_network_type', type: 'string' },
  'provider:physical_network': { column: 'provider_physical_network', type: 'string' },
  'provider:segmentation_id': { column: 'provider_segmentation_id', type: 'int' },
  dns_domain: { column: 'dns_domain', type: 'string' },
  revision_number: { column: 'revision_number', type: 'int' },
  created_at: { column: 'created_at', type: 'string' },
  updated_at: { column: 'updated_at', type: 'string' },
}

export interface NetworkServiceOptions {
  /** MTU of the physical network; VXLAN networks get 50 bytes less. */
  readonly physnetMtu: number
}

export class NetworkService {
  constructor(
    private readonly db: Db,
    private readonly ipam: IpamDriver,
    private readonly options: NetworkServiceOptions,
  ) {}

  async create(ctx: RequestContext, input: NetworkCreate): Promise<NetworkView> {
    const [view] = await this.createBulk(ctx, [input])
    return view as NetworkView
  }

  /** Creates every network or none. */
  async createBulk(ctx: RequestContext, inputs: readonly NetworkCreate[]): Promise<NetworkView[]> {
    const now = timestamp()
    const rows: NetworkRow[] = inputs.map((input) => {
      for (const attr of ADMIN_ATTRIBUTES) {
        if (input[attr] !== undefined) {
          requireAdmin(ctx, `(rule:create_network and rule:create_network:${attr})`)
        }
      }
      const networkType = input['provider:network_type'] ?? 'vxlan'
      checkProviderSegment(networkType, input['provider:segmentation_id'])
      return {
        id: randomUUID(),
        project_id: owningProject(ctx, input.project_id),
        name: input.name ?? '',
        description: input.description ?? '',
        created_at: now,
        updated_at: now,
        revision_number: 1,
        tags: '[]',
        admin_state_up: input.admin_state_up === false ? 0 : 1,
        status: 'ACTIVE',
        shared: input.shared === true ? 1 : 0,
        mtu: resolveMtu(input.mtu, networkType, this.options.physnetMtu),
        port_security_enabled: input.port_security_enabled === false ? 0 : 1,
        router_external: input['router:external'] === true ? 1 : 0,
        provider_network_type: networkType,
        provider_physical_network: input['provider:physical_network'] ?? null,
        provider_segmentation_id:
          input['provider:segmentation_id'] ??
          (networkType === 'vxlan' ? randomInt(1, 1 << 24) : null),
        availability_zone_hints: JSON.stringify(input.availability_zone_hints ?? []),
        dns_domain: input.dns_domain ?? '',
      }
    })
    await inTransaction(this.db, async (tx) => {
      for (const chunk of chunks(rows)) await tx.insertInto('networks').values(chunk).execute()
    })
    return rows.map((r) => networkView(r, []))
  }

  async get(ctx: RequestContext, id: string): Promise<NetworkView> {
    const row = await findVisibleNetwork(this.db.kysely, ctx, id)
    return networkView(row, await this.subnetIds(this.db.kysely, [id]).then((m) => m.get(id) ?? []))
  }

  async list(ctx: RequestContext, options: ListOptions): Promise<NetworkView[]> {
    const { conditions, rest } = filterConditions(NETWORK_COLUMNS, options.filters)
    const subnetFilter = rest.get('subnets')
    rest.delete('subnets')
    rejectUnknownFilters(rest)
    if (subnetFilter !== undefined) {
      conditions.push(
        sql<SqlBool>`id in (select network_id from subnets where id in (${sql.join(subnetFilter)}))`,
      )
    }
    const visibility = ctx.isAdmin ? undefined : networkVisibility(ctx)
    const rows = await selectPage<NetworkRow>(
      this.db.kysely,
      'networks',
      NETWORK_COLUMNS,
      conditions,
      visibility,
      options,
      (id) => Errors.networkNotFound(id),
    )
    const subnets = await this.subnetIds(
      this.db.kysely,
      rows.map((r) => r.id),
    )
    return rows.map((r) => networkView(r, subnets.get(r.id) ?? []))
  }

  async update(ctx: RequestContext, id: string, input: NetworkUpdate): Promise<NetworkView> {
    return inTransaction(this.db, async (tx) => {
      const row = await findVisibleNetwork(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'update_network')
      for (const attr of ADMIN_ATTRIBUTES) {
        if (input[attr] !== undefined)
          requireAdmin(ctx, `(rule:update_network and rule:update_network:${attr})`)
      }
      const next: NetworkRow = {
        ...row,
        name: input.name ?? row.name,
        description: input.description ?? row.description,
        dns_domain: input.dns_domain ?? row.dns_domain,
        admin_state_up:
          input.admin_state_up === undefined ? row.admin_state_up : Number(input.admin_state_up),
        shared: input.shared === undefined ? row.shared : Number(input.shared),
        mtu:
          input.mtu === undefined
            ? row.mtu
            : resolveMtu(input.mtu, row.provider_network_type, this.options.physnetMtu),
        port_security_enabled:
          input.port_security_enabled === undefined
            ? row.port_security_enabled
            : Number(input.port_security_enabled),
        router_external:
          input['router:external'] === undefined
            ? row.router_external
            : Number(input['router:external']),
        updated_at: timestamp(),
        revision_number: row.revision_number + 1,
      }
      await tx.updateTable('networks').set(next).where('id', '=', id).execute()
      return networkView(next, (await this.subnetIds(tx, [id])).get(id) ?? [])
    })
  }

  /**
   * Deletes a network and its subnets.
   * @throws NetworkInUse (409) while ports remain, naming them
   */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    const removed = await inTransaction(this.db, async (tx) => {
      const row = await findVisibleNetwork(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'delete_network')
      const ports = await tx
        .selectFrom('ports')
        .select('id')
        .where('network_id', '=', id)
        .orderBy('id')
        .execute()
      if (ports.length > 0)
        throw Errors.networkInUse(
          id,
          ports.map((p) => p.id),
        )
      const subnets = await tx
        .selectFrom('subnets')
        .selectAll()
        .where('network_id', '=', id)
        .execute()
      for (const subnet of subnets) await removeSubnetInTx(tx, this.ipam, subnet)
      await tx.deleteFrom('networks').where('id', '=', id).execute()
      return subnets.map((s) => s.id)
    })
    for (const subnetId of removed) await this.ipam.external?.releaseNow({ subnetId })
  }

  private async subnetIds(
    q: Queryable,
    networkIds: readonly string[],
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    if (networkIds.length === 0) return out
    const rows = await q
      .selectFrom('subnets')
      .select(['id', 'network_id'])
      .where('network_id', 'in', networkIds)
      .orderBy('id')
      .execute()
    for (const r of rows) out.set(r.network_id, [...(out.get(r.network_id) ?? []), r.id])
    return out
  }
}

/** A non-admin sees its own networks and shared ones. */
export function networkVisibility(ctx: RequestContext): Expression<SqlBool> {
  return sql<SqlBool>`(project_id = ${ctx.projectId} or shared = 1)`
}

/**
 * The network if the context may see it; `forUpdate` locks its row for the transaction.
 * @throws NetworkNotFound (404) when it does not exist or is not visible
 */
export async function findVisibleNetwork(
  q: Queryable,
  ctx: RequestContext,
  id: string,
  forUpdate = false,
): Promise<NetworkRow> {
  const query = q.selectFrom('networks').selectAll().where('id', '=', id)
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined || !canSee(ctx, row.project_id, row.shared === 1))
    throw Errors.networkNotFound(id)
  return row
}

/** @throws PolicyNotAuthorized (403) unless the context owns the resource or is admin */
export function requireOwner(ctx: RequestContext, projectId: string, rule: string): void {
  if (!ctx.isAdmin && ctx.projectId !== projectId) throw Errors.policyNotAuthorized(rule)
}

/** @throws HTTPBadRequest naming filters the resource does not have */
export function rejectUnknownFilters(rest: ReadonlyMap<string, unknown>): void {
  if (rest.size > 0) {
    throw Errors.badRequest(
      `[${[...rest.keys()].map((k) => `'${k}'`).join(', ')}] is invalid attribute for filtering`,
    )
  }
}
