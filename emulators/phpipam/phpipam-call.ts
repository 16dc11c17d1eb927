import { roundTrip } from './async-mutex.ts'
import { PhpipamError, stringifyNumbers } from './phpipam-envelope.ts'
import type { PhpipamState, PiApp, PiUser } from './phpipam-state.ts'

/**
 * The request parameters phpIPAM's controllers see (`$this->_params`): the rewritten path
 * (`app_id`, `controller`, `id`, `id2`, `id3`), the query string, then the body, later
 * sources overriding earlier ones.
 */
export class Params {
  private readonly values = new Map<string, unknown>()

  read(source: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(source)) this.values.set(k, v)
  }

  get(key: string): unknown {
    return this.values.get(key)
  }

  /** PHP's `isset`: present and not null. */
  isset(key: string): boolean {
    const v = this.values.get(key)
    return v !== undefined && v !== null
  }

  /** The value as PHP would print it (`7` → `"7"`), undefined when not set. */
  str(key: string): string | undefined {
    const v = this.values.get(key)
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean')
      return typeof v === 'boolean' ? (v ? '1' : '') : String(v)
    return JSON.stringify(v)
  }

  set(key: string, value: unknown): void {
    this.values.set(key, value)
  }

  unset(key: string): void {
    this.values.delete(key)
  }

  keys(): string[] {
    return [...this.values.keys()]
  }

  get size(): number {
    return this.values.size
  }

  /** `remap_keys` for writes: API names (`ip`, `tag`, `deviceId`) → columns (`ip_addr`, `state`, `switch`). */
  remap(keys: Record<string, string>): void {
    for (const [column, api] of Object.entries(keys)) {
      if (this.values.has(api)) {
        this.values.set(column, this.values.get(api))
        this.values.delete(api)
      }
    }
  }
}

/** Behaviour switches of the emulated server. */
export interface PhpipamConfig {
  /** Token lifetime in seconds (phpIPAM: 21600), sliding on every authenticated call. */
  readonly tokenTtlSeconds: number
  /** `api_allow_unsafe`: whether `none` apps may be used over plain HTTP. */
  readonly allowUnsafe: boolean
  /** `api_stringify_results`: numbers as strings in every answer. */
  readonly stringifyResults: boolean
  /** Upper bound of the random delay of each database round trip in writes, in ms. */
  readonly dbLatencyMs: number
  /** Without the write lock: upper bound of the random delay before a write runs (PHP bootstrap), in ms. */
  readonly bootstrapJitterMs: number
}

/** One controller call: request parameters, the app, the store and the configuration. */
export interface PiCall {
  readonly method: string
  readonly params: Params
  readonly app: PiApp
  readonly state: PhpipamState
  readonly config: PhpipamConfig
  readonly stringify: boolean
  readonly clientIp: string
  readonly authorization: string | undefined
  readonly token: string | undefined
}

/** Columns of phpIPAM's tables (SCHEMA.sql), which `validate_keys` accepts. */
export const COLUMNS = {
  ipaddresses: [
    'id',
    'subnetId',
    'ip_addr',
    'is_gateway',
    'description',
    'hostname',
    'mac',
    'owner',
    'state',
    'switch',
    'location',
    'port',
    'note',
    'lastSeen',
    'excludePing',
    'PTRignore',
    'PTR',
    'firewallAddressObject',
    'editDate',
    'customer_id',
  ],
  subnets: [
    'id',
    'subnet',
    'mask',
    'sectionId',
    'description',
    'linked_subnet',
    'firewallAddressObject',
    'vrfId',
    'masterSubnetId',
    'allowRequests',
    'vlanId',
    'showName',
    'device',
    'permissions',
    'pingSubnet',
    'discoverSubnet',
    'resolveDNS',
    'DNSrecursive',
    'DNSrecords',
    'nameserverId',
    'scanAgent',
    'customer_id',
    'isFolder',
    'isFull',
    'isPool',
    'state',
    'threshold',
    'location',
    'editDate',
    'lastScan',
    'lastDiscovery',
  ],
  sections: [
    'id',
    'name',
    'description',
    'masterSection',
    'permissions',
    'strictMode',
    'subnetOrdering',
    'order',
    'editDate',
    'showSubnet',
    'showVLAN',
    'showVRF',
    'showSupernetOnly',
    'DNS',
  ],
} as const

