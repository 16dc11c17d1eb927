import { randomUUID } from 'node:crypto'
import { sql, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import { inTransaction, type Queryable, type Tx } from '../db/transaction.ts'
import {
  formatCidr,
  lastAddress,
  firstAddress,
  parseCidrText,
  toCidr,
  type Cidr,
} from '../domain/cidr.ts'
import { Errors } from '../domain/errors.ts'
import { formatIp, ipKey, type IpAddress, type IpVersion } from '../domain/ip-address.ts'
import { IntervalSet } from '../domain/interval-set.ts'
import type { IpamDriver } from '../ipam/driver.ts'
import type { ExternalSubnetSpec } from '../ipam/drivers/external/external-backend.ts'
import { specOfRow } from '../ipam/drivers/external/external-ipam.ts'
import { allocatePrefix } from '../ipam/subnet-allocator.ts'
import { ipamSpec, rowCidr } from './ipam-spec.ts'
import { filterConditions, selectPage, type ColumnMap, type ListOptions } from './list-query.ts'
import { findVisibleNetwork, rejectUnknownFilters, requireOwner } from './network-service.ts'
import { canSee, owningProject, type RequestContext } from './request-context.ts'
import type { AllocationPoolView, HostRouteView, SubnetView } from './resources.ts'
import { findVisibleSubnetPool, poolCidrs } from './subnet-pool-service.ts'
import { bumpNetworkRevision, removeSubnetInTx } from './subnet-removal.ts'
import {
  checkGatewayOutsidePools,
  defaultGateway,
  defaultPools,
  gatewayNotAllocatable,
  isGatewayInvalid,
  poolViews,
  validateDhcpPrefix,
  validateHostRoutes,
  checkSubnetLimits,
  validateIpv6Modes,
  validatePools,
  type AddressRange,
} from './subnet-rules.ts'
import { subnetView, timestamp, type SubnetRow } from './views.ts'

export interface SubnetCreate {
  name?: string
  description?: string
  network_id: string
  ip_version: IpVersion
  /** As written; parsed here because Neutron reports a bad CIDR as InvalidInput. */
  cidr?: string | null
  subnetpool_id?: string | null
  prefixlen?: number
  /** undefined: Neutron's default; null: no gateway. */
  gateway_ip?: IpAddress | null
  allocation_pools?: AddressRange[]
  /** The pools as written, for Neutron's error messages. */
  allocation_pools_raw?: AllocationPoolView[]
  dns_nameservers?: string[]
  host_routes?: HostRouteView[]
  enable_dhcp?: boolean
  ipv6_ra_mode?: string | null
  ipv6_address_mode?: string | null
  service_types?: string[]
  project_id?: string
}

export interface SubnetUpdate {
  name?: string
  description?: string
  gateway_ip?: IpAddress | null
  allocation_pools?: AddressRange[]
  allocation_pools_raw?: AllocationPoolView[]
  dns_nameservers?: string[]
  host_routes?: HostRouteView[]
  enable_dhcp?: boolean
  service_types?: string[]
}

export const SUBNET_COLUMNS: ColumnMap = {
  id: { column: 'id', type: 'string' },
  name: { column: 'name', type: 'string' },
  description: { column: 'description', type: 'string' },
  project_id: { column: 'project_id', type: 'string' },
  tenant_id: { column: 'project_id', type: 'string' },
  network_id: { column: 'network_id', type: 'string' },
  ip_version: { column: 'ip_version', type: 'int' },
  cidr: { column: 'cidr', type: 'string' },
  gateway_ip: { column: 'gateway_ip', type: 'string' },
  enable_dhcp: { column: 'enable_dhcp', type: 'bool' },
  ipv6_ra_mode: { column: 'ipv6_ra_mode', type: 'string' },
  ipv6_address_mode: { column: 'ipv6_address_mode', type: 'string' },
  subnetpool_id: { column: 'subnetpool_id', type: 'string' },
  revision_number: { column: 'revision_number', type: 'int' },
  created_at: { column: 'created_at', type: 'string' },
  updated_at: { column: 'updated_at', type: 'string' },
  dns_nameservers: { column: 'dns_nameservers', type: 'json-list' },
  service_types: { column: 'service_types', type: 'json-list' },
}

export class SubnetService {
  constructor(
    private readonly db: Db,
    private readonly ipam: IpamDriver,
  ) {}

  async create(ctx: RequestContext, input: SubnetCreate): Promise<SubnetView> {
    const [view] = await this.createBulk(ctx, [input])
    return view as SubnetView
  }

  /** Creates every subnet or none. */
  async createBulk(ctx: RequestContext, inputs: readonly SubnetCreate[]): Promise<SubnetView[]> {
    const external = this.ipam.external
    if (external === undefined) {
      return inTransaction(this.db, async (tx) => {
        const rows: SubnetRow[] = []
        for (const input of inputs) rows.push(await this.createInTx(tx, ctx, input, randomUUID()))
        return rows.map(subnetView)
      })
    }
    // NOTE: an external IPAM validates (adopts or creates the range) before our transaction;
    // if the transaction then fails, what it created is deleted again.
    const ids = inputs.map(() => randomUUID())
    const specs: ExternalSubnetSpec[] = []
    const who = { projectId: ctx.projectId, userId: ctx.userId }
    try {
      for (const [i, input] of inputs.entries()) {
        const row = await this.buildSubnet(this.db.kysely, ctx, input, ids[i] as string, false)
        const spec = specOfRow(row)
        await external.prepareSubnet(spec, who)
        specs.push(spec)
      }
      const rows = await inTransaction(
        this.db,
        async (tx) => {
          const out: SubnetRow[] = []
          for (const [i, input] of inputs.entries()) {
            const row = await this.createInTx(tx, ctx, input, ids[i] as string)
            if (row.cidr !== formatCidr(specs[i]?.cidr ?? rowCidr(row)))
              throw Errors.subnetPoolRaced(row.cidr)
            out.push(row)
          }
          return out
        },
        { attempts: 4 },
      )
      return rows.map(subnetView)
    } catch (error) {
      for (const spec of specs) await external.abandonSubnet(spec)
      throw error
    } finally {
      for (const id of ids) external.forgetPrepared(id)
    }
  }

  private async createInTx(
    tx: Tx,
    ctx: RequestContext,
    input: SubnetCreate,
    id: string,
  ): Promise<SubnetRow> {
    const row = await this.buildSubnet(tx, ctx, input, id, true)
    await tx.insertInto('subnets').values(row).execute()
    await this.ipam.pool(tx).addSubnet(ipamSpec(row))
    await bumpNetworkRevision(tx, row.network_id)
    return row
  }

  /**
   * Checks a subnet create and works out the row (CIDR, gateway, pools), writing nothing.
   * With `lock`, the network (and subnet pool) rows are locked for the transaction.
   */
  private async buildSubnet(
    q: Queryable,
    ctx: RequestContext,
    input: SubnetCreate,
    id: string,
    lock: boolean,
  ): Promise<SubnetRow> {
    // NOTE: the network row lock serialises subnet creation per network, so two concurrent
    // creates of overlapping CIDRs cannot both pass the overlap check.
    const network = await findVisibleNetwork(q, ctx, input.network_id, lock)
    requireOwner(ctx, network.project_id, 'create_subnet')
    const projectId = owningProject(ctx, input.project_id)
    const cidr = await this.resolveCidr(q, ctx, input, lock)
    if (cidr.version !== input.ip_version) {
      throw Errors.invalidInput(
        `cidr '${formatCidr(cidr)}' does not match the ip_version '${input.ip_version}'`,
      )
    }
    const enableDhcp = input.enable_dhcp ?? true
    validateDhcpPrefix(cidr, enableDhcp)
    validateIpv6Modes(cidr, input.ipv6_ra_mode, input.ipv6_address_mode)
    validateHostRoutes(cidr.version, input.host_routes ?? [])
    checkSubnetLimits('new subnet', input.dns_nameservers, input.host_routes)
    await checkNetworkAffinity(q, network.id, input.ip_version, input.subnetpool_id ?? null)
    await checkOverlap(q, network.id, cidr)

    let gateway: IpAddress | undefined
    if (input.gateway_ip === undefined) {
      gateway = defaultGateway(cidr)
      if (cidr.version === 4 && cidr.prefixLength === 31) throw gatewayNotAllocatable(gateway, cidr)
    } else if (input.gateway_ip !== null) {
      gateway = input.gateway_ip
      if (gateway.version !== cidr.version || isGatewayInvalid(cidr, gateway)) {
        throw Errors.invalidInput('Gateway is not valid on subnet')
      }
    }
    let pools: IntervalSet
    if (input.allocation_pools === undefined) {
      pools = defaultPools(cidr, gateway)
    } else {
      const sorted = validatePools(cidr, input.allocation_pools, input.allocation_pools_raw ?? [])
      checkGatewayOutsidePools(cidr, gateway, sorted)
      pools = IntervalSet.of(sorted)
    }
    const now = timestamp()
    return {
      id,
      project_id: projectId,
      name: input.name ?? '',
      description: input.description ?? '',
      created_at: now,
      updated_at: now,
      revision_number: 0,
      tags: '[]',
      network_id: network.id,
      ip_version: cidr.version,
      cidr: formatCidr(cidr),
      cidr_first: ipKey(firstAddress(cidr)),
      cidr_last: ipKey(lastAddress(cidr)),
      gateway_ip: gateway === undefined ? null : formatIp(gateway),
      enable_dhcp: enableDhcp ? 1 : 0,
      ipv6_ra_mode: input.ipv6_ra_mode ?? null,
      ipv6_address_mode: input.ipv6_address_mode ?? null,
      subnetpool_id: input.subnetpool_id ?? null,
      allocation_pools: JSON.stringify(poolViews(cidr.version, pools)),
      dns_nameservers: JSON.stringify(input.dns_nameservers ?? []),
      host_routes: JSON.stringify(input.host_routes ?? []),
      service_types: JSON.stringify(input.service_types ?? []),
    }
  }

  /** The subnet's CIDR: as given (host bits cleared, as Neutron does), or from its subnet pool. */
  private async resolveCidr(
    q: Queryable,
    ctx: RequestContext,
    input: SubnetCreate,
    lock: boolean,
  ): Promise<Cidr> {
    let given: Cidr | undefined
    if (input.cidr !== undefined && input.cidr !== null) {
      const parsed = parseCidrText(input.cidr, true)
      if (parsed === undefined) throw Errors.invalidInput(`${input.cidr} is not in a CIDR format`)
      given = toCidr(parsed.address, parsed.prefixLength)
    }
    if (input.subnetpool_id === undefined || input.subnetpool_id === null) {
      if (given === undefined) {
        throw Errors.genericBadRequest(
          'subnets',
          'a subnetpool must be specified in the absence of a cidr',
        )
      }
      return given
    }
    const pool = await findVisibleSubnetPool(q, ctx, input.subnetpool_id, lock)
    if (pool.ip_version !== input.ip_version) {
      throw Errors.invalidInput(
        `Cannot allocate IPv${input.ip_version} subnet from IPv${pool.ip_version} subnet pool`,
      )
    }
    const prefixLength = given?.prefixLength ?? input.prefixlen ?? pool.default_prefixlen
    if (prefixLength > pool.max_prefixlen)
      throw Errors.maxPrefixSubnetAllocationError(prefixLength, pool.max_prefixlen)
    if (prefixLength < pool.min_prefixlen)
      throw Errors.minPrefixSubnetAllocationError(prefixLength, pool.min_prefixlen)
    const prefixPool = {
      id: pool.id,
      version: pool.ip_version,
      prefixes: poolCidrs(pool),
    }
    return allocatePrefix(
      q,
      prefixPool,
      given === undefined ? { kind: 'any', prefixLength } : { kind: 'specific', cidr: given },
    )
  }

  async get(ctx: RequestContext, id: string): Promise<SubnetView> {
    return subnetView(await findVisibleSubnet(this.db.kysely, ctx, id))
  }

  async list(ctx: RequestContext, options: ListOptions): Promise<SubnetView[]> {
    const { conditions, rest } = filterConditions(SUBNET_COLUMNS, options.filters)
    rejectUnknownFilters(rest)
    const visibility = ctx.isAdmin
      ? undefined
      : sql<SqlBool>`(project_id = ${ctx.projectId} or network_id in (select id from networks where shared = 1 or project_id = ${ctx.projectId}))`
    const rows = await selectPage<SubnetRow>(
      this.db.kysely,
      'subnets',
      SUBNET_COLUMNS,
      conditions,
      visibility,
      options,
      (id) => Errors.subnetNotFound(id),
    )
    return rows.map(subnetView)
  }

  async update(ctx: RequestContext, id: string, input: SubnetUpdate): Promise<SubnetView> {
    return inTransaction(this.db, async (tx) => {
      const row = await findVisibleSubnet(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'update_subnet')
      const cidr = rowCidr(row)
      let gateway = row.gateway_ip
      if (input.gateway_ip !== undefined) {
        if (
          input.gateway_ip !== null &&
          (input.gateway_ip.version !== cidr.version || isGatewayInvalid(cidr, input.gateway_ip))
        ) {
          throw Errors.invalidInput('Gateway is not valid on subnet')
        }
        gateway = input.gateway_ip === null ? null : formatIp(input.gateway_ip)
      }
      let pools = row.allocation_pools
      if (input.allocation_pools !== undefined) {
        const sorted = validatePools(cidr, input.allocation_pools, input.allocation_pools_raw ?? [])
        pools = JSON.stringify(poolViews(cidr.version, sorted))
      }
      const gatewayIp = input.gateway_ip ?? undefined
      if (input.gateway_ip !== undefined || input.allocation_pools !== undefined) {
        const current = ipamSpec({ ...row, allocation_pools: pools })
        checkGatewayOutsidePools(cidr, gatewayIp ?? current.gateway, current.pools.intervals)
      }
      validateHostRoutes(cidr.version, input.host_routes ?? [])
      checkSubnetLimits(row.id, input.dns_nameservers, input.host_routes)
      const enableDhcp = input.enable_dhcp ?? row.enable_dhcp === 1
      validateDhcpPrefix(cidr, enableDhcp)
      const next: SubnetRow = {
        ...row,
        name: input.name ?? row.name,
        description: input.description ?? row.description,
        gateway_ip: gateway,
        allocation_pools: pools,
        dns_nameservers:
          input.dns_nameservers === undefined
            ? row.dns_nameservers
            : JSON.stringify(input.dns_nameservers),
        host_routes:
          input.host_routes === undefined ? row.host_routes : JSON.stringify(input.host_routes),
        service_types:
          input.service_types === undefined
            ? row.service_types
            : JSON.stringify(input.service_types),
        enable_dhcp: enableDhcp ? 1 : 0,
        updated_at: timestamp(),
        revision_number: row.revision_number + 1,
      }
      await tx.updateTable('subnets').set(next).where('id', '=', id).execute()
      if (pools !== row.allocation_pools)
        await this.ipam.pool(tx).updateSubnet(ipamSpec(row), ipamSpec(next))
      return subnetView(next)
    })
  }

  /**
   * Deletes a subnet. Its row lock orders it against port creates on it: either the delete
   * commits first and they fail with SubnetNotFound, or they do and it fails with SubnetInUse.
   * @throws SubnetInUse (409)
   */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await findVisibleSubnet(tx, ctx, id, true)
      requireOwner(ctx, row.project_id, 'delete_subnet')
      await removeSubnetInTx(tx, this.ipam, row)
    })
    await this.ipam.external?.releaseNow({ subnetId: id })
  }
}

