import { formatCidr, type Cidr } from '../../src/domain/cidr.ts'
import { inetHasHostBits, inetNetwork, inetText, parseInet, type Inet } from './inet.ts'
import {
  IP_ROLES,
  IP_STATUSES,
  NON_UNIQUE_ROLES,
  PREFIX_STATUSES,
  type ContentTypeName,
  type IpRole,
  type IpStatus,
  type NbIpAddress,
  type NbPrefix,
  type NbVrf,
  type NetboxState,
  type PrefixStatus,
} from './netbox-state.ts'
import { vrfDisplay } from './netbox-render.ts'

/** DRF's serializer errors for one object: field → messages (or nested errors). */
export type FieldErrors = Record<string, unknown>

/** Validated writable values, or the serializer's errors (a 400 body). */
export type Validated<T> = { readonly values: T } | { readonly errors: FieldErrors }

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Python's name for a JSON value's type (`str`, `list`, …), as DRF prints it. */
export function pythonType(value: unknown): string {
  if (value === null) return 'NoneType'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  return 'dict'
}

/** Python's `repr` of a JSON value (for messages that embed a dict of lookup attributes). */
function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  if (isRecord(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `'${k}': ${pythonRepr(v)}`)
      .join(', ')}}`
  }
  return JSON.stringify(value) ?? 'None'
}

/** The non-dict body DRF refuses: `Invalid data. Expected a dictionary, but got str.` */
export function notADictionary(value: unknown): FieldErrors {
  return {
    non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(value)}.`],
  }
}

const NULL = 'This field may not be null.'
const REQUIRED = 'This field is required.'
const DNS_NAME = /^([0-9A-Za-z_-]+|\*)(\.[0-9A-Za-z_-]+)*\.?$/

/** Reads fields of one request object, collecting DRF-style errors. */
class FieldReader {
  readonly errors: FieldErrors = {}

  constructor(
    readonly data: Record<string, unknown>,
    readonly partial: boolean,
    readonly state: NetboxState,
  ) {}

  fail(field: string, message: unknown): void {
    this.errors[field] = Array.isArray(message) || isRecord(message) ? message : [message]
  }

