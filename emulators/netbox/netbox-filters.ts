import { cidrContains, cidrWithin, formatCidr, type Cidr } from '../../src/domain/cidr.ts'
import { inetNetwork, inetText, parseInet } from './inet.ts'
import type { QueryParams } from './query-params.ts'
import {
  IP_ROLES,
  IP_STATUSES,
  PREFIX_STATUSES,
  type ContentTypeName,
  type NbCustomField,
  type NbIpAddress,
  type NbPrefix,
  type NbTag,
  type NbVrf,
  type NetboxState,
} from './netbox-state.ts'

/** django-filter's form errors: parameter → messages (rendered as a 400). */
export type FilterErrors = Record<string, string[]>

/** The result of applying a filterset: the matching objects, or the 400 errors. */
export type Filtered<T> = { readonly items: T[] } | { readonly errors: FilterErrors }

type Predicate<T> = (item: T) => boolean

const choiceError = (value: string): string =>
  `Select a valid choice. ${value} is not one of the available choices.`

/** Collects predicates and errors while the query's parameters are read. */
class FilterSet<T> {
  readonly predicates: Predicate<T>[] = []
  readonly errors: FilterErrors = {}

  constructor(
    readonly query: QueryParams,
    readonly state: NetboxState,
  ) {}

  add(predicate: Predicate<T>): void {
    this.predicates.push(predicate)
  }

  fail(param: string, message: string): void {
    ;(this.errors[param] ??= []).push(message)
  }

  apply(items: T[]): Filtered<T> {
    if (Object.keys(this.errors).length > 0) return { errors: this.errors }
    return { items: items.filter((item) => this.predicates.every((p) => p(item))) }
  }

  /** `id` (several: any of them). */
  ids(getId: (item: T) => number): void {
    const values = this.query.getAll('id')
    if (values.length === 0) return
    const ids: number[] = []
    for (const v of values) {
      if (!/^-?\d+$/.test(v.trim())) this.fail('id', 'Enter a number.')
      else ids.push(Number.parseInt(v, 10))
    }
    this.add((item) => ids.includes(getId(item)))
  }

  /** `vrf_id` (and `present_in_vrf_id`): VRF primary keys, `null` for the global table. */
  vrfIds(param: string, getVrf: (item: T) => number | null): void {
    const values = this.query.getAll(param)
    if (values.length === 0) return
    const wanted: (number | null)[] = []
    for (const v of values) {
      if (v === 'null') wanted.push(null)
      else if (!/^\d+$/.test(v)) this.fail(param, `\u201c${v}\u201d is not a valid value.`)
      else if (!this.state.vrfs.has(Number(v))) this.fail(param, choiceError(v))
      else wanted.push(Number(v))
    }
    this.add((item) => wanted.includes(getVrf(item)))
  }

  /** `vrf`: by route distinguisher. */
  vrfRds(getVrf: (item: T) => number | null): void {
    const values = this.query.getAll('vrf')
    if (values.length === 0) return
    const wanted: (number | null)[] = []
    for (const v of values) {
      if (v === 'null') {
        wanted.push(null)
        continue
      }
      const vrf = [...this.state.vrfs.values()].find((x) => x.rd === v)
      if (vrf === undefined) this.fail('vrf', choiceError(v))
      else wanted.push(vrf.id)
    }
    this.add((item) => wanted.includes(getVrf(item)))
  }

  /** A choice field that accepts several values (any of them). */
  choices(param: string, allowed: readonly string[], get: (item: T) => string | null): void {
    const values = this.query.getAll(param)
    if (values.length === 0) return
    for (const v of values) if (!allowed.includes(v)) this.fail(param, choiceError(v))
    this.add((item) => {
      const value = get(item)
      return value !== null && values.includes(value)
    })
  }

  /** `tag`: slugs that must exist; several tags must all be present. */
  tags(getTags: (item: T) => readonly number[]): void {
    const values = this.query.getAll('tag')
    if (values.length === 0) return
    const ids: number[] = []
    for (const v of values) {
      const tag = this.state.tagBySlug(v)
      if (tag === undefined) this.fail('tag', choiceError(v))
      else ids.push(tag.id)
    }
    this.add((item) => ids.every((id) => getTags(item).includes(id)))
  }

