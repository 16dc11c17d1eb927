/**
 * The WAPI object types the emulator serves: their fields (kind, searchability, writability),
 * the fields returned by default, and the reference prefix. Behaviour (rules, derived values)
 * lives in the state; this is the data the generic search / projection code works from.
 */

/** How a field's values are compared and validated. */
export type FieldKind = 'string' | 'bool' | 'int' | 'ip' | 'cidr' | 'mac' | 'json'

/** One field of an object type. */
export interface FieldDef {
  readonly kind: FieldKind
  /**
   * Search modifiers accepted, '' when the field cannot be searched: '=' exact, '!' negation,
   * ':' case-insensitive, '~' regular expression, '<' and '>' bounds.
   */
  readonly search: string
  /** 'create': settable when creating only; 'always': also by PUT; undefined: read-only. */
  readonly write?: 'create' | 'always'
  /** Only usable in searches, never returned (e.g. `contains_address`). */
  readonly searchOnly?: boolean
}

/** One object type. */
export interface TypeDef {
  readonly name: string
  /** First part of the reference's id (`dns.network$…`), as NIOS encodes it. */
  readonly prefix: string
  readonly fields: Readonly<Record<string, FieldDef>>
  /** Fields returned when `_return_fields` is not given. */
  readonly defaults: readonly string[]
  /** Objects of the type carry extensible attributes (`extattrs`, `*EA=` searches). */
  readonly extattrs: boolean
  /** Objects can be created by POST (false for computed types such as `ipv4address`). */
  readonly creatable: boolean
}

const STRING_SEARCH = '=!:~'
const IP_SEARCH = '=!<>~'

function field(
  kind: FieldKind,
  search = '',
  write?: 'create' | 'always',
  searchOnly = false,
): FieldDef {
  const def: FieldDef = { kind, search, ...(searchOnly ? { searchOnly } : {}) }
  return write === undefined ? def : { ...def, write }
}

/** Opaque fields we store and return as given (DHCP options, members, flags…). */
function opaque(names: readonly string[]): Record<string, FieldDef> {
  return Object.fromEntries(names.map((n) => [n, field('json', '', 'always')]))
}

const COMMENT = field('string', STRING_SEARCH, 'always')
const EXTATTRS = field('json', '', 'always')
const NETWORK_VIEW_CREATE = field('string', '=', 'create')

const NETWORK_FIELDS: Record<string, FieldDef> = {
  network: field('cidr', '=!~', 'create'),
  network_view: NETWORK_VIEW_CREATE,
  network_container: field('string', '='),
  comment: COMMENT,
  extattrs: EXTATTRS,
  ipv4addr: field('ip', IP_SEARCH),
  netmask: field('int', '=<>'),
  unmanaged: field('bool', '=', 'always'),
  ...opaque([
    'options',
    'use_options',
    'members',
    'disable',
    'auto_create_reversezone',
    'zone_associations',
    'enable_ddns',
    'use_enable_ddns',
    'ddns_domainname',
    'use_ddns_domainname',
    'ddns_generate_hostname',
    'enable_dhcp_thresholds',
    'email_list',
    'lease_scavenge_time',
    'recycle_leases',
    'update_dns_on_lease_renewal',
    'cloud_info',
  ]),
}

const CONTAINER_FIELDS: Record<string, FieldDef> = {
  network: field('cidr', '=!~', 'create'),
  network_view: NETWORK_VIEW_CREATE,
  network_container: field('string', '='),
  comment: COMMENT,
  extattrs: EXTATTRS,
  ipv4addr: field('ip', IP_SEARCH),
  netmask: field('int', '=<>'),
  unmanaged: field('bool', '=', 'always'),
  ...opaque([
    'options',
    'use_options',
    'auto_create_reversezone',
    'zone_associations',
    'enable_ddns',
    'ddns_domainname',
    'cloud_info',
  ]),
}

const V6_NETWORK_FIELDS: Record<string, FieldDef> = {
  network: field('cidr', '=!~', 'create'),
  network_view: NETWORK_VIEW_CREATE,
  network_container: field('string', '='),
  comment: COMMENT,
  extattrs: EXTATTRS,
  ...opaque(['options', 'use_options', 'members', 'disable', 'zone_associations', 'cloud_info']),
}

