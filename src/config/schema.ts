import { opt } from './options.ts'

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
      'Directory for the SQLite database and the token file when their own options are not set.',
    ),
    debug: opt.bool(false, 'Log at debug level.'),
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
  },
  token: {
    token_file: opt.string(
      '$state_path/tokens.json',
      'File of API tokens (stored as SHA-256 digests) with their project and roles, for auth_strategy = token. Created with an admin token on first start.',
    ),
  },
  dashboard: {
    enabled: opt.bool(true, 'Serve the web dashboard under /dashboard/.'),
  },
} as const

export type Schema = typeof SCHEMA
