import type { FixedIpView } from './resources.ts'

/** One entry of a port's dns_assignment: the name its address has in internal DNS. */
export interface DnsAssignment {
  hostname: string
  ip_address: string
  fqdn: string
}

/** Neutron's default dns_domain: with it, ports keep generated names whatever their dns_name. */
const DEFAULT_DOMAIN = 'openstacklocal.'

/** `[DEFAULT] dns_domain` as Neutron reads it: with a trailing dot; empty is none. */
export function dottedDomain(domain: string): string {
  if (domain === '') return ''
  return domain.endsWith('.') ? domain : `${domain}.`
}

/**
 * A port's dns_assignment as Neutron's dns-integration computes it: per fixed IP, the port's
 * dns_name when a dns_domain other than the default is configured, else `host-<address>`
 * (dots and colons as dashes); the FQDN adds the domain unless the name is one already.
 */
export function dnsAssignment(
  fixedIps: readonly FixedIpView[],
  dnsName: string,
  configuredDomain: string,
): DnsAssignment[] {
  const domain = dottedDomain(configuredDomain)
  const name = domain !== '' && domain !== DEFAULT_DOMAIN ? dnsName : ''
  return fixedIps.map((ip) => {
    if (name !== '') {
      return {
        hostname: name,
        ip_address: ip.ip_address,
        fqdn: name.endsWith('.') ? name : `${name}.${domain}`,
      }
    }
    const hostname = `host-${ip.ip_address.replace(/[.:]/g, '-')}`
    return {
      hostname,
      ip_address: ip.ip_address,
      fqdn: domain === '' ? hostname : `${hostname}.${domain}`,
    }
  })
}
