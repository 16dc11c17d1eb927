/** An IP address as an exact integer. */
export interface IpAddress {
  readonly version: 4 | 6
  readonly value: bigint
}

/** A network in CIDR notation, as exact integers. */
export interface Cidr {
  readonly version: 4 | 6
  /** The address as written (host bits may be set). */
  readonly address: bigint
  readonly prefixLength: number
  /** First and last address of the network. */
  readonly first: bigint
  readonly last: bigint
}

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const p of parts) {
    if (!IPV4_PART.test(p)) return undefined
    const n = Number.parseInt(p, 10)
    if (n > 255) return undefined
    value = (value << 8n) | BigInt(n)
  }
  return value
}

function parseIpv6(text: string): bigint | undefined {
  let head = text
  let tailV4: bigint | undefined
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1))
    if (tailV4 === undefined) return undefined
    head = `${text.slice(0, lastColon + 1)}0:0`
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groupsOf = (s: string): string[] | undefined => {
    if (s === '') return []
    const g = s.split(':')
    return g.every((x) => HEX_GROUP.test(x)) ? g : undefined
  }
  const left = groupsOf(halves[0] ?? '')
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : []
  if (left === undefined || right === undefined) return undefined
  const count = left.length + right.length
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined
  const groups = [...left, ...Array<string>(8 - count).fill('0'), ...right]
  let value = 0n
  for (const g of groups) value = (value << 16n) | BigInt(Number.parseInt(g, 16))
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4
  return value
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim()
  if (t.includes(':')) {
    const value = parseIpv6(t)
    return value === undefined ? undefined : { version: 6, value }
  }
  const value = parseIpv4(t)
  return value === undefined ? undefined : { version: 4, value }
}

/** The number of bits of an address of this version. */
export function addressBits(version: 4 | 6): number {
  return version === 4 ? 32 : 128
}

/** Writes an address in its canonical form (RFC 5952 for IPv6). */
export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.')
  }
  const groups: number[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn))
  // The longest run (of two or more) of zero groups becomes "::".
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j += 1
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

/** Parses "address/prefix"; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim()
  const slash = t.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp(t.slice(0, slash))
  const prefixText = t.slice(slash + 1)
  if (ip === undefined || !/^[0-9]{1,3}$/.test(prefixText)) return undefined
  const prefixLength = Number.parseInt(prefixText, 10)
  const bits = addressBits(ip.version)
  if (prefixLength > bits) return undefined
  const hostBits = BigInt(bits - prefixLength)
  const hostMask = (1n << hostBits) - 1n
  const first = ip.value & ~hostMask
  return { version: ip.version, address: ip.value, prefixLength, first, last: first | hostMask }
}

/** Writes a network as "first/prefix". */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.version, cidr.first)}/${cidr.prefixLength}`
}

/** True when the address is inside the network. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return ip.version === cidr.version && ip.value >= cidr.first && ip.value <= cidr.last
}
