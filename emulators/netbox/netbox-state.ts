import { cidrContains, formatCidr, parseCidr, type Cidr } from '../../src/domain/cidr.ts'
import { compareInet, inetHasHostBits, inetText, parseInet, type Inet } from './inet.ts'

export const PREFIX_STATUSES = {
  container: 'Container',
  active: 'Active',
  reserved: 'Reserved',
  deprecated: 'Deprecated',
} as const
export type PrefixStatus = keyof typeof PREFIX_STATUSES

export const IP_STATUSES = {
  active: 'Active',
  reserved: 'Reserved',
  deprecated: 'Deprecated',
  dhcp: 'DHCP',
  slaac: 'SLAAC',
} as const
export type IpStatus = keyof typeof IP_STATUSES

export const IP_ROLES = {
  loopback: 'Loopback',
  secondary: 'Secondary',
  anycast: 'Anycast',
  vip: 'VIP',
  vrrp: 'VRRP',
  hsrp: 'HSRP',
  glbp: 'GLBP',
  carp: 'CARP',
} as const
export type IpRole = keyof typeof IP_ROLES

/** Roles that may share an address even where uniqueness is enforced (NetBox's IPADDRESS_ROLES_NONUNIQUE). */
export const NON_UNIQUE_ROLES: readonly IpRole[] = [
  'anycast',
  'vip',
  'vrrp',
  'hsrp',
  'glbp',
  'carp',
]

export const CUSTOM_FIELD_TYPES = {
  text: 'Text',
  longtext: 'Text (long)',
  integer: 'Integer',
  boolean: 'Boolean (true/false)',
  select: 'Selection',
  url: 'URL',
} as const
export type CustomFieldType = keyof typeof CUSTOM_FIELD_TYPES

export const FILTER_LOGICS = { disabled: 'Disabled', loose: 'Loose', exact: 'Exact' } as const
export type FilterLogic = keyof typeof FILTER_LOGICS

export type ContentTypeName = 'ipam.vrf' | 'ipam.prefix' | 'ipam.ipaddress'

export interface NbVrf {
  readonly id: number
  name: string
  rd: string | null
  enforceUnique: boolean
  description: string
  tags: number[]
  customFields: Record<string, unknown>
  readonly created: string
  lastUpdated: string
}

export interface NbPrefix {
  readonly id: number
  cidr: Cidr
  vrfId: number | null
  status: PrefixStatus
  isPool: boolean
  markUtilized: boolean
  description: string
  tags: number[]
  customFields: Record<string, unknown>
  readonly created: string
  lastUpdated: string
}

export interface NbIpAddress {
  readonly id: number
  inet: Inet
  vrfId: number | null
  status: IpStatus
  role: IpRole | null
  dnsName: string
  description: string
  tags: number[]
  customFields: Record<string, unknown>
  readonly created: string
  lastUpdated: string
}

export interface NbTag {
  readonly id: number
  name: string
  slug: string
  color: string
  description: string
  readonly created: string
  lastUpdated: string
}

export interface NbCustomField {
  readonly id: number
  name: string
  label: string
  type: CustomFieldType
  contentTypes: ContentTypeName[]
  required: boolean
  default: unknown
  filterLogic: FilterLogic
  choices: string[]
  weight: number
  description: string
  readonly created: string
  lastUpdated: string
}

/** An API token: the exact text after `Token ` (v1) or `Bearer ` (v2, `nbt_<key>.<token>`). */
export interface NbToken {
  readonly key: string
  writeEnabled: boolean
  /** Expiry time; undefined: never. */
  expires: Date | undefined
  enabled: boolean
  /** Client IPs allowed to use the token; undefined: any. */
  allowedIps: string[] | undefined
}

/** What a test sees of an IP address: plain values, the address as NetBox prints it. */
export interface IpAddressView {
  readonly id: number
  readonly address: string
  readonly vrfId: number | null
  readonly status: IpStatus
  readonly dnsName: string
  readonly description: string
  readonly tags: string[]
  readonly customFields: Record<string, unknown>
}

/** `2026-12-03` (NetBox 3.1's `created` is a date). */
export function dateStamp(now = new Date()): string {
  return now.toISOString().slice(0, 10)
}

let lastMicros = 0
/** `2026-12-03T12:23:01.549744Z`: Python's isoformat with microseconds, strictly increasing. */
export function timeStamp(now = new Date()): string {
  let micros = now.getTime() * 1000 + Math.floor((performance.now() % 1) * 1000)
  if (micros <= lastMicros) micros = lastMicros + 1
  lastMicros = micros
  const iso = new Date(Math.floor(micros / 1000)).toISOString()
  return `${iso.slice(0, 19)}.${String(micros % 1_000_000).padStart(6, '0')}Z`
}

function mustCidr(text: string): Cidr {
  const inet = parseInet(text)
  const cidr = parseCidr(text)
  if (inet === undefined || cidr === undefined || !text.includes('/') || inetHasHostBits(inet)) {
    throw new Error(`not a prefix: ${text}`)
  }
  return cidr
}