const TYPES: readonly TypeDef[] = [
  {
    name: 'networkview',
    prefix: 'dns.network_view',
    fields: {
      name: field('string', STRING_SEARCH, 'always'),
      comment: COMMENT,
      is_default: field('bool', '='),
      associated_dns_views: field('json'),
      extattrs: EXTATTRS,
    },
    defaults: ['comment', 'is_default', 'name'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'view',
    prefix: 'dns.view',
    fields: {
      name: field('string', STRING_SEARCH, 'always'),
      network_view: field('string', '=', 'create'),
      comment: COMMENT,
      is_default: field('bool', '='),
      extattrs: EXTATTRS,
    },
    defaults: ['comment', 'is_default', 'name'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'networkcontainer',
    prefix: 'dns.network_container',
    fields: CONTAINER_FIELDS,
    defaults: ['comment', 'network', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'network',
    prefix: 'dns.network',
    fields: {
      ...NETWORK_FIELDS,
      contains_address: field('ip', '=', undefined, true),
      template: field('string', '', 'create'),
    },
    defaults: ['comment', 'network', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'ipv6networkcontainer',
    prefix: 'dns.network_container',
    fields: V6_NETWORK_FIELDS,
    defaults: ['comment', 'network', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'ipv6network',
    prefix: 'dns.network',
    fields: { ...V6_NETWORK_FIELDS, contains_address: field('ip', '=', undefined, true) },
    defaults: ['comment', 'network', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'range',
    prefix: 'dns.dhcp_range',
    fields: {
      start_addr: field('ip', IP_SEARCH, 'always'),
      end_addr: field('ip', IP_SEARCH, 'always'),
      network: field('cidr', '=~', 'create'),
      network_view: NETWORK_VIEW_CREATE,
      name: field('string', STRING_SEARCH, 'always'),
      comment: COMMENT,
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque([
        'member',
        'server_association_type',
        'options',
        'use_options',
        'exclude',
        'failover_association',
        'always_update_dns',
        'cloud_info',
      ]),
    },
    defaults: ['comment', 'end_addr', 'network', 'network_view', 'start_addr'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'fixedaddress',
    prefix: 'dns.fixed_address',
    fields: {
      ipv4addr: field('ip', IP_SEARCH, 'always'),
      mac: field('mac', '=!~', 'always'),
      network: field('cidr', '=~', 'create'),
      network_view: NETWORK_VIEW_CREATE,
      name: field('string', STRING_SEARCH, 'always'),
      comment: COMMENT,
      match_client: field('string', '=', 'always'),
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque([
        'options',
        'use_options',
        'dhcp_client_identifier',
        'agent_circuit_id',
        'agent_remote_id',
        'ddns_hostname',
        'enable_ddns',
        'always_update_dns',
        'device_type',
        'device_description',
        'device_location',
        'device_vendor',
        'cloud_info',
      ]),
    },
    defaults: ['ipv4addr', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'ipv6fixedaddress',
    prefix: 'dns.fixed_address',
    fields: {
      ipv6addr: field('ip', IP_SEARCH, 'always'),
      duid: field('string', '=!~', 'always'),
      network: field('cidr', '=~', 'create'),
      network_view: NETWORK_VIEW_CREATE,
      name: field('string', STRING_SEARCH, 'always'),
      comment: COMMENT,
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque(['options', 'use_options', 'address_type', 'cloud_info']),
    },
    defaults: ['duid', 'ipv6addr', 'network_view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'record:host',
    prefix: 'dns.host',
    fields: {
      name: field('string', STRING_SEARCH, 'always'),
      view: field('string', '=', 'create'),
      network_view: field('string', '=', 'create'),
      configure_for_dns: field('bool', '', 'always'),
      ipv4addrs: field('json', '', 'always'),
      ipv6addrs: field('json', '', 'always'),
      comment: COMMENT,
      zone: field('string', '='),
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ipv4addr: field('ip', IP_SEARCH, undefined, true),
      ipv6addr: field('ip', IP_SEARCH, undefined, true),
      mac: field('mac', '=~', undefined, true),
      duid: field('string', '=~', undefined, true),
      ...opaque(['aliases', 'ttl', 'use_ttl', 'device_type', 'device_description', 'cloud_info']),
    },
    defaults: ['ipv4addrs', 'ipv6addrs', 'name', 'view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'record:host_ipv4addr',
    prefix: 'dns.host_address',
    fields: {
      ipv4addr: field('ip', IP_SEARCH),
      mac: field('mac', '=~'),
      host: field('string', '='),
      configure_for_dhcp: field('bool', '='),
      network: field('cidr', '='),
      network_view: field('string', '='),
    },
    defaults: ['configure_for_dhcp', 'host', 'ipv4addr', 'mac'],
    extattrs: false,
    creatable: false,
  },
  {
    name: 'record:host_ipv6addr',
    prefix: 'dns.host_address',
    fields: {
      ipv6addr: field('ip', IP_SEARCH),
      duid: field('string', '=~'),
      host: field('string', '='),
      configure_for_dhcp: field('bool', '='),
      network: field('cidr', '='),
      network_view: field('string', '='),
    },
    defaults: ['configure_for_dhcp', 'duid', 'host', 'ipv6addr'],
    extattrs: false,
    creatable: false,
  },
  {
    name: 'record:a',
    prefix: 'dns.bind_a',
    fields: {
      name: field('string', STRING_SEARCH, 'always'),
      ipv4addr: field('ip', IP_SEARCH, 'always'),
      view: field('string', '=', 'create'),
      zone: field('string', '='),
      comment: COMMENT,
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque(['ttl', 'use_ttl', 'cloud_info']),
    },
    defaults: ['ipv4addr', 'name', 'view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'record:ptr',
    prefix: 'dns.bind_ptr',
    fields: {
      ptrdname: field('string', STRING_SEARCH, 'always'),
      name: field('string', STRING_SEARCH, 'always'),
      ipv4addr: field('ip', IP_SEARCH, 'always'),
      view: field('string', '=', 'create'),
      zone: field('string', '='),
      comment: COMMENT,
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque(['ttl', 'use_ttl', 'cloud_info']),
    },
    defaults: ['ptrdname', 'view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'zone_auth',
    prefix: 'dns.zone',
    fields: {
      fqdn: field('string', STRING_SEARCH, 'create'),
      view: field('string', '=', 'create'),
      zone_format: field('string', '=', 'create'),
      prefix: field('string', '', 'create'),
      comment: COMMENT,
      disable: field('bool', '=', 'always'),
      extattrs: EXTATTRS,
      ...opaque(['grid_primary', 'grid_secondaries', 'ns_group', 'locked', 'soa_default_ttl']),
    },
    defaults: ['fqdn', 'view'],
    extattrs: true,
    creatable: true,
  },
  {
    name: 'extensibleattributedef',
    prefix: 'dns.extensible_attributes_def',
    fields: {
      name: field('string', STRING_SEARCH, 'always'),
      type: field('string', '=', 'create'),
      comment: COMMENT,
      flags: field('string', '', 'always'),
      list_values: field('json', '', 'always'),
      default_value: field('json', '', 'always'),
      min: field('int', '', 'always'),
      max: field('int', '', 'always'),
      allowed_object_types: field('json', '', 'always'),
    },
    defaults: ['comment', 'default_value', 'name', 'type'],
    extattrs: false,
    creatable: true,
  },
  {
    name: 'ipv4address',
    prefix: 'dns.ipv4address',
    fields: {
      ip_address: field('ip', '=<>'),
      network: field('cidr', '='),
      network_view: field('string', '='),
      status: field('string', '='),
      types: field('json', '='),
      objects: field('json'),
      names: field('json', '=~'),
      mac_address: field('mac', '=~'),
      usage: field('json', '='),
      is_conflict: field('bool', '='),
      lease_state: field('string', '='),
      dhcp_client_identifier: field('string'),
      username: field('string'),
      extattrs: field('json'),
    },
    defaults: [
      'dhcp_client_identifier',
      'ip_address',
      'is_conflict',
      'lease_state',
      'mac_address',
      'names',
      'network',
      'network_view',
      'objects',
      'status',
      'types',
      'usage',
      'username',
    ],
    extattrs: false,
    creatable: false,
  },
  {
    name: 'member',
    prefix: 'dns.member',
    fields: {
      host_name: field('string', STRING_SEARCH),
      config_addr_type: field('string'),
      platform: field('string', '='),
      service_type_configuration: field('string'),
      vip_setting: field('json'),
      extattrs: field('json'),
      ipv6_setting: field('json'),
    },
    defaults: ['config_addr_type', 'host_name', 'platform', 'service_type_configuration'],
    extattrs: true,
    creatable: false,
  },
]

const BY_NAME = new Map(TYPES.map((t) => [t.name, t]))

/** The definition of an object type, or undefined when WAPI has no such type here. */
export function typeDef(name: string): TypeDef | undefined {
  return BY_NAME.get(name)
}

/** Every object type served, in a stable order (for `_schema`). */
export function typeNames(): string[] {
  return TYPES.map((t) => t.name)
}
