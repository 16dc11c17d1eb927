import type { DnsAssignment } from './dns-assignment.ts'
import type { AddressPair, DhcpOpt } from './port-extras.ts'
/**
 * Resources as the Neutron v2.0 API shows them (Neutron's own plugin layer returns these
 * dictionaries too). Big integers (address counts) are BigInt and serialised exactly.
 */

export interface StandardAttrs {
  id: string
  name: string
  tenant_id: string
  project_id: string
  description: string
  tags: string[]
  created_at: string
  updated_at: string
  revision_number: number
}

export interface NetworkView extends StandardAttrs {
  admin_state_up: boolean
  mtu: number
  status: string
  subnets: string[]
  shared: boolean
  availability_zone_hints: string[]
  availability_zones: string[]
  ipv4_address_scope: string | null
  ipv6_address_scope: string | null
  'router:external': boolean
  port_security_enabled: boolean
  'provider:network_type': string
  'provider:physical_network': string | null
  'provider:segmentation_id': number | null
  dns_domain: string
}

export interface AllocationPoolView {
  start: string
  end: string
}

export interface HostRouteView {
  destination: string
  nexthop: string
}

export interface SubnetView extends StandardAttrs {
  network_id: string
  ip_version: number
  subnetpool_id: string | null
  enable_dhcp: boolean
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  gateway_ip: string | null
  cidr: string
  allocation_pools: AllocationPoolView[]
  host_routes: HostRouteView[]
  dns_nameservers: string[]
  service_types: string[]
}

export interface SubnetPoolView extends StandardAttrs {
  /** Neutron returns the prefix lengths as strings. */
  default_prefixlen: string
  min_prefixlen: string
  max_prefixlen: string
  is_default: boolean
  shared: boolean
  prefixes: string[]
  ip_version: number
  default_quota: number | null
  address_scope_id: string | null
}

export interface FixedIpView {
  subnet_id: string
  ip_address: string
}

export interface PortView extends StandardAttrs {
  network_id: string
  mac_address: string
  admin_state_up: boolean
  status: string
  device_id: string
  device_owner: string
  fixed_ips: FixedIpView[]
  allowed_address_pairs: AddressPair[]
  extra_dhcp_opts: DhcpOpt[]
  security_groups: string[]
  port_security_enabled: boolean
  dns_name: string
  'binding:vnic_type': string
  'binding:profile': Record<string, unknown>
  'binding:host_id': string
  'binding:vif_type': string
  'binding:vif_details': Record<string, unknown>
  dns_assignment: DnsAssignment[]
}

export interface SubnetAvailabilityView {
  subnet_id: string
  ip_version: number
  cidr: string
  subnet_name: string
  used_ips: bigint
  total_ips: bigint
}

export interface NetworkAvailabilityView {
  network_id: string
  network_name: string
  tenant_id: string
  project_id: string
  subnet_ip_availability: SubnetAvailabilityView[]
  used_ips: bigint
  total_ips: bigint
}

/** Any resource view, as a plain record for field selection. */
export type ResourceView =
  NetworkView | SubnetView | SubnetPoolView | PortView | NetworkAvailabilityView