  has(field: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, field)
  }

  /** A required field that is missing on create. */
  required(field: string): boolean {
    if (this.has(field) || this.partial) return false
    this.fail(field, REQUIRED)
    return true
  }

  /** DRF CharField: strings and numbers (converted), not null/bool/list/dict; optional max length. */
  text(
    field: string,
    options: { maxLength?: number; allowBlank?: boolean } = {},
  ): string | undefined {
    if (!this.has(field)) return undefined
    const value = this.data[field]
    if (value === null) {
      this.failed(field, NULL)
      return
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.failed(field, 'Not a valid string.')
      return
    }
    const text = String(value).trim()
    if (text === '' && options.allowBlank === false) {
      this.failed(field, 'This field may not be blank.')
      return
    }
    if (options.maxLength !== undefined && text.length > options.maxLength) {
      this.failed(field, `Ensure this field has no more than ${options.maxLength} characters.`)
      return
    }
    return text
  }

  /** NetBox's ChoiceField (write the value; the error has no quotes around the input). */
  choice<T extends string>(
    field: string,
    choices: Record<T, string>,
    nullable = false,
  ): T | null | undefined {
    if (!this.has(field)) return undefined
    const value = this.data[field]
    if (value === null || value === '') {
      if (nullable) return null
      this.failed(field, value === null ? NULL : '"" is not a valid choice.')
      return
    }
    const text =
      typeof value === 'string' || typeof value === 'number' ? String(value) : pythonRepr(value)
    if (!Object.prototype.hasOwnProperty.call(choices, text)) {
      this.failed(field, `${text} is not a valid choice.`)
      return
    }
    return text as T
  }

  /** DRF BooleanField. */
  bool(field: string): boolean | undefined {
    if (!this.has(field)) return undefined
    const value = this.data[field]
    if ([true, 'true', 'True', 1, '1', 'yes', 'on'].includes(value as never)) return true
    if ([false, 'false', 'False', 0, '0', 'no', 'off'].includes(value as never)) return false
    this.failed(field, value === null ? NULL : 'Must be a valid boolean.')
  }

  /** A writable nested relation (pk, numeric string, or dict of attributes); null clears it. */
  relation<T extends { id: number }>(
    field: string,
    table: ReadonlyMap<number, T>,
    attributes: (obj: T) => Record<string, unknown>,
  ): number | null | undefined {
    if (!this.has(field)) return undefined
    const value = this.data[field]
    if (value === null) return null
    const outcome = resolveRelated(value, table, attributes)
    if (typeof outcome === 'string') {
      this.failed(field, outcome)
      return
    }
    return outcome
  }

  /** `tags`: a list of tag references (dict of attributes or pk). */
  tags(): number[] | undefined {
    if (!this.has('tags')) return undefined
    const value = this.data.tags
    if (!Array.isArray(value)) {
      this.failed('tags', `Expected a list of items but got type "${pythonType(value)}".`)
      return
    }
    const ids: number[] = []
    const itemErrors: unknown[] = []
    for (const item of value) {
      const outcome = resolveRelated(item, this.state.tags, (t) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
      }))
      if (typeof outcome === 'string') itemErrors.push([outcome])
      else {
        ids.push(outcome)
        itemErrors.push({})
      }
    }
    if (itemErrors.some((e) => Array.isArray(e))) {
      this.failed('tags', itemErrors)
      return
    }
    return [...new Set(ids)]
  }

  /** `custom_fields`: a dictionary (validated later against the model's fields). */
  customFields(): Record<string, unknown> | undefined {
    if (!this.has('custom_fields')) return undefined
    const value = this.data.custom_fields
    if (!isRecord(value)) {
      this.failed(
        'custom_fields',
        `Expected a dictionary of items but got type "${pythonType(value)}".`,
      )
      return
    }
    return value
  }

  /** A relation to a model the emulator does not hold (tenant, site, …): only null is accepted. */
  absentRelation(field: string): void {
    if (!this.has(field) || this.data[field] === null) return
    const outcome = resolveRelated(this.data[field], new Map<number, { id: number }>(), () => ({}))
    if (typeof outcome === 'string') this.fail(field, outcome)
  }

  private failed(field: string, message: unknown): undefined {
    this.fail(field, message)
    return undefined
  }
}

/** WritableNestedSerializer.to_internal_value: the pk, or the error text. */
function resolveRelated<T extends { id: number }>(
  value: unknown,
  table: ReadonlyMap<number, T>,
  attributes: (obj: T) => Record<string, unknown>,
): number | string {
  if (isRecord(value)) {
    const matches = [...table.values()].filter((obj) => {
      const attrs = attributes(obj)
      return Object.entries(value).every(([k, v]) => k in attrs && attrs[k] === v)
    })
    if (matches.length === 0)
      return `Related object not found using the provided attributes: ${pythonRepr(value)}`
    if (matches.length > 1)
      return `Multiple objects match the provided attributes: ${pythonRepr(value)}`
    return (matches[0] as T).id
  }
  const pk =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN
  if (!Number.isInteger(pk)) {
    return `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${typeof value === 'string' ? value : pythonRepr(value)}`
  }
  if (!table.has(pk)) return `Related object not found using the provided numeric ID: ${pk}`
  return pk
}

const vrfAttributes = (v: NbVrf): Record<string, unknown> => ({ id: v.id, name: v.name, rd: v.rd })

/**
 * CustomFieldsMixin.clean: every key must be a custom field of the model, values must fit the
 * field's type, required fields must be present. Returns the non-field error, if any.
 */