/**
 * `validate_keys`: every parameter must be a column of the table, a defined custom field, or
 * `app_id`/`controller`; returns the column values (without `editDate`).
 *
 * @throws PhpipamError 400 `Invalid request key <k>` for anything else.
 */
export function validateKeys(call: PiCall, table: keyof typeof COLUMNS): Record<string, unknown> {
  const custom = table === 'sections' ? [] : call.state.customFields[table]
  const valid = new Set<string>(['app_id', 'controller', ...COLUMNS[table], ...custom])
  valid.delete('editDate')
  const values: Record<string, unknown> = {}
  for (const key of call.params.keys()) {
    if (!valid.has(key)) throw new PhpipamError(400, `Invalid request key ${key}`)
    if (key !== 'app_id' && key !== 'controller') values[key] = call.params.get(key)
  }
  return values
}

/** PHP's `is_numeric`. */
export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value !== 'string') return false
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)
}

/** A column value as PHP 8.1 returns an integer column: a number, or null when empty. */
export function intOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  return isNumeric(value) ? Math.trunc(Number(value)) : null
}

/** A text column: null when empty. */
export function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'string') return value
  return typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value)
}

/** A PHP (PCRE) pattern with delimiters, e.g. `/^vm-/i`, as a RegExp; undefined when invalid. */
function pcre(pattern: string): RegExp | undefined {
  const delimiter = pattern[0]
  if (delimiter === undefined || /[a-zA-Z0-9\\\s]/.test(delimiter)) return undefined
  const end = pattern.lastIndexOf(delimiter)
  if (end <= 0) return undefined
  try {
    return new RegExp(pattern.slice(1, end), pattern.slice(end + 1).replace(/[^imsu]/g, ''))
  } catch {
    return undefined
  }
}

/**
 * `prepare_result`'s filter (`filter_by`, `filter_value`, `filter_match` full|partial|regex;
 * the property must exist on the first result) and the stringify option.
 *
 * @throws PhpipamError 400 for a bad filter, 404 `No results (filter applied)` when nothing matches.
 */
export function prepare(
  call: PiCall,
  result: Record<string, unknown> | Record<string, unknown>[],
): unknown {
  let out: unknown = result
  const filterBy = call.params.str('filter_by')
  if (filterBy !== undefined) {
    const list = Array.isArray(result) ? result : [result]
    const value = call.params.str('filter_value')
    if (!call.params.isset('filter_value')) throw new PhpipamError(400, 'Missing filter_value')
    if (value === undefined || value.trim() === '')
      throw new PhpipamError(400, 'Empty filter_value')
    const first = list[0]
    if (first === undefined || !(filterBy in first))
      throw new PhpipamError(400, 'Invalid filter_by')
    const match = call.params.str('filter_match') ?? 'full'
    if (!['full', 'partial', 'regex'].includes(match))
      throw new PhpipamError(400, 'Invalid filter_match')
    const regex = match === 'regex' ? pcre(value) : undefined
    if (match === 'regex' && regex === undefined)
      throw new PhpipamError(400, 'Invalid regular expression (err=1)')
    const text = (v: unknown): string =>
      v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)
    const kept = list.filter((r) => {
      const v = text(r[filterBy])
      if (match === 'partial') return v.includes(value)
      if (regex !== undefined) return regex.test(v)
      return v === value
    })
    if (kept.length === 0) throw new PhpipamError(404, 'No results (filter applied)')
    out = kept
  }
  return call.stringify ? stringifyNumbers(out) : out
}

/** One database round trip of a write: a short random pause (where unlocked calls interleave). */
export function dbRoundTrip(call: PiCall): Promise<void> {
  return roundTrip(Math.random() * call.config.dbLatencyMs)
}

/** The user a valid token belongs to, if any. */
export function userByToken(call: PiCall, token: string): PiUser | undefined {
  for (const u of call.state.users.values()) if (u.token === token) return u
  return undefined
}
