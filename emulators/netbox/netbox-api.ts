import { formatIp } from '../../src/domain/ip-address.ts'
import { formatCidr } from '../../src/domain/cidr.ts'
import { AsyncMutex, roundTrip } from './async-mutex.ts'
import { availableIps, lowest } from './available-ips.ts'
import { inetText } from './inet.ts'
import { authenticate, type NetboxGeneration } from './netbox-auth.ts'
import {
  NETBOX_VERSION,
  NetboxApiError,
  invalid,
  notFound,
  serverErrorBody,
} from './netbox-errors.ts'
import {
  filterCustomFields,
  filterIpAddresses,
  filterPrefixes,
  filterTags,
  filterVrfs,
  type Filtered,
} from './netbox-filters.ts'
import { paginate, type PagingConfig } from './netbox-pagination.ts'
import {
  renderCustomField,
  renderIpAddress,
  renderNestedVrf,
  renderPrefix,
  renderTag,
  renderVrf,
  type RenderContext,
} from './netbox-render.ts'
import {
  CUSTOM_FIELD_TYPES,
  FILTER_LOGICS,
  dateStamp,
  timeStamp,
  type ContentTypeName,
  type CustomFieldType,
  type FilterLogic,
  type NbIpAddress,
  type NbPrefix,
  type NbVrf,
  type NetboxState,
} from './netbox-state.ts'
import { QueryParams } from './query-params.ts'
import {
  isRecord,
  notADictionary,
  pythonType,
  validateIpAddress,
  validatePrefix,
  validateVrf,
  type FieldErrors,
  type IpAddressValues,
  type PrefixValues,
  type Validated,
} from './netbox-write.ts'

/** A request as the NetBox emulator sees it (decoupled from the HTTP framework). */
export interface ApiRequest {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  /** Raw query string without `?`. */
  readonly search: string
  readonly authorization: string | undefined
  readonly contentType: string | undefined
  readonly body: string | undefined
  readonly clientIp: string
  /** `http://host:port` as the client addressed the server (used for absolute URLs). */
  readonly origin: string
}

/** An answer: status, headers and the exact body text. */
export interface ApiResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** How the emulated NetBox is configured. */
export interface NetboxApiConfig {
  readonly generation: NetboxGeneration
  readonly paging: PagingConfig
  /**
   * Whether plain IP-address writes take the `available-ips` lock too (NetBox ≥ 3.3 does;
   * 3.1, as recorded, does not, so concurrent fixed-IP creates race).
   */
  readonly lockPlainWrites: boolean
  /** Time between the uniqueness check and the insert of a plain create, in ms. */
  readonly raceWindowMs: number
}

interface Call {
  readonly req: ApiRequest
  readonly query: QueryParams
  readonly ctx: RenderContext
  readonly data: unknown
  readonly params: readonly string[]
}

interface Result {
  readonly status: number
  readonly body?: unknown
}

type Handler = (call: Call) => Promise<Result>

interface Route {
  readonly pattern: RegExp
  readonly methods: Readonly<Record<string, Handler>>
}

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE']

/**
 * NetBox's REST API for the IPAM objects a driver needs: VRFs, prefixes (with
 * `available-ips`), IP addresses, tags and custom fields, plus `/api/status/`.
 *
 * Reproduces: 403 for every authentication failure, 301 for a missing trailing slash,
 * `API-Version` on every `/api/` answer, DRF's pagination envelope with absolute links and the
 * MAX_PAGE_SIZE cap, filters, 400 field errors, 404 `Not found.`, 405, 409 on exhaustion,
 * 204 on delete, the global `available-ips` lock, and plain creates that only check
 * uniqueness in application code (so concurrent duplicates slip through).
 */
export class NetboxApi {
  /** NetBox's advisory lock `available-ips`. */
  private readonly ipLock = new AsyncMutex()
  private readonly routes: Route[]