  /** Text fields with django-filter's lookups: exact, `__n`, `__ic`, `__nic`, `__ie`, `__nie`, `__isw`, `__nisw`, `__iew`, `__niew`. */
  text(field: string, get: (item: T) => string): void {
    const lookups: Record<string, (value: string, want: string) => boolean> = {
      '': (v, w) => v === w,
      n: (v, w) => v !== w,
      ic: (v, w) => v.toLowerCase().includes(w.toLowerCase()),
      nic: (v, w) => !v.toLowerCase().includes(w.toLowerCase()),
      ie: (v, w) => v.toLowerCase() === w.toLowerCase(),
      nie: (v, w) => v.toLowerCase() !== w.toLowerCase(),
      isw: (v, w) => v.toLowerCase().startsWith(w.toLowerCase()),
      nisw: (v, w) => !v.toLowerCase().startsWith(w.toLowerCase()),
      iew: (v, w) => v.toLowerCase().endsWith(w.toLowerCase()),
      niew: (v, w) => !v.toLowerCase().endsWith(w.toLowerCase()),
    }
    for (const [suffix, test] of Object.entries(lookups)) {
      const values = this.query.getAll(suffix === '' ? field : `${field}__${suffix}`)
      if (values.length === 0) continue
      const negated = suffix.startsWith('n')
      // NOTE: several values of a positive lookup mean "any of them"; of a negated one "none".
      this.add((item) =>
        negated ? values.every((w) => test(get(item), w)) : values.some((w) => test(get(item), w)),
      )
    }
  }

  /** A boolean field (`true`/`false`). */
  bool(param: string, get: (item: T) => boolean): void {
    const v = this.query.get(param)
    if (v === undefined) return
    const parsed = parseBool(v)
    if (parsed === undefined) {
      this.fail(param, choiceError(v))
      return
    }
    this.add((item) => get(item) === parsed)
  }

  /** `family`: 4 or 6. */
  family(getVersion: (item: T) => number): void {
    const v = this.query.get('family')
    if (v === undefined) return
    if (!/^\d+$/.test(v)) {
      this.fail('family', 'Enter a number.')
      return
    }
    this.add((item) => getVersion(item) === Number(v))
  }

  /** `mask_length`, `mask_length__gte`, `mask_length__lte`. */
  maskLength(getLength: (item: T) => number): void {
    const tests: [string, (a: number, b: number) => boolean][] = [
      ['mask_length', (a, b) => a === b],
      ['mask_length__gte', (a, b) => a >= b],
      ['mask_length__lte', (a, b) => a <= b],
    ]
    for (const [param, test] of tests) {
      const v = this.query.get(param)
      if (v === undefined) continue
      if (!/^\d+$/.test(v)) {
        this.fail(param, 'Enter a number.')
        continue
      }
      this.add((item) => test(getLength(item), Number(v)))
    }
  }

  /** `cf_<name>` for the model's custom fields (unknown names and disabled fields are ignored). */
  customFields(
    contentType: ContentTypeName,
    getValues: (item: T) => Record<string, unknown>,
  ): void {
    for (const cf of this.state.customFieldsFor(contentType)) {
      const param = `cf_${cf.name}`
      const values = this.query.getAll(param)
      if (values.length === 0 || cf.filterLogic === 'disabled') continue
      const tests = values.map((v) => customFieldTest(cf, v))
      if (tests.some((t) => t === undefined)) {
        this.fail(
          param,
          cf.type === 'integer' ? 'Enter a whole number.' : choiceError(values[0] ?? ''),
        )
        continue
      }
      this.add((item) => tests.some((t) => t?.(getValues(item)[cf.name]) === true))
    }
  }
}

function parseBool(v: string): boolean | undefined {
  if (['true', 'True', '1'].includes(v)) return true
  if (['false', 'False', '0'].includes(v)) return false
  return undefined
}

