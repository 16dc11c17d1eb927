/**
 * The fully qualified DNS name of a port in a zone: a dns_name written as an FQDN (with a
 * trailing dot, which Neutron allows) is taken as it is, without the dot; a plain label (or
 * PQDN) gets the zone appended. An empty zone leaves a relative name as it is.
 */
export function qualifiedName(dnsName: string, zone: string): string {
  if (dnsName.endsWith('.')) return dnsName.slice(0, -1)
  return zone === '' ? dnsName : `${dnsName}.${zone}`
}