  constructor(
    readonly state: NetboxState,
    readonly config: NetboxApiConfig,
  ) {
    const id = '(\\d+|[^/.]+)'
    this.routes = [
      { pattern: /^\/api\/$/, methods: { GET: async (c) => this.root(c) } },
      { pattern: /^\/api\/status\/$/, methods: { GET: async () => this.status() } },
      { pattern: /^\/api\/ipam\/$/, methods: { GET: async (c) => this.ipamRoot(c) } },
      {
        pattern: /^\/api\/ipam\/vrfs\/$/,
        methods: {
          GET: async (c) => this.list(c, filterVrfs, renderVrf),
          POST: async (c) => this.createVrf(c),
        },
      },
      {
        pattern: new RegExp(`^/api/ipam/vrfs/${id}/$`),
        methods: {
          GET: async (c) => ({ status: 200, body: renderVrf(c.ctx, this.vrf(c)) }),
          PUT: async (c) => this.updateVrf(c, false),
          PATCH: async (c) => this.updateVrf(c, true),
          DELETE: async (c) => this.deleteVrf(c),
        },
      },
      {
        pattern: /^\/api\/ipam\/prefixes\/$/,
        methods: {
          GET: async (c) => this.list(c, filterPrefixes, renderPrefix),
          POST: async (c) => this.createPrefixes(c),
        },
      },
      {
        pattern: new RegExp(`^/api/ipam/prefixes/${id}/$`),
        methods: {
          GET: async (c) => ({ status: 200, body: renderPrefix(c.ctx, this.prefix(c)) }),
          PUT: async (c) => this.updatePrefix(c, false),
          PATCH: async (c) => this.updatePrefix(c, true),
          DELETE: async (c) => this.deletePrefix(c),
        },
      },
      {
        pattern: new RegExp(`^/api/ipam/prefixes/${id}/available-ips/$`),
        methods: {
          GET: async (c) => this.availableIpsGet(c),
          POST: async (c) => this.ipLock.run(() => this.availableIpsPost(c)),
        },
      },
      {
        pattern: /^\/api\/ipam\/ip-addresses\/$/,
        methods: {
          GET: async (c) => this.list(c, filterIpAddresses, renderIpAddress),
          POST: async (c) => this.plainWrite(() => this.createIpAddresses(c)),
          DELETE: async (c) => this.plainWrite(() => this.bulkDeleteIpAddresses(c)),
        },
      },
      {
        pattern: new RegExp(`^/api/ipam/ip-addresses/${id}/$`),
        methods: {
          GET: async (c) => ({ status: 200, body: renderIpAddress(c.ctx, this.ipAddress(c)) }),
          PUT: async (c) => this.plainWrite(() => this.updateIpAddress(c, false)),
          PATCH: async (c) => this.plainWrite(() => this.updateIpAddress(c, true)),
          DELETE: async (c) => this.plainWrite(() => this.deleteIpAddress(c)),
        },
      },
      { pattern: /^\/api\/extras\/$/, methods: { GET: async (c) => this.extrasRoot(c) } },
      {
        pattern: /^\/api\/extras\/tags\/$/,
        methods: {
          GET: async (c) => this.list(c, filterTags, renderTag),
          POST: async (c) => this.createTag(c),
        },
      },
      {
        pattern: new RegExp(`^/api/extras/tags/${id}/$`),
        methods: {
          GET: async (c) => ({
            status: 200,
            body: renderTag(c.ctx, this.byId(this.state.tags, c)),
          }),
          DELETE: async (c) => {
            const tag = this.byId(this.state.tags, c)
            this.state.tags.delete(tag.id)
            for (const table of [this.state.vrfs, this.state.prefixes, this.state.ipAddresses]) {
              for (const obj of table.values()) obj.tags = obj.tags.filter((t) => t !== tag.id)
            }
            return { status: 204 }
          },
        },
      },
      {
        pattern: /^\/api\/extras\/custom-fields\/$/,
        methods: {
          GET: async (c) => this.list(c, filterCustomFields, renderCustomField),
          POST: async (c) => this.createCustomField(c),
        },
      },
      {
        pattern: new RegExp(`^/api/extras/custom-fields/${id}/$`),
        methods: {
          GET: async (c) => ({
            status: 200,
            body: renderCustomField(c.ctx, this.byId(this.state.customFields, c)),
          }),
          DELETE: async (c) => {
            const cf = this.byId(this.state.customFields, c)
            this.state.customFields.delete(cf.id)
            return { status: 204 }
          },
        },
      },
    ]
  }

