import { hasHostBits, parseCidrText, toCidr, type Cidr } from '../../src/domain/cidr.ts'
import { parseIpv4 } from '../../src/domain/ip-address.ts'
import { BamErrors } from './bluecat-errors.ts'

/** An IPv4 address given to the API. @throws InvalidFieldValue */
export function parseV4(text: string | undefined, field: string): bigint {
  const ip = text === undefined ? undefined : parseIpv4(text.trim())
  if (ip === undefined) throw BamErrors.invalidValue(field, text ?? '')
  return ip.value
}

/** An IPv4 CIDR given to the API, host bits clear. @throws InvalidFieldValue */
export function parseV4Cidr(text: string | undefined, field: string): Cidr {
  const parsed = text === undefined ? undefined : parseCidrText(text.trim())
  if (parsed?.address.version !== 4 || !text?.includes('/') || hasHostBits(parsed)) {
    throw BamErrors.invalidValue(field, text ?? '')
  }
  return toCidr(parsed.address, parsed.prefixLength)
}
