import type { ReservationTag } from '../external/external-backend.ts'

/**
 * Our tag in an IP node's `Comments` (IPAM custom properties cannot be written through SWIS,
 * OrionSDK#373): `xloud port=<id> subnet=<id> network=<id> project=<id> device=… owner=… dns=…`,
 * values percent-encoded so that they hold no space, empty ones left out.
 */
const PREFIX = 'xloud'

const KEYS = {
  port: 'portId',
  subnet: 'subnetId',
  network: 'networkId',
  project: 'projectId',
  device: 'deviceId',
  owner: 'deviceOwner',
  dns: 'dnsName',
} as const satisfies Record<string, keyof ReservationTag>

/** The Comments text of a reservation. */
export function tagComment(tag: ReservationTag): string {
  const parts = [PREFIX]
  for (const [key, field] of Object.entries(KEYS)) {
    const value = tag[field]
    // NOTE: port and subnet always come first and always appear: findByPort matches a prefix.
    if (value !== '' || key === 'port' || key === 'subnet')
      parts.push(`${key}=${encodeURIComponent(value)}`)
  }
  return parts.join(' ')
}

/**
 * The SWQL LIKE pattern of every Comments text a port's reservations carry.
 *
 * NOTE: a `%` or `_` of an encoded id would only widen the match; callers check the parsed tag.
 */
export function portPattern(portId: string): string {
  return `${PREFIX} port=${encodeURIComponent(portId)} %`
}

/** Our tag read back from Comments (undefined: not ours). */
export function tagOfComment(
  comments: string | null | undefined,
): Partial<ReservationTag> | undefined {
  if (typeof comments !== 'string') return undefined
  const [head, ...parts] = comments.trim().split(/\s+/)
  if (head !== PREFIX) return undefined
  const out: Record<string, string> = {}
  for (const part of parts) {
    const eq = part.indexOf('=')
    const field = KEYS[part.slice(0, eq) as keyof typeof KEYS] as string | undefined
    if (eq <= 0 || field === undefined) continue
    try {
      out[field] = decodeURIComponent(part.slice(eq + 1))
    } catch {
      return undefined
    }
  }
  if (out.portId === undefined || out.portId === '') return undefined
  return out
}