  /** The `API-Version` header value. */
  get apiVersion(): string {
    return this.config.generation === 3 ? '3.1' : '4.6'
  }

  /** Answers one request. Never throws: unexpected errors become NetBox's JSON 500. */
  async handle(req: ApiRequest): Promise<ApiResponse> {
    const isApi = req.path === '/api' || req.path.startsWith('/api/')
    const headers: Record<string, string> = isApi ? { 'API-Version': this.apiVersion } : {}
    const match = this.match(req.path)
    if (match === undefined) {
      if (!req.path.endsWith('/') && this.match(`${req.path}/`) !== undefined) {
        // NOTE: Django's APPEND_SLASH: a permanent redirect to the same path with a slash,
        // query string kept, for every method (a POST body is lost on the way).
        const location = `${req.path}/${req.search === '' ? '' : `?${req.search}`}`
        return {
          status: 301,
          headers: { ...headers, Location: location, 'Content-Type': 'text/html; charset=utf-8' },
          body: '',
        }
      }
      return {
        status: 404,
        headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html>\n<html><head><title>Page Not Found</title></head><body><h1>Page Not Found</h1></body></html>\n',
      }
    }
    try {
      authenticate(this.state, this.config.generation, req.authorization, req.method, req.clientIp)
      const method = req.method === 'HEAD' ? 'GET' : req.method
      if (method === 'OPTIONS')
        return this.json(
          200,
          { name: 'NetBox', renders: ['application/json'], parses: ['application/json'] },
          headers,
        )
      const handler = match.route.methods[method]
      if (handler === undefined)
        throw new NetboxApiError(405, { detail: `Method "${req.method}" not allowed.` })
      const data = WRITE_METHODS.includes(method) ? this.parseBody(req) : undefined
      const call: Call = {
        req,
        query: QueryParams.parse(req.search),
        ctx: { baseUrl: req.origin, state: this.state },
        data,
        params: match.params,
      }
      const result = await handler(call)
      return this.json(result.status, result.body, headers)
    } catch (error) {
      if (error instanceof NetboxApiError) return this.json(error.status, error.body, headers)
      const e = error instanceof Error ? error : new Error(String(error))
      return this.json(500, serverErrorBody(e.message, e.name), headers)
    }
  }

