import { formatCidr, hasHostBits, parseCidrText, toCidr, type Cidr } from '../domain/cidr.ts'
import { Errors } from '../domain/errors.ts'
import { formatIp, parseIp, parseIpv4, type IpAddress } from '../domain/ip-address.ts'
import { formatMac, parseMac } from '../domain/mac-address.ts'

/**
 * neutron-lib's attribute validators and converters, with its messages. Each returns the
 * converted value or throws {@link InvalidValue} with the reason Neutron gives; the body parser
 * wraps it as "Invalid input for <attribute>. Reason: <reason>."
 */
export class InvalidValue extends Error {}

/** A converter's refusal: Neutron reports these as InvalidInput, not per attribute. */
export class InvalidConversion extends InvalidValue {}

const fail = (reason: string): never => {
  throw new InvalidValue(reason)
}

/**
 * Python's `str()` of a JSON value, as Neutron's messages print request data: strings bare,
 * `None`/`True`/`False`, and lists and dicts with their items' repr (`{'a': 'b'}`).
 */
export function pythonStr(v: unknown): string {
  if (typeof v === 'string') return v
  return pythonRepr(v)
}

function pythonRepr(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`
  const items = Object.entries(v as Record<string, unknown>)
  return `{${items.map(([k, x]) => `'${k}': ${pythonRepr(x)}`).join(', ')}}`
}

/** Python's `'%s'` of a value, as Neutron's messages quote it. */
export function repr(v: unknown): string {
  return `'${pythonStr(v)}'`
}

/** In Unicode mode, a surrogate pair is one code point: only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u

/** One character written as two UTF-16 units. */
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g

export function toStringValue(value: unknown, maxLength = 255): string {
  if (typeof value !== 'string') return fail(`${repr(value)} is not a valid string`)
  // NOTE: PostgreSQL refuses NUL in text and lone surrogates are not UTF-8: neither may be stored.
  if (value.includes('\u0000')) return fail('NUL characters are not allowed')
  if (LONE_SURROGATE.test(value)) return fail('the text is not valid Unicode (a lone surrogate)')
  // NOTE: counted in characters (code points), as Python does, not UTF-16 units.
  if (value.length > maxLength && value.replace(SURROGATE_PAIR, '_').length > maxLength) {
    return fail(`'${value}' exceeds maximum length of ${maxLength}`)
  }
  return value
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (value === 0 || value === 1) return value === 1
  if (typeof value === 'string') {
    const v = value.toLowerCase()
    if (v === 'true' || v === '1') return true
    if (v === 'false' || v === '0') return false
  }
  throw new InvalidConversion(`${repr(value)} cannot be converted to boolean`)
}

export function toInteger(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value.trim()))
    return Number.parseInt(value, 10)
  throw new InvalidConversion(`${repr(value)} is not an integer`)
}

/** The largest value an integer column holds on every backend (a signed 32-bit INTEGER). */
export const MAX_STORED_INTEGER = 2 ** 31 - 1

/** neutron-lib's validate_non_negative after convert_to_int; `max` is what the column holds. */
export function toNonNegativeInteger(value: unknown, max = MAX_STORED_INTEGER): number {
  const n = toInteger(value)
  if (n < 0) return fail(`${repr(n)} should be non-negative`)
  if (n > max) return fail(`${repr(n)} is too large - must be no larger than '${max}'`)
  return n
}

export function toChoice<const C extends string | number>(
  value: unknown,
  choices: readonly C[],
): C {
  const found = choices.find((c) => c === value)
  if (found === undefined) return fail(`${String(value)} is not in valid_values`)
  return found
}

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/

export function toUuid(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value))
    return fail(`${repr(value)} is not a valid UUID`)
  return value
}

/**
 * An IP address as neutron-lib validates it: IPv4 octets with leading zeros are refused with
 * the decimal form recommended (never read as octal or silently as decimal); IPv6 in any valid
 * text form is accepted and becomes canonical.
 */
export function toIpAddress(value: unknown): IpAddress {
  if (typeof value !== 'string') return fail(`${repr(value)} is not a valid IP address`)
  const ip = parseIp(value)
  if (ip !== undefined) return ip
  if (!value.includes(':')) {
    const lenient = parseIpv4(value, true)
    if (lenient !== undefined) {
      return fail(`'${value}' is not an accepted IP address, '${formatIp(lenient)}' is recommended`)
    }
  }
  return fail(`'${value}' is not a valid IP address`)
}

export function toMacAddress(value: unknown): string {
  const mac = typeof value === 'string' ? parseMac(value) : undefined
  // NOTE: Neutron accepts multicast MACs; only all-zero and broadcast are refused.
  if (mac === undefined || mac.every((o) => o === 0) || mac.every((o) => o === 0xff)) {
    return fail(`${repr(value)} is not a valid MAC address`)
  }
  return formatMac(mac)
}

/**
 * A prefix as neutron-lib's validate_subnet takes it (subnet pool prefixes): IPv4 must be written
 * in its plain form (leading zeros refused, the decimal form recommended); host bits are allowed
 * and cleared.
 */
export function toSubnetCidr(value: unknown): Cidr {
  if (typeof value !== 'string') return fail(`${repr(value)} is not a valid IP subnet`)
  const parsed = parseCidrText(value, true)
  if (parsed === undefined) return fail(`'${value}' is not a valid IP subnet`)
  const cidr = toCidr(parsed.address, parsed.prefixLength)
  const written = `${formatIp(parsed.address)}/${parsed.prefixLength}`
  if (!value.includes('/') || (parsed.address.version === 4 && written !== value)) {
    return fail(
      `'${value}' isn't a recognized IP subnet cidr, '${formatCidr(cidr)}' is recommended`,
    )
  }
  return cidr
}

