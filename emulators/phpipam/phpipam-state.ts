import { randomBytes } from 'node:crypto'
import {
  cidrContains,
  formatCidr,
  hasHostBits,
  parseCidrText,
  toCidr,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { formatIp, parseIp, type IpAddress } from '../../src/domain/ip-address.ts'
import { normaliseMac } from './phpipam-mac.ts'

/** An API application (`api` table): id, security mode, permissions, static code, lock type. */
export interface PiApp {
  readonly appId: string
  /** `none` (user token, plain HTTP allowed), `ssl_token` (user token over HTTPS), `ssl_code` (static app code over HTTPS); others are refused. */
  security: 'none' | 'ssl_token' | 'ssl_code' | 'crypt' | 'user'
  /** 0 disabled, 1 read, 2 read/write, 3 read/write/admin. */
  permissions: 0 | 1 | 2 | 3
  /** The static token of `ssl_code` apps. */
  code: string | undefined
  /** The API write lock: serialise every write (File/MySQL) or not (Disabled). */
  writeLock: boolean
}

export interface PiUser {
  readonly username: string
  password: string
  token: string | undefined
  /** Token expiry, epoch seconds. */
  tokenExpires: number | undefined
}

export interface PiSection {
  readonly id: number
  name: string
  description: string
  masterSection: number
  permissions: string | null
  strictMode: number
  subnetOrdering: string
  order: number | null
  editDate: string | null
  showSubnet: number
  showVLAN: number
  showVRF: number
  showSupernetOnly: number
  DNS: string | null
}

export interface PiSubnet {
  readonly id: number
  cidr: Cidr
  sectionId: number
  description: string | null
  linked_subnet: number | null
  firewallAddressObject: string | null
  vrfId: number | null
  masterSubnetId: number
  allowRequests: number
  vlanId: number | null
  showName: number
  device: number
  permissions: string | null
  pingSubnet: number
  discoverSubnet: number
  resolveDNS: number
  DNSrecursive: number
  DNSrecords: number
  nameserverId: number
  scanAgent: number | null
  customer_id: number | null
  isFolder: number
  isFull: number
  isPool: number
  state: number
  threshold: number
  location: number | null
  editDate: string | null
  lastScan: string | null
  lastDiscovery: string | null
  custom: Record<string, unknown>
}

export interface PiAddress {
  readonly id: number
  readonly subnetId: number
  readonly ip: IpAddress
  is_gateway: number
  description: string | null
  hostname: string | null
  mac: string | null
  owner: string | null
  state: number
  switch: number | null
  location: number | null
  port: string | null
  note: string | null
  lastSeen: string
  excludePing: number
  PTRignore: number
  PTR: number
  firewallAddressObject: string | null
  editDate: string | null
  customer_id: number | null
  custom: Record<string, unknown>
}

/** What a test sees of an address. */
export interface AddressView {
  readonly id: number
  readonly subnetId: number
  readonly ip: string
  readonly hostname: string | null
  readonly mac: string | null
  readonly description: string | null
  readonly tag: number
  readonly custom: Record<string, unknown>
}

/** IP tags (`ipTags`): 1 Offline, 2 Used, 3 Reserved, 4 DHCP. */
export const IP_TAGS: Readonly<Record<number, string>> = {
  1: 'Offline',
  2: 'Used',
  3: 'Reserved',
  4: 'DHCP',
}

/** phpIPAM's `generate_html_safe_token`: URL-safe characters. */
export function generateToken(length = 24): string {
  return randomBytes(length).toString('base64url').slice(0, length)
}

/**
 * Everything the phpIPAM emulator stores, with the seed and inspection helpers tests use.
 * Helpers throw a plain Error on bad input and bypass the API's checks.
 */
export class PhpipamState {
  readonly apps = new Map<string, PiApp>()
  readonly users = new Map<string, PiUser>()
  readonly sections = new Map<number, PiSection>()
  readonly subnets = new Map<number, PiSubnet>()
  readonly addresses = new Map<number, PiAddress>()
  /** Custom fields per table (`custom_*` columns). */
  readonly customFields = { ipaddresses: [] as string[], subnets: [] as string[] }
  /** Failed logins per client IP (epoch ms), for the 5-minute block. */
  readonly loginFailures = new Map<string, number[]>()
  private readonly sequences = { section: 0, subnet: 0, address: 0 }

  /** The next auto-increment id of a table (MariaDB never reuses one). */
  nextId(table: keyof PhpipamState['sequences']): number {
    this.sequences[table] += 1
    return this.sequences[table]
  }

  /** Registers an API app (the emulator's own app is registered this way). */
  addApp(options: {
    readonly appId: string
    readonly security?: PiApp['security']
    readonly permissions?: PiApp['permissions']
    readonly code?: string
    readonly writeLock?: boolean
  }): PiApp {
    const app: PiApp = {
      appId: options.appId,
      security: options.security ?? 'none',
      permissions: options.permissions ?? 2,
      code: options.code,
      writeLock: options.writeLock ?? true,
    }
    this.apps.set(app.appId, app)
    return app
  }

  /** Adds a user that may log in with HTTP Basic. */
  addUser(username: string, password: string): PiUser {
    const user: PiUser = { username, password, token: undefined, tokenExpires: undefined }
    this.users.set(username, user)
    return user
  }

  /** Makes every user token expired (as if its lifetime had passed). */
  expireTokens(): void {
    const past = Math.floor(Date.now() / 1000) - 1
    for (const u of this.users.values()) if (u.token !== undefined) u.tokenExpires = past
  }

  /** Adds a section (strict mode by default, so overlapping subnets are refused). */
  addSection(options: {
    readonly name: string
    readonly description?: string
    readonly strictMode?: boolean
  }): PiSection {
    const section: PiSection = {
      id: this.nextId('section'),
      name: options.name,
      description: options.description ?? '',
      masterSection: 0,
      permissions: null,
      strictMode: options.strictMode === false ? 0 : 1,
      subnetOrdering: 'default',
      order: null,
      editDate: null,
      showSubnet: 1,
      showVLAN: 0,
      showVRF: 0,
      showSupernetOnly: 0,
      DNS: null,
    }
    this.sections.set(section.id, section)
    return section
  }

  /** The first section (the emulator starts with one, empty). */
  get defaultSection(): PiSection {
    const first = [...this.sections.values()][0]
    if (first === undefined) throw new Error('no section')
    return first
  }

  /** Adds a subnet (no overlap checks), in the default section unless told otherwise. */
  addSubnet(options: {
    readonly cidr: string
    readonly sectionId?: number
    readonly description?: string
    readonly masterSubnetId?: number
    readonly vrfId?: number | null
    readonly isPool?: boolean
    readonly isFull?: boolean
    readonly isFolder?: boolean
  }): PiSubnet {
    const parsed = parseCidrText(options.cidr)
    if (parsed === undefined || hasHostBits(parsed))
      throw new Error(`not a subnet: ${options.cidr}`)
    const sectionId = options.sectionId ?? this.defaultSection.id
    if (!this.sections.has(sectionId)) throw new Error(`no section ${sectionId}`)
    return this.insertSubnet({
      cidr: toCidr(parsed.address, parsed.prefixLength),
      sectionId,
      description: options.description ?? null,
      masterSubnetId: options.masterSubnetId ?? 0,
      vrfId: options.vrfId ?? null,
      isPool: options.isPool === true ? 1 : 0,
      isFull: options.isFull === true ? 1 : 0,
      isFolder: options.isFolder === true ? 1 : 0,
    })
  }

  /** Inserts a subnet row with phpIPAM's column defaults. */
  insertSubnet(
    values: Partial<Omit<PiSubnet, 'id'>> & { cidr: Cidr; sectionId: number },
  ): PiSubnet {
    const custom: Record<string, unknown> = {}
    for (const name of this.customFields.subnets) custom[name] = null
    const subnet: PiSubnet = {
      description: null,
      linked_subnet: null,
      firewallAddressObject: null,
      vrfId: null,
      masterSubnetId: 0,
      allowRequests: 0,
      vlanId: null,
      showName: 0,
      device: 0,
      permissions: this.sections.get(values.sectionId)?.permissions ?? null,
      pingSubnet: 0,
      discoverSubnet: 0,
      resolveDNS: 0,
      DNSrecursive: 0,
      DNSrecords: 0,
      nameserverId: 0,
      scanAgent: null,
      customer_id: null,
      isFolder: 0,
      isFull: 0,
      isPool: 0,
      state: 2,
      threshold: 0,
      location: null,
      editDate: null,
      lastScan: null,
      lastDiscovery: null,
      ...values,
      custom: { ...custom, ...values.custom },
      id: this.nextId('subnet'),
    }
    this.subnets.set(subnet.id, subnet)
    return subnet
  }

  /** Inserts an address row directly (no checks at all, not even the unique key). */
  addAddress(options: {
    readonly subnetId: number
    readonly ip: string
    readonly hostname?: string
    readonly mac?: string
    readonly description?: string
    readonly tag?: number
  }): AddressView {
    const ip = parseIp(options.ip)
    if (ip === undefined) throw new Error(`not an address: ${options.ip}`)
    if (!this.subnets.has(options.subnetId)) throw new Error(`no subnet ${options.subnetId}`)
    const row = this.insertAddress({
      subnetId: options.subnetId,
      ip,
      hostname: options.hostname ?? null,
      mac: options.mac === undefined ? null : normaliseMac(options.mac),
      description: options.description ?? null,
      state: options.tag ?? 2,
    })
    return this.viewOf(row)
  }

  /** Inserts an address row with phpIPAM's column defaults. */
  insertAddress(
    values: Partial<Omit<PiAddress, 'id'>> & { subnetId: number; ip: IpAddress },
  ): PiAddress {
    const custom: Record<string, unknown> = {}
    for (const name of this.customFields.ipaddresses) custom[name] = null
    const row: PiAddress = {
      is_gateway: 0,
      description: null,
      hostname: null,
      mac: null,
      owner: null,
      state: 2,
      switch: null,
      location: null,
      port: null,
      note: null,
      lastSeen: '1970-01-01 00:00:01',
      excludePing: 0,
      PTRignore: 0,
      PTR: 0,
      firewallAddressObject: null,
      editDate: null,
      customer_id: null,
      ...values,
      custom: { ...custom, ...values.custom },
      id: this.nextId('address'),
    }
    this.addresses.set(row.id, row)
    return row
  }

  /** Addresses (of one subnet, or all) ordered by address, as `ORDER BY ip_addr` gives them. */
  listAddresses(subnetId?: number): AddressView[] {
    return this.rowsOf(subnetId).map((r) => this.viewOf(r))
  }

  /** Address rows of a subnet (or all) in address order. */
  rowsOf(subnetId?: number): PiAddress[] {
    return [...this.addresses.values()]
      .filter((a) => subnetId === undefined || a.subnetId === subnetId)
      .sort((a, b) => (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : a.id - b.id))
  }

  /** Removes an address by id (as an operator would); false when absent. */
  removeAddress(id: number): boolean {
    return this.addresses.delete(id)
  }

  /** Defines a custom field (a `custom_*` column) on addresses or subnets. */
  addCustomField(table: 'ipaddresses' | 'subnets', name: string): void {
    if (!name.startsWith('custom_')) throw new Error('phpIPAM custom fields are named custom_*')
    this.customFields[table].push(name)
    const rows = table === 'ipaddresses' ? this.addresses.values() : this.subnets.values()
    for (const row of rows) row.custom[name] ??= null
  }

  /** Subnets in the section whose address range overlaps `cidr` (same VRF). */
  overlapping(sectionId: number, cidr: Cidr, vrfId: number | null): PiSubnet[] {
    return [...this.subnets.values()].filter(
      (s) =>
        s.sectionId === sectionId &&
        s.isFolder !== 1 &&
        (s.vrfId ?? 0) === (vrfId ?? 0) &&
        s.cidr.version === cidr.version &&
        (cidrContains(s.cidr, { version: cidr.version, value: cidr.network }) ||
          cidrContains(cidr, { version: s.cidr.version, value: s.cidr.network })),
    )
  }

  /** Direct children of a subnet. */
  slaves(subnetId: number): PiSubnet[] {
    return [...this.subnets.values()].filter((s) => s.masterSubnetId === subnetId)
  }

  /** Deletes a subnet with its addresses and, recursively, its child subnets. */
  deleteSubnet(subnetId: number): void {
    for (const child of this.slaves(subnetId)) this.deleteSubnet(child.id)
    for (const a of [...this.addresses.values()])
      if (a.subnetId === subnetId) this.addresses.delete(a.id)
    this.subnets.delete(subnetId)
  }

  /** `10.50.0.0/24` */
  cidrText(subnet: PiSubnet): string {
    return formatCidr(subnet.cidr)
  }

  private viewOf(row: PiAddress): AddressView {
    return {
      id: row.id,
      subnetId: row.subnetId,
      ip: formatIp(row.ip),
      hostname: row.hostname,
      mac: row.mac,
      description: row.description,
      tag: row.state,
      custom: { ...row.custom },
    }
  }
}