  private match(path: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      const m = route.pattern.exec(path)
      if (m !== null) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) }
    }
    return undefined
  }

  private json(status: number, body: unknown, headers: Record<string, string>): ApiResponse {
    if (status === 204 || body === undefined)
      return { status, headers: { ...headers, Vary: 'Accept' }, body: '' }
    return {
      status,
      headers: { ...headers, 'Content-Type': 'application/json', Vary: 'Accept' },
      body: JSON.stringify(body),
    }
  }

  /** DRF's JSONParser: JSON bodies only; no body (or no Content-Type) reads as `{}`. */
  private parseBody(req: ApiRequest): unknown {
    const text = req.body ?? ''
    if (text.trim() === '' || req.contentType === undefined) return {}
    const mediaType = req.contentType.split(';')[0]?.trim().toLowerCase() ?? ''
    if (mediaType !== 'application/json') {
      throw new NetboxApiError(415, {
        detail: `Unsupported media type "${req.contentType}" in request.`,
      })
    }
    try {
      return JSON.parse(text) as unknown
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      throw new NetboxApiError(400, { detail: `JSON parse error - ${message}` })
    }
  }

  /** Plain IP-address writes: under the `available-ips` lock only when configured (NetBox ≥ 3.3). */
  private async plainWrite(fn: () => Promise<Result>): Promise<Result> {
    return this.config.lockPlainWrites ? this.ipLock.run(fn) : fn()
  }

  // --- generic

  private list<T>(
    c: Call,
    filter: (state: NetboxState, query: QueryParams) => Filtered<T>,
    render: (ctx: RenderContext, item: T) => unknown,
  ): Result {
    const filtered = filter(this.state, c.query)
    if ('errors' in filtered) throw invalid(filtered.errors)
    const url = `${c.req.origin}${c.req.path}${c.req.search === '' ? '' : `?${c.req.search}`}`
    const page = paginate(filtered.items, c.query, url, this.config.paging)
    return {
      status: 200,
      body: {
        count: page.count,
        next: page.next,
        previous: page.previous,
        results: page.results.map((i) => render(c.ctx, i)),
      },
    }
  }

  private byId<T>(table: ReadonlyMap<number, T>, c: Call): T {
    const text = c.params[0] ?? ''
    const found = /^\d+$/.test(text) ? table.get(Number(text)) : undefined
    if (found === undefined) throw notFound()
    return found
  }

  private vrf(c: Call): NbVrf {
    return this.byId(this.state.vrfs, c)
  }

  private prefix(c: Call): NbPrefix {
    return this.byId(this.state.prefixes, c)
  }

  private ipAddress(c: Call): NbIpAddress {
    return this.byId(this.state.ipAddresses, c)
  }

  /** DRF create with `many` when the body is a list: all valid, or 400 with one error dict per item. */
  private validateMany<T>(
    data: unknown,
    validate: (item: unknown) => Validated<T>,
  ): { list: boolean; values: T[] } {
    const list = Array.isArray(data)
    const items: unknown[] = list ? data : [data]
    const results = items.map(validate)
    if (results.some((r) => 'errors' in r)) {
      const errors = results.map((r) => ('errors' in r ? r.errors : {}))
      throw invalid(list ? errors : errors[0])
    }
    return { list, values: results.map((r) => (r as { values: T }).values) }
  }

  // --- roots

  private root(c: Call): Result {
    const b = `${c.req.origin}/api`
    return {
      status: 200,
      body: {
        circuits: `${b}/circuits/`,
        dcim: `${b}/dcim/`,
        extras: `${b}/extras/`,
        ipam: `${b}/ipam/`,
        plugins: `${b}/plugins/`,
        status: `${b}/status/`,
        tenancy: `${b}/tenancy/`,
        users: `${b}/users/`,
        virtualization: `${b}/virtualization/`,
      },
    }
  }

  private ipamRoot(c: Call): Result {
    const b = `${c.req.origin}/api/ipam`
    return {
      status: 200,
      body: {
        'ip-addresses': `${b}/ip-addresses/`,
        prefixes: `${b}/prefixes/`,
        vrfs: `${b}/vrfs/`,
      },
    }
  }

  private extrasRoot(c: Call): Result {
    const b = `${c.req.origin}/api/extras`
    return { status: 200, body: { 'custom-fields': `${b}/custom-fields/`, tags: `${b}/tags/` } }
  }

  private status(): Result {
    return {
      status: 200,
      body: {
        'django-version': '3.2.12',
        'installed-apps': {},
        'netbox-version': this.config.generation === 3 ? NETBOX_VERSION : '4.6.8',
        plugins: {},
        'python-version': '3.9.2',
        'rq-workers-running': 1,
      },
    }
  }

  // --- VRFs

  private async createVrf(c: Call): Promise<Result> {
    const { list, values } = this.validateMany(c.data, (item) =>
      validateVrf(this.state, item, undefined, false),
    )
    const created = values.map((v) => {
      const vrf: NbVrf = {
        id: this.state.nextId('vrf'),
        ...v,
        created: dateStamp(),
        lastUpdated: timeStamp(),
      }
      this.state.vrfs.set(vrf.id, vrf)
      return renderVrf(c.ctx, vrf)
    })
    return { status: 201, body: list ? created : created[0] }
  }

  private async updateVrf(c: Call, partial: boolean): Promise<Result> {
    const vrf = this.vrf(c)
    const v = validateVrf(this.state, c.data, vrf, partial)
    if ('errors' in v) throw invalid(v.errors)
    Object.assign(vrf, v.values, { lastUpdated: timeStamp() })
    return { status: 200, body: renderVrf(c.ctx, vrf) }
  }

  private async deleteVrf(c: Call): Promise<Result> {
    const vrf = this.vrf(c)
    const dependents = [
      ...[...this.state.prefixes.values()]
        .filter((p) => p.vrfId === vrf.id)
        .map((p) => `${formatCidr(p.cidr)} (${p.id})`),
      ...[...this.state.ipAddresses.values()]
        .filter((ip) => ip.vrfId === vrf.id)
        .map((ip) => `${inetText(ip.inet)} (${ip.id})`),
    ]
    if (dependents.length > 0) {
      // NOTE: prefixes and IP addresses protect their VRF (on_delete=PROTECT).
      throw new NetboxApiError(409, {
        detail: `Unable to delete object. ${dependents.length} dependent objects were found: ${dependents.join(', ')}`,
      })
    }
    this.state.vrfs.delete(vrf.id)
    return { status: 204 }
  }

  // --- prefixes

  private insertPrefix(values: PrefixValues): NbPrefix {
    const prefix: NbPrefix = {
      id: this.state.nextId('prefix'),
      ...values,
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.state.prefixes.set(prefix.id, prefix)
    return prefix
  }

  private async createPrefixes(c: Call): Promise<Result> {
    const { list, values } = this.validateMany(c.data, (item) =>
      validatePrefix(this.state, item, undefined, false),
    )
    const created = values.map((v) => renderPrefix(c.ctx, this.insertPrefix(v)))
    return { status: 201, body: list ? created : created[0] }
  }

  private async updatePrefix(c: Call, partial: boolean): Promise<Result> {
    const prefix = this.prefix(c)
    const v = validatePrefix(this.state, c.data, prefix, partial)
    if ('errors' in v) throw invalid(v.errors)
    Object.assign(prefix, v.values, { lastUpdated: timeStamp() })
    return { status: 200, body: renderPrefix(c.ctx, prefix) }
  }

  private async deletePrefix(c: Call): Promise<Result> {
    const prefix = this.prefix(c)
    // NOTE: IP addresses are not children of a prefix in the database: they stay.
    this.state.prefixes.delete(prefix.id)
    return { status: 204 }
  }

  // --- available-ips

  /**
   * The non-reserving probe: a bare list of `{family, address: "<ip>/<prefix mask>", vrf}`,
   * `limit` defaulting to PAGINATE_COUNT and capped at MAX_PAGE_SIZE (`limit=0`: the cap).
   */
  private async availableIpsGet(c: Call): Promise<Result> {
    const prefix = this.prefix(c)
    const text = c.query.get('limit')
    let limit = this.config.paging.paginateCount
    if (text !== undefined && /^\s*[-+]?\d+\s*$/.test(text))
      limit = Number.parseInt(text, 10) || this.config.paging.maxPageSize
    if (this.config.paging.maxPageSize > 0) limit = Math.min(limit, this.config.paging.maxPageSize)
    // NOTE: NetBox enumerates until `index == limit`, so a negative (or uncapped zero) limit
    // returns every free address; the emulator stops at 65536 rather than exhaust memory.
    if (limit <= 0) limit = 65536
    const vrf = renderNestedVrf(c.ctx, prefix.vrfId)
    const body = lowest(availableIps(this.state, prefix), limit).map((value) => ({
      family: prefix.cidr.version,
      address: `${formatIp({ version: prefix.cidr.version, value })}/${prefix.cidr.prefixLength}`,
      vrf,
    }))
    return { status: 200, body }
  }

  /**
   * Reserves the next free address(es), under the global lock: a single object gives one
   * address, a list gives one per item. Not enough free → 409 with NetBox's message; the
   * address is `<ip>/<prefix mask>` and the VRF the prefix's, whatever the body says.
   */
  private async availableIpsPost(c: Call): Promise<Result> {
    const prefix = this.prefix(c)
    const list = Array.isArray(c.data)
    const items: unknown[] = Array.isArray(c.data) ? c.data : [c.data]
    const free = availableIps(this.state, prefix)
    const size = free.size()
    if (size < BigInt(items.length)) {
      throw new NetboxApiError(409, {
        detail: `An insufficient number of IP addresses are available within ${formatCidr(prefix.cidr)} (${items.length} requested, ${size.toString()} available)`,
      })
    }
    const picked = lowest(free, items.length)
    const requests = items.map((item, i) => {
      if (!isRecord(item)) {
        // NOTE: NetBox assigns `requested_ip['address']` before validating: a non-object item
        // is a TypeError, i.e. a 500.
        throw new Error(`'${pythonType(item)}' object does not support item assignment`)
      }
      const value = picked[i] ?? 0n
      return {
        ...item,
        address: `${formatIp({ version: prefix.cidr.version, value })}/${prefix.cidr.prefixLength}`,
        vrf: prefix.vrfId,
      }
    })
    const { values } = this.validateManyAs(list, requests)
    // NOTE: the database round trips of a real NetBox; the lock makes them harmless.
    await roundTrip()
    const created = values.map((v) => renderIpAddress(c.ctx, this.insertIpAddress(v)))
    return { status: 201, body: list ? created : created[0] }
  }

  private validateManyAs(list: boolean, items: unknown[]): { values: IpAddressValues[] } {
    const results = items.map((item) => validateIpAddress(this.state, item, undefined, false))
    if (results.some((r) => 'errors' in r)) {
      const errors: FieldErrors[] = results.map((r) => ('errors' in r ? r.errors : {}))
      throw invalid(list ? errors : errors[0])
    }
    return { values: results.map((r) => (r as { values: IpAddressValues }).values) }
  }

  // --- IP addresses

  private insertIpAddress(values: IpAddressValues): NbIpAddress {
    const ip: NbIpAddress = {
      id: this.state.nextId('ip'),
      ...values,
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.state.ipAddresses.set(ip.id, ip)
    return ip
  }

  /**
   * Plain create (one object or a list). The uniqueness check (only where enforced) runs,
   * then — as in NetBox, where the check is `clean()` and the insert a later query — time
   * passes before the insert, so concurrent creates of one address can all pass the check.
   */
  private async createIpAddresses(c: Call): Promise<Result> {
    const { list, values } = this.validateMany(c.data, (item) =>
      validateIpAddress(this.state, item, undefined, false),
    )
    await roundTrip(this.config.raceWindowMs)
    const created = values.map((v) => renderIpAddress(c.ctx, this.insertIpAddress(v)))
    return { status: 201, body: list ? created : created[0] }
  }

  private async updateIpAddress(c: Call, partial: boolean): Promise<Result> {
    const ip = this.ipAddress(c)
    const v = validateIpAddress(this.state, c.data, ip, partial)
    if ('errors' in v) throw invalid(v.errors)
    await roundTrip(this.config.raceWindowMs)
    Object.assign(ip, v.values, { lastUpdated: timeStamp() })
    return { status: 200, body: renderIpAddress(c.ctx, ip) }
  }

  private async deleteIpAddress(c: Call): Promise<Result> {
    const ip = this.ipAddress(c)
    this.state.ipAddresses.delete(ip.id)
    return { status: 204 }
  }

  /** Bulk delete: `[{"id": 1}, …]`; ids that do not exist are skipped, as NetBox's queryset does. */
  private async bulkDeleteIpAddresses(c: Call): Promise<Result> {
    if (!Array.isArray(c.data))
      throw invalid({
        non_field_errors: [`Expected a list of items but got type "${pythonType(c.data)}".`],
      })
    const errors = c.data.map((item) =>
      isRecord(item) && typeof item.id === 'number'
        ? {}
        : isRecord(item)
          ? { id: ['This field is required.'] }
          : notADictionary(item),
    )
    if (errors.some((e) => Object.keys(e).length > 0)) throw invalid(errors)
    for (const item of c.data as { id: number }[]) this.state.ipAddresses.delete(item.id)
    return { status: 204 }
  }

  // --- tags and custom fields

  private async createTag(c: Call): Promise<Result> {
    const data = c.data
    if (!isRecord(data)) throw invalid(notADictionary(data))
    const errors: FieldErrors = {}
    const name = typeof data.name === 'string' ? data.name.trim() : ''
    const slug = typeof data.slug === 'string' ? data.slug.trim() : ''
    if (name === '')
      errors.name = [
        data.name === undefined ? 'This field is required.' : 'This field may not be blank.',
      ]
    if (slug === '')
      errors.slug = [
        data.slug === undefined ? 'This field is required.' : 'This field may not be blank.',
      ]
    const tags = [...this.state.tags.values()]
    if (name !== '' && tags.some((t) => t.name === name))
      errors.name = ['tag with this name already exists.']
    if (slug !== '' && tags.some((t) => t.slug === slug))
      errors.slug = ['tag with this slug already exists.']
    const color = typeof data.color === 'string' ? data.color : '9e9e9e'
    if (!/^[0-9a-f]{6}$/.test(color)) errors.color = ['Enter a valid hexadecimal RGB color code.']
    if (Object.keys(errors).length > 0) throw invalid(errors)
    const tag = this.state.addTag({
      name,
      slug,
      color,
      description: typeof data.description === 'string' ? data.description : '',
    })
    return { status: 201, body: renderTag(c.ctx, tag) }
  }

  private async createCustomField(c: Call): Promise<Result> {
    const data = c.data
    if (!isRecord(data)) throw invalid(notADictionary(data))
    const errors: FieldErrors = {}
    const name = typeof data.name === 'string' ? data.name.trim() : ''
    if (name === '') errors.name = ['This field is required.']
    else if ([...this.state.customFields.values()].some((cf) => cf.name === name)) {
      errors.name = ['custom field with this name already exists.']
    }
    const known: ContentTypeName[] = ['ipam.vrf', 'ipam.prefix', 'ipam.ipaddress']
    const contentTypes = Array.isArray(data.content_types) ? data.content_types : undefined
    if (contentTypes === undefined) errors.content_types = ['This field is required.']
    else {
      for (const ct of contentTypes) {
        if (!known.includes(ct as ContentTypeName))
          errors.content_types = [`Invalid content type: ${JSON.stringify(ct)}`]
      }
    }
    const type = typeof data.type === 'string' ? data.type : 'text'
    if (!(type in CUSTOM_FIELD_TYPES)) errors.type = [`${type} is not a valid choice.`]
    const filterLogic = typeof data.filter_logic === 'string' ? data.filter_logic : 'loose'
    if (!(filterLogic in FILTER_LOGICS))
      errors.filter_logic = [`${filterLogic} is not a valid choice.`]
    if (Object.keys(errors).length > 0) throw invalid(errors)
    const cf = this.state.addCustomField({
      name,
      type: type as CustomFieldType,
      contentTypes: contentTypes as ContentTypeName[],
      required: data.required === true,
      default: data.default ?? null,
      filterLogic: filterLogic as FilterLogic,
      choices: Array.isArray(data.choices) ? data.choices.map(String) : [],
      label: typeof data.label === 'string' ? data.label : '',
      description: typeof data.description === 'string' ? data.description : '',
      weight: typeof data.weight === 'number' ? data.weight : 100,
    })
    return { status: 201, body: renderCustomField(c.ctx, cf) }
  }
}
