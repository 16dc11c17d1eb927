import type { ReservationTag } from '../external/external-backend.ts'

/** The description of a hold: an address outside the allocation pools, kept from first-free. */
export const HOLD_DESCRIPTION = 'xloud hold: outside the allocation pools'

const PORT_PREFIX = 'xloud port '

/** Tag fields kept in the address's `note`, as `key=value` pairs. */
const NOTE_FIELDS: readonly (readonly [keyof Omit<ReservationTag, 'primary'>, string])[] = [
  ['subnetId', 'subnet'],
  ['networkId', 'network'],
  ['projectId', 'project'],
  ['deviceId', 'device'],
  ['deviceOwner', 'owner'],
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
 * The description of a port's address: `xloud port <id>` (within the 64 characters of the
 * column), ` held` when the port took over a hold (released by turning it back into one).
 */
export function describeReservation(tag: ReservationTag, held: boolean): string {
  return `${PORT_PREFIX}${tag.portId}${held ? ' held' : ''}`
}

/** The rest of our tag, for the address's `note`: `subnet=<id> network=<id> …`. */
export function noteOf(tag: ReservationTag): string {
  return NOTE_FIELDS.filter(([key]) => tag[key] !== '')
    .map(([key, name]) => `${name}=${encode(tag[key])}`)
    .join(' ')
}

/** Our tag read back from description and note; undefined when not a port's address of ours. */
export function readReservation(
  description: string,
  note: string,
): { readonly tag: Partial<ReservationTag>; readonly held: boolean } | undefined {
  const m = /^xloud port (\S+)( held)?$/.exec(description.trim())
  const portId = m?.[1]
  if (m === null || portId === undefined) return undefined
  const pairs = new Map<string, string>()
  for (const p of note.matchAll(/(\w+)=(\S*)/g)) pairs.set(p[1] ?? '', decode(p[2] ?? ''))
  const tag: Record<string, string> = { portId }
  for (const [key, name] of NOTE_FIELDS) {
    const value = pairs.get(name)
    if (value !== undefined) tag[key] = value
  }
  return { tag, held: m[2] !== undefined }
}

/** Whether a description is one of our holds. */
export function isHold(description: string): boolean {
  return description.startsWith('xloud hold')
}

/** The description of a subnet we create. */
export function describeSubnet(subnetId: string, name: string): string {
  return `xloud subnet ${subnetId}${name === '' ? '' : ` (${name})`}`
}

/** The subnet a phpIPAM subnet was created for by Xloud, read from its description. */
export function subnetOfDescription(description: string): string | undefined {
  return /^xloud subnet (\S+)/.exec(description)?.[1]
}
