import { opt } from './options.ts'

/** Options every external IPAM driver section has: TLS, timeouts, pooling, retries, breaker. */
function externalCommon(system: string) {
  return {
    ssl_verify: opt.sslVerify(
      `Verify ${system}'s TLS certificate: true (system CAs), false, or the path of a CA bundle.`,
    ),
    connect_timeout: opt.float(5, `Seconds to wait for a connection to ${system}.`, 0.1),
    request_timeout: opt.float(30, `Seconds to wait for an answer from ${system}.`, 0.1),
    pool_size: opt.int(16, `Keep-alive connections to ${system} per worker process.`, 1, 1024),
    retries: opt.int(
      3,
      `Attempts in all for idempotent calls (lookups, deletes) when ${system} does not answer.`,
      1,
      10,
    ),
    circuit_break_after: opt.int(
      5,
      `Consecutive failed calls after which calls fail at once (503) for a while.`,
      1,
      1000,
    ),
    circuit_reset_seconds: opt.float(
      10,
      'Seconds the circuit stays open before one call tries again.',
      0.1,
    ),
  }
}

/**
 * Every option of `neutron.conf` that the service reads, by section. `etc/neutron.conf.sample`
 * is generated from this (`npm run config:sample`) and a test keeps the two in step.
 */
export const SCHEMA = {
  DEFAULT: {
    bind_host: opt.string('127.0.0.1', 'Address the API (and dashboard) listens on.'),
    bind_port: opt.int(9696, 'TCP port the API listens on (0: any free port).', 0, 65535),
    api_workers: opt.int(
      1,
      'Worker processes serving the API behind the one listening port.',
      1,
      64,
    ),
    auth_strategy: opt.choice(
      'token',
      ['token', 'noauth', 'keystone'],
      'token: tokens from [token] token_file (the default). noauth: no authentication; X-Project-Id / X-Roles headers choose the project and roles, no headers means admin (development only). keystone: tokens validated with Keystone ([keystone_authtoken]).',
    ),
    ipam_driver: opt.choice(
      'internal',
      ['internal', 'infoblox', 'bluecat', 'netbox', 'phpipam', 'solarwinds'],
      'IPAM driver allocating addresses; every API node must use the same.',
    ),
    base_mac: opt.mac(
      'fa:16:3e:00:00:00',
      'Base of generated MAC addresses: the first three octets and any non-zero octet are kept, the rest are random.',
    ),
    state_path: opt.string(
      './data',
      "Directory for the SQLite database and the token file when their own options are not set. Unset, it is the installation's data/ directory (./data of the project), whatever directory the command runs from; a relative value given here is relative to the working directory.",
    ),
    debug: opt.bool(false, 'Log at debug level.'),
    dns_domain: opt.string(
      'openstacklocal',
      "Domain of internal DNS names, as in Neutron: ports' dns_assignment uses their dns_name only when it is set to something else than openstacklocal (else host-<address>). External IPAM drivers publish names in their own zone ([infoblox] dns_zone, …).",
    ),
    global_physnet_mtu: opt.int(
      1500,
      'MTU of the underlying physical network; VXLAN networks get 50 less.',
      68,
      65535,
    ),
  },
  database: {
    connection: opt.string(
      'sqlite:///$state_path/xloud.sqlite',
      'Database URL: sqlite:///relative/path, sqlite:////absolute/path, postgresql://user:pass@host:port/db or mysql+pymysql://user:pass@host:port/db.',
    ),
    max_pool_size: opt.int(10, 'Connections per worker process (PostgreSQL and MariaDB).', 1, 1000),
  },
  ipam: {
    allocation_strategy: opt.choice(
      'lowest',
      ['lowest', 'random'],
      'lowest: the lowest free address of the pools (predictable). random: a random address among the first random_window free ones, as Neutron does.',
    ),
    random_window: opt.int(
      1000,
      'How many of the lowest free addresses the random strategy picks among.',
      1,
      1_000_000,
    ),
    audit_retention_days: opt.int(
      90,
      'Days the IPAM audit trail keeps its events (older ones are deleted hourly).',
      1,
      36500,
    ),
    maintenance_interval: opt.float(
      5,
      'Seconds between runs of the background work of external drivers: pending releases, recovery of interrupted reservations.',
      0.1,
    ),
    recovery_age_seconds: opt.float(
      120,
      'Reservations left unsettled this long (their process died) are settled by recovery; younger ones may still be in flight on another node.',
      0,
    ),
  },
  token: {
    token_file: opt.string(
      '$state_path/tokens.json',
      'File of API tokens (stored as SHA-256 digests) with their project and roles, for auth_strategy = token. Created with an admin token on first start.',
    ),
  },
  keystone_authtoken: {
    www_authenticate_uri: opt.string(
      '',
      'Public Keystone URL sent to clients in the WWW-Authenticate header of a 401, e.g. https://keystone.example.net/v3; empty: auth_url.',
    ),
    auth_url: opt.string(
      '',
      'Keystone URL this service authenticates with and validates tokens at, e.g. http://keystone:5000/v3 (/v3 is added when missing). Required for auth_strategy = keystone.',
    ),
    auth_type: opt.choice(
      'password',
      ['password', 'v3password'],
      'How this service authenticates itself (password is the only method).',
    ),
    username: opt.string(
      '',
      "This service's user; it needs the role service (or admin) to validate tokens.",
    ),
    password: opt.secret("This service's password (or password_file)."),
    password_file: opt.string('', 'File holding the password (first line), instead of password.'),
    user_domain_name: opt.string('Default', "Domain of this service's user."),
    project_name: opt.string('service', "Project this service's token is scoped to."),
    project_domain_name: opt.string('Default', "Domain of this service's project."),
    region_name: opt.string(
      '',
      'Region whose network endpoint the identity check looks for in the catalog; empty: any region.',
    ),
    cafile: opt.string(
      '',
      'CA bundle (PEM) to verify Keystone with, instead of the system CAs (HTTPS only).',
    ),
    insecure: opt.bool(false, "Do not verify Keystone's TLS certificate (testing only)."),
    token_cache_time: opt.int(
      300,
      'Seconds a validated (or refused) token is kept before Keystone is asked again; never past the token expiry. A revoked token stops working within this time. 0: ask every time.',
      0,
      86400,
    ),
    http_connect_timeout: opt.float(5, 'Seconds to wait for a connection to Keystone.', 0.1),
    http_request_timeout: opt.float(10, 'Seconds to wait for an answer from Keystone.', 0.1),
  },
  dashboard: {
    enabled: opt.bool(true, 'Serve the web dashboard under /dashboard/.'),
  },
  infoblox: {
    wapi_url: opt.url('Grid master (or cloud member) URL, e.g. https://gm.example.net.'),
    wapi_version: opt.string('2.12', 'WAPI version used in the path (/wapi/v2.12).'),
    username: opt.string(
      '',
      'Service account (needs IPAM and DNS admin rights on the network view).',
    ),
    password: opt.secret('Service account password (or password_file).'),
    password_file: opt.string('', 'File holding the password (first line), instead of password.'),
    network_view: opt.string('default', 'Network view holding the pre-defined network containers.'),
    dns_view: opt.string('default', 'DNS view for host records.'),
    dns_zone: opt.string(
      '',
      'Authoritative zone for port host records; empty: fixed addresses without DNS.',
    ),
    use_host_records: opt.bool(
      true,
      'With dns_zone set, reserve addresses as host records (DNS and IPAM in one object); otherwise as fixed addresses.',
    ),
    page_size: opt.int(
      1000,
      'Objects per page when listing (reconcile, container search).',
      1,
      100000,
    ),
    ...externalCommon('Infoblox'),
  },
  netbox: {
    url: opt.url('NetBox URL, e.g. https://netbox.example.net (the API is under /api/).'),
    token: opt.secret(
      'API token: 40 hex digits (NetBox 3.x, sent as Token …) or nbt_<key>.<token> (4.x, sent as Bearer …).',
    ),
    token_file: opt.string('', 'File holding the token (first line), instead of token.'),
    vrf: opt.string('', 'VRF holding the pre-defined prefixes (name); empty: the global table.'),
    tenant: opt.string('', 'NetBox tenant (slug) set on our prefixes and addresses; empty: none.'),
    dns_domain: opt.string(
      '',
      "Domain appended to a port's DNS name in dns_name; empty: the DNS name as given.",
    ),
    tag: opt.string(
      'xloud',
      'Slug of the tag put on every prefix and address we create (created on the first subnet if missing).',
    ),
    page_size: opt.int(
      1000,
      'Objects per page asked for when listing (NetBox may cap it at MAX_PAGE_SIZE; every page is read).',
      1,
      100000,
    ),
    ...externalCommon('NetBox'),
  },
  phpipam: {
    url: opt.url('phpIPAM URL, e.g. https://ipam.example.net (the API is under /api/<app_id>/).'),
    app_id: opt.string('', 'API application id.'),
    username: opt.string('', 'API user (token login); leave empty when using app_token.'),
    password: opt.secret('Password of the API user (or password_file).'),
    password_file: opt.string('', 'File holding the password (first line), instead of password.'),
    app_token: opt.secret(
      'Static application code (app security "ssl_code", HTTPS only), instead of username and password.',
    ),
    app_token_file: opt.string('', 'File holding the static application code (first line).'),
    section: opt.string('', 'Section holding the pre-defined subnets (name).'),
    ...externalCommon('phpIPAM'),
  },
  bluecat: {
    url: opt.url('Address Manager URL, e.g. https://bam.example.net.'),
    api_version: opt.choice(
      'v2',
      ['v2', 'v1'],
      'RESTful v2 API (BAM 9.5+) or the legacy v1 REST API.',
    ),
    username: opt.string('', 'API user.'),
    password: opt.secret('Password of the API user (or password_file).'),
    password_file: opt.string('', 'File holding the password (first line), instead of password.'),
    configuration: opt.string(
      'default',
      'Configuration holding the pre-defined blocks. Our addresses carry the user-defined fields XloudPortId, XloudProjectId, XloudNetworkId, XloudSubnetId, XloudDeviceId and XloudDeviceOwner: define them for IPv4 addresses.',
    ),
    dns_view: opt.string('', 'DNS view for host records; empty: no DNS.'),
    dns_zone: opt.string('', 'Zone for port host records; empty: no DNS.'),
    page_size: opt.int(1000, 'Objects per page when listing (reconcile).', 1, 100000),
    ...externalCommon('BlueCat Address Manager'),
  },
  solarwinds: {
    url: opt.url('SWIS endpoint, e.g. https://orion.example.net:17774.'),
    username: opt.string('', 'Orion user.'),
    password: opt.secret('Password of the Orion user (or password_file).'),
    password_file: opt.string('', 'File holding the password (first line), instead of password.'),
    group: opt.string(
      '',
      'IPAM group (hierarchy) holding the pre-defined subnets; required when a subnet exists twice in the hierarchy.',
    ),
    reservation_minutes: opt.int(
      10,
      'Minutes a StartIpReservation holds an address before SolarWinds frees it again (covers a crash between start and finish).',
      1,
      1440,
    ),
    page_size: opt.int(1000, 'Address rows per page when listing (reconcile).', 1, 100000),
    ...externalCommon('SolarWinds IPAM'),
  },
} as const

export type Schema = typeof SCHEMA