function customFieldError(
  state: NetboxState,
  contentType: ContentTypeName,
  data: Record<string, unknown>,
): string | undefined {
  const fields = new Map(state.customFieldsFor(contentType).map((cf) => [cf.name, cf]))
  for (const [name, value] of Object.entries(data)) {
    const cf = fields.get(name)
    if (cf === undefined) return `Unknown field name '${name}' in custom field data.`
    if (value === null || value === '') continue
    let problem: string | undefined
    if (
      (cf.type === 'text' || cf.type === 'longtext' || cf.type === 'url') &&
      typeof value !== 'string'
    )
      problem = 'Value must be a string.'
    if (cf.type === 'integer' && !(typeof value === 'number' && Number.isInteger(value)))
      problem = 'Value must be an integer.'
    if (cf.type === 'boolean' && ![true, false, 1, 0].includes(value as never))
      problem = 'Value must be true or false.'
    if (cf.type === 'select' && !cf.choices.includes(value as string)) {
      problem = `Invalid choice (${pythonRepr(value)}). Available choices are: ${cf.choices.join(', ')}`
    }
    if (problem !== undefined) return `Invalid value for custom field '${name}': ${problem}`
  }
  for (const cf of fields.values()) {
    if (
      cf.required &&
      (data[cf.name] === undefined || data[cf.name] === null || data[cf.name] === '')
    ) {
      return `Missing required custom field '${cf.name}'.`
    }
  }
  return undefined
}

/** Where a duplicate was found, as NetBox words it: `global table` or `VRF <name>`. */
function tableName(state: NetboxState, vrfId: number | null): string {
  if (vrfId === null) return 'global table'
  const vrf = state.vrfs.get(vrfId)
  return `VRF ${vrf === undefined ? String(vrfId) : vrfDisplay(vrf)}`
}

function uniquenessEnforced(state: NetboxState, vrfId: number | null): boolean {
  if (vrfId === null) return state.enforceGlobalUnique
  return state.vrfs.get(vrfId)?.enforceUnique ?? false
}

/** Writable values of an IP address. */
export interface IpAddressValues {
  readonly inet: Inet
  readonly vrfId: number | null
  readonly status: IpStatus
  readonly role: IpRole | null
  readonly dnsName: string
  readonly description: string
  readonly tags: number[]
  readonly customFields: Record<string, unknown>
}

/**
 * IPAddressSerializer + IPAddress.clean(): field validation, then custom fields, the /0 rule
 * and — only where uniqueness is enforced (ENFORCE_GLOBAL_UNIQUE for the global table, the
 * VRF's `enforce_unique` otherwise) — the duplicate check by host address, whatever the mask.
 * `instance` is the object being updated (`partial` for PATCH).
 *
 * NOTE: like NetBox, the duplicate check is an application-level read; nothing in the store
 * prevents two concurrent creates from both passing it.
 */
