import { Errors } from '../domain/errors.ts'

/** The bytes a tunnel's encapsulation takes from the physical network's MTU. */
const OVERHEAD: Readonly<Record<string, number>> = { vxlan: 50, geneve: 50, gre: 42 }

/** Segmentation ID ranges per network type (ML2's type drivers). */
const SEGMENT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  vlan: [1, 4094],
  vxlan: [1, 2 ** 24 - 1],
  geneve: [1, 2 ** 24 - 1],
  // NOTE: GRE keys are 32-bit, but the column holds a signed 32-bit integer.
  gre: [1, 2 ** 31 - 1],
}

/** The network types this service knows. */
export const NETWORK_TYPES = ['vxlan', 'vlan', 'flat', 'local', 'geneve', 'gre'] as const

/** The largest MTU a network of this type can have on a physical network of `physnetMtu`. */
export function maxMtu(networkType: string, physnetMtu: number): number {
  return physnetMtu - (OVERHEAD[networkType] ?? 0)
}

/**
 * The MTU to store, as ML2 decides it: none or 0 means the maximum; above it is refused.
 * @throws InvalidInput "Requested MTU is too big, maximum is N"
 */
export function resolveMtu(
  requested: number | undefined,
  networkType: string,
  physnetMtu: number,
): number {
  const max = maxMtu(networkType, physnetMtu)
  if (requested === undefined || requested === 0) return max
  if (requested > max) throw Errors.invalidInput(`Requested MTU is too big, maximum is ${max}`)
  return requested
}

/**
 * Checks a provider network's type and segmentation ID as ML2's type drivers do.
 * @throws InvalidInput naming the unsupported type or the allowed range
 */
export function checkProviderSegment(
  networkType: string,
  segmentationId: number | null | undefined,
): void {
  if (!(NETWORK_TYPES as readonly string[]).includes(networkType)) {
    throw Errors.invalidInput(`network_type value '${networkType}' not supported`)
  }
  if (segmentationId === undefined || segmentationId === null) return
  const range = SEGMENT_RANGES[networkType]
  if (range === undefined) {
    throw Errors.invalidInput(`segmentation_id prohibited for ${networkType} provider network`)
  }
  const [min, max] = range
  if (segmentationId < min || segmentationId > max) {
    throw Errors.invalidInput(`segmentation_id out of range (${min} through ${max})`)
  }
}
