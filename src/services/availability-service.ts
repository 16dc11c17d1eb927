import { sql, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import { countAllocations } from '../ipam/allocation-records.ts'
import { Errors } from '../domain/errors.ts'
import { filterConditions, selectPage, type ColumnMap, type ListOptions } from './list-query.ts'
import { rejectUnknownFilters } from './network-service.ts'
import { canSee, type RequestContext } from './request-context.ts'
import type { NetworkAvailabilityView, SubnetAvailabilityView } from './resources.ts'
import { poolTotal } from './subnet-service.ts'
import type { NetworkRow } from './views.ts'

const AVAILABILITY_COLUMNS: ColumnMap = {
  network_id: { column: 'id', type: 'string' },
  id: { column: 'id', type: 'string' },
  network_name: { column: 'name', type: 'string' },
  project_id: { column: 'project_id', type: 'string' },
  tenant_id: { column: 'project_id', type: 'string' },
}

/**
 * Network IP availability: per subnet, the size of its allocation pools and the addresses in
 * use (pools or not), both exact. Counting costs the same for a /64 as for a /24: the totals come
 * from the pool bounds and the used counts from counters kept with every allocation.
 *
 * NOTE: Neutron shows this to admins only; a tenant here sees its own networks (never another
 * project's), which is what the dashboard's availability bars need.
 */
export class AvailabilityService {
  constructor(private readonly db: Db) {}

  async get(ctx: RequestContext, networkId: string): Promise<NetworkAvailabilityView> {
    const row = await this.db.kysely
      .selectFrom('networks')
      .selectAll()
      .where('id', '=', networkId)
      .executeTakeFirst()
    if (row === undefined || !canSee(ctx, row.project_id)) throw Errors.networkNotFound(networkId)
    return this.view(row, undefined)
  }

  async list(ctx: RequestContext, options: ListOptions): Promise<NetworkAvailabilityView[]> {
    const filters = new Map(options.filters)
    const ipVersion = filters.get('ip_version')
    filters.delete('ip_version')
    const { conditions, rest } = filterConditions(AVAILABILITY_COLUMNS, filters)
    rejectUnknownFilters(rest)
    const visibility = ctx.isAdmin ? undefined : sql<SqlBool>`project_id = ${ctx.projectId}`
    const versions = ipVersion?.map((v) => Number.parseInt(v, 10))
    if (versions !== undefined) {
      conditions.push(
        sql<SqlBool>`id in (select network_id from subnets where ip_version in (${sql.join(versions)}))`,
      )
    }
    const rows = await selectPage<NetworkRow>(
      this.db.kysely,
      'networks',
      AVAILABILITY_COLUMNS,
      conditions,
      visibility,
      options,
      (id) => Errors.networkNotFound(id),
    )
    return Promise.all(rows.map((r) => this.view(r, versions)))
  }

  private async view(
    network: NetworkRow,
    versions: number[] | undefined,
  ): Promise<NetworkAvailabilityView> {
    let query = this.db.kysely
      .selectFrom('subnets')
      .selectAll()
      .where('network_id', '=', network.id)
    if (versions !== undefined) query = query.where('ip_version', 'in', versions)
    const subnets = await query.orderBy('ip_version', 'desc').orderBy('id').execute()
    const per: SubnetAvailabilityView[] = []
    for (const s of subnets) {
      per.push({
        subnet_id: s.id,
        ip_version: s.ip_version,
        cidr: s.cidr,
        subnet_name: s.name,
        used_ips: await countAllocations(this.db.kysely, s.id),
        total_ips: poolTotal(s),
      })
    }
    return {
      network_id: network.id,
      network_name: network.name,
      tenant_id: network.project_id,
      project_id: network.project_id,
      subnet_ip_availability: per,
      used_ips: per.reduce((sum, s) => sum + s.used_ips, 0n),
      total_ips: per.reduce((sum, s) => sum + s.total_ips, 0n),
    }
  }
}