/**
 * The subnet if the context may see it (its own, or on a network it may see).
 * @throws SubnetNotFound (404)
 */
export async function findVisibleSubnet(
  q: Tx | Db['kysely'],
  ctx: RequestContext,
  id: string,
  forUpdate = false,
): Promise<SubnetRow> {
  const query = q.selectFrom('subnets').selectAll().where('id', '=', id)
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined) throw Errors.subnetNotFound(id)
  if (!ctx.isAdmin && row.project_id !== ctx.projectId) {
    const network = await q
      .selectFrom('networks')
      .select(['project_id', 'shared'])
      .where('id', '=', row.network_id)
      .executeTakeFirst()
    if (network === undefined || !canSee(ctx, network.project_id, network.shared === 1))
      throw Errors.subnetNotFound(id)
  }
  return row
}

/** @throws InvalidInput (400) when the CIDR overlaps another subnet of the network */
async function checkOverlap(q: Queryable, networkId: string, cidr: Cidr): Promise<void> {
  const clash = await q
    .selectFrom('subnets')
    .select('id')
    .where('network_id', '=', networkId)
    .where('ip_version', '=', cidr.version)
    .where('cidr_first', '<=', ipKey(lastAddress(cidr)))
    .where('cidr_last', '>=', ipKey(firstAddress(cidr)))
    .limit(1)
    .executeTakeFirst()
  if (clash !== undefined) {
    throw Errors.invalidInput(
      `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
    )
  }
}

/** @throws NetworkSubnetPoolAffinityError (400) when subnets of one family mix subnet pools */
async function checkNetworkAffinity(
  q: Queryable,
  networkId: string,
  version: number,
  poolId: string | null,
): Promise<void> {
  const others = await q
    .selectFrom('subnets')
    .select('subnetpool_id')
    .where('network_id', '=', networkId)
    .where('ip_version', '=', version)
    .execute()
  if (others.some((o) => o.subnetpool_id !== poolId)) throw Errors.networkSubnetPoolAffinity()
}

/** Total addresses of the pools, exact. */
export function poolTotal(row: SubnetRow): bigint {
  return ipamSpec(row).pools.size()
}
