/**
 * IP addresses as exact BigInt values with one canonical text form.
 *
 * NOTE: addresses never pass through JavaScript numbers: an IPv6 address is 128 bits and a
 * count of addresses in a /64 exceeds 2^53.
 */

export type IpVersion = 4 | 6

export interface IpAddress {
  readonly version: IpVersion
  readonly value: bigint
}

export const IPV4_BITS = 32
export const IPV6_BITS = 128
const MAX_V4 = (1n << 32n) - 1n
const MAX_V6 = (1n << 128n) - 1n

export function bitsOf(version: IpVersion): number {
  return version === 4 ? IPV4_BITS : IPV6_BITS
}

export function maxValue(version: IpVersion): bigint {
  return version === 4 ? MAX_V4 : MAX_V6
}

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/
const V4_OCTET_ZEROFILL = /^[0-9]+$/

/**
 * Parses a dotted-quad IPv4 address. With `zerofill`, octets written with leading zeros are read
 * as decimal (`010` is 10), which is what netaddr's ZEROFILL flag does; without it they are
 * rejected. Returns undefined when the text is not an IPv4 address.
 */
export function parseIpv4(text: string, zerofill = false): IpAddress | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    if (!(zerofill ? V4_OCTET_ZEROFILL : V4_OCTET).test(part)) return undefined
    const octet = Number.parseInt(part, 10)
    if (octet > 255) return undefined
    value = (value << 8n) | BigInt(octet)
  }
  return { version: 4, value }
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/

/** Parses an IPv6 address (RFC 4291 text forms, embedded IPv4 tail allowed, no zone id). */
export function parseIpv6(text: string): IpAddress | undefined {
  if (text.length === 0 || text.length > 45 || text.includes('%')) return undefined
  let head = text
  let tail: bigint[] = []
  const lastColon = text.lastIndexOf(':')
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    tail = [v4.value >> 16n, v4.value & 0xffffn]
    head = text.slice(0, lastColon + 1)
    // "::1.2.3.4" leaves "::" and "1::1.2.3.4" leaves "1::": a lone trailing colon is only valid
    // as part of "::".
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1)
  }
  const doubleColons = head.split('::').length - 1
  if (doubleColons > 1) return undefined
  const parseGroups = (s: string): bigint[] | undefined => {
    if (s === '') return []
    const groups: bigint[] = []
    for (const g of s.split(':')) {
      if (!HEXTET.test(g)) return undefined
      groups.push(BigInt(`0x${g}`))
    }
    return groups
  }
  let groups: bigint[]
  if (doubleColons === 1) {
    const [left, right] = head.split('::') as [string, string]
    const l = parseGroups(left)
    const r = parseGroups(right)
    if (l === undefined || r === undefined) return undefined
    const missing = 8 - l.length - r.length - tail.length
    if (missing < 1) return undefined
    groups = [...l, ...new Array<bigint>(missing).fill(0n), ...r, ...tail]
  } else {
    const g = parseGroups(head)
    if (g === undefined) return undefined
    groups = [...g, ...tail]
  }
  if (groups.length !== 8) return undefined
  let value = 0n
  for (const g of groups) value = (value << 16n) | g
  return { version: 6, value }
}

/** Parses either family. Leading-zero IPv4 octets are rejected (see {@link parseIpv4}). */
export function parseIp(text: string): IpAddress | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text)
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.')
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn))
  // NOTE: IPv4-mapped addresses keep their dotted tail, as netaddr and Neutron print them.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIpv4(value & MAX_V4)}`
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  const left = hex.slice(0, bestStart).join(':')
  const right = hex.slice(bestStart + bestLen).join(':')
  return `${left}::${right}`
}

export function formatIp(ip: IpAddress): string {
  return ip.version === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value)
}

/** Canonical text of an address given as text, or undefined when it is not an address. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text)
  return ip === undefined ? undefined : formatIp(ip)
}

/**
 * Fixed-width (32 hex digits) key of an address: sorts in numeric order as text in every
 * database, whatever its collation, so it is the storage form of addresses.
 */
export function ipKey(value: bigint): string {
  return value.toString(16).padStart(32, '0')
}

export function ipFromKey(version: IpVersion, key: string): IpAddress {
  return { version, value: BigInt(`0x${key}`) }
}
