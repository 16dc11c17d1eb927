import { Errors } from '../../domain/errors.ts'
import {
  MAX_ADDRESS_PAIRS,
  type AddressPairInput,
  type DhcpOptInput,
} from '../../services/port-extras.ts'
import {
  InvalidConversion,
  InvalidValue,
  pythonStr,
  toDict,
  toIpAddress,
  toMacAddress,
  toStringValue,
  toSubnetCidr,
} from '../validators.ts'

/** Runs a validator whose refusal Neutron reports as a bare HTTPBadRequest. */
function bare<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof InvalidValue) throw Errors.badRequest(error.message)
    throw error
  }
}

/**
 * allowed_address_pairs as neutron-lib's _validate_allowed_address_pairs checks them, in its
 * order and with its errors; null is an empty list.
 */
export function toAddressPairs(value: unknown): AddressPairInput[] {
  if (value === null) return []
  if (!Array.isArray(value)) throw Errors.badRequest('Allowed address pairs must be a list.')
  if (value.length > MAX_ADDRESS_PAIRS) throw Errors.allowedAddressPairExhausted(MAX_ADDRESS_PAIRS)
  const seen = new Set<string>()
  return value.map((item: unknown) => {
    const pair = toDict(item)
    const mac =
      pair.mac_address === undefined ? undefined : bare(() => toMacAddress(pair.mac_address))
    if (pair.ip_address === undefined) throw Errors.allowedAddressPairsMissingIp()
    const key = `${pythonStr(pair.mac_address ?? null)} ${pythonStr(pair.ip_address)}`
    if (seen.has(key)) {
      throw Errors.duplicateAddressPairInRequest(
        pair.mac_address === undefined ? undefined : pythonStr(pair.mac_address),
        pythonStr(pair.ip_address),
      )
    }
    seen.add(key)
    const extra = Object.keys(pair).filter((k) => k !== 'ip_address' && k !== 'mac_address')
    if (extra.length > 0) throw Errors.badRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`)
    const ip = pair.ip_address
    bare(() => (typeof ip === 'string' && ip.includes('/') ? toSubnetCidr(ip) : toIpAddress(ip)))
    return { ip_address: ip as string, ...(mac === undefined ? {} : { mac_address: mac }) }
  })
}

/** Option names whose value may be empty (neutron-lib's VALID_BLANK_EXTRA_DHCP_OPTS). */
const BLANK_ALLOWED = new Set(['router', 'classless-static-route'])

/**
 * extra_dhcp_opts as neutron-lib's list_of_any_key_specs_or_none checks them; every refusal is
 * InvalidInput. null is "nothing requested".
 */
export function toDhcpOpts(value: unknown): DhcpOptInput[] {
  if (value === null) return []
  if (!Array.isArray(value)) throw new InvalidConversion(`'${pythonStr(value)}' is not a list`)
  return value.map((item: unknown) => {
    const opt = dhcpOpt(item)
    if (opt === undefined) {
      throw new InvalidConversion(`No valid key specs matched for: ${pythonStr(item)}`)
    }
    return opt
  })
}

function dhcpOpt(item: unknown): DhcpOptInput | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined
  const o = item as Record<string, unknown>
  if (Object.keys(o).some((k) => !['opt_name', 'opt_value', 'ip_version'].includes(k))) {
    return undefined
  }
  const name = o.opt_name
  const value = o.opt_value
  if (typeof name !== 'string' || !('opt_value' in o)) return undefined
  if (value !== null && typeof value !== 'string') return undefined
  const blankAllowed = BLANK_ALLOWED.has(name)
  if (!blankAllowed && (name.trim() === '' || name.length > 64)) return undefined
  if (typeof value === 'string' && ((!blankAllowed && value.trim() === '') || value.length > 255))
    return undefined
  const version = ipVersion(o.ip_version)
  if (version !== 4 && version !== 6) return undefined
  try {
    return {
      opt_name: toStringValue(name),
      opt_value: value === null ? null : toStringValue(value),
      ip_version: version,
    }
  } catch {
    return undefined
  }
}

/** ip_version through convert_to_int: 4 or 6 as a number or a string; undefined means 4. */
function ipVersion(v: unknown): number {
  if (v === undefined) return 4
  if (typeof v === 'number') return v
  return typeof v === 'string' && /^\s*[0-9]+\s*$/.test(v) ? Number(v) : Number.NaN
}
