import type { Kysely } from 'kysely'

/**
 * A port's allowed address pairs and extra DHCP options, as JSON lists. NOTE: nullable (null
 * reads as an empty list) because not every supported MySQL/MariaDB takes a default for TEXT.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ports').addColumn('allowed_address_pairs', 'text').execute()
  await db.schema.alterTable('ports').addColumn('extra_dhcp_opts', 'text').execute()
}
