import { randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import { chunks } from '../db/chunks.ts'
import {
  classifyDbError,
  inTransaction,
  RetryTransaction,
  type Queryable,
  type Tx,
} from '../db/transaction.ts'
import { Errors, NeutronError } from '../domain/errors.ts'
import { formatIp, ipKey, parseIp, type IpAddress } from '../domain/ip-address.ts'
import { parseMac, randomMac, type MacOctets } from '../domain/mac-address.ts'
import { recordAudit } from '../ipam/audit.ts'
import type { AllocationOwner, IpamDriver } from '../ipam/driver.ts'
import type { ExternalIpam, Reserved } from '../ipam/drivers/external/external-ipam.ts'
import { failpoint } from '../ipam/drivers/external/failpoints.ts'
import { isPrimaryAddress } from '../ipam/drivers/external/primary-address.ts'
import { planFixedIps, type FixedIpInput, type PlannedAddress } from './fixed-ip-plan.ts'
import { ipamSpec, isAutoAddress } from './ipam-spec.ts'
import { filterConditions, selectPage, type ColumnMap, type ListOptions } from './list-query.ts'
import { findVisibleNetwork, rejectUnknownFilters } from './network-service.ts'
import { allocationEvents, reservationPlan } from './port-reservations.ts'
import {
  addressPairs,
  checkAddressPairSecurity,
  mergeDhcpOpts,
  type AddressPairInput,
  type DhcpOptInput,
} from './port-extras.ts'
import { owningProject, type RequestContext } from './request-context.ts'
import type { FixedIpView, PortView } from './resources.ts'
import {
  portView,
  storedAddressPairs,
  storedDhcpOpts,
  storedJson,
  timestamp,
  type NetworkRow,
  type PortRow,
  type SubnetRow,
} from './views.ts'

export interface PortCreate {
  network_id: string
  name?: string
  description?: string
  admin_state_up?: boolean
  /** Normalised lower-case colon form. */
  mac_address?: string
  fixed_ips?: FixedIpInput[]
  device_id?: string
  device_owner?: string
  project_id?: string
  port_security_enabled?: boolean
  dns_name?: string
  'binding:host_id'?: string
  'binding:vnic_type'?: string
  'binding:profile'?: Record<string, unknown>
  allowed_address_pairs?: AddressPairInput[]
  extra_dhcp_opts?: DhcpOptInput[]
}

/** Port attributes only an admin may set (Neutron's policy: rule:admin_only). */
const ADMIN_ATTRIBUTES = ['binding:host_id', 'binding:profile'] as const

export type PortUpdate = Omit<PortCreate, 'network_id' | 'project_id'>

export const PORT_COLUMNS: ColumnMap = {
  id: { column: 'id', type: 'string' },
  name: { column: 'name', type: 'string' },
  description: { column: 'description', type: 'string' },
  project_id: { column: 'project_id', type: 'string' },
  tenant_id: { column: 'project_id', type: 'string' },
  network_id: { column: 'network_id', type: 'string' },
  mac_address: { column: 'mac_address', type: 'string' },
  admin_state_up: { column: 'admin_state_up', type: 'bool' },
  status: { column: 'status', type: 'string' },
  device_id: { column: 'device_id', type: 'string' },
  device_owner: { column: 'device_owner', type: 'string' },
  port_security_enabled: { column: 'port_security_enabled', type: 'bool' },
  dns_name: { column: 'dns_name', type: 'string' },
  'binding:host_id': { column: 'binding_host_id', type: 'string' },
  'binding:vnic_type': { column: 'binding_vnic_type', type: 'string' },
  revision_number: { column: 'revision_number', type: 'int' },
  created_at: { column: 'created_at', type: 'string' },
  updated_at: { column: 'updated_at', type: 'string' },
}

export interface PortServiceOptions {
  readonly baseMac: MacOctets
  /** `[DEFAULT] dns_domain`, for dns_assignment. */
  readonly dnsDomain: string
}

/** What one port of a create call needs, resolved before anything is written. */
interface PreparedPort {
  readonly row: PortRow
  readonly plan: PlannedAddress[]
  readonly macGiven: boolean
}

export class PortService {
  constructor(
    private readonly db: Db,
    private readonly ipam: IpamDriver,
    private readonly options: PortServiceOptions,
  ) {}

  async create(ctx: RequestContext, input: PortCreate): Promise<PortView> {
    const [view] = await this.createBulk(ctx, [input])
    return view as PortView
  }

  /**
   * Creates every port or none: one transaction holds the ports and their addresses.
   * @throws NetworkNotFound, SubnetNotFound (404); IpAddressGenerationFailure,
   *   IpAddressAlreadyAllocated, MacAddressInUse (409); the fixed-IP errors of planFixedIps (400)
   */
  async createBulk(ctx: RequestContext, inputs: readonly PortCreate[]): Promise<PortView[]> {
    const external = this.ipam.external
    if (external === undefined) {
      return inTransaction(this.db, async (tx) => {
        const prepared = await this.prepareAll(tx, ctx, inputs)
        await this.insertPorts(tx, prepared)
        const views: PortView[] = []
        for (const port of prepared) {
          const ips = await this.allocatePlan(tx, port.plan, owner(port.row), port.row.network_id)
          views.push(portView(port.row, ips, this.options.dnsDomain))
        }
        await recordAudit(
          tx,
          views.flatMap((v) => allocationEvents(this.ipam.name, ctx, v, 'allocate', 'ok')),
        )
        return views
      })
    }
    // NOTE: external drivers reserve first (outside any transaction, journaled), then commit the
    // ports with what was reserved, and release it all if the commit fails. A commit that must
    // be run again (a MAC drawn twice, a deadlock) starts over from the reservations.
    for (let attempt = 1; ; attempt++) {
      const prepared = await this.prepareAll(this.db.kysely, ctx, inputs)
      const plans = prepared.flatMap((port) =>
        port.plan.map((planned, i) => reservationPlan(port.row, planned, ctx, i === 0)),
      )
      const reserved = await external.reserveAll(plans)
      try {
        const views = await inTransaction(
          this.db,
          (tx) => this.commitReserved(tx, ctx, prepared, reserved, external),
          { attempts: 1 },
        )
        failpoint('allocate:after-commit')
        return views
      } catch (error) {
        await external.compensate(reserved)
        const again = error instanceof RetryTransaction || classifyDbError(error) === 'retryable'
        if (!again || attempt >= 3)
          throw again
            ? Errors.serviceUnavailable('The database was busy; retry the request.')
            : error
      }
    }
  }

  /** Inside the transaction of an external driver's create: the ports and what was reserved. */
  private async commitReserved(
    tx: Tx,
    ctx: RequestContext,
    prepared: readonly PreparedPort[],
    reserved: readonly Reserved[],
    external: ExternalIpam,
  ): Promise<PortView[]> {
    await this.insertPorts(tx, prepared)
    const pool = this.ipam.pool(tx)
    const views: PortView[] = []
    let next = 0
    for (const port of prepared) {
      const ips: FixedIpView[] = []
      for (const planned of port.plan) {
        const r = reserved[next++] as Reserved
        const subnet = planned.candidates.find((c) => c.id === r.spec.subnetId) as SubnetRow
        await pool
          .getSubnet(ipamSpec(subnet))
          .allocate({ kind: 'reserved', address: r.address, externalRef: r.ref }, owner(port.row))
        ips.push({ subnet_id: subnet.id, ip_address: formatIp(r.address) })
      }
      views.push(portView(port.row, sortFixedIps(ips), this.options.dnsDomain))
    }
    await external.settle(tx, reserved, { projectId: ctx.projectId, userId: ctx.userId })
    return views
  }

  /** Checks every input and decides its addresses; reads only. */
  private async prepareAll(
    q: Queryable,
    ctx: RequestContext,
    inputs: readonly PortCreate[],
  ): Promise<PreparedPort[]> {
    const networks = new Map<string, { row: NetworkRow; subnets: SubnetRow[] }>()
    const prepared: PreparedPort[] = []
    const givenMacs = new Set<string>()
    for (const input of inputs) {
      if (input.mac_address !== undefined) {
        // NOTE: the unique index would only make this a retry, and then a 409 for the first.
        const key = `${input.network_id}/${input.mac_address}`
        if (givenMacs.has(key)) throw Errors.macAddressInUse(input.mac_address, input.network_id)
        givenMacs.add(key)
      }
      let net = networks.get(input.network_id)
      if (net === undefined) {
        const row = await findVisibleNetwork(q, ctx, input.network_id)
        const subnets = await q
          .selectFrom('subnets')
          .selectAll()
          .where('network_id', '=', row.id)
          .orderBy('created_at')
          .orderBy('cidr_first')
          .execute()
        net = { row, subnets }
        networks.set(row.id, net)
      }
      prepared.push(await this.prepare(q, ctx, input, net.row, net.subnets))
    }
    return prepared
  }

  /**
   * Inserts the port rows. A MAC that collides (a generated one, or a given one taken by a
   * concurrent request) makes the whole create run again: generated MACs are drawn anew, and a
   * given MAC is then found taken and reported.
   * @throws RetryTransaction on a duplicate MAC
   */
  private async insertPorts(tx: Tx, prepared: readonly PreparedPort[]): Promise<void> {
    try {
      for (const chunk of chunks(prepared.map((p) => p.row))) {
        await tx.insertInto('ports').values(chunk).execute()
      }
    } catch (error) {
      // NOTE: PostgreSQL has aborted the transaction by now: nothing more can be asked in it.
      if (classifyDbError(error) === 'unique') throw new RetryTransaction('MAC address collided')
      throw error
    }
  }

  private async prepare(
    q: Queryable,
    ctx: RequestContext,
    input: PortCreate,
    network: NetworkRow,
    subnets: SubnetRow[],
  ): Promise<PreparedPort> {
    requireAdminFor(ctx, input, 'create_port')
    const networkOwner = ctx.isAdmin || network.project_id === ctx.projectId
    if (!networkOwner && input.fixed_ips?.some((f) => f.ip_address !== undefined)) {
      throw Errors.policyNotAuthorized(
        '(rule:create_port and rule:create_port:fixed_ips:ip_address)',
      )
    }
    if (!networkOwner && input.mac_address !== undefined) {
      throw Errors.policyNotAuthorized('(rule:create_port and rule:create_port:mac_address)')
    }
    if (input.mac_address !== undefined && (await macTaken(q, network.id, input.mac_address))) {
      throw Errors.macAddressInUse(input.mac_address, network.id)
    }
    const mac = input.mac_address ?? randomMac(this.options.baseMac)
    const deviceOwner = input.device_owner ?? ''
    const lookup = await subnetLookup(q, subnets, input.fixed_ips)
    const plan = planFixedIps(
      network.id,
      subnets,
      input.fixed_ips,
      deviceOwner,
      parseMac(mac) as MacOctets,
      lookup,
    )
    const portSecurity =
      input.port_security_enabled ??
      (deviceOwner.startsWith('network:') ? false : network.port_security_enabled === 1)
    const pairs = addressPairs(input.allowed_address_pairs ?? [], mac)
    checkAddressPairSecurity(pairs, portSecurity)
    const id = randomUUID()
    const now = timestamp()
    const row: PortRow = {
      id,
      project_id: owningProject(ctx, input.project_id),
      name: input.name ?? '',
      description: input.description ?? '',
      created_at: now,
      updated_at: now,
      revision_number: 1,
      tags: '[]',
      network_id: network.id,
      mac_address: mac,
      admin_state_up: input.admin_state_up === false ? 0 : 1,
      status: 'DOWN',
      device_id: input.device_id ?? '',
      device_owner: deviceOwner,
      // NOTE: Neutron turns port security off for its own network:* ports.
      port_security_enabled: portSecurity ? 1 : 0,
      binding_host_id: input['binding:host_id'] ?? '',
      binding_vnic_type: input['binding:vnic_type'] ?? 'normal',
      binding_profile: storedJson('binding:profile', input['binding:profile'] ?? {}),
      dns_name: input.dns_name ?? '',
      allowed_address_pairs: JSON.stringify(pairs),
      extra_dhcp_opts: storedJson(
        'extra_dhcp_opts',
        mergeDhcpOpts(id, [], input.extra_dhcp_opts ?? []),
      ),
    }
    return { row, plan, macGiven: input.mac_address !== undefined }
  }

  /** Allocates the planned addresses of one port, in order. */
  private async allocatePlan(
    tx: Tx,
    plan: readonly PlannedAddress[],
    who: AllocationOwner,
    networkId: string,
  ): Promise<FixedIpView[]> {
    const pool = this.ipam.pool(tx)
    const out: FixedIpView[] = []
    for (const planned of plan) {
      let address: IpAddress | undefined
      let subnetId = ''
      for (const subnet of planned.candidates) {
        try {
          address = await pool.getSubnet(ipamSpec(subnet)).allocate(planned.request, who)
          subnetId = subnet.id
          break
        } catch (error) {
          if (classifyDbError(error) === 'foreign-key') throw Errors.subnetNotFound(subnet.id)
          if (!(error instanceof NeutronError) || error.type !== 'IpAddressGenerationFailure')
            throw error
        }
      }
      if (address === undefined) {
        // The subnets may have been deleted since we read them: that is a 404, not exhaustion.
        for (const subnet of planned.candidates) {
          const exists = await tx
            .selectFrom('subnets')
            .select('id')
            .where('id', '=', subnet.id)
            .executeTakeFirst()
          if (exists === undefined) throw Errors.subnetNotFound(subnet.id)
        }
        throw Errors.ipAddressGenerationFailure(networkId)
      }
      out.push({ subnet_id: subnetId, ip_address: formatIp(address) })
    }
    return sortFixedIps(out)
  }

  async get(ctx: RequestContext, id: string): Promise<PortView> {
    const row = await findVisiblePort(this.db.kysely, ctx, id)
    return portView(
      row,
      (await fixedIpsOf(this.db.kysely, [id])).get(id) ?? [],
      this.options.dnsDomain,
    )
  }

  async list(ctx: RequestContext, options: ListOptions): Promise<PortView[]> {
    const { conditions, rest } = filterConditions(PORT_COLUMNS, options.filters)
    const fixed = rest.get('fixed_ips')
    rest.delete('fixed_ips')
    rest.delete('security_groups')
    rejectUnknownFilters(rest)
    if (fixed !== undefined) conditions.push(fixedIpCondition(fixed))
    const visibility = ctx.isAdmin
      ? undefined
      : sql<SqlBool>`(project_id = ${ctx.projectId} or network_id in (select id from networks where project_id = ${ctx.projectId}))`
    const rows = await selectPage<PortRow>(
      this.db.kysely,
      'ports',
      PORT_COLUMNS,
      conditions,
      visibility,
      options,
      (id) => Errors.portNotFound(id),
    )
    const ips = await fixedIpsOf(
      this.db.kysely,
      rows.map((r) => r.id),
    )
    return rows.map((r) => portView(r, ips.get(r.id) ?? [], this.options.dnsDomain))
  }

  async update(ctx: RequestContext, id: string, input: PortUpdate): Promise<PortView> {
    const external = this.ipam.external
    let reserved: Reserved[] = []
    let planned: string | undefined
    if (external !== undefined) {
      // Phase one for external drivers: new addresses are reserved, and changed names or
      // devices written to the external system, before our transaction.
      const row = await findVisiblePort(this.db.kysely, ctx, id)
      // NOTE: refusals that need no lock come before anything is written to the external system.
      requireAdminFor(ctx, input, 'update_port')
      updatedRow(row, input)
      if (input.fixed_ips !== undefined) {
        const diff = await this.diffFixedIps(this.db.kysely, row, input.fixed_ips)
        planned = diff.fingerprint
        reserved = await external.reserveAll(
          diff.plan.map((p) => reservationPlan(row, p, ctx, false)),
        )
      }
      await this.syncExternalMetadata(row, input)
    }
    try {
      const view = await inTransaction(this.db, async (tx) => {
        const row = await findVisiblePort(tx, ctx, id, true)
        const network = await findVisibleNetwork(tx, ctx, row.network_id)
        const networkOwner = ctx.isAdmin || network.project_id === ctx.projectId
        if (!networkOwner && row.project_id !== ctx.projectId)
          throw Errors.policyNotAuthorized('update_port')
        requireAdminFor(ctx, input, 'update_port')
        if (input.mac_address !== undefined && input.mac_address !== row.mac_address) {
          // NOTE: Neutron's update_port:mac_address is admin_only, not the network owner's.
          if (!ctx.isAdmin)
            throw Errors.policyNotAuthorized('(rule:update_port and rule:update_port:mac_address)')
          if (await macTaken(tx, row.network_id, input.mac_address)) {
            throw Errors.macAddressInUse(input.mac_address, row.network_id)
          }
        }
        const next = updatedRow(row, input)
        await tx.updateTable('ports').set(next).where('id', '=', id).execute()
        if (input.fixed_ips !== undefined) {
          if (!networkOwner && input.fixed_ips.some((f) => f.ip_address !== undefined)) {
            throw Errors.policyNotAuthorized(
              '(rule:update_port and rule:update_port:fixed_ips:ip_address)',
            )
          }
          const diff = await this.diffFixedIps(tx, next, input.fixed_ips)
          const pool = this.ipam.pool(tx)
          for (const r of diff.release)
            await pool.getSubnet(ipamSpec(r.subnet)).deallocate(r.address)
          if (external === undefined) {
            await this.allocatePlan(tx, diff.plan, owner(next), next.network_id)
          } else {
            if (diff.fingerprint !== planned) throw Errors.portChangedConcurrently(id)
            for (const r of reserved) {
              const subnet = diff.subnets.get(r.spec.subnetId) as SubnetRow
              await pool
                .getSubnet(ipamSpec(subnet))
                .allocate({ kind: 'reserved', address: r.address, externalRef: r.ref }, owner(next))
            }
            await external.settle(tx, reserved, { projectId: ctx.projectId, userId: ctx.userId })
          }
        }
        return portView(next, (await fixedIpsOf(tx, [id])).get(id) ?? [], this.options.dnsDomain)
      })
      await external?.releaseNow({ portId: id })
      return view
    } catch (error) {
      await external?.compensate(reserved)
      throw error
    }
  }

  /** Writes a changed DNS name, device or MAC to every reservation of the port. */
  private async syncExternalMetadata(row: PortRow, input: PortUpdate): Promise<void> {
    const external = this.ipam.external
    if (external === undefined) return
    const next = updatedRow(row, input)
    if (
      next.dns_name === row.dns_name &&
      next.device_id === row.device_id &&
      next.device_owner === row.device_owner &&
      next.mac_address === row.mac_address
    ) {
      return
    }
    const allocations = await this.db.kysely
      .selectFrom('ip_allocations')
      .select(['subnet_id', 'ip_address', 'external_ref'])
      .where('port_id', '=', row.id)
      .execute()
    for (const a of allocations) {
      const address = parseIp(a.ip_address)
      if (a.external_ref === null || address === undefined) continue
      await external.updateReservation(a.external_ref, address, {
        portId: next.id,
        projectId: next.project_id,
        networkId: next.network_id,
        subnetId: a.subnet_id,
        deviceId: next.device_id,
        deviceOwner: next.device_owner,
        macAddress: next.mac_address,
        dnsName: next.dns_name,
        primary: await isPrimaryAddress(this.db.kysely, row.id, a.ip_address),
      })
    }
  }

  /**
   * Neutron's update of fixed_ips: the list replaces the port's addresses, except that EUI-64
   * addresses stay, listed addresses the port holds are kept, and a subnet-only entry is
   * satisfied by an address the port already holds on that subnet. Reads only; returns what to
   * release, what to allocate, and a fingerprint of the addresses it started from.
   */
  private async diffFixedIps(
    q: Queryable,
    port: PortRow,
    wanted: readonly FixedIpInput[],
  ): Promise<{
    release: { subnet: SubnetRow; address: IpAddress }[]
    plan: PlannedAddress[]
    subnets: Map<string, SubnetRow>
    fingerprint: string
  }> {
    const subnets = await q
      .selectFrom('subnets')
      .selectAll()
      .where('network_id', '=', port.network_id)
      .orderBy('created_at')
      .orderBy('cidr_first')
      .execute()
    const byId = new Map(subnets.map((s) => [s.id, s]))
    const current = (await fixedIpsOf(q, [port.id])).get(port.id) ?? []
    const keep = new Set<string>()
    const key = (f: FixedIpView): string => `${f.subnet_id}/${f.ip_address}`
    const toAllocate: FixedIpInput[] = []
    for (const w of wanted) {
      if (w.ip_address === undefined) continue
      const text = formatIp(w.ip_address)
      const held = current.find(
        (c) => c.ip_address === text && (w.subnet_id === undefined || c.subnet_id === w.subnet_id),
      )
      if (held === undefined) toAllocate.push(w)
      else keep.add(key(held))
    }
    for (const w of wanted) {
      if (w.ip_address !== undefined) continue
      const held = current.find((c) => c.subnet_id === w.subnet_id && !keep.has(key(c)))
      if (held === undefined) toAllocate.push(w)
      else keep.add(key(held))
    }
    for (const c of current) {
      const subnet = byId.get(c.subnet_id)
      if (subnet !== undefined && isAutoAddress(subnet)) keep.add(key(c))
    }
    const release = current.flatMap((c) => {
      const subnet = byId.get(c.subnet_id)
      const address = parseIp(c.ip_address)
      return keep.has(key(c)) || subnet === undefined || address === undefined
        ? []
        : [{ subnet, address }]
    })
    let plan: PlannedAddress[] = []
    if (toAllocate.length > 0) {
      const lookup = await subnetLookup(q, subnets, toAllocate)
      // EUI-64 addresses the port already holds are not asked for again.
      const held = new Set(current.map((c) => c.subnet_id))
      plan = planFixedIps(
        port.network_id,
        subnets,
        toAllocate,
        port.device_owner,
        parseMac(port.mac_address) as MacOctets,
        lookup,
      ).filter((p) => p.request.kind !== 'automatic' || !held.has(p.candidates[0]?.id ?? ''))
    }
    return { release, plan, subnets: byId, fingerprint: current.map(key).sort().join(',') }
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await findVisiblePort(tx, ctx, id, true)
      if (!ctx.isAdmin && row.project_id !== ctx.projectId) {
        const network = await findVisibleNetwork(tx, ctx, row.network_id)
        if (network.project_id !== ctx.projectId) throw Errors.policyNotAuthorized('delete_port')
      }
      const released = await this.releaseAll(tx, row)
      await tx.deleteFrom('ports').where('id', '=', id).execute()
      const outcome = this.ipam.external === undefined ? 'ok' : 'queued'
      await recordAudit(
        tx,
        allocationEvents(
          this.ipam.name,
          ctx,
          { id, network_id: row.network_id, fixed_ips: released },
          'release',
          outcome,
        ),
      )
    })
    // NOTE: the tenant's delete is done; the external release follows (and waits in the queue
    // if the system does not answer).
    if (this.ipam.external === undefined) return
    failpoint('release:after-commit')
    await this.ipam.external.releaseNow({ portId: id })
  }

  private async releaseAll(tx: Tx, port: PortRow): Promise<FixedIpView[]> {
    const allocations = await tx
      .selectFrom('ip_allocations')
      .select(['subnet_id', 'ip_address'])
      .where('port_id', '=', port.id)
      .execute()
    if (allocations.length === 0) return []
    const subnets = await tx
      .selectFrom('subnets')
      .selectAll()
      .where('id', 'in', [...new Set(allocations.map((a) => a.subnet_id))])
      .execute()
    const byId = new Map(subnets.map((s) => [s.id, s]))
    const pool = this.ipam.pool(tx)
    for (const a of allocations) {
      const subnet = byId.get(a.subnet_id)
      const address = parseIp(a.ip_address)
      if (subnet !== undefined && address !== undefined)
        await pool.getSubnet(ipamSpec(subnet)).deallocate(address)
    }
    return allocations
  }
}

