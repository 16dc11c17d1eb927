import type { CreateTableBuilder, Kysely } from 'kysely'

/** Columns every Neutron resource has (the "standard attributes"). */
function standard<T extends string>(t: CreateTableBuilder<T>): CreateTableBuilder<T> {
  return t
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision_number', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await standard(db.schema.createTable('networks'))
    .addColumn('admin_state_up', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull())
    .addColumn('mtu', 'integer', (c) => c.notNull())
    .addColumn('port_security_enabled', 'integer', (c) => c.notNull())
    .addColumn('router_external', 'integer', (c) => c.notNull())
    .addColumn('provider_network_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('provider_physical_network', 'varchar(64)')
    .addColumn('provider_segmentation_id', 'integer')
    .addColumn('availability_zone_hints', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('networks_project').on('networks').column('project_id').execute()

  await standard(db.schema.createTable('subnetpools'))
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('prefixes', 'text', (c) => c.notNull())
    .addColumn('default_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('min_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('max_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('default_quota', 'integer')
    .addColumn('address_scope_id', 'varchar(36)')
    .execute()

  await standard(db.schema.createTable('subnets'))
    .addColumn('network_id', 'varchar(36)', (c) =>
      c.notNull().references('networks.id').onDelete('restrict'),
    )
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('cidr_first', 'varchar(32)', (c) => c.notNull())
    .addColumn('cidr_last', 'varchar(32)', (c) => c.notNull())
    .addColumn('gateway_ip', 'varchar(64)')
    .addColumn('enable_dhcp', 'integer', (c) => c.notNull())
    .addColumn('ipv6_ra_mode', 'varchar(32)')
    .addColumn('ipv6_address_mode', 'varchar(32)')
    .addColumn('subnetpool_id', 'varchar(36)', (c) =>
      c.references('subnetpools.id').onDelete('restrict'),
    )
    .addColumn('allocation_pools', 'text', (c) => c.notNull())
    .addColumn('dns_nameservers', 'text', (c) => c.notNull())
    .addColumn('host_routes', 'text', (c) => c.notNull())
    .addColumn('service_types', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('subnets_network').on('subnets').column('network_id').execute()
  await db.schema.createIndex('subnets_subnetpool').on('subnets').column('subnetpool_id').execute()
  await db.schema.createIndex('subnets_project').on('subnets').column('project_id').execute()

  await standard(db.schema.createTable('ports'))
    .addColumn('network_id', 'varchar(36)', (c) =>
      c.notNull().references('networks.id').onDelete('restrict'),
    )
    .addColumn('mac_address', 'varchar(32)', (c) => c.notNull())
    .addColumn('admin_state_up', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('device_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('device_owner', 'varchar(255)', (c) => c.notNull())
    .addColumn('port_security_enabled', 'integer', (c) => c.notNull())
    .addColumn('binding_host_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('binding_vnic_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('binding_profile', 'text', (c) => c.notNull())
    .addColumn('dns_name', 'varchar(255)', (c) => c.notNull())
    .addUniqueConstraint('ports_network_mac', ['network_id', 'mac_address'])
    .execute()
  await db.schema.createIndex('ports_project').on('ports').column('project_id').execute()
  await db.schema.createIndex('ports_device').on('ports').column('device_id').execute()

  await db.schema
    .createTable('ip_allocations')
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('restrict'),
    )
    .addColumn('address_key', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('port_id', 'varchar(36)', (c) =>
      c.notNull().references('ports.id').onDelete('restrict'),
    )
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('ip_allocations_pk', ['subnet_id', 'address_key'])
    .execute()
  await db.schema
    .createIndex('ip_allocations_port')
    .on('ip_allocations')
    .column('port_id')
    .execute()
  await db.schema
    .createIndex('ip_allocations_address')
    .on('ip_allocations')
    .column('ip_address')
    .execute()

  await db.schema
    .createTable('ipam_free_ranges')
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addColumn('start_key', 'varchar(32)', (c) => c.notNull())
    .addColumn('end_key', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('ipam_free_ranges_pk', ['subnet_id', 'start_key'])
    .execute()

  await db.schema
    .createTable('ipam_counters')
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('used', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ipam_counters_pk', ['subnet_id', 'shard'])
    .execute()
}