function customFieldTest(
  cf: NbCustomField,
  want: string,
): ((value: unknown) => boolean) | undefined {
  switch (cf.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(want)) return undefined
      const n = Number(want)
      return (value) => value === n
    }
    case 'boolean': {
      const b = parseBool(want)
      if (b === undefined) return () => true
      return (value) => value === b
    }
    case 'select':
      return (value) => value === want
    default:
      // NOTE: "loose" text fields match by case-insensitive containment (icontains), as NetBox.
      return cf.filterLogic === 'exact'
        ? (value) => value === want
        : (value) => typeof value === 'string' && value.toLowerCase().includes(want.toLowerCase())
  }
}

function cidrOf(text: string): Cidr | undefined {
  const inet = parseInet(text)
  return inet === undefined ? undefined : inetNetwork(inet)
}

/**
 * NetBox's PrefixFilterSet: `id`, `q`, `prefix` (exact, host bits cleared), `within`,
 * `within_include`, `contains` (a prefix or an address), `family`, `mask_length[__gte|__lte]`,
 * `vrf_id` (`null` = global), `vrf` (RD), `present_in_vrf_id`, `status`, `is_pool`,
 * `mark_utilized`, `tag`, `cf_<name>`. Unknown parameters are ignored, as NetBox does.
 * Malformed CIDRs match nothing; unknown VRFs, tags and choices are 400 errors.
 */
export function filterPrefixes(state: NetboxState, query: QueryParams): Filtered<NbPrefix> {
  const fs = new FilterSet<NbPrefix>(query, state)
  fs.ids((p) => p.id)
  const q = query.get('q')
  if (q !== undefined && q.trim() !== '') {
    const cidr = cidrOf(q)
    fs.add(
      (p) =>
        p.description.toLowerCase().includes(q.toLowerCase()) ||
        (cidr !== undefined && cidrWithin(cidr, p.cidr)),
    )
  }
  const prefixes = query.getAll('prefix')
  if (prefixes.length > 0) {
    const wanted = prefixes.map(cidrOf).filter((c): c is Cidr => c !== undefined)
    const texts = wanted.map(formatCidr)
    fs.add((p) => texts.includes(formatCidr(p.cidr)))
  }
  const within = query.get('within')
  if (within !== undefined) {
    const c = cidrOf(within)
    fs.add((p) => c !== undefined && cidrWithin(p.cidr, c) && p.cidr.prefixLength > c.prefixLength)
  }
  const withinInclude = query.get('within_include')
  if (withinInclude !== undefined) {
    const c = cidrOf(withinInclude)
    fs.add((p) => c !== undefined && cidrWithin(p.cidr, c))
  }
  const contains = query.get('contains')
  if (contains !== undefined) {
    const c = cidrOf(contains)
    fs.add((p) => c !== undefined && cidrWithin(c, p.cidr))
  }
  fs.family((p) => p.cidr.version)
  fs.maskLength((p) => p.cidr.prefixLength)
  fs.vrfIds('vrf_id', (p) => p.vrfId)
  fs.vrfIds('present_in_vrf_id', (p) => p.vrfId)
  fs.vrfRds((p) => p.vrfId)
  fs.choices('status', Object.keys(PREFIX_STATUSES), (p) => p.status)
  fs.bool('is_pool', (p) => p.isPool)
  fs.bool('mark_utilized', (p) => p.markUtilized)
  fs.tags((p) => p.tags)
  fs.customFields('ipam.prefix', (p) => p.customFields)
  return fs.apply(state.sortedPrefixes())
}

/**
 * NetBox's IPAddressFilterSet: `id`, `q`, `address` (without a mask: any mask; with one: exact),
 * `parent` (addresses inside a prefix), `family`, `mask_length`, `vrf_id`, `vrf`,
 * `present_in_vrf_id`, `status`, `role`, `tag`, `cf_<name>`, `dns_name` and `description` with
 * their lookups. Unknown parameters are ignored.
 */