/**
 * Refuses attributes only an admin may set.
 * @throws PolicyNotAuthorized (403) naming Neutron's rule
 */
function requireAdminFor(ctx: RequestContext, input: PortUpdate, action: string): void {
  if (ctx.isAdmin) return
  const attr = ADMIN_ATTRIBUTES.find((a) => input[a] !== undefined)
  if (attr !== undefined)
    throw Errors.policyNotAuthorized(`(rule:${action} and rule:${action}:${attr})`)
}

/**
 * The port row after an update's changes.
 * @throws AddressPairAndPortSecurityRequired, NeutronDbObjectDuplicateEntry (409)
 */
function updatedRow(row: PortRow, input: PortUpdate): PortRow {
  const mac = input.mac_address ?? row.mac_address
  const pairs =
    input.allowed_address_pairs === undefined
      ? storedAddressPairs(row)
      : addressPairs(input.allowed_address_pairs, mac)
  const portSecurity =
    input.port_security_enabled === undefined
      ? row.port_security_enabled === 1
      : input.port_security_enabled
  checkAddressPairSecurity(pairs, portSecurity)
  return {
    ...row,
    allowed_address_pairs: JSON.stringify(pairs),
    extra_dhcp_opts: storedJson(
      'extra_dhcp_opts',
      mergeDhcpOpts(row.id, storedDhcpOpts(row), input.extra_dhcp_opts ?? []),
    ),
    name: input.name ?? row.name,
    description: input.description ?? row.description,
    admin_state_up:
      input.admin_state_up === undefined ? row.admin_state_up : Number(input.admin_state_up),
    mac_address: mac,
    device_id: input.device_id ?? row.device_id,
    device_owner: input.device_owner ?? row.device_owner,
    port_security_enabled: portSecurity ? 1 : 0,
    dns_name: input.dns_name ?? row.dns_name,
    binding_host_id: input['binding:host_id'] ?? row.binding_host_id,
    binding_vnic_type: input['binding:vnic_type'] ?? row.binding_vnic_type,
    binding_profile:
      input['binding:profile'] === undefined
        ? row.binding_profile
        : storedJson('binding:profile', input['binding:profile']),
    updated_at: timestamp(),
    revision_number: row.revision_number + 1,
  }
}

