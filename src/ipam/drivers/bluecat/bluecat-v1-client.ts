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

const BASE = '/Services/REST/v1'

/** A v1 APIEntity as it comes: `properties` is a pipe-delimited `k=v|` string. */
interface V1Entity {
  readonly id: number
  readonly name: string | null
  readonly type: string | null
  readonly properties: string | null
}

/** Built-in v1 property keys (everything else on an address is a user-defined field). */
const BUILT_IN = new Set([
  'address',
  'state',
  'macAddress',
  'CIDR',
  'gateway',
  'absoluteName',
  'addresses',
  'reverseRecord',
  'ttl',
  'locationCode',
  'locationInherited',
])

/** Credentials and paging of the v1 client. */
export interface BluecatV1Options {
  readonly username: string
  readonly password: string
  readonly pageSize: number
}

/** Parses a v1 properties string `k=v|k2=v2|` (a value may hold `=`). */
export function parseProperties(text: string | null): Map<string, string> {
  const out = new Map<string, string>()
  for (const segment of (text ?? '').split('|')) {
    const eq = segment.indexOf('=')
    if (eq > 0) out.set(segment.slice(0, eq), segment.slice(eq + 1))
  }
  return out
}

/** Renders pairs as a v1 properties string; every pair ends with `|`. */
export function formatProperties(pairs: Readonly<Record<string, string>>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}=${v}|`)
    .join('')
}

function query(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')
}

function asEntity(v: unknown): V1Entity | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const e = v as Partial<V1Entity>
  // NOTE: v1 answers "not found" with status 200 and an entity whose id is 0.
  if (typeof e.id !== 'number' || e.id === 0) return undefined
  return {
    id: e.id,
    name: e.name ?? null,
    type: e.type ?? null,
    properties: e.properties ?? null,
  }
}

/**
 * Address Manager's legacy v1 REST API (`/Services/REST/v1/<method>?<params>`): a token from
 * `login` sent as `Authorization: BAMAuthToken: <token>`, renewed once (single-flight) when a
 * call answers 401; entities with pipe-delimited `properties`; "not found" as an id-0 entity with
 * status 200; and most failures as HTTP 500 with a message, classified by its wording.
 */
export class BluecatV1Client implements BamApi {
  readonly generation = 'v1'
  readonly basePath = BASE
  readonly probePath = `${BASE}/getSystemInfo`
  private readonly session: SessionCache<string>
  private active: string | undefined

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly options: BluecatV1Options,
  ) {
    this.session = new SessionCache(() => this.login())
  }

  get logins(): number {
    return this.session.logins
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'bluecat', `${this.http.endpoint}${BASE}`, cause)
  }

  /**
   * Logs in. The credentials travel in the query string (the v1 API knows no other way); they
   * never appear in an error.
   * @throws ExternalIpamError 'auth' when refused ("Authentication Error", HTTP 500)
   */
  private async login(): Promise<string> {
    const res = await this.http.request({
      method: 'GET',
      path: `${BASE}/login?${query({ username: this.options.username, password: this.options.password })}`,
    })
    const text = typeof res.json() === 'string' ? (res.json() as string) : res.text
    if (res.status === 200) {
      const token = /BAMAuthToken:\s*(\S+)/.exec(text)?.[1]
      if (token === undefined) throw this.error('protocol', 'login answered without a token')
      this.active = `BAMAuthToken: ${token}`
      return this.active
    }
    if (/Authentication Error|password|not authori[sz]ed|access/i.test(text) || res.status === 401)
      throw this.error(
        'auth',
        `authentication failed for user ${this.options.username} (HTTP ${res.status})`,
      )
    throw this.error('unavailable', `HTTP ${res.status} while logging in`)
  }

  /**
   * One v1 method call with the token, through the breaker (and retries unless it is a POST).
   * Returns the parsed JSON answer (undefined for an empty one).
   * @throws ExternalIpamError classified from the status and message
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    name: string,
    params: Record<string, string | number> = {},
    body?: unknown,
  ): Promise<unknown> {
    const path = `${BASE}/${name}${Object.keys(params).length === 0 ? '' : `?${query(params)}`}`
    return this.resilience.call(method !== 'POST', async () => {
      let session = await this.session.get()
      const send = (auth: string) =>
        this.http.request({ method, path, headers: { authorization: auth }, body })
      let res = await send(session)
      if (res.status === 401) {
        // NOTE: an expired token did nothing: renew once and send again (safe for a POST too).
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
    const parsed = res.json()
    const message = (typeof parsed === 'string' ? parsed : res.text).slice(0, 300)
    const kind: ExternalErrorKind | undefined = /was not found|does not exist/i.test(message)
      ? 'not-found'
      : /no available address|no free|no more/i.test(message)
        ? 'exhausted'
        : /overlap|range .* already exists/i.test(message)
          ? 'range-overlap'
          : /already allocated|already assigned|already exists|in use/i.test(message)
            ? 'taken'
            : /access|permission|not permitted|not authori[sz]ed/i.test(message)
              ? 'auth'
              : /invalid|missing|required|not within|network ID|broadcast|no zone/i.test(message)
                ? 'rejected'
                : undefined
    // NOTE: v1 answers most failures with 500 and a message: one refusing invalid input is an
    // answer about this request ('rejected'), one we cannot read is an outage.
    if (kind !== undefined)
      throw this.error(kind, kind === 'rejected' ? vendorReason(message) : message)
    if (res.status >= 500 || res.status === 429)
      throw this.error('unavailable', `HTTP ${res.status}: ${message}`)
    if (res.status === 400 || res.status === 422)
      throw this.error('rejected', vendorReason(message, `HTTP ${res.status}`))
    throw this.error('protocol', `HTTP ${res.status}: ${message}`)
  }

  private async entity(
    name: string,
    params: Record<string, string | number>,
  ): Promise<V1Entity | undefined> {
    return asEntity(await this.call('GET', name, params))
  }

  private async entities(
    name: string,
    params: Record<string, string | number>,
  ): Promise<V1Entity[]> {
    const list = await this.call('GET', name, params)
    return Array.isArray(list) ? list.flatMap((e) => asEntity(e) ?? []) : []
  }

  /** Every entity of a paged list method (`start`/`count`) to the end. */
  private async *paged(
    name: string,
    params: Record<string, string | number>,
  ): AsyncGenerator<V1Entity> {
    const count = this.options.pageSize
    for (let start = 0; ; start += count) {
      const page = await this.entities(name, { ...params, start, count })
      yield* page
      if (page.length < count) return
    }
  }

  private addressOf(e: V1Entity, fallback?: IpAddress): BamAddress | undefined {
    const props = parseProperties(e.properties)
    const address = parseIp(props.get('address') ?? '') ?? fallback
    if (address === undefined || e.type !== 'IP4Address') return undefined
    const udfs: Record<string, string> = {}
    for (const [k, v] of props) if (!BUILT_IN.has(k) && k !== 'name') udfs[k] = v
    return {
      id: e.id,
      address,
      state: props.get('state') ?? '',
      name: e.name ?? '',
      mac: props.get('macAddress') ?? '',
      udfs,
    }
  }

  private cidrOf(e: V1Entity): Cidr | undefined {
    return parseCidr(parseProperties(e.properties).get('CIDR') ?? '')
  }

  async configuration(name: string): Promise<number | undefined> {
    return (await this.entity('getEntityByName', { parentId: 0, name, type: 'Configuration' }))?.id
  }

  async view(configurationId: number, name: string): Promise<number | undefined> {
    return (await this.entity('getEntityByName', { parentId: configurationId, name, type: 'View' }))
      ?.id
  }

  async zone(
    _configurationId: number,
    viewId: number,
    absoluteName: string,
  ): Promise<number | undefined> {
    // Zones nest by label under the view: com → example → cloud.
    let parentId = viewId
    for (const label of absoluteName.replace(/\.$/, '').split('.').reverse()) {
      const zone = await this.entity('getEntityByName', { parentId, name: label, type: 'Zone' })
      if (zone === undefined) return undefined
      parentId = zone.id
    }
    return parentId === viewId ? undefined : parentId
  }

  async blocks(configurationId: number, limit: number): Promise<BamBlock[]> {
    const found = await this.entities('getEntities', {
      parentId: configurationId,
      type: 'IP4Block',
      start: 0,
      count: limit,
    })
    return found.flatMap((b) => {
      const cidr = this.cidrOf(b)
      return cidr === undefined ? [] : [{ id: b.id, cidr }]
    })
  }

  async place(configurationId: number, cidr: Cidr): Promise<BamPlacement> {
    const range = formatCidr(cidr)
    const first = formatIpv4(cidr.network)
    const same = (c: Cidr | undefined) =>
      c !== undefined && c.network === cidr.network && c.prefixLength === cidr.prefixLength
    const ranged = await this.entity('getIPRangedByIP', {
      containerId: configurationId,
      type: 'IP4Network',
      address: first,
    })
    if (ranged !== undefined) {
      const c = this.cidrOf(ranged)
      let network = ranged.type === 'IP4Network' ? ranged : undefined
      // NOTE: getIPRangedByIP answers the block when a network shares its block's CIDR (§4.A):
      // the network is then looked up under that block by CIDR.
      if (ranged.type === 'IP4Block') {
        network = await this.entity('getEntityByCIDR', {
          parentId: ranged.id,
          cidr: c === undefined ? range : formatCidr(c),
          type: 'IP4Network',
        })
      }
      if (network !== undefined) {
        const nc = this.cidrOf(network)
        if (same(nc))
          return { network: this.network(network), overlapping: undefined, block: undefined }
        if (nc !== undefined)
          return { network: undefined, overlapping: `network ${formatCidr(nc)}`, block: undefined }
      }
    }
    const block = await this.entity('getIPRangedByIP', {
      containerId: configurationId,
      type: 'IP4Block',
      address: first,
    })
    const bc = block === undefined ? undefined : this.cidrOf(block)
    if (block === undefined || bc === undefined)
      return { network: undefined, overlapping: undefined, block: undefined }
    if (bc.prefixLength > cidr.prefixLength)
      return { network: undefined, overlapping: `block ${formatCidr(bc)}`, block: undefined }
    return { network: undefined, overlapping: undefined, block: { id: block.id, cidr: bc } }
  }

  private network(e: V1Entity): BamNetwork {
    const props = parseProperties(e.properties)
    const cidr = parseCidr(props.get('CIDR') ?? '')
    if (cidr === undefined) throw this.error('protocol', `network ${e.id} without a CIDR`)
    return { id: e.id, cidr, gateway: parseIp(props.get('gateway') ?? ''), name: e.name ?? '' }
  }

  async createNetwork(
    blockId: number,
    cidr: Cidr,
    name: string,
    gateway: IpAddress | undefined,
  ): Promise<BamNetwork> {
    const properties: Record<string, string> = { name }
    if (gateway !== undefined) properties.gateway = formatIpv4(gateway.value)
    const id = await this.call('POST', 'addIP4Network', {
      blockId,
      CIDR: formatCidr(cidr),
      properties: formatProperties(properties),
    })
    if (typeof id !== 'number') throw this.error('protocol', 'addIP4Network answered no id')
    if (gateway === undefined && cidr.prefixLength <= 30) {
      // NOTE: v1 has no "no gateway" switch: BAM makes the first usable address the GATEWAY.
      // That object is removed again, so the first address is ours to hand out.
      const auto = this.addressOf(
        (await this.entity('getIP4Address', {
          containerId: id,
          address: formatIpv4(cidr.network + 1n),
        })) ?? { id: 0, name: null, type: null, properties: null },
      )
      if (auto?.state === 'GATEWAY') await this.call('DELETE', 'delete', { objectId: auto.id })
    }
    return { id, cidr, gateway, name }
  }

  async deleteNetwork(id: number): Promise<void> {
    await this.call('DELETE', 'delete', { objectId: id })
  }

  async assign(
    configurationId: number,
    networkId: number,
    at: IpAddress | undefined,
    what: BamAssignment,
  ): Promise<BamAddress> {
    const params: Record<string, string | number> = {
      configurationId,
      action: 'MAKE_STATIC',
      properties: formatProperties({ name: what.name, ...what.udfs }),
    }
    if (what.mac !== '') params.macAddress = what.mac
    if (what.host !== undefined)
      params.hostInfo = `${what.host.fqdn},${what.host.viewId},true,false`
    if (at === undefined) {
      const entity = asEntity(
        await this.call('POST', 'assignNextAvailableIP4Address', {
          ...params,
          parentId: networkId,
        }),
      )
      const address = entity === undefined ? undefined : this.addressOf(entity)
      if (address === undefined) throw this.error('protocol', 'address assigned without an address')
      return address
    }
    const id = await this.call('POST', 'assignIP4Address', {
      ...params,
      ip4Address: formatIpv4(at.value),
    })
    if (typeof id !== 'number') throw this.error('protocol', 'assignIP4Address answered no id')
    return { id, address: at, state: 'STATIC', name: what.name, mac: what.mac, udfs: what.udfs }
  }

  async firstFree(networkId: number, pools: readonly Interval[]): Promise<IpAddress | undefined> {
    if (pools.length === 0) return undefined
    // NOTE: v1 has no ranged probe: the assigned addresses are read and the gap found here.
    const taken = new Set<bigint>()
    for await (const a of this.addresses(networkId)) taken.add(a.address.value)
    for (const pool of pools)
      for (let v = pool.start; v <= pool.end; v++)
        if (!taken.has(v)) return { version: 4, value: v }
    return undefined
  }

  async *addresses(networkId: number): AsyncGenerator<BamAddress> {
    for await (const e of this.paged('getEntities', { parentId: networkId, type: 'IP4Address' })) {
      const a = this.addressOf(e)
      if (a !== undefined) yield a
    }
  }

  async addressesTagged(
    _configurationId: number,
    field: string,
    value: string,
  ): Promise<BamAddress[]> {
    const found = await this.entities('customSearch', {
      filters: formatProperties({ [field]: value }),
      type: 'IP4Address',
      options: '',
      start: 0,
      count: 100,
    })
    return found
      .map((e) => this.addressOf(e))
      .filter((a): a is BamAddress => a !== undefined && a.udfs[field] === value)
  }

  async address(id: number): Promise<BamAddress | undefined> {
    const e = await this.entity('getEntityById', { id })
    return e === undefined ? undefined : this.addressOf(e)
  }

  async updateAddress(address: BamAddress, what: Omit<BamAssignment, 'host'>): Promise<void> {
    const props: Record<string, string> = {
      address: formatIpv4(address.address.value),
      state: address.state,
    }
    if (what.mac !== '') props.macAddress = what.mac
    await this.call('PUT', 'update', undefined, {
      id: address.id,
      name: what.name,
      type: 'IP4Address',
      properties: formatProperties({ ...props, ...what.udfs }),
    })
  }

  async deleteAddress(id: number): Promise<void> {
    await this.call('DELETE', 'delete', { objectId: id })
  }

  async hostRecords(addressId: number): Promise<BamHostRecord[]> {
    const found = await this.entities('getLinkedEntities', {
      entityId: addressId,
      type: 'HostRecord',
      start: 0,
      count: 100,
    })
    return found.map((h) => ({
      id: h.id,
      absoluteName: parseProperties(h.properties).get('absoluteName') ?? '',
    }))
  }

  async addHostRecord(place: HostPlace, fqdn: string, address: IpAddress): Promise<void> {
    await this.call('POST', 'addHostRecord', {
      viewId: place.viewId,
      absoluteName: fqdn,
      addresses: formatIpv4(address.value),
      ttl: -1,
      properties: formatProperties({ reverseRecord: 'true' }),
    })
  }

  async deleteHostRecord(id: number): Promise<void> {
    await this.call('DELETE', 'delete', { objectId: id })
  }

  async logout(): Promise<void> {
    const session = this.active
    if (session === undefined) return
    this.active = undefined
    this.session.clear()
    await this.http.request({
      method: 'GET',
      path: `${BASE}/logout`,
      headers: { authorization: session },
    })
  }
}
