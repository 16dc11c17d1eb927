import type { Kysely } from 'kysely'

/** A network's dns_domain (Neutron's dns-integration); null reads as ''. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('networks').addColumn('dns_domain', 'varchar(255)').execute()
}