function owner(row: PortRow): AllocationOwner {
  return {
    portId: row.id,
    projectId: row.project_id,
    deviceId: row.device_id,
    deviceOwner: row.device_owner,
    dnsName: row.dns_name,
    macAddress: row.mac_address,
  }
}

/** Fixed IPs in Neutron's order: IPv4 first, then by address. */
function sortFixedIps(ips: FixedIpView[]): FixedIpView[] {
  const k = (f: FixedIpView): string => {
    const ip = parseIp(f.ip_address)
    return ip === undefined ? f.ip_address : `${ip.version}${ipKey(ip.value)}`
  }
  return ips.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0))
}

async function macTaken(q: Queryable, networkId: string, mac: string): Promise<boolean> {
  const row = await q
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('mac_address', '=', mac)
    .executeTakeFirst()
  return row !== undefined
}

/** Subnets named in fixed_ips, including ones of other networks (for Neutron's error). */
async function subnetLookup(
  q: Queryable,
  networkSubnets: readonly SubnetRow[],
  fixedIps: readonly FixedIpInput[] | undefined,
): Promise<Map<string, SubnetRow>> {
  const lookup = new Map(networkSubnets.map((s) => [s.id, s]))
  const missing = (fixedIps ?? [])
    .map((f) => f.subnet_id)
    .filter((id): id is string => id !== undefined && !lookup.has(id))
  if (missing.length > 0) {
    const others = await q.selectFrom('subnets').selectAll().where('id', 'in', missing).execute()
    for (const s of others) lookup.set(s.id, s)
  }
  return lookup
}

