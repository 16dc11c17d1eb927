import { hostMask, parseCidrText, toCidr, type Cidr } from '../../src/domain/cidr.ts'
import { bitsOf, formatIp, type IpVersion } from '../../src/domain/ip-address.ts'

/** A PostgreSQL `inet` value: an address with a mask length (host bits may be set). */
export interface Inet {
  readonly version: IpVersion
  readonly value: bigint
  readonly prefixLength: number
}

/**
 * Parses text the way netaddr's `IPNetwork` does for NetBox: `address/len` or a bare address
 * (a host prefix). Returns undefined when malformed.
 */
export function parseInet(text: string): Inet | undefined {
  const parsed = parseCidrText(text.trim())
  if (parsed === undefined) return undefined
  return {
    version: parsed.address.version,
    value: parsed.address.value,
    prefixLength: parsed.prefixLength,
  }
}

/** The text NetBox prints for an address or prefix: `10.0.0.1/24`. */
export function inetText(inet: Inet): string {
  return `${formatIp({ version: inet.version, value: inet.value })}/${inet.prefixLength}`
}

/** The network containing the value (netaddr's `.cidr`). */
export function inetNetwork(inet: Inet): Cidr {
  return toCidr({ version: inet.version, value: inet.value }, inet.prefixLength)
}

/** True when host bits are set (`10.0.0.1/24` is not a prefix). */
export function inetHasHostBits(inet: Inet): boolean {
  return (inet.value & hostMask(inet.version, inet.prefixLength)) !== 0n
}

/**
 * PostgreSQL's `inet` sort order: family, then the network bits both values share, then the
 * mask length, then the whole address. So `10.0.0.5/24` sorts before `10.0.0.1/32`.
 */
export function compareInet(a: Inet, b: Inet): number {
  if (a.version !== b.version) return a.version - b.version
  const bits = BigInt(bitsOf(a.version))
  const common = BigInt(Math.min(a.prefixLength, b.prefixLength))
  const an = a.value >> (bits - common)
  const bn = b.value >> (bits - common)
  if (an !== bn) return an < bn ? -1 : 1
  if (a.prefixLength !== b.prefixLength) return a.prefixLength - b.prefixLength
  if (a.value !== b.value) return a.value < b.value ? -1 : 1
  return 0
}
