import { sql } from 'kysely'
import type { Tx } from '../db/transaction.ts'
import { Errors } from '../domain/errors.ts'
import type { IpamDriver } from '../ipam/driver.ts'
import { timestamp, type SubnetRow } from './views.ts'

/**
 * Deletes a subnet inside a transaction that has locked its row.
 * @throws SubnetInUse (409) while any port holds an address of it
 */
export async function removeSubnetInTx(tx: Tx, ipam: IpamDriver, subnet: SubnetRow): Promise<void> {
  const used = await tx
    .selectFrom('ip_allocations')
    .select('port_id')
    .where('subnet_id', '=', subnet.id)
    .limit(1)
    .executeTakeFirst()
  if (used !== undefined) throw Errors.subnetInUse(subnet.id)
  await ipam.pool(tx).removeSubnet(subnet.id)
  await tx.deleteFrom('subnets').where('id', '=', subnet.id).execute()
  await bumpNetworkRevision(tx, subnet.network_id)
}

/** A network's revision moves whenever its subnets change, as in Neutron. */
export async function bumpNetworkRevision(tx: Tx, networkId: string): Promise<void> {
  await tx
    .updateTable('networks')
    .set({ revision_number: sql`revision_number + 1`, updated_at: timestamp() })
    .where('id', '=', networkId)
    .execute()
}