/** The port if the context may see it: its own, or one on a network it owns. */
export async function findVisiblePort(
  q: Queryable,
  ctx: RequestContext,
  id: string,
  forUpdate = false,
): Promise<PortRow> {
  const query = q.selectFrom('ports').selectAll().where('id', '=', id)
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined) throw Errors.portNotFound(id)
  if (!ctx.isAdmin && row.project_id !== ctx.projectId) {
    const network = await q
      .selectFrom('networks')
      .select('project_id')
      .where('id', '=', row.network_id)
      .executeTakeFirst()
    if (network?.project_id !== ctx.projectId) throw Errors.portNotFound(id)
  }
  return row
}

/** Fixed IPs of the given ports, each list in Neutron's order. */
export async function fixedIpsOf(
  q: Queryable,
  portIds: readonly string[],
): Promise<Map<string, FixedIpView[]>> {
  const out = new Map<string, FixedIpView[]>()
  for (let i = 0; i < portIds.length; i += 500) {
    const rows = await q
      .selectFrom('ip_allocations')
      .select(['port_id', 'subnet_id', 'ip_address', 'address_key'])
      .where('port_id', 'in', portIds.slice(i, i + 500))
      .orderBy('port_id')
      .orderBy('address_key')
      .execute()
    for (const r of rows) {
      const list = out.get(r.port_id) ?? []
      list.push({ subnet_id: r.subnet_id, ip_address: r.ip_address })
      out.set(r.port_id, list)
    }
  }
  return out
}

