import type { Kysely } from 'kysely'

/**
 * External IPAM: the reference of each reservation, the journal of intents, the durable release
 * queue, the audit trail, our record of external subnets, and the last reconcile report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ip_allocations').addColumn('external_ref', 'varchar(512)').execute()

  await db.schema
    .createTable('ipam_external_subnets')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('external_ref', 'varchar(512)', (c) => c.notNull())
    .addColumn('created_by_us', 'integer', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('ipam_journal')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('operation', 'varchar(16)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('port_id', 'varchar(36)')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)')
    .addColumn('external_ref', 'varchar(512)')
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ipam_journal_state')
    .on('ipam_journal')
    .columns(['state', 'created_at'])
    .execute()

  await db.schema
    .createTable('ipam_release_queue')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('port_id', 'varchar(36)')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)')
    .addColumn('external_ref', 'varchar(512)')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ipam_release_queue_due')
    .on('ipam_release_queue')
    .column('next_attempt_at')
    .execute()

  await db.schema
    .createTable('ipam_audit')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(255)')
    .addColumn('user_id', 'varchar(255)')
    .addColumn('port_id', 'varchar(36)')
    .addColumn('subnet_id', 'varchar(36)')
    .addColumn('network_id', 'varchar(36)')
    .addColumn('ip_address', 'varchar(64)')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ipam_audit_at').on('ipam_audit').column('id').execute()
  await db.schema.createIndex('ipam_audit_port').on('ipam_audit').column('port_id').execute()
  await db.schema.createIndex('ipam_audit_subnet').on('ipam_audit').column('subnet_id').execute()

  await db.schema
    .createTable('ipam_reconcile_reports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('driver', 'varchar(32)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute()
}
