import type { ReservationTag } from '../external/external-backend.ts'

/** NetBox's limit on `description` (prefixes and IP addresses, 3.x and 4.x). */
export const DESCRIPTION_MAX = 200

/** The description of a hold: an address outside the allocation pools, kept from available-ips. */
export const HOLD_DESCRIPTION = 'xloud hold: outside the allocation pools'

/** Every hold's description starts with this (the `description__isw` filter). */
export const HOLD_PREFIX = 'xloud hold'

const PORT_PREFIX = 'xloud port='

/** Tag fields after the port id, most useful first (what does not fit is left out). */
const FIELDS: readonly (readonly [keyof Omit<ReservationTag, 'primary'>, string])[] = [
  ['subnetId', 'subnet'],
  ['macAddress', 'mac'],
  ['deviceId', 'device'],
  ['deviceOwner', 'owner'],
  ['projectId', 'project'],
  ['networkId', 'network'],
]

// NOTE: values are single words; whitespace and `%` in free-text ones (device id) are
// percent-encoded so that the pairs can be read back.
const encode = (value: string): string => value.replace(/[\s%]/g, (c) => encodeURIComponent(c))

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * Our tag as an IP address description, at most 200 characters: `xloud port=<id> [held=1]
 * subnet=<id> mac=<mac> device=… owner=… project=… network=…` (fields that do not fit are
 * left out, the port id never is). `held` marks a hold a port took over (released by turning
 * it back into a hold).
 */
export function describeReservation(tag: ReservationTag, held: boolean): string {
  let text = `${PORT_PREFIX}${encode(tag.portId)}${held ? ' held=1' : ''}`
  for (const [key, name] of FIELDS) {
    const value = tag[key]
    if (value === '') continue
    const part = ` ${name}=${encode(value)}`
    if (text.length + part.length <= DESCRIPTION_MAX) text += part
  }
  return text
}

/** Our tag read back from a description; undefined when the address is not a port's of ours. */
export function readReservation(
  description: string,
): { readonly tag: Partial<ReservationTag>; readonly held: boolean } | undefined {
  if (!description.startsWith(PORT_PREFIX)) return undefined
  const pairs = new Map<string, string>()
  for (const m of description.matchAll(/(\w+)=(\S*)/g)) pairs.set(m[1] ?? '', decode(m[2] ?? ''))
  const portId = pairs.get('port') ?? ''
  if (portId === '') return undefined
  const tag: Record<string, string> = { portId }
  for (const [key, name] of FIELDS) {
    const value = pairs.get(name)
    if (value !== undefined) tag[key] = value
  }
  return { tag: tag, held: pairs.get('held') === '1' }
}

/** Whether a description is one of our holds. */
export function isHold(description: string): boolean {
  return description.startsWith(HOLD_PREFIX)
}

/** The description of a prefix we create for a subnet. */
export function describeSubnet(subnetId: string, name: string): string {
  const text = `xloud subnet ${subnetId}${name === '' ? '' : ` (${name})`}`
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text
}

/** The subnet a prefix was created for by Xloud, read from its description. */
export function subnetOfPrefix(description: string): string | undefined {
  return /^xloud subnet (\S+)/.exec(description)?.[1]
}
