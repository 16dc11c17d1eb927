import { randomUUID } from 'node:crypto'
import { sql, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import { inTransaction, type Queryable } from '../db/transaction.ts'
import { formatCidr, parseCidr, type Cidr } from '../domain/cidr.ts'
import { Errors, NeutronError } from '../domain/errors.ts'
import { bitsOf, type IpVersion } from '../domain/ip-address.ts'
import { IntervalSet } from '../domain/interval-set.ts'
import { filterConditions, selectPage, type ColumnMap, type ListOptions } from './list-query.ts'
import { rejectUnknownFilters, requireOwner } from './network-service.ts'
import { canSee, owningProject, requireAdmin, type RequestContext } from './request-context.ts'
import type { SubnetPoolView } from './resources.ts'
import { jsonColumn, subnetPoolView, timestamp, type SubnetPoolRow } from './views.ts'

export interface SubnetPoolCreate {
  name?: string
  description?: string
  /** Validated CIDRs (no host bits). */
  prefixes: Cidr[]
  default_prefixlen?: number
  min_prefixlen?: number
  max_prefixlen?: number
  shared?: boolean
  is_default?: boolean
  default_quota?: number | null
  address_scope_id?: string | null
  project_id?: string
}

export type SubnetPoolUpdate = Partial<Omit<SubnetPoolCreate, 'project_id' | 'shared'>>

export const SUBNETPOOL_COLUMNS: ColumnMap = {
  id: { column: 'id', type: 'string' },
  name: { column: 'name', type: 'string' },
  description: { column: 'description', type: 'string' },
  project_id: { column: 'project_id', type: 'string' },
  tenant_id: { column: 'project_id', type: 'string' },
  ip_version: { column: 'ip_version', type: 'int' },
  shared: { column: 'shared', type: 'bool' },
  is_default: { column: 'is_default', type: 'bool' },
  default_prefixlen: { column: 'default_prefixlen', type: 'int' },
  min_prefixlen: { column: 'min_prefixlen', type: 'int' },
  max_prefixlen: { column: 'max_prefixlen', type: 'int' },
  address_scope_id: { column: 'address_scope_id', type: 'string' },
  revision_number: { column: 'revision_number', type: 'int' },
  created_at: { column: 'created_at', type: 'string' },
  updated_at: { column: 'updated_at', type: 'string' },
}

function illegalBounds(min: number, def: number, max: number): NeutronError {
  return new NeutronError(
    'IllegalSubnetPoolPrefixBounds',
    400,
    `Illegal prefix bounds: min_prefixlen=${min}, default_prefixlen=${def}, max_prefixlen=${max}.`,
  )
}

/** The pool's prefixes, merged: adjacent and overlapping prefixes become one (as Neutron stores them). */
export function mergePrefixes(version: IpVersion, prefixes: readonly Cidr[]): Cidr[] {
  return IntervalSet.ofCidrs(prefixes).toCidrs(version)
}

export function poolCidrs(row: SubnetPoolRow): Cidr[] {
  return jsonColumn<string[]>(row.prefixes)
    .map((p) => parseCidr(p))
    .filter((c): c is Cidr => c !== undefined)
}

export class SubnetPoolService {
  constructor(private readonly db: Db) {}

  async create(ctx: RequestContext, input: SubnetPoolCreate): Promise<SubnetPoolView> {
    if (input.shared === true)
      requireAdmin(ctx, '(rule:create_subnetpool and rule:create_subnetpool:shared)')
    if (input.is_default === true)
      requireAdmin(ctx, '(rule:create_subnetpool and rule:create_subnetpool:is_default)')
    const version = input.prefixes[0]?.version ?? 4
    if (input.prefixes.some((p) => p.version !== version)) {
      throw Errors.invalidInput('Cannot mix IPv4 and IPv6 prefixes in a subnet pool')
    }
    const bounds = checkBounds(
      version,
      input.min_prefixlen,
      input.default_prefixlen,
      input.max_prefixlen,
    )
    const now = timestamp()
    const row: SubnetPoolRow = {
      id: randomUUID(),
      project_id: owningProject(ctx, input.project_id),
      name: input.name ?? '',
      description: input.description ?? '',
      created_at: now,
      updated_at: now,
      revision_number: 0,
      tags: '[]',
      ip_version: version,
      prefixes: JSON.stringify(mergePrefixes(version, input.prefixes).map(formatCidr)),
      default_prefixlen: bounds.def,
      min_prefixlen: bounds.min,
      max_prefixlen: bounds.max,
      shared: input.shared === true ? 1 : 0,
      is_default: input.is_default === true ? 1 : 0,
      default_quota: input.default_quota ?? null,
      address_scope_id: input.address_scope_id ?? null,
    }
    await inTransaction(this.db, async (tx) => {
      await tx.insertInto('subnetpools').values(row).execute()
    })
    return subnetPoolView(row)
  }

  async get(ctx: RequestContext, id: string): Promise<SubnetPoolView> {
    return subnetPoolView(await findVisibleSubnetPool(this.db.kysely, ctx, id))
  }

  async list(ctx: RequestContext, options: ListOptions): Promise<SubnetPoolView[]> {
    const { conditions, rest } = filterConditions(SUBNETPOOL_COLUMNS, options.filters)
    rejectUnknownFilters(rest)
    const visibility = ctx.isAdmin
      ? undefined
      : sql<SqlBool>`(project_id = ${ctx.projectId} or shared = 1)`
    const rows = await selectPage<SubnetPoolRow>(
      this.db.kysely,
      'subnetpools',
      SUBNETPOOL_COLUMNS,
      conditions,
      visibility,
      options,
      (id) => Errors.subnetPoolNotFound(id),
    )
    return rows.map(subnetPoolView)
  }

  /**
   * Updates a pool. Prefixes may only grow (Neutron: existing prefixes must stay covered).
   * @throws IllegalSubnetPoolPrefixUpdate (400) when a prefix would be removed
   */
  async update(ctx: RequestContext, id: string, input: SubnetPoolUpdate): Promise<SubnetPoolView> {
    return inTransaction(this.db, async (tx) => {
      const row = await findVisibleSubnetPool(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'update_subnetpool')
      if (input.is_default !== undefined)
        requireAdmin(ctx, '(rule:update_subnetpool and rule:update_subnetpool:is_default)')
      const version = row.ip_version as IpVersion
      let prefixes = row.prefixes
      if (input.prefixes !== undefined) {
        if (input.prefixes.some((p) => p.version !== version)) {
          throw Errors.invalidInput(`Prefixes must be IPv${version}, as the pool's`)
        }
        const before = IntervalSet.ofCidrs(poolCidrs(row))
        if (!IntervalSet.ofCidrs(input.prefixes).covers(before)) {
          throw Errors.illegalSubnetPoolPrefixUpdate(
            'existing prefixes must be a subset of the new prefixes',
          )
        }
        prefixes = JSON.stringify(mergePrefixes(version, input.prefixes).map(formatCidr))
      }
      const bounds = checkBounds(
        version,
        input.min_prefixlen ?? row.min_prefixlen,
        input.default_prefixlen ?? row.default_prefixlen,
        input.max_prefixlen ?? row.max_prefixlen,
      )
      const next: SubnetPoolRow = {
        ...row,
        name: input.name ?? row.name,
        description: input.description ?? row.description,
        prefixes,
        min_prefixlen: bounds.min,
        default_prefixlen: bounds.def,
        max_prefixlen: bounds.max,
        is_default: input.is_default === undefined ? row.is_default : Number(input.is_default),
        default_quota: input.default_quota === undefined ? row.default_quota : input.default_quota,
        updated_at: timestamp(),
        revision_number: row.revision_number + 1,
      }
      await tx.updateTable('subnetpools').set(next).where('id', '=', id).execute()
      return subnetPoolView(next)
    })
  }

  /** @throws SubnetPoolInUse (409) while subnets are allocated from it */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await findVisibleSubnetPool(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'delete_subnetpool')
      const used = await tx
        .selectFrom('subnets')
        .select('id')
        .where('subnetpool_id', '=', id)
        .limit(1)
        .executeTakeFirst()
      if (used !== undefined) throw Errors.subnetPoolInUse(id)
      await tx.deleteFrom('subnetpools').where('id', '=', id).execute()
    })
  }
}

function checkBounds(
  version: IpVersion,
  minIn: number | undefined,
  defIn: number | undefined,
  maxIn: number | undefined,
): { min: number; def: number; max: number } {
  const bits = bitsOf(version)
  const min = minIn ?? (version === 4 ? 8 : 64)
  const max = maxIn ?? bits
  const def = defIn ?? min
  if (min < 0 || max > bits || min > def || def > max) throw illegalBounds(min, def, max)
  return { min, def, max }
}

/**
 * The pool if visible to the context (its own or shared); `forUpdate` locks its row, which
 * serialises prefix allocation from it.
 * @throws SubnetPoolNotFound (404)
 */
export async function findVisibleSubnetPool(
  q: Queryable,
  ctx: RequestContext,
  id: string,
  forUpdate = false,
): Promise<SubnetPoolRow> {
  const query = q.selectFrom('subnetpools').selectAll().where('id', '=', id)
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined || !canSee(ctx, row.project_id, row.shared === 1))
    throw Errors.subnetPoolNotFound(id)
  return row
}