/**
 * Everything the NetBox emulator stores, with the seed and inspection helpers tests use.
 * Helpers throw a plain Error on bad input (an unknown tag, a malformed address); they bypass
 * the API's validation on purpose, so they can also create what the API would refuse.
 */
export class NetboxState {
  readonly vrfs = new Map<number, NbVrf>()
  readonly prefixes = new Map<number, NbPrefix>()
  readonly ipAddresses = new Map<number, NbIpAddress>()
  readonly tags = new Map<number, NbTag>()
  readonly customFields = new Map<number, NbCustomField>()
  readonly tokens = new Map<string, NbToken>()
  /** ENFORCE_GLOBAL_UNIQUE: refuse duplicate addresses and prefixes in the global table. */
  enforceGlobalUnique: boolean
  private readonly sequences = { vrf: 0, prefix: 0, ip: 0, tag: 0, cf: 0 }

  constructor(options: { readonly enforceGlobalUnique: boolean }) {
    this.enforceGlobalUnique = options.enforceGlobalUnique
  }

  /** The next primary key of a table (PostgreSQL sequences never reuse a value). */
  nextId(table: keyof NetboxState['sequences']): number {
    this.sequences[table] += 1
    return this.sequences[table]
  }

  /** Registers an API token (the emulator's `token` option is registered this way). */
  addToken(
    key: string,
    options: {
      readonly writeEnabled?: boolean
      readonly expires?: Date
      readonly enabled?: boolean
      readonly allowedIps?: string[]
    } = {},
  ): NbToken {
    const token: NbToken = {
      key,
      writeEnabled: options.writeEnabled ?? true,
      expires: options.expires,
      enabled: options.enabled ?? true,
      allowedIps: options.allowedIps,
    }
    this.tokens.set(key, token)
    return token
  }