/** `fixed_ips=ip_address=X`, `fixed_ips=subnet_id=Y`, `fixed_ips=ip_address_substr=Z`: one allocation matching all kinds. */
function fixedIpCondition(values: readonly string[]): Expression<SqlBool> {
  const byKind = new Map<string, string[]>()
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 0)
      throw Errors.badRequest(
        `Invalid input for fixed_ips. Reason: '${v}' is not of the form key=value.`,
      )
    const kind = v.slice(0, eq)
    if (!['ip_address', 'subnet_id', 'ip_address_substr'].includes(kind)) {
      throw Errors.badRequest(
        `Invalid input for fixed_ips. Reason: '${kind}' is not a valid fixed_ips filter.`,
      )
    }
    byKind.set(kind, [...(byKind.get(kind) ?? []), v.slice(eq + 1)])
  }
  const parts: Expression<SqlBool>[] = []
  const ips = byKind.get('ip_address')
  if (ips !== undefined) parts.push(sql<SqlBool>`ip_address in (${sql.join(ips)})`)
  const subnets = byKind.get('subnet_id')
  if (subnets !== undefined) parts.push(sql<SqlBool>`subnet_id in (${sql.join(subnets)})`)
  for (const s of byKind.get('ip_address_substr') ?? []) {
    // NOTE: addresses are stored in canonical (lower-case) form; `FD00` finds `fd00::5` too.
    const text = s.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)
    parts.push(sql<SqlBool>`ip_address like ${`%${text}%`} escape '!'`)
  }
  return sql<SqlBool>`id in (select port_id from ip_allocations where ${sql.join(parts, sql` and `)})`
}
