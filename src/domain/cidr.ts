import {
  bitsOf,
  formatIp,
  maxValue,
  parseIp,
  parseIpv4,
  type IpAddress,
  type IpVersion,
} from './ip-address.ts'

/** A network prefix: the network address (host bits clear) and its length. */
export interface Cidr {
  readonly version: IpVersion
  readonly network: bigint
  readonly prefixLength: number
}

/** A parsed CIDR text: the address as written (host bits may be set) and the prefix length. */
export interface CidrText {
  readonly address: IpAddress
  readonly prefixLength: number
}

/**
 * Parses `address/len` (or a bare address, as a host prefix). Returns undefined when malformed.
 * Host bits may be set: see {@link toCidr}. IPv4 octets with leading zeros are read as decimal
 * when `zerofill` is set (netaddr's IPNetwork does this for subnet CIDRs).
 */
export function parseCidrText(text: string, zerofill = false): CidrText | undefined {
  const slash = text.indexOf('/')
  const addrText = slash < 0 ? text : text.slice(0, slash)
  const address = addrText.includes(':')
    ? parseIp(addrText)
    : zerofill
      ? parseIpv4(addrText, true)
      : parseIp(addrText)
  if (address === undefined) return undefined
  const bits = bitsOf(address.version)
  if (slash < 0) return { address, prefixLength: bits }
  const lenText = text.slice(slash + 1)
  if (!/^[0-9]{1,3}$/.test(lenText)) return undefined
  const prefixLength = Number.parseInt(lenText, 10)
  if (prefixLength > bits) return undefined
  return { address, prefixLength }
}

export function hostMask(version: IpVersion, prefixLength: number): bigint {
  return (1n << BigInt(bitsOf(version) - prefixLength)) - 1n
}

/** The prefix containing the address: host bits cleared. */
export function toCidr(address: IpAddress, prefixLength: number): Cidr {
  const mask = hostMask(address.version, prefixLength)
  return {
    version: address.version,
    network: address.value & ~mask & maxValue(address.version),
    prefixLength,
  }
}

/** Parses and normalises a CIDR (host bits cleared). */
export function parseCidr(text: string): Cidr | undefined {
  const parsed = parseCidrText(text)
  return parsed === undefined ? undefined : toCidr(parsed.address, parsed.prefixLength)
}

export function hasHostBits(parsed: CidrText): boolean {
  return (parsed.address.value & hostMask(parsed.address.version, parsed.prefixLength)) !== 0n
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: cidr.network })}/${cidr.prefixLength}`
}

export function firstAddress(cidr: Cidr): bigint {
  return cidr.network
}

export function lastAddress(cidr: Cidr): bigint {
  return cidr.network | hostMask(cidr.version, cidr.prefixLength)
}

/** Number of addresses in the prefix, exact. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt(bitsOf(cidr.version) - cidr.prefixLength)
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return (
    address.version === cidr.version &&
    address.value >= firstAddress(cidr) &&
    address.value <= lastAddress(cidr)
  )
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return (
    a.version === b.version &&
    firstAddress(a) <= lastAddress(b) &&
    firstAddress(b) <= lastAddress(a)
  )
}

/** True when `inner` lies entirely within `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.version === outer.version &&
    inner.prefixLength >= outer.prefixLength &&
    firstAddress(inner) >= firstAddress(outer) &&
    lastAddress(inner) <= lastAddress(outer)
  )
}