  /** Adds a VRF. NetBox's default is `enforce_unique: true` for VRFs. */
  addVrf(options: {
    readonly name: string
    readonly rd?: string | null
    readonly enforceUnique?: boolean
    readonly description?: string
  }): NbVrf {
    const vrf: NbVrf = {
      id: this.nextId('vrf'),
      name: options.name,
      rd: options.rd ?? null,
      enforceUnique: options.enforceUnique ?? true,
      description: options.description ?? '',
      tags: [],
      customFields: this.defaultCustomFields('ipam.vrf'),
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.vrfs.set(vrf.id, vrf)
    return vrf
  }

  /** Adds a prefix (`status: 'container'` for a pre-defined range, `'active'` for a subnet). */
  addPrefix(options: {
    readonly prefix: string
    readonly vrfId?: number | null
    readonly status?: PrefixStatus
    readonly isPool?: boolean
    readonly markUtilized?: boolean
    readonly description?: string
    readonly tags?: readonly string[]
    readonly customFields?: Record<string, unknown>
  }): NbPrefix {
    const vrfId = options.vrfId ?? null
    if (vrfId !== null && !this.vrfs.has(vrfId)) throw new Error(`no VRF ${vrfId}`)
    const prefix: NbPrefix = {
      id: this.nextId('prefix'),
      cidr: mustCidr(options.prefix),
      vrfId,
      status: options.status ?? 'active',
      isPool: options.isPool ?? false,
      markUtilized: options.markUtilized ?? false,
      description: options.description ?? '',
      tags: this.tagIds(options.tags ?? []),
      customFields: { ...this.defaultCustomFields('ipam.prefix'), ...options.customFields },
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.prefixes.set(prefix.id, prefix)
    return prefix
  }

  /** Adds a tag; tags must exist before objects reference them. */
  addTag(options: {
    readonly name: string
    readonly slug?: string
    readonly color?: string
    readonly description?: string
  }): NbTag {
    const slug = options.slug ?? options.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')
    for (const t of this.tags.values()) {
      if (t.name === options.name || t.slug === slug) throw new Error(`tag exists: ${slug}`)
    }
    const tag: NbTag = {
      id: this.nextId('tag'),
      name: options.name,
      slug,
      color: options.color ?? '9e9e9e',
      description: options.description ?? '',
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.tags.set(tag.id, tag)
    return tag
  }

  /**
   * Adds a custom field. Custom fields must exist before objects use them; once defined, every
   * object of those types shows the field (null when unset), as NetBox does.
   */
  addCustomField(options: {
    readonly name: string
    readonly type?: CustomFieldType
    readonly contentTypes?: readonly ContentTypeName[]
    readonly required?: boolean
    readonly default?: unknown
    readonly filterLogic?: FilterLogic
    readonly choices?: readonly string[]
    readonly label?: string
    readonly description?: string
    readonly weight?: number
  }): NbCustomField {
    for (const cf of this.customFields.values()) {
      if (cf.name === options.name) throw new Error(`custom field exists: ${options.name}`)
    }
    const cf: NbCustomField = {
      id: this.nextId('cf'),
      name: options.name,
      label: options.label ?? '',
      type: options.type ?? 'text',
      contentTypes: [...(options.contentTypes ?? ['ipam.prefix', 'ipam.ipaddress'])],
      required: options.required ?? false,
      default: options.default ?? null,
      filterLogic: options.filterLogic ?? 'loose',
      choices: [...(options.choices ?? [])],
      weight: options.weight ?? 100,
      description: options.description ?? '',
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.customFields.set(cf.id, cf)
    return cf
  }

  /**
   * Inserts an IP address directly, with no validation and no uniqueness check: the way to
   * slip in a duplicate (what a concurrent plain create does to a real NetBox).
   */
  addIpAddress(options: {
    readonly address: string
    readonly vrfId?: number | null
    readonly status?: IpStatus
    readonly role?: IpRole | null
    readonly dnsName?: string
    readonly description?: string
    readonly tags?: readonly string[]
    readonly customFields?: Record<string, unknown>
  }): IpAddressView {
    const inet = parseInet(options.address)
    if (inet === undefined) throw new Error(`not an address: ${options.address}`)
    const ip: NbIpAddress = {
      id: this.nextId('ip'),
      inet,
      vrfId: options.vrfId ?? null,
      status: options.status ?? 'active',
      role: options.role ?? null,
      dnsName: (options.dnsName ?? '').toLowerCase(),
      description: options.description ?? '',
      tags: this.tagIds(options.tags ?? []),
      customFields: { ...this.defaultCustomFields('ipam.ipaddress'), ...options.customFields },
      created: dateStamp(),
      lastUpdated: timeStamp(),
    }
    this.ipAddresses.set(ip.id, ip)
    return this.viewOf(ip)
  }

  /** IP addresses in NetBox's order (address, then id), optionally only one VRF (null: global). */
  listIpAddresses(
    filter: { readonly vrfId?: number | null; readonly parent?: string } = {},
  ): IpAddressView[] {
    const parent = filter.parent === undefined ? undefined : mustCidr(filter.parent)
    return this.sortedIpAddresses()
      .filter((ip) => filter.vrfId === undefined || ip.vrfId === filter.vrfId)
      .filter((ip) => parent === undefined || cidrContains(parent, ip.inet))
      .map((ip) => this.viewOf(ip))
  }

  /** Deletes an IP address by id (as an operator would in the UI); false when absent. */
  deleteIpAddress(id: number): boolean {
    return this.ipAddresses.delete(id)
  }

  /** Prefixes as `{id, prefix, vrfId, status}`, in NetBox's order. */
  listPrefixes(): { id: number; prefix: string; vrfId: number | null; status: PrefixStatus }[] {
    return this.sortedPrefixes().map((p) => ({
      id: p.id,
      prefix: formatCidr(p.cidr),
      vrfId: p.vrfId,
      status: p.status,
    }))
  }

  /** IP addresses ordered by (address, id) — NetBox's default ordering. */
  sortedIpAddresses(): NbIpAddress[] {
    return [...this.ipAddresses.values()].sort((a, b) => compareInet(a.inet, b.inet) || a.id - b.id)
  }

  /** Prefixes ordered by (vrf, nulls first; prefix; id) — NetBox's default ordering. */
  sortedPrefixes(): NbPrefix[] {
    const vrfKey = (p: NbPrefix): number => p.vrfId ?? 0
    return [...this.prefixes.values()].sort(
      (a, b) =>
        vrfKey(a) - vrfKey(b) ||
        compareInet(
          { version: a.cidr.version, value: a.cidr.network, prefixLength: a.cidr.prefixLength },
          { version: b.cidr.version, value: b.cidr.network, prefixLength: b.cidr.prefixLength },
        ) ||
        a.id - b.id,
    )
  }

  tagBySlug(slug: string): NbTag | undefined {
    for (const t of this.tags.values()) if (t.slug === slug) return t
    return undefined
  }

  /** Custom fields of a model, in NetBox's order (weight, then name). */
  customFieldsFor(contentType: ContentTypeName): NbCustomField[] {
    return [...this.customFields.values()]
      .filter((cf) => cf.contentTypes.includes(contentType))
      .sort((a, b) => a.weight - b.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Values of the custom fields that have a default, for a new object. */
  defaultCustomFields(contentType: ContentTypeName): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const cf of this.customFieldsFor(contentType)) {
      if (cf.default !== null && cf.default !== undefined) out[cf.name] = cf.default
    }
    return out
  }

  private tagIds(slugs: readonly string[]): number[] {
    return slugs.map((slug) => {
      const tag = this.tagBySlug(slug)
      if (tag === undefined) throw new Error(`no tag ${slug}`)
      return tag.id
    })
  }

  private viewOf(ip: NbIpAddress): IpAddressView {
    return {
      id: ip.id,
      address: inetText(ip.inet),
      vrfId: ip.vrfId,
      status: ip.status,
      dnsName: ip.dnsName,
      description: ip.description,
      tags: ip.tags.map((id) => this.tags.get(id)?.slug ?? String(id)),
      customFields: { ...ip.customFields },
    }
  }
}
