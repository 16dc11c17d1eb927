import type { JsonValue } from './json-bigint.ts'

/** `GET /v2.0/auth/whoami`: who the token belongs to. */
export interface Whoami {
  readonly project_id: string
  readonly user_id: string
  readonly roles: readonly string[]
  readonly is_admin: boolean
}

/** A Neutron network (the attributes the dashboard uses). */
export interface Network {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly project_id: string
  readonly status: string
  readonly admin_state_up: boolean
  readonly shared: boolean
  readonly mtu: number
  readonly subnets: readonly string[]
  readonly created_at: string
  readonly 'router:external': boolean
}

/** An allocation pool of a subnet. */
export interface AllocationPool {
  readonly start: string
  readonly end: string
}

/** A Neutron subnet. */
export interface Subnet {
  readonly id: string
  readonly name: string
  readonly network_id: string
  readonly project_id: string
  readonly ip_version: number
  readonly cidr: string
  readonly gateway_ip: string | null
  readonly allocation_pools: readonly AllocationPool[]
  readonly enable_dhcp: boolean
  readonly ipv6_ra_mode: string | null
  readonly ipv6_address_mode: string | null
  readonly subnetpool_id: string | null
  readonly dns_nameservers: readonly string[]
  readonly created_at: string
}

/** A subnet pool (for "subnet from a pool"). */
export interface SubnetPool {
  readonly id: string
  readonly name: string
  readonly ip_version: number
  readonly prefixes: readonly string[]
  /** NOTE: Neutron writes these as strings ("26"). */
  readonly min_prefixlen: number | string
  readonly max_prefixlen: number | string
  readonly default_prefixlen: number | string
  readonly shared: boolean
}

/** One address of a port. */
export interface FixedIp {
  readonly subnet_id: string
  readonly ip_address: string
}

/** A Neutron port. */
export interface Port {
  readonly id: string
  readonly name: string
  readonly network_id: string
  readonly project_id: string
  readonly mac_address: string
  readonly fixed_ips: readonly FixedIp[]
  readonly dns_name: string
  readonly device_id: string
  readonly device_owner: string
  readonly status: string
  readonly admin_state_up: boolean
  readonly created_at: string
  readonly description: string
}

/**
 * Availability of one subnet. The counts are exact: a number when small, a BigInt beyond
 * 2^53 (an IPv6 /64 holds 18446744073709551615 addresses).
 */
export interface SubnetAvailability {
  readonly subnet_id: string
  readonly subnet_name: string
  readonly cidr: string
  readonly ip_version: number
  readonly used_ips: JsonValue
  readonly total_ips: JsonValue
}

/** `network-ip-availabilities`: one network's totals and its subnets'. */
export interface NetworkAvailability {
  readonly network_id: string
  readonly network_name: string
  readonly project_id: string
  readonly used_ips: JsonValue
  readonly total_ips: JsonValue
  readonly subnet_ip_availability: readonly SubnetAvailability[]
}

/** A `<collection>_links` entry of a paginated list. */
export interface PageLink {
  readonly rel: string
  readonly href: string
}
