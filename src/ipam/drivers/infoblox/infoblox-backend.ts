import { cidrsOverlap, cidrWithin, formatCidr, parseCidr, type Cidr } from '../../../domain/cidr.ts'
import { formatIp, parseIp, type IpAddress } from '../../../domain/ip-address.ts'
import type {
  AddressAsk,
  CheckStep,
  ExternalBackend,
  ExternalSubnet,
  ExternalSubnetSpec,
  Reservation,
  ReservationTag,
} from '../external/external-backend.ts'
import { runCheck } from '../external/check-runner.ts'
import { ExternalIpamError } from '../external/external-errors.ts'
import type { VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import { WapiClient, type WapiObject } from './wapi-client.ts'
import { qualifiedName } from '../external/qualified-name.ts'

export interface InfobloxSettings {
  readonly version: string
  readonly username: string
  readonly password: string
  readonly networkView: string
  readonly dnsView: string
  /** Empty: no DNS, fixed addresses. */
  readonly dnsZone: string
  readonly useHostRecords: boolean
  readonly pageSize: number
}

/** Extensible attributes our reservations and networks carry. */
export const EA = {
  port: 'Port ID',
  tenant: 'Tenant ID',
  network: 'Network ID',
  subnet: 'Subnet ID',
  device: 'Port Attached Device - Device ID',
  owner: 'Port Attached Device - Device Owner',
  cmp: 'CMP Type',
  owned: 'Cloud API Owned',
} as const

const CMP = 'Xloud'

type Extattrs = Record<string, { value: string }>

function eas(values: Record<string, string>): Extattrs {
  const out: Extattrs = {}
  for (const [k, v] of Object.entries(values)) if (v !== '') out[k] = { value: v }
  return out
}

/** A WAPI field that should be a string, as a string ('' otherwise). */
function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

function eaValue(o: WapiObject, name: string): string | undefined {
  const attrs = o.extattrs as Record<string, { value?: unknown }> | undefined
  const v = attrs?.[name]?.value
  return typeof v === 'string' ? v : undefined
}

/**
 * The Infoblox mapping: a subnet is a `network` in the configured network view, inside a
 * pre-defined `networkcontainer`; a port's address is a `fixedaddress` (with its MAC) or, with a
 * DNS zone, a `record:host` (A/PTR and the address in one object), reserved with one call using
 * the server-side `func:nextavailableip` bounded by our allocation pool, carrying our tag as EAs.
 */
export class InfobloxBackend implements ExternalBackend {
  readonly driver = 'infoblox'
  readonly capabilities = { ipv6: true, dns: true, mac: true }
  private readonly wapi: WapiClient

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly settings: InfobloxSettings,
    private readonly baseUrl: string,
  ) {
    this.wapi = new WapiClient(
      http,
      resilience,
      {
        version: settings.version,
        username: settings.username,
        password: settings.password,
        pageSize: settings.pageSize,
      },
      `networkview?name=${encodeURIComponent(settings.networkView)}&_return_fields=name`,
    )
  }

  get endpoint(): string {
    return `${this.baseUrl}/wapi/v${this.settings.version}`
  }

  get scope(): string {
    return `network view ${this.settings.networkView}`
  }

  /** Logins so far (each is one call carrying credentials). */
  get logins(): number {
    return this.wapi.logins
  }

  private get dns(): boolean {
    return this.settings.dnsZone !== '' && this.settings.useHostRecords
  }

  private fail(kind: ExternalIpamError['kind'], cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, this.driver, this.endpoint, cause)
  }

  // ---------------------------------------------------------------- subnets

  async prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet> {
    const v6 = spec.cidr.version === 6
    const networkType = v6 ? 'ipv6network' : 'network'
    const containerType = v6 ? 'ipv6networkcontainer' : 'networkcontainer'
    const cidr = formatCidr(spec.cidr)
    const view = this.settings.networkView
    const exact = await this.wapi.find(networkType, {
      network: cidr,
      network_view: view,
      _return_fields: 'network,extattrs',
    })
    const existing = exact[0]
    if (existing !== undefined) {
      return {
        ref: existing._ref,
        createdByUs: false,
        detail: { view, network: cidr, adopted: true },
      }
    }
    const containers: Cidr[] = []
    for await (const c of this.wapi.search(containerType, {
      network_view: view,
      _return_fields: 'network',
    })) {
      const parsed = parseCidr(String(c.network))
      if (parsed !== undefined) containers.push(parsed)
    }
    const enclosing = containers
      .filter((c) => cidrWithin(spec.cidr, c))
      .sort((a, b) => b.prefixLength - a.prefixLength)[0]
    if (enclosing === undefined) {
      throw this.fail(
        'range-not-defined',
        `no network container in network view ${view} encloses ${cidr}; create one there first`,
      )
    }
    const inside = containers.find(
      (c) => c.prefixLength > spec.cidr.prefixLength && cidrWithin(c, spec.cidr),
    )
    if (inside !== undefined)
      throw this.fail('range-overlap', `network container ${formatCidr(inside)}`)
    for await (const n of this.wapi.search(networkType, {
      network_container: formatCidr(enclosing),
      network_view: view,
      _return_fields: 'network,extattrs',
    })) {
      const other = parseCidr(String(n.network))
      if (other !== undefined && cidrsOverlap(other, spec.cidr)) {
        const ours =
          eaValue(n, EA.cmp) === CMP
            ? ` (created by Xloud for subnet ${eaValue(n, EA.subnet) ?? '?'})`
            : ' (not created by Xloud)'
        throw this.fail('range-overlap', `network ${formatCidr(other)}${ours}`)
      }
    }
    const created = (await this.wapi.call(
      'POST',
      `${networkType}?_return_fields=network,network_view`,
      {
        network: cidr,
        network_view: view,
        comment: `Xloud subnet ${spec.subnetId}${spec.name === '' ? '' : ` (${spec.name})`}`,
        extattrs: eas({
          [EA.subnet]: spec.subnetId,
          [EA.network]: spec.networkId,
          [EA.tenant]: spec.projectId,
          [EA.cmp]: CMP,
          [EA.owned]: 'True',
        }),
      },
    )) as WapiObject
    return {
      ref: created._ref,
      createdByUs: true,
      detail: { view, network: cidr, container: formatCidr(enclosing) },
    }
  }

  async releaseSubnet(ref: string): Promise<void> {
    await this.deleteRef(ref)
  }

  // ---------------------------------------------------------------- addresses

  async reserve(
    spec: ExternalSubnetSpec,
    _subnet: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation> {
    if (ask.kind === 'specific') return this.create(spec, formatIp(ask.address), tag)
    // NOTE: next-available bounded by each allocation pool in turn: one call while the first
    // pool has room; the range form keeps the gateway and anything outside the pools untouched.
    let last: ExternalIpamError | undefined
    for (const pool of spec.pools) {
      const start = formatIp({ version: spec.cidr.version, value: pool.start })
      const end = formatIp({ version: spec.cidr.version, value: pool.end })
      try {
        return await this.create(
          spec,
          `func:nextavailableip:${start}-${end},${this.settings.networkView}`,
          tag,
        )
      } catch (error) {
        if (!(error instanceof ExternalIpamError) || error.kind !== 'exhausted') throw error
        last = error
      }
    }
    throw last ?? this.fail('exhausted', `no allocation pool in ${formatCidr(spec.cidr)}`)
  }

  private tagAttrs(tag: ReservationTag): Extattrs {
    return eas({
      [EA.port]: tag.portId,
      [EA.tenant]: tag.projectId,
      [EA.network]: tag.networkId,
      [EA.subnet]: tag.subnetId,
      [EA.device]: tag.deviceId,
      [EA.owner]: tag.deviceOwner,
      [EA.cmp]: CMP,
      [EA.owned]: 'True',
    })
  }

  private hostName(tag: ReservationTag): string {
    return qualifiedName(
      tag.dnsName === '' ? `port-${tag.portId}` : tag.dnsName,
      this.settings.dnsZone,
    )
  }

  private duid(mac: string): string {
    // infoblox-client's DUID for a MAC (DUID-LL style, as networking-infoblox derives it).
    return `00:${mac.slice(9)}:${mac}`
  }

  /** One create call: a host record with DNS, else a fixed address. */
  private async create(
    spec: ExternalSubnetSpec,
    address: string,
    tag: ReservationTag,
  ): Promise<Reservation> {
    const v6 = spec.cidr.version === 6
    const extattrs = this.tagAttrs(tag)
    let created: WapiObject
    // NOTE: a host name can exist once in a DNS view: the port's first address gets the host
    // record (A/AAAA and PTR), its other addresses fixed addresses.
    if (this.dns && tag.primary) {
      const entry = v6
        ? { ipv6addr: address, duid: this.duid(tag.macAddress), configure_for_dhcp: false }
        : { ipv4addr: address, mac: tag.macAddress, configure_for_dhcp: false }
      created = (await this.wapi.call(
        'POST',
        `record:host?_return_fields=name,${v6 ? 'ipv6addrs' : 'ipv4addrs'},extattrs`,
        {
          name: this.hostName(tag),
          view: this.settings.dnsView,
          configure_for_dns: true,
          [v6 ? 'ipv6addrs' : 'ipv4addrs']: [entry],
          extattrs,
        },
      )) as WapiObject
      const addrs = created[v6 ? 'ipv6addrs' : 'ipv4addrs'] as Record<string, unknown>[] | undefined
      const got = parseIp(str(addrs?.[0]?.[v6 ? 'ipv6addr' : 'ipv4addr']))
      if (got === undefined) throw this.fail('protocol', 'host record created without an address')
      return {
        ref: created._ref,
        address: got,
        tag,
        dnsName: this.hostName(tag),
        macAddress: tag.macAddress,
      }
    }
    const body = v6
      ? {
          ipv6addr: address,
          duid: this.duid(tag.macAddress),
          network_view: this.settings.networkView,
          extattrs,
          comment: `Xloud port ${tag.portId}`,
        }
      : {
          ipv4addr: address,
          mac: tag.macAddress,
          network_view: this.settings.networkView,
          extattrs,
          comment: `Xloud port ${tag.portId}`,
        }
    created = (await this.wapi.call(
      'POST',
      `${v6 ? 'ipv6fixedaddress' : 'fixedaddress'}?_return_fields=${v6 ? 'ipv6addr' : 'ipv4addr,mac'}`,
      body,
    )) as WapiObject
    const got = parseIp(str(created[v6 ? 'ipv6addr' : 'ipv4addr']))
    if (got === undefined) throw this.fail('protocol', 'fixed address created without an address')
    return { ref: created._ref, address: got, tag, dnsName: '', macAddress: tag.macAddress }
  }

  async release(ref: string): Promise<void> {
    await this.deleteRef(ref)
  }

  /** DELETE by reference; "already gone" (404) is success. */
  private async deleteRef(ref: string): Promise<void> {
    try {
      await this.wapi.call('DELETE', ref)
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return
      throw error
    }
  }

  async update(ref: string, address: IpAddress, tag: ReservationTag): Promise<void> {
    const v6 = address.version === 6
    const body: Record<string, unknown> = { extattrs: this.tagAttrs(tag) }
    if (ref.startsWith('record:host')) {
      body.name = this.hostName(tag)
      body[v6 ? 'ipv6addrs' : 'ipv4addrs'] = [
        v6
          ? { ipv6addr: formatIp(address), duid: this.duid(tag.macAddress) }
          : { ipv4addr: formatIp(address), mac: tag.macAddress },
      ]
    } else if (!v6) {
      body.mac = tag.macAddress
    }
    await this.wapi.call('PUT', ref, body)
  }

  // ---------------------------------------------------------------- lookups

  private toReservation(o: WapiObject): Reservation | undefined {
    let text = o.ipv4addr ?? o.ipv6addr
    const hostAddrs = (o.ipv4addrs ?? o.ipv6addrs) as Record<string, unknown>[] | undefined
    if (text === undefined && hostAddrs !== undefined)
      text = hostAddrs[0]?.ipv4addr ?? hostAddrs[0]?.ipv6addr
    const address = parseIp(str(text))
    if (address === undefined) return undefined
    const portId = eaValue(o, EA.port)
    const tag: Partial<ReservationTag> | undefined =
      eaValue(o, EA.cmp) === CMP && portId !== undefined
        ? {
            portId,
            projectId: eaValue(o, EA.tenant) ?? '',
            networkId: eaValue(o, EA.network) ?? '',
            subnetId: eaValue(o, EA.subnet) ?? '',
            deviceId: eaValue(o, EA.device) ?? '',
            deviceOwner: eaValue(o, EA.owner) ?? '',
          }
        : undefined
    const name = typeof o.name === 'string' ? o.name : ''
    const mac = typeof o.mac === 'string' ? o.mac : str(hostAddrs?.[0]?.mac)
    return { ref: o._ref, address, tag, dnsName: name, macAddress: mac }
  }

  /**
   * Every reservation of the subnet, after one lookup of its network by reference: a network
   * deleted in Infoblox (with it, its fixed addresses) is a gone range, not a subnet whose
   * addresses all vanished (host records, searched by tag, may even outlive it).
   * @throws ExternalIpamError 'not-found' naming the network and view when it no longer exists
   */
  async *list(spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncGenerator<Reservation> {
    await this.requireNetwork(spec, subnet)
    const v6 = spec.cidr.version === 6
    const fields = v6 ? 'ipv6addr,duid,extattrs' : 'ipv4addr,mac,extattrs'
    for await (const o of this.wapi.search(v6 ? 'ipv6fixedaddress' : 'fixedaddress', {
      network: formatCidr(spec.cidr),
      network_view: this.settings.networkView,
      _return_fields: fields,
    })) {
      const r = this.toReservation(o)
      if (r !== undefined) yield r
    }
    if (this.settings.dnsZone === '') return
    // Host records are searched by our subnet's tag, then filtered to the CIDR.
    for await (const o of this.wapi.search('record:host', {
      view: this.settings.dnsView,
      [`*${EA.subnet}`]: spec.subnetId,
      _return_fields: `name,${v6 ? 'ipv6addrs' : 'ipv4addrs'},extattrs`,
    })) {
      const r = this.toReservation(o)
      if (r !== undefined) yield r
    }
  }

  /**
   * Makes sure the subnet's network still exists: one GET of its reference (WAPI answers 404,
   * or 400 AdmConDataNotFoundError, once it is deleted).
   * @throws ExternalIpamError 'not-found' when it is gone, or the outage kinds
   */
  private async requireNetwork(spec: ExternalSubnetSpec, subnet: ExternalSubnet): Promise<void> {
    try {
      await this.wapi.call('GET', `${subnet.ref}?_return_fields=network`)
    } catch (error) {
      if (!(error instanceof ExternalIpamError) || error.kind !== 'not-found') throw error
      const view = subnet.detail.view ?? this.settings.networkView
      const network = subnet.detail.network ?? formatCidr(spec.cidr)
      throw this.fail(
        'not-found',
        `${spec.cidr.version === 6 ? 'IPv6 network' : 'network'} ${String(network)} (network view ${String(view)}) no longer exists in Infoblox`,
      )
    }
  }

  async findByPort(
    spec: ExternalSubnetSpec,
    _subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]> {
    const v6 = spec.cidr.version === 6
    const found = await this.wapi.find(v6 ? 'ipv6fixedaddress' : 'fixedaddress', {
      [`*${EA.port}`]: portId,
      network_view: this.settings.networkView,
      _return_fields: v6 ? 'ipv6addr,extattrs' : 'ipv4addr,mac,extattrs',
    })
    if (this.settings.dnsZone !== '') {
      found.push(
        ...(await this.wapi.find('record:host', {
          [`*${EA.port}`]: portId,
          view: this.settings.dnsView,
          _return_fields: `name,${v6 ? 'ipv6addrs' : 'ipv4addrs'},extattrs`,
        })),
      )
    }
    return found.map((o) => this.toReservation(o)).filter((r): r is Reservation => r !== undefined)
  }

  circuit(): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuit
  }

  // ---------------------------------------------------------------- check

  async check(): Promise<CheckStep[]> {
    return runCheck(
      this.http.endpoint,
      () => this.http.request({ method: 'GET', path: `/wapi/v${this.settings.version}/?_schema` }),
      [
        {
          name: 'authenticate',
          run: async () => {
            await this.wapi.call(
              'GET',
              `networkview?name=${encodeURIComponent(this.settings.networkView)}&_return_fields=name`,
            )
            return `user ${this.settings.username} accepted`
          },
        },
        {
          name: 'network view',
          run: async () => {
            const found = await this.wapi.find('networkview', { name: this.settings.networkView })
            if (found.length === 0)
              throw new Error(`network view ${this.settings.networkView} does not exist`)
            return `network view ${this.settings.networkView} found`
          },
        },
        {
          name: 'DNS view',
          run: async () => {
            if (this.settings.dnsZone === '')
              return 'DNS not configured (dns_zone empty): fixed addresses without host records'
            const views = await this.wapi.find('view', { name: this.settings.dnsView })
            if (views.length === 0)
              throw new Error(`DNS view ${this.settings.dnsView} does not exist`)
            const zones = await this.wapi.find('zone_auth', {
              fqdn: this.settings.dnsZone,
              view: this.settings.dnsView,
            })
            if (zones.length === 0)
              throw new Error(
                `zone ${this.settings.dnsZone} does not exist in DNS view ${this.settings.dnsView}`,
              )
            return `DNS view ${this.settings.dnsView}, zone ${this.settings.dnsZone} found`
          },
        },
        {
          name: 'extensible attributes',
          run: async () => {
            const defined = new Set(
              (await this.wapi.find('extensibleattributedef', { _return_fields: 'name' })).map(
                (d) => String(d.name),
              ),
            )
            const missing = Object.values(EA).filter((n) => !defined.has(n))
            if (missing.length > 0)
              throw new Error(`missing extensible attribute definitions: ${missing.join(', ')}`)
            return `all ${Object.values(EA).length} definitions present`
          },
        },
        {
          name: 'pre-defined containers',
          run: async () => {
            const found: string[] = []
            for await (const c of this.wapi.search('networkcontainer', {
              network_view: this.settings.networkView,
              _return_fields: 'network',
            }))
              found.push(String(c.network))
            if (found.length === 0)
              return `none in network view ${this.settings.networkView}: subnet creates will be refused until one is defined`
            return `${found.length} in network view ${this.settings.networkView}: ${found.slice(0, 10).join(', ')}${found.length > 10 ? ', …' : ''}`
          },
        },
      ],
    )
  }

  async close(): Promise<void> {
    await this.http.close()
  }
}
