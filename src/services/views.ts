import type { Selectable } from 'kysely'
import { Errors } from '../domain/errors.ts'
import { dnsAssignment } from './dns-assignment.ts'
import type { AddressPair, DhcpOpt } from './port-extras.ts'
import type { NetworkTable, PortTable, SubnetPoolTable, SubnetTable } from '../db/schema.ts'
import type {
  AllocationPoolView,
  FixedIpView,
  HostRouteView,
  NetworkView,
  PortView,
  SubnetPoolView,
  SubnetView,
} from './resources.ts'

export type NetworkRow = Selectable<NetworkTable>
export type SubnetRow = Selectable<SubnetTable>
export type SubnetPoolRow = Selectable<SubnetPoolTable>
export type PortRow = Selectable<PortTable>

/** Parses a JSON column written by us (always valid JSON of the given shape). */
export function jsonColumn<T>(text: string): T {
  return JSON.parse(text) as T
}

/** Neutron's timestamp form: seconds precision, `Z`. */
/** The most a TEXT column holds on MariaDB (the smallest of the three backends). */
const MAX_STORED_BYTES = 65_535

/**
 * A value as the JSON text stored in a TEXT column.
 * @throws HTTPBadRequest naming `attribute` when it would not fit on every backend
 */
export function storedJson(attribute: string, value: unknown): string {
  const text = JSON.stringify(value)
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_STORED_BYTES) throw Errors.valueTooLarge(attribute, bytes, MAX_STORED_BYTES)
  return text
}

export function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`
}

export function networkView(row: NetworkRow, subnetIds: string[]): NetworkView {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    admin_state_up: row.admin_state_up === 1,
    mtu: row.mtu,
    status: row.status,
    subnets: subnetIds,
    shared: row.shared === 1,
    availability_zone_hints: jsonColumn<string[]>(row.availability_zone_hints),
    availability_zones: [],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': row.router_external === 1,
    description: row.description,
    port_security_enabled: row.port_security_enabled === 1,
    tags: jsonColumn<string[]>(row.tags),
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
    project_id: row.project_id,
    'provider:network_type': row.provider_network_type,
    'provider:physical_network': row.provider_physical_network,
    'provider:segmentation_id': row.provider_segmentation_id,
    dns_domain: row.dns_domain ?? '',
  }
}

export function subnetView(row: SubnetRow): SubnetView {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    network_id: row.network_id,
    ip_version: row.ip_version,
    subnetpool_id: row.subnetpool_id,
    enable_dhcp: row.enable_dhcp === 1,
    ipv6_ra_mode: row.ipv6_ra_mode,
    ipv6_address_mode: row.ipv6_address_mode,
    gateway_ip: row.gateway_ip,
    cidr: row.cidr,
    allocation_pools: jsonColumn<AllocationPoolView[]>(row.allocation_pools),
    host_routes: jsonColumn<HostRouteView[]>(row.host_routes),
    dns_nameservers: jsonColumn<string[]>(row.dns_nameservers),
    description: row.description,
    service_types: jsonColumn<string[]>(row.service_types),
    tags: jsonColumn<string[]>(row.tags),
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
    project_id: row.project_id,
  }
}

export function subnetPoolView(row: SubnetPoolRow): SubnetPoolView {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    default_prefixlen: String(row.default_prefixlen),
    min_prefixlen: String(row.min_prefixlen),
    max_prefixlen: String(row.max_prefixlen),
    is_default: row.is_default === 1,
    shared: row.shared === 1,
    prefixes: jsonColumn<string[]>(row.prefixes),
    ip_version: row.ip_version,
    default_quota: row.default_quota,
    address_scope_id: row.address_scope_id,
    description: row.description,
    tags: jsonColumn<string[]>(row.tags),
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
    project_id: row.project_id,
  }
}

/** A port's allowed address pairs as stored (null: none). */
export function storedAddressPairs(row: PortRow): AddressPair[] {
  return row.allowed_address_pairs === null
    ? []
    : jsonColumn<AddressPair[]>(row.allowed_address_pairs)
}

/** A port's extra DHCP options as stored (null: none). */
export function storedDhcpOpts(row: PortRow): DhcpOpt[] {
  return row.extra_dhcp_opts === null ? [] : jsonColumn<DhcpOpt[]>(row.extra_dhcp_opts)
}

/**
 * A port as the API shows it; `dnsDomain` is `[DEFAULT] dns_domain` (see dnsAssignment).
 */
export function portView(row: PortRow, fixedIps: FixedIpView[], dnsDomain: string): PortView {
  return {
    id: row.id,
    name: row.name,
    network_id: row.network_id,
    tenant_id: row.project_id,
    mac_address: row.mac_address,
    admin_state_up: row.admin_state_up === 1,
    status: row.status,
    device_id: row.device_id,
    device_owner: row.device_owner,
    fixed_ips: fixedIps,
    project_id: row.project_id,
    port_security_enabled: row.port_security_enabled === 1,
    security_groups: [],
    dns_name: row.dns_name,
    dns_assignment: dnsAssignment(fixedIps, row.dns_name, dnsDomain),
    'binding:vnic_type': row.binding_vnic_type,
    'binding:profile': jsonColumn<Record<string, unknown>>(row.binding_profile),
    'binding:host_id': row.binding_host_id,
    'binding:vif_type': 'unbound',
    'binding:vif_details': {},
    allowed_address_pairs: storedAddressPairs(row),
    extra_dhcp_opts: storedDhcpOpts(row),
    description: row.description,
    tags: jsonColumn<string[]>(row.tags),
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  }
}
