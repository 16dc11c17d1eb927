import { sql } from 'kysely'
import type { Dialect } from '../db/connection-url.ts'
import { classifyDbError, type Queryable, type Tx } from '../db/transaction.ts'
import { formatIp, ipKey, type IpAddress } from '../domain/ip-address.ts'
import type { AllocationOwner } from './driver.ts'

/** One address to record for a port. */
export interface AllocationRecord {
  readonly subnetId: string
  readonly networkId: string
  readonly address: IpAddress
  readonly owner: AllocationOwner
  /** The reservation's reference in an external IPAM. */
  readonly externalRef?: string | undefined
}

const COUNTER_SHARDS = 8

/**
 * Records allocations in `ip_allocations`, whose key (subnet, address) is what guarantees that
 * no address is ever held twice. Returns the keys that were already taken (nothing is recorded
 * for those); the others are recorded.
 */
export async function recordAllocations(
  tx: Tx,
  dialect: Dialect,
  records: readonly AllocationRecord[],
): Promise<Set<string>> {
  if (records.length === 0) return new Set()
  const rows = records.map((r) => ({
    subnet_id: r.subnetId,
    address_key: ipKey(r.address.value),
    ip_address: formatIp(r.address),
    port_id: r.owner.portId,
    network_id: r.networkId,
    external_ref: r.externalRef ?? null,
  }))
  const wanted = new Set(rows.map((r) => `${r.subnet_id}/${r.address_key}`))
  if (dialect !== 'mysql') {
    // NOTE: PostgreSQL aborts the whole transaction on a failed statement, so conflicts are
    // skipped rather than raised; RETURNING says which rows went in.
    const inserted = await tx
      .insertInto('ip_allocations')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning(['subnet_id', 'address_key'])
      .execute()
    for (const r of inserted) wanted.delete(`${r.subnet_id}/${r.address_key}`)
    return new Set([...wanted].map((k) => k.slice(k.indexOf('/') + 1)))
  }
  // MariaDB rolls back only the failing statement, so a duplicate can be retried row by row.
  try {
    await tx.insertInto('ip_allocations').values(rows).execute()
    return new Set()
  } catch (error) {
    if (classifyDbError(error) !== 'unique' || rows.length === 1) {
      if (classifyDbError(error) === 'unique') return new Set([rows[0]?.address_key ?? ''])
      throw error
    }
  }
  const taken = new Set<string>()
  for (const row of rows) {
    try {
      await tx.insertInto('ip_allocations').values(row).execute()
    } catch (error) {
      if (classifyDbError(error) !== 'unique') throw error
      taken.add(row.address_key)
    }
  }
  return taken
}

/** Deletes allocation rows; returns how many there were. */
export async function deleteAllocation(
  tx: Tx,
  subnetId: string,
  address: IpAddress,
): Promise<number> {
  const result = await tx
    .deleteFrom('ip_allocations')
    .where('subnet_id', '=', subnetId)
    .where('address_key', '=', ipKey(address.value))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Creates the counter rows of a new subnet. */
export async function createCounters(tx: Tx, subnetId: string): Promise<void> {
  const rows = Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
    subnet_id: subnetId,
    shard,
    used: 0,
  }))
  await tx.insertInto('ipam_counters').values(rows).execute()
}

/** The counter row each transaction uses: one per transaction, so no two of its updates can deadlock. */
const shardOf = new WeakMap<Tx, number>()

/**
 * Adds `delta` to the subnet's allocation count. Each transaction picks one of several rows at
 * random, so that concurrent transactions on one subnet rarely wait for each other's counter.
 */
export async function addToCount(tx: Tx, subnetId: string, delta: number): Promise<void> {
  if (delta === 0) return
  let shard = shardOf.get(tx)
  if (shard === undefined) {
    shard = Math.floor(Math.random() * COUNTER_SHARDS)
    shardOf.set(tx, shard)
  }
  await tx
    .updateTable('ipam_counters')
    .set({ used: sql`used + ${delta}` })
    .where('subnet_id', '=', subnetId)
    .where('shard', '=', shard)
    .execute()
}

export async function countAllocations(tx: Queryable, subnetId: string): Promise<bigint> {
  const row = await tx
    .selectFrom('ipam_counters')
    .select((eb) => eb.fn.sum<string | number | bigint | null>('used').as('used'))
    .where('subnet_id', '=', subnetId)
    .executeTakeFirst()
  return BigInt(String(row?.used ?? 0))
}

export async function deleteCounters(tx: Tx, subnetId: string): Promise<void> {
  await tx.deleteFrom('ipam_counters').where('subnet_id', '=', subnetId).execute()
}
