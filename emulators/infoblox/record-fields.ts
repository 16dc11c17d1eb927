/**
 * Small shared helpers over stored records: the default view name, host address entries, and
 * address comparison.
 */
import { parseIp, type IpAddress, type IpVersion } from '../../src/domain/ip-address.ts'
import { isJsonObject, type JsonObject } from './wapi-json.ts'
import type { WapiRecord } from './wapi-store.ts'

/** The network view and DNS view every grid starts with. */
export const DEFAULT_VIEW = 'default'

/** The address entries (`ipv4addrs` or `ipv6addrs`) of a host record, as stored. */
export function hostEntries(host: WapiRecord, version: IpVersion): JsonObject[] {
  const list = host.fields[version === 4 ? 'ipv4addrs' : 'ipv6addrs']
  return Array.isArray(list) ? list.filter(isJsonObject) : []
}

/** True when an address text names the same address. */
export function sameIp(textValue: string | undefined, ip: IpAddress | undefined): boolean {
  if (textValue === undefined || ip === undefined) return false
  const other = parseIp(textValue)
  return other !== undefined && other.version === ip.version && other.value === ip.value
}