/**
 * A route destination (neutron-lib's validate_route_cidr): a prefix without host bits; kept as
 * written, as Neutron stores it.
 */
export function toRouteCidr(value: unknown): { text: string; cidr: Cidr } {
  if (typeof value !== 'string') return fail(`${repr(value)} is not a valid CIDR`)
  const parsed = parseCidrText(value.replace(/\/0+(\d)/, '/$1'), true)
  if (parsed === undefined) return fail(`'${value}' is not a valid CIDR`)
  const cidr = toCidr(parsed.address, parsed.prefixLength)
  if (!value.includes('/') || hasHostBits(parsed)) {
    return fail(`'${value}' is not a recognized CIDR, '${formatCidr(cidr)}' is recommended`)
  }
  return { text: value, cidr }
}

export function toList(value: unknown): unknown[] {
  if (!Array.isArray(value)) return fail(`${repr(value)} is not a list`)
  return value
}

export function toDict(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(`${repr(value)} is not a dictionary`)
  return value as Record<string, unknown>
}

export function toStringList(value: unknown): string[] {
  return toList(value).map((v) => toStringValue(v))
}

/** Keys of a dict must be among `allowed` (neutron-lib's _verify_dict_keys). */
export function checkKeys(
  dict: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[],
): void {
  const extra = Object.keys(dict).filter((k) => !allowed.includes(k))
  if (extra.length > 0 || required.some((k) => !(k in dict))) {
    fail(
      `Validation of dictionary's keys failed. Expected keys: ${JSON.stringify(required)} Provided keys: ${JSON.stringify(Object.keys(dict))}`,
    )
  }
}

/** Runs a validator, turning its failure into Neutron's 400 for the attribute. */
export function attribute<T>(name: string, value: unknown, convert: (v: unknown) => T): T {
  try {
    return convert(value)
  } catch (error) {
    if (error instanceof InvalidConversion) throw Errors.invalidInput(error.message)
    if (error instanceof InvalidValue) {
      throw Errors.badRequest(`Invalid input for ${name}. Reason: ${error.message}.`)
    }
    throw error
  }
}

/** neutron-lib's DNS_LABEL_REGEX (names are lower-cased first). */
const DNS_LABEL = /^[a-z0-9-]{1,63}$/

/** The longest FQDN Neutron stores. */
const FQDN_MAX = 255

/**
 * A port's dns_name as Neutron takes it: lower-cased, then a PQDN or an FQDN (trailing dot) of
 * RFC 1123 labels; empty clears it. Messages are neutron-lib's _validate_dns_format's.
 */
export function toDnsName(value: unknown): string {
  // NOTE: the length is checked by FQDN rules below, with their message.
  const name = toStringValue(value, Number.MAX_SAFE_INTEGER).toLowerCase()
  if (name === '') return name
  const problem = dnsNameProblem(name)
  if (problem !== undefined) fail(`'${name}' not a valid PQDN or FQDN. Reason: ${problem}`)
  return name
}

function dnsNameProblem(name: string): string | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name
  // NOTE: the stored name (with its dot) must fit the 255-character column too.
  if (trimmed.length > FQDN_MAX || name.length > FQDN_MAX) {
    return `'${trimmed}' exceeds the ${FQDN_MAX} character FQDN limit`
  }
  const labels = trimmed.split('.')
  for (const label of labels) {
    if (label === '') return 'Encountered an empty component'
    if (label.startsWith('-') || label.endsWith('-')) {
      return `Name '${label}' must not start or end with a hyphen`
    }
    if (!DNS_LABEL.test(label)) {
      return `Name '${label}' must be 1-63 characters long, each of which can only be alphanumeric or a hyphen`
    }
  }
  const tld = labels.at(-1) ?? ''
  if (labels.length > 1 && /^[0-9]+$/.test(tld)) return `TLD '${tld}' must not be all numeric`
  return undefined
}

/**
 * A network's dns_domain as neutron-lib's validate_dns_domain takes it: lower-cased, empty, or
 * an FQDN (trailing dot) leaving room for one more label.
 */
export function toDnsDomain(value: unknown): string {
  const domain = toStringValue(value, Number.MAX_SAFE_INTEGER).toLowerCase()
  if (domain === '') return domain
  if (!domain.endsWith('.')) return fail(`'${domain}' is not a FQDN`)
  const problem = dnsNameProblem(domain)
  if (problem !== undefined) fail(`'${domain}' not a valid PQDN or FQDN. Reason: ${problem}`)
  if (domain.length > FQDN_MAX - 2) {
    return fail(
      `'${domain}' contains ${domain.length} characters. Adding a sub-domain will cause it to exceed the maximum length of a FQDN of '${FQDN_MAX}'`,
    )
  }
  return domain
}
