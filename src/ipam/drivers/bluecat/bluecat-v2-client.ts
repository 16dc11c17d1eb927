import { formatCidr, parseCidr, type Cidr } from '../../../domain/cidr.ts'
import type { Interval } from '../../../domain/interval-set.ts'
import { formatIpv4, parseIp, type IpAddress } from '../../../domain/ip-address.ts'
import {
  ExternalIpamError,
  vendorReason,
  type ExternalErrorKind,
} from '../external/external-errors.ts'
import type { HttpResponse, VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'
import { SessionCache } from '../external/session-cache.ts'
import type {
  BamAddress,
  BamApi,
  BamAssignment,
  BamBlock,
  BamHostRecord,
  BamNetwork,
  BamPlacement,
  HostPlace,
} from './bluecat-api.ts'

type Json = Record<string, unknown>

const BASE = '/api/v2'

/** Credentials and paging of the v2 client. */
export interface BluecatV2Options {
  readonly username: string
  readonly password: string
  readonly pageSize: number
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0
}

/** A filter literal: quoted with `'`, or `"` when the value holds a `'`. */
function lit(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`
}

/** A query string with every value percent-encoded (spaces as %20, never '+'). */
function query(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')
}

function udfsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof v !== 'object' || v === null) return out
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x)
  }
  return out
}

/**
 * Address Manager's RESTful v2 API (BAM 9.5+): one session (`POST /api/v2/sessions`) whose
 * `basicAuthenticationCredentials` go in `Authorization: Basic …` on every call, renewed once
 * (single-flight) when a call answers 401; plain JSON (`Accept: application/json`, no HAL);
 * collections paged by `offset`/`limit`, where `count` is the number of items returned; errors
 * as `{"status","reason","code","message"}` classified by `code`.
 */
export class BluecatV2Client implements BamApi {
  readonly generation = 'v2'
  readonly basePath = BASE
  readonly probePath = `${BASE}/sessions/current`
  private readonly session: SessionCache<string>
  /** The session's credentials, for logout. */
  private active: string | undefined

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly options: BluecatV2Options,
  ) {
    this.session = new SessionCache(() => this.login())
  }

  get logins(): number {
    return this.session.logins
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'bluecat', `${this.http.endpoint}${BASE}`, cause)
  }

  /** Opens a session. @throws ExternalIpamError 'auth' when the credentials are refused */
  private async login(): Promise<string> {
    const res = await this.http.request({
      method: 'POST',
      path: `${BASE}/sessions`,
      body: { username: this.options.username, password: this.options.password },
    })
    if (res.status === 201 || res.status === 200) {
      const creds = (res.json() as Json | undefined)?.basicAuthenticationCredentials
      if (typeof creds === 'string' && creds !== '') {
        this.active = `Basic ${creds}`
        return this.active
      }
      throw this.error('protocol', 'session created without basicAuthenticationCredentials')
    }
    const code = str((res.json() as Json | undefined)?.code)
    if (res.status === 401)
      throw this.error(
        'auth',
        `authentication failed for user ${this.options.username} (HTTP 401 ${code})`,
      )
    if (res.status === 403)
      throw this.error('auth', `user ${this.options.username} may not log in (HTTP 403 ${code})`)
    if (res.status === 429 || res.status >= 500)
      throw this.error('unavailable', `HTTP ${res.status} while logging in`)
    throw this.error('protocol', `HTTP ${res.status} ${code} while logging in`)
  }

  /**
   * One v2 call with the session, through the breaker (and retries unless it is a POST).
   * Returns the parsed body of a 2xx answer (undefined for 204).
   * @throws ExternalIpamError classified from the status and error `code`
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    return this.resilience.call(method !== 'POST', async () => {
      let session = await this.session.get()
      const send = (auth: string) =>
        this.http.request({
          method,
          path: `${BASE}${path}`,
          headers: { ...headers, authorization: auth },
          body,
        })
      let res = await send(session)
      if (res.status === 401) {
        // NOTE: an expired or ended session (InvalidAuthorizationToken) did nothing: renewing it
        // once and sending again is safe even for a POST.
        session = await this.session.renew(session)
        res = await send(session)
        if (res.status === 401)
          throw this.error(
            'auth',
            `authentication failed for user ${this.options.username} (HTTP 401)`,
          )
      }
      return this.interpret(res)
    })
  }

  private interpret(res: HttpResponse): unknown {
    if (res.status >= 200 && res.status < 300)
      return res.text === '' ? undefined : (res.json() ?? res.text)
    const body = (res.json() ?? {}) as Json
    const code = str(body.code)
    const message = str(body.message) || res.text.slice(0, 200)
    if (res.status === 429 || res.status >= 500)
      throw this.error('unavailable', `HTTP ${res.status} ${code}: ${message}`)
    if (res.status === 403)
      throw this.error(
        'auth',
        `permission denied for user ${this.options.username} (HTTP 403 ${code}): ${message}`,
      )
    switch (code) {
      case 'ResourceNotFound':
        throw this.error('not-found', message)
      case 'NoSpaceForAddress':
        throw this.error('exhausted', message)
      case 'ResourceAlreadyExists':
        throw this.error('taken', message)
      case 'IpRangeOverlapsSiblings':
      case 'ResourceConflictsWithOther':
        throw this.error('range-overlap', message)
    }
    if (res.status === 404)
      throw this.error('protocol', `HTTP 404 ${code}: ${message} (is this BAM 9.5+ with API v2?)`)
    // NOTE: any other 400 (InvalidFieldValue, AddressNotInNetwork…) refuses this request only.
    if (res.status === 400 || res.status === 422)
      throw this.error('rejected', vendorReason(message, `HTTP ${res.status} ${code}`))
    throw this.error('protocol', `HTTP ${res.status} ${code}: ${message}`)
  }

  private async data(path: string): Promise<Json[]> {
    const page = (await this.call('GET', path)) as { data?: Json[] } | undefined
    return page?.data ?? []
  }

  /** Every item of a filtered collection, paging by offset to the end. */
  private async *collection(path: string, filter: string): AsyncGenerator<Json> {
    const limit = this.options.pageSize
    for (let offset = 0; ; offset += limit) {
      const items = await this.data(`${path}?${query({ filter, limit, offset })}`)
      yield* items
      // NOTE: `count` is the number of items returned, not a total: a short page is the last.
      if (items.length < limit) return
    }
  }

  private network(o: Json): BamNetwork {
    const cidr = parseCidr(str(o.range))
    if (cidr === undefined) throw this.error('protocol', `network ${num(o.id)} without a range`)
    return { id: num(o.id), cidr, gateway: parseIp(str(o.gateway)), name: str(o.name) }
  }

  private addressOf(o: Json): BamAddress | undefined {
    const address = parseIp(str(o.address))
    if (address === undefined || typeof o.id !== 'number') return undefined
    const mac = o.macAddress as Json | string | null | undefined
    return {
      id: o.id,
      address,
      state: str(o.state),
      name: str(o.name),
      mac: typeof mac === 'string' ? mac : str(mac?.address),
      udfs: udfsOf(o.userDefinedFields),
    }
  }

  async configuration(name: string): Promise<number | undefined> {
    const found = await this.data(
      `/configurations?${query({ filter: `name:eq(${lit(name)})`, fields: 'id,name' })}`,
    )
    return found[0] === undefined ? undefined : num(found[0].id)
  }

  async view(configurationId: number, name: string): Promise<number | undefined> {
    const found = await this.data(
      `/configurations/${configurationId}/views?${query({ filter: `name:eq(${lit(name)})` })}`,
    )
    return found[0] === undefined ? undefined : num(found[0].id)
  }

  async zone(
    configurationId: number,
    viewId: number,
    absoluteName: string,
  ): Promise<number | undefined> {
    const found = await this.data(
      `/zones?${query({ filter: `configuration.id:eq(${configurationId}) and absoluteName:eq(${lit(absoluteName)})` })}`,
    )
    const zone = found.find((z) => num((z.view as Json | undefined)?.id) === viewId)
    return zone === undefined ? undefined : num(zone.id)
  }

  async blocks(configurationId: number, limit: number): Promise<BamBlock[]> {
    const found = await this.data(
      `/blocks?${query({ filter: `configuration.id:eq(${configurationId})`, limit })}`,
    )
    return found.flatMap((b) => {
      const cidr = parseCidr(str(b.range))
      return cidr === undefined ? [] : [{ id: num(b.id), cidr }]
    })
  }

  async place(configurationId: number, cidr: Cidr): Promise<BamPlacement> {
    const range = formatCidr(cidr)
    const [exact] = await this.data(
      `/networks?${query({ filter: `configuration.id:eq(${configurationId}) and range:eq(${lit(range)})` })}`,
    )
    if (exact !== undefined)
      return { network: this.network(exact), overlapping: undefined, block: undefined }
    // NOTE: networks overlapping the CIDR are found by the create itself (IpRangeOverlapsSiblings).
    const blocks = await this.data(
      `/blocks?${query({ filter: `configuration.id:eq(${configurationId}) and range:contains(${lit(range)})` })}`,
    )
    let block: BamBlock | undefined
    for (const b of blocks) {
      const c = parseCidr(str(b.range))
      if (c !== undefined && (block === undefined || c.prefixLength > block.cidr.prefixLength))
        block = { id: num(b.id), cidr: c }
    }
    return { network: undefined, overlapping: undefined, block }
  }

  async createNetwork(
    blockId: number,
    cidr: Cidr,
    name: string,
    gateway: IpAddress | undefined,
  ): Promise<BamNetwork> {
    const body: Json = { type: 'IPv4Network', name, range: formatCidr(cidr) }
    if (gateway !== undefined) body.gateway = formatIpv4(gateway.value)
    // NOTE: without x-bcn-no-gateway BAM makes the first usable address a GATEWAY object; we
    // want the subnet's own gateway there, or none.
    const created = (await this.call(
      'POST',
      `/blocks/${blockId}/networks`,
      body,
      gateway === undefined ? { 'x-bcn-no-gateway': 'true' } : {},
    )) as Json
    return this.network(created)
  }

  async deleteNetwork(id: number): Promise<void> {
    await this.call('DELETE', `/networks/${id}`)
  }

  async assign(
    _configurationId: number,
    networkId: number,
    at: IpAddress | undefined,
    what: BamAssignment,
  ): Promise<BamAddress> {
    const body: Json = {
      type: 'IPv4Address',
      state: 'STATIC',
      name: what.name,
      userDefinedFields: what.udfs,
    }
    if (what.mac !== '') body.macAddress = { type: 'MACAddress', address: what.mac }
    if (at !== undefined) body.address = formatIpv4(at.value)
    const headers: Record<string, string> = {}
    if (what.host !== undefined) {
      body.resourceRecords = [{ type: 'HostRecord', absoluteName: what.host.fqdn }]
      headers['x-bcn-create-reverse-record'] = 'true'
    }
    const created = (await this.call(
      'POST',
      `/networks/${networkId}/addresses`,
      body,
      headers,
    )) as Json
    const address = this.addressOf(created)
    if (address === undefined) throw this.error('protocol', 'address created without an address')
    return address
  }

  async firstFree(networkId: number, pools: readonly Interval[]): Promise<IpAddress | undefined> {
    if (pools.length === 0) return undefined
    const within = pools
      .map((p) => `(address:ge('${formatIpv4(p.start)}') and address:le('${formatIpv4(p.end)}'))`)
      .join(' or ')
    const [row] = await this.data(
      `/networks/${networkId}/addresses?${query({
        filter: `state:eq('UNASSIGNED') and (${within})`,
        limit: 1,
        fields: 'address,state',
      })}`,
    )
    return row === undefined ? undefined : parseIp(str(row.address))
  }

  async *addresses(networkId: number): AsyncGenerator<BamAddress> {
    for await (const o of this.collection(
      `/networks/${networkId}/addresses`,
      "state:ne('UNASSIGNED')",
    )) {
      const a = this.addressOf(o)
      if (a !== undefined) yield a
    }
  }

  async addressesTagged(
    configurationId: number,
    field: string,
    value: string,
    name: string,
  ): Promise<BamAddress[]> {
    const found = await this.data(
      `/addresses?${query({ filter: `configuration.id:eq(${configurationId}) and name:eq(${lit(name)})` })}`,
    )
    return found
      .map((o) => this.addressOf(o))
      .filter((a): a is BamAddress => a !== undefined && a.udfs[field] === value)
  }

  async address(id: number): Promise<BamAddress | undefined> {
    try {
      return this.addressOf((await this.call('GET', `/addresses/${id}`)) as Json)
    } catch (error) {
      if (error instanceof ExternalIpamError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async updateAddress(address: BamAddress, what: Omit<BamAssignment, 'host'>): Promise<void> {
    const body: Json = {
      id: address.id,
      type: 'IPv4Address',
      state: address.state,
      name: what.name,
      userDefinedFields: what.udfs,
    }
    if (what.mac !== '') body.macAddress = { type: 'MACAddress', address: what.mac }
    await this.call('PUT', `/addresses/${address.id}`, body)
  }

  async deleteAddress(id: number): Promise<void> {
    await this.call('DELETE', `/addresses/${id}`)
  }

  async hostRecords(addressId: number): Promise<BamHostRecord[]> {
    const found = await this.data(`/addresses/${addressId}/resourceRecords`)
    return found
      .filter((r) => r.type === 'HostRecord')
      .map((r) => ({ id: num(r.id), absoluteName: str(r.absoluteName) }))
  }

  async addHostRecord(place: HostPlace, fqdn: string, address: IpAddress): Promise<void> {
    const suffix = `.${place.zone}`
    await this.call('POST', `/zones/${place.zoneId}/resourceRecords`, {
      type: 'HostRecord',
      name: fqdn.endsWith(suffix) ? fqdn.slice(0, -suffix.length) : fqdn,
      addresses: [{ address: formatIpv4(address.value) }],
      reverseRecord: true,
    })
  }

  async deleteHostRecord(id: number): Promise<void> {
    await this.call('DELETE', `/resourceRecords/${id}`)
  }

  async logout(): Promise<void> {
    const session = this.active
    if (session === undefined) return
    this.active = undefined
    this.session.clear()
    await this.http.request({
      method: 'PATCH',
      path: `${BASE}/sessions/current`,
      headers: { authorization: session, 'content-type': 'application/merge-patch+json' },
      body: { state: 'LOGGED_OUT' },
    })
  }
}
