import { randomBytes } from 'node:crypto'

const SEPARATED =
  /^([0-9a-fA-F]{1,2})([:-])([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})\2([0-9a-fA-F]{1,2})$/
const BARE = /^[0-9a-fA-F]{12}$/

/** A MAC address as six octets. */
export type MacOctets = readonly [number, number, number, number, number, number]

/** Parses a MAC in `aa:bb:cc:dd:ee:ff`, `aa-bb-…` or bare 12-digit form. */
export function parseMac(text: string): MacOctets | undefined {
  let hex: string[]
  const m = SEPARATED.exec(text)
  if (m !== null) hex = [m[1], m[3], m[4], m[5], m[6], m[7]] as string[]
  else if (BARE.test(text)) hex = text.match(/../g) ?? []
  else return undefined
  return hex.map((h) => Number.parseInt(h, 16)) as unknown as MacOctets
}

export function formatMac(octets: MacOctets): string {
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(':')
}

/**
 * A random MAC built on `base`: the first three octets (the OUI) and any non-zero octet of the
 * base are kept, the rest are random, as Neutron's `base_mac` option works.
 */
export function randomMac(base: MacOctets): string {
  const random = randomBytes(6)
  const octets = base.map((o, i) =>
    i < 3 || o !== 0 ? o : (random[i] ?? 0),
  ) as unknown as MacOctets
  return formatMac(octets)
}

/** The modified EUI-64 interface identifier of a MAC (RFC 4291 appendix A). */
export function eui64InterfaceId(octets: MacOctets): bigint {
  const bytes = [
    octets[0] ^ 0x02,
    octets[1],
    octets[2],
    0xff,
    0xfe,
    octets[3],
    octets[4],
    octets[5],
  ]
  let value = 0n
  for (const b of bytes) value = (value << 8n) | BigInt(b)
  return value
}

/** The SLAAC address of a MAC in a /64: the prefix with the modified EUI-64 interface id. */
export function eui64Address(network: bigint, octets: MacOctets): bigint {
  return network | eui64InterfaceId(octets)
}