export function validateIpAddress(
  state: NetboxState,
  data: unknown,
  instance: NbIpAddress | undefined,
  partial: boolean,
): Validated<IpAddressValues> {
  if (!isRecord(data)) return { errors: notADictionary(data) }
  const r = new FieldReader(data, partial, state)
  let inet: Inet | undefined
  if (!r.required('address') && r.has('address')) {
    const value = data.address
    if (value === null) r.fail('address', NULL)
    else {
      const text = typeof value === 'string' ? value : pythonRepr(value)
      inet = typeof value === 'string' ? parseInet(value) : undefined
      if (inet === undefined) r.fail('address', `Invalid IP address format: ${text}`)
    }
  }
  const vrfId = r.relation('vrf', state.vrfs, vrfAttributes)
  r.absentRelation('tenant')
  r.absentRelation('nat_inside')
  const status = r.choice('status', IP_STATUSES)
  const role = r.choice('role', IP_ROLES, true)
  const dnsName = r.text('dns_name', { maxLength: 255 })
  if (dnsName !== undefined && dnsName !== '' && !DNS_NAME.test(dnsName)) {
    r.fail(
      'dns_name',
      'Only alphanumeric characters, asterisks, hyphens, periods, and underscores are allowed in DNS names',
    )
  }
  const description = r.text('description', { maxLength: 200 })
  const tags = r.tags()
  const customFields = r.customFields()
  if (Object.keys(r.errors).length > 0) return { errors: r.errors }

  const values: IpAddressValues = {
    inet: inet ?? instance?.inet ?? { version: 4, value: 0n, prefixLength: 32 },
    vrfId: vrfId === undefined ? (instance?.vrfId ?? null) : vrfId,
    status: status ?? instance?.status ?? 'active',
    role: role === undefined ? (instance?.role ?? null) : role,
    // NOTE: NetBox lowercases dns_name on save.
    dnsName: (dnsName ?? instance?.dnsName ?? '').toLowerCase(),
    description: description ?? instance?.description ?? '',
    tags: tags ?? instance?.tags ?? [],
    customFields: {
      ...(instance?.customFields ?? state.defaultCustomFields('ipam.ipaddress')),
      ...customFields,
    },
  }
  const cfError = customFieldError(state, 'ipam.ipaddress', values.customFields)
  if (cfError !== undefined) return { errors: { non_field_errors: [cfError] } }
  if (values.inet.prefixLength === 0)
    return { errors: { address: ['Cannot create IP address with /0 mask.'] } }
  if (uniquenessEnforced(state, values.vrfId)) {
    const duplicates = state
      .sortedIpAddresses()
      .filter(
        (ip) =>
          ip.id !== instance?.id &&
          ip.vrfId === values.vrfId &&
          ip.inet.version === values.inet.version &&
          ip.inet.value === values.inet.value,
      )
    const first = duplicates[0]
    const nonUnique = (r2: IpRole | null): boolean => r2 !== null && NON_UNIQUE_ROLES.includes(r2)
    if (
      first !== undefined &&
      (!nonUnique(values.role) || duplicates.some((d) => !nonUnique(d.role)))
    ) {
      return {
        errors: {
          address: [
            `Duplicate IP address found in ${tableName(state, values.vrfId)}: ${inetText(first.inet)}`,
          ],
        },
      }
    }
  }
  return { values }
}

/** Writable values of a prefix. */
export interface PrefixValues {
  readonly cidr: Cidr
  readonly vrfId: number | null
  readonly status: PrefixStatus
  readonly isPool: boolean
  readonly markUtilized: boolean
  readonly description: string
  readonly tags: number[]
  readonly customFields: Record<string, unknown>
}

/**
 * PrefixSerializer + Prefix.clean(): the prefix must be a network (no host bits), not /0, and
 * unique in its VRF only where uniqueness is enforced.
 */
