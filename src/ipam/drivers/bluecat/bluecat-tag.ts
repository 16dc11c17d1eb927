import { formatMac, parseMac } from '../../../domain/mac-address.ts'
import type { ReservationTag } from '../external/external-backend.ts'

/**
 * The user-defined fields our addresses carry (they must be defined for IPv4 addresses in
 * Address Manager). An address is ours when it carries `XloudPortId`.
 */
export const UDF = {
  port: 'XloudPortId',
  project: 'XloudProjectId',
  network: 'XloudNetworkId',
  subnet: 'XloudSubnetId',
  device: 'XloudDeviceId',
  owner: 'XloudDeviceOwner',
} as const

/** The name of a port's addresses (how v2 finds them: UDF filters are not part of its grammar). */
export function addressName(portId: string): string {
  return `port-${portId}`
}

/**
 * A value as a v1 properties string can carry it.
 *
 * NOTE: v1 `properties` are `k=v|` strings that BAM does not escape: a `|` inside a value would
 * cut it, so it becomes `/` (device ids and owners never hold one in practice).
 */
function safe(value: string): string {
  return value.replaceAll('|', '/')
}

/** Our tag as user-defined fields (empty values left out). */
export function tagFields(tag: ReservationTag): Record<string, string> {
  const out: Record<string, string> = {}
  const put = (k: string, v: string) => {
    if (v !== '') out[k] = safe(v)
  }
  put(UDF.port, tag.portId)
  put(UDF.project, tag.projectId)
  put(UDF.network, tag.networkId)
  put(UDF.subnet, tag.subnetId)
  put(UDF.device, tag.deviceId)
  put(UDF.owner, tag.deviceOwner)
  return out
}

/** Our tag read back from user-defined fields (undefined: not ours). */
export function tagOf(udfs: Readonly<Record<string, string>>): Partial<ReservationTag> | undefined {
  const portId = udfs[UDF.port]
  if (portId === undefined || portId === '') return undefined
  return {
    portId,
    projectId: udfs[UDF.project] ?? '',
    networkId: udfs[UDF.network] ?? '',
    subnetId: udfs[UDF.subnet] ?? '',
    deviceId: udfs[UDF.device] ?? '',
    deviceOwner: udfs[UDF.owner] ?? '',
  }
}

/** A MAC as BAM writes it: upper-case octets joined by dashes ('' stays ''). */
export function bamMac(mac: string): string {
  const octets = parseMac(mac)
  return octets === undefined ? '' : formatMac(octets).toUpperCase().replaceAll(':', '-')
}

/** A MAC as BAM printed it, in our form (lower-case, colons); '' when none or unreadable. */
export function ourMac(mac: string): string {
  const octets = parseMac(mac)
  return octets === undefined ? '' : formatMac(octets)
}