export function filterIpAddresses(state: NetboxState, query: QueryParams): Filtered<NbIpAddress> {
  const fs = new FilterSet<NbIpAddress>(query, state)
  fs.ids((ip) => ip.id)
  const q = query.get('q')
  if (q !== undefined && q.trim() !== '') {
    const lower = q.toLowerCase()
    fs.add(
      (ip) =>
        ip.dnsName.toLowerCase().includes(lower) ||
        ip.description.toLowerCase().includes(lower) ||
        inetText(ip.inet).toLowerCase().startsWith(lower),
    )
  }
  const addresses = query.getAll('address')
  if (addresses.length > 0) {
    const tests = addresses.map((text): Predicate<NbIpAddress> => {
      const inet = parseInet(text)
      if (inet === undefined) return () => false
      // NOTE: NetBox's `net_in` lookup: a bare address matches the host whatever the mask.
      if (!text.includes('/'))
        return (ip) => ip.inet.version === inet.version && ip.inet.value === inet.value
      return (ip) =>
        ip.inet.version === inet.version &&
        ip.inet.value === inet.value &&
        ip.inet.prefixLength === inet.prefixLength
    })
    fs.add((ip) => tests.some((t) => t(ip)))
  }
  const parents = query.getAll('parent')
  if (parents.length > 0) {
    const cidrs = parents.map(cidrOf)
    fs.add((ip) => cidrs.some((c) => c !== undefined && cidrContains(c, ip.inet)))
  }
  fs.family((ip) => ip.inet.version)
  fs.maskLength((ip) => ip.inet.prefixLength)
  fs.vrfIds('vrf_id', (ip) => ip.vrfId)
  fs.vrfIds('present_in_vrf_id', (ip) => ip.vrfId)
  fs.vrfRds((ip) => ip.vrfId)
  fs.choices('status', Object.keys(IP_STATUSES), (ip) => ip.status)
  fs.choices('role', Object.keys(IP_ROLES), (ip) => ip.role)
  fs.tags((ip) => ip.tags)
  fs.customFields('ipam.ipaddress', (ip) => ip.customFields)
  fs.text('dns_name', (ip) => ip.dnsName)
  fs.text('description', (ip) => ip.description)
  return fs.apply(state.sortedIpAddresses())
}

/** NetBox's VRFFilterSet (subset): `id`, `q`, `name`, `rd`, `enforce_unique`, `tag`, `cf_<name>`. */
export function filterVrfs(state: NetboxState, query: QueryParams): Filtered<NbVrf> {
  const fs = new FilterSet<NbVrf>(query, state)
  fs.ids((v) => v.id)
  const q = query.get('q')
  if (q !== undefined && q.trim() !== '') {
    const lower = q.toLowerCase()
    fs.add(
      (v) =>
        v.name.toLowerCase().includes(lower) ||
        (v.rd ?? '').toLowerCase().includes(lower) ||
        v.description.toLowerCase().includes(lower),
    )
  }
  fs.text('name', (v) => v.name)
  fs.text('rd', (v) => v.rd ?? '')
  fs.bool('enforce_unique', (v) => v.enforceUnique)
  fs.tags((v) => v.tags)
  fs.customFields('ipam.vrf', (v) => v.customFields)
  const sorted = [...state.vrfs.values()].sort(
    (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.id - b.id,
  )
  return fs.apply(sorted)
}

/** NetBox's TagFilterSet (subset): `id`, `q`, `name`, `slug`. */
export function filterTags(state: NetboxState, query: QueryParams): Filtered<NbTag> {
  const fs = new FilterSet<NbTag>(query, state)
  fs.ids((t) => t.id)
  const q = query.get('q')
  if (q !== undefined && q.trim() !== '') {
    const lower = q.toLowerCase()
    fs.add((t) => t.name.toLowerCase().includes(lower) || t.slug.toLowerCase().includes(lower))
  }
  fs.text('name', (t) => t.name)
  fs.text('slug', (t) => t.slug)
  const sorted = [...state.tags.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  return fs.apply(sorted)
}

/** Custom fields (subset of the filterset): `id`, `name`. */
export function filterCustomFields(
  state: NetboxState,
  query: QueryParams,
): Filtered<NbCustomField> {
  const fs = new FilterSet<NbCustomField>(query, state)
  fs.ids((cf) => cf.id)
  fs.text('name', (cf) => cf.name)
  const sorted = [...state.customFields.values()].sort(
    (a, b) => a.weight - b.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  )
  return fs.apply(sorted)
}