export function validatePrefix(
  state: NetboxState,
  data: unknown,
  instance: NbPrefix | undefined,
  partial: boolean,
): Validated<PrefixValues> {
  if (!isRecord(data)) return { errors: notADictionary(data) }
  const r = new FieldReader(data, partial, state)
  let cidr: Cidr | undefined
  if (!r.required('prefix') && r.has('prefix')) {
    const value = data.prefix
    if (value === null) r.fail('prefix', NULL)
    else {
      const inet = typeof value === 'string' ? parseInet(value) : undefined
      if (inet === undefined)
        r.fail(
          'prefix',
          `Invalid IP prefix format: ${typeof value === 'string' ? value : pythonRepr(value)}`,
        )
      else if (inetHasHostBits(inet)) {
        r.fail(
          'prefix',
          `${inetText(inet)} is not a valid prefix. Did you mean ${formatCidr(inetNetwork(inet))}?`,
        )
      } else cidr = inetNetwork(inet)
    }
  }
  const vrfId = r.relation('vrf', state.vrfs, vrfAttributes)
  for (const field of ['site', 'tenant', 'vlan', 'role']) r.absentRelation(field)
  const status = r.choice('status', PREFIX_STATUSES)
  const isPool = r.bool('is_pool')
  const markUtilized = r.bool('mark_utilized')
  const description = r.text('description', { maxLength: 200 })
  const tags = r.tags()
  const customFields = r.customFields()
  if (Object.keys(r.errors).length > 0) return { errors: r.errors }

  const values: PrefixValues = {
    cidr: cidr ?? instance?.cidr ?? { version: 4, network: 0n, prefixLength: 0 },
    vrfId: vrfId === undefined ? (instance?.vrfId ?? null) : vrfId,
    status: status ?? instance?.status ?? 'active',
    isPool: isPool ?? instance?.isPool ?? false,
    markUtilized: markUtilized ?? instance?.markUtilized ?? false,
    description: description ?? instance?.description ?? '',
    tags: tags ?? instance?.tags ?? [],
    customFields: {
      ...(instance?.customFields ?? state.defaultCustomFields('ipam.prefix')),
      ...customFields,
    },
  }
  const cfError = customFieldError(state, 'ipam.prefix', values.customFields)
  if (cfError !== undefined) return { errors: { non_field_errors: [cfError] } }
  if (values.cidr.prefixLength === 0)
    return { errors: { prefix: ['Cannot create prefix with /0 mask.'] } }
  if (uniquenessEnforced(state, values.vrfId)) {
    const text = formatCidr(values.cidr)
    const duplicate = state
      .sortedPrefixes()
      .find((p) => p.id !== instance?.id && p.vrfId === values.vrfId && formatCidr(p.cidr) === text)
    if (duplicate !== undefined) {
      return {
        errors: {
          prefix: [`Duplicate prefix found in ${tableName(state, values.vrfId)}: ${text}`],
        },
      }
    }
  }
  return { values }
}

/** Writable values of a VRF. */
export interface VrfValues {
  readonly name: string
  readonly rd: string | null
  readonly enforceUnique: boolean
  readonly description: string
  readonly tags: number[]
  readonly customFields: Record<string, unknown>
}

/** VRFSerializer: `name` required, `rd` unique when set. */
export function validateVrf(
  state: NetboxState,
  data: unknown,
  instance: NbVrf | undefined,
  partial: boolean,
): Validated<VrfValues> {
  if (!isRecord(data)) return { errors: notADictionary(data) }
  const r = new FieldReader(data, partial, state)
  const name = r.required('name')
    ? undefined
    : r.text('name', { maxLength: 100, allowBlank: false })
  let rd: string | null | undefined
  if (r.has('rd')) {
    rd = data.rd === null || data.rd === '' ? null : r.text('rd', { maxLength: 21 })
    if (
      rd !== null &&
      rd !== undefined &&
      [...state.vrfs.values()].some((v) => v.rd === rd && v.id !== instance?.id)
    ) {
      r.fail('rd', 'VRF with this Route distinguisher already exists.')
    }
  }
  r.absentRelation('tenant')
  const enforceUnique = r.bool('enforce_unique')
  const description = r.text('description', { maxLength: 200 })
  const tags = r.tags()
  const customFields = r.customFields()
  if (Object.keys(r.errors).length > 0) return { errors: r.errors }
  const values: VrfValues = {
    name: name ?? instance?.name ?? '',
    rd: rd === undefined ? (instance?.rd ?? null) : rd,
    enforceUnique: enforceUnique ?? instance?.enforceUnique ?? true,
    description: description ?? instance?.description ?? '',
    tags: tags ?? instance?.tags ?? [],
    customFields: {
      ...(instance?.customFields ?? state.defaultCustomFields('ipam.vrf')),
      ...customFields,
    },
  }
  const cfError = customFieldError(state, 'ipam.vrf', values.customFields)
  if (cfError !== undefined) return { errors: { non_field_errors: [cfError] } }
  return { values }
}
