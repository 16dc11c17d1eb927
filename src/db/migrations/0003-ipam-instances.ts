import type { Kysely } from 'kysely'

/**
 * API processes announce themselves (a heartbeat) so that the intents of a process that died
 * can be recovered at once by the others, without waiting for them to age.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ipam_instances')
    .addColumn('instance_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen', 'varchar(32)', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('ipam_journal').addColumn('instance_id', 'varchar(36)').execute()
  await db.schema.alterTable('ipam_release_queue').addColumn('claimed_by', 'varchar(36)').execute()
}
