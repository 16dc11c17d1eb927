import { Errors } from '../domain/errors.ts'

/** An allowed address pair as stored and shown: the MAC defaults to the port's. */
export interface AddressPair {
  ip_address: string
  mac_address: string
}

/** An allowed address pair as requested (validated, MAC normalised). */
export interface AddressPairInput {
  ip_address: string
  mac_address?: string
}

/** An extra DHCP option as stored and shown. */
export interface DhcpOpt {
  opt_name: string
  opt_value: string
  ip_version: 4 | 6
}

/** An extra DHCP option as requested: a null value skips it (create) or removes it (update). */
export interface DhcpOptInput {
  opt_name: string
  opt_value: string | null
  ip_version: 4 | 6
}

/** Neutron's default `max_allowed_address_pair`. */
export const MAX_ADDRESS_PAIRS = 10

/** The pairs to store for a port whose MAC is `portMac`. */
export function addressPairs(
  requested: readonly AddressPairInput[],
  portMac: string,
): AddressPair[] {
  return requested.map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? portMac }))
}

/**
 * Address pairs need port security (they widen what the port's anti-spoofing rules let through).
 * @throws AddressPairAndPortSecurityRequired (409)
 */
export function checkAddressPairSecurity(
  pairs: readonly AddressPair[],
  portSecurityEnabled: boolean,
): void {
  if (pairs.length > 0 && !portSecurityEnabled) throw Errors.addressPairAndPortSecurityRequired()
}

const sameOpt = (a: { opt_name: string; ip_version: number }, b: typeof a): boolean =>
  a.opt_name === b.opt_name && a.ip_version === b.ip_version

/**
 * Neutron's update of extra DHCP options: each requested option replaces the one of the same name
 * and IP version, a null value removes it, others stay; a create is an update of nothing.
 * Options are kept sorted by name, then IP version.
 * @throws NeutronDbObjectDuplicateEntry (409) when one request adds an option twice
 */
export function mergeDhcpOpts(
  portId: string,
  current: readonly DhcpOpt[],
  requested: readonly DhcpOptInput[],
): DhcpOpt[] {
  let result = [...current]
  const added: DhcpOptInput[] = []
  for (const r of requested) {
    if (current.some((c) => sameOpt(c, r))) {
      result = result.filter((c) => !sameOpt(c, r))
      if (r.opt_value !== null) result.push({ ...r, opt_value: r.opt_value })
    } else if (r.opt_value !== null) {
      if (added.some((a) => sameOpt(a, r)))
        throw Errors.duplicateExtraDhcpOpt(portId, r.opt_name, r.ip_version)
      added.push(r)
      result.push({ ...r, opt_value: r.opt_value })
    }
  }
  return result.sort((a, b) =>
    a.opt_name === b.opt_name ? a.ip_version - b.ip_version : a.opt_name < b.opt_name ? -1 : 1,
  )
}
