/**
 * Table types for Kysely. Columns are portable across SQLite, PostgreSQL and MariaDB:
 * booleans are 0/1 integers, timestamps ISO-8601 text, lists JSON text, and addresses the
 * 32-hex-digit keys of `ipKey()` so every database orders them numerically.
 */

export interface StandardColumns {
  id: string
  project_id: string
  name: string
  description: string
  created_at: string
  updated_at: string
  revision_number: number
  /** JSON array of strings. */
  tags: string
}

export interface NetworkTable extends StandardColumns {
  admin_state_up: number
  status: string
  shared: number
  mtu: number
  port_security_enabled: number
  router_external: number
  provider_network_type: string
  provider_physical_network: string | null
  provider_segmentation_id: number | null
  /** JSON array of strings. */
  availability_zone_hints: string
  /** Neutron's dns-integration; null is ''. */
  dns_domain: string | null
}

export interface SubnetTable extends StandardColumns {
  network_id: string
  ip_version: number
  cidr: string
  /** ipKey of the first and last address of the CIDR: overlap checks in SQL. */
  cidr_first: string
  cidr_last: string
  gateway_ip: string | null
  enable_dhcp: number
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  subnetpool_id: string | null
  /** JSON array of {start, end}, in the order they were given. */
  allocation_pools: string
  dns_nameservers: string
  host_routes: string
  service_types: string
}

export interface SubnetPoolTable extends StandardColumns {
  ip_version: number
  /** JSON array of CIDR strings, merged and sorted. */
  prefixes: string
  default_prefixlen: number
  min_prefixlen: number
  max_prefixlen: number
  shared: number
  is_default: number
  default_quota: number | null
  address_scope_id: string | null
}

export interface PortTable extends StandardColumns {
  network_id: string
  mac_address: string
  admin_state_up: number
  status: string
  device_id: string
  device_owner: string
  port_security_enabled: number
  binding_host_id: string
  binding_vnic_type: string
  binding_profile: string
  dns_name: string
  /** JSON list of {ip_address, mac_address}; null is an empty list. */
  allowed_address_pairs: string | null
  /** JSON list of {opt_name, opt_value, ip_version}, sorted; null is an empty list. */
  extra_dhcp_opts: string | null
}

/** One row per address held by a port: the source of truth, unique per (subnet, address). */
export interface IpAllocationTable {
  subnet_id: string
  address_key: string
  ip_address: string
  port_id: string
  network_id: string
  /** The reservation's reference in an external IPAM (null for the internal driver). */
  external_ref: string | null
}

/**
 * Free space of the internal driver: inclusive ranges of free addresses inside the allocation
 * pools. An accelerator rebuilt from the pools and allocation rows when found wrong.
 */
export interface IpamFreeRangeTable {
  subnet_id: string
  start_key: string
  end_key: string
}

/** Allocation counts, split over a few rows so that concurrent writers rarely share one. */
export interface IpamCounterTable {
  subnet_id: string
  shard: number
  used: number | string | bigint
}

/** Subnets as an external IPAM knows them: its object, and whether we created it. */
export interface IpamExternalSubnetTable {
  subnet_id: string
  driver: string
  external_ref: string
  created_by_us: number
  /** JSON: vendor details (view, container, range bounds). */
  detail: string
  created_at: string
}

/**
 * Intents written before each external call, closed when the outcome is committed. After a
 * crash, open entries say what to look up (by tag) and undo or finish.
 */
export interface IpamJournalTable {
  id: string
  driver: string
  operation: 'allocate' | 'release' | 'subnet'
  state: 'open' | 'done' | 'undone'
  port_id: string | null
  subnet_id: string
  ip_address: string | null
  external_ref: string | null
  /** JSON ReservationTag. */
  tag: string
  created_at: string
  updated_at: string
  /** The API process that opened the intent (see ipam_instances). */
  instance_id: string | null
}

/** A live API process: its heartbeat tells the others it is not dead. */
export interface IpamInstanceTable {
  instance_id: string
  host: string
  pid: number
  started_at: string
  last_seen: string
}

/** Releases owed to an external IPAM, retried with backoff by any node until done. */
export interface IpamReleaseQueueTable {
  id: string
  driver: string
  kind: 'address' | 'subnet'
  port_id: string | null
  subnet_id: string
  ip_address: string | null
  external_ref: string | null
  attempts: number
  next_attempt_at: string
  last_error: string | null
  created_at: string
  /** The process working on it (its lease ends early if that process dies). */
  claimed_by: string | null
}

export interface IpamAuditTable {
  /** Time-ordered: ISO time + random suffix, so ids sort as events happened. */
  id: string
  at: string
  driver: string
  action: string
  outcome: string
  project_id: string | null
  user_id: string | null
  port_id: string | null
  subnet_id: string | null
  network_id: string | null
  ip_address: string | null
  detail: string
}

export interface IpamReconcileReportTable {
  id: string
  driver: string
  started_at: string
  /** JSON ReconcileReport. */
  report: string
}

export interface Database {
  networks: NetworkTable
  subnets: SubnetTable
  subnetpools: SubnetPoolTable
  ports: PortTable
  ip_allocations: IpAllocationTable
  ipam_free_ranges: IpamFreeRangeTable
  ipam_counters: IpamCounterTable
  ipam_external_subnets: IpamExternalSubnetTable
  ipam_journal: IpamJournalTable
  ipam_release_queue: IpamReleaseQueueTable
  ipam_audit: IpamAuditTable
  ipam_reconcile_reports: IpamReconcileReportTable
  ipam_instances: IpamInstanceTable
}
