import type { Dialect } from '../../../db/connection-url.ts'
import type { Tx } from '../../../db/transaction.ts'
import { IntervalSet } from '../../../domain/interval-set.ts'
import { createCounters, deleteCounters } from '../../allocation-records.ts'
import type { IpamDriver, IpamPool, IpamSubnet, IpamSubnetSpec } from '../../driver.ts'
import { FreeRanges } from './free-ranges.ts'
import { InternalSubnet, type InternalOptions } from './internal-subnet.ts'

/**
 * The built-in driver: allocations live in our own database, in the same transaction as the
 * port that holds them, so there is nothing to compensate when a commit fails.
 */
export function createInternalDriver(dialect: Dialect, options: InternalOptions): IpamDriver {
  return {
    name: 'internal',
    needsRollback: false,
    pool: (tx) => new InternalPool(tx, dialect, options),
  }
}

class InternalPool implements IpamPool {
  constructor(
    private readonly tx: Tx,
    private readonly dialect: Dialect,
    private readonly options: InternalOptions,
  ) {}

  async addSubnet(subnet: IpamSubnetSpec): Promise<IpamSubnet> {
    if (!subnet.autoAddress) await this.free(subnet.id).insert(subnet.pools.intervals)
    await createCounters(this.tx, subnet.id)
    return this.getSubnet(subnet)
  }

  getSubnet(subnet: IpamSubnetSpec): IpamSubnet {
    return new InternalSubnet(this.tx, this.dialect, subnet, this.options)
  }

  /**
   * Rebuilds the free index from the new pools and the allocation rows. Linear in the
   * allocations of the subnet: pool changes are rare administrative operations.
   */
  async updateSubnet(_before: IpamSubnetSpec, after: IpamSubnetSpec): Promise<void> {
    if (after.autoAddress) return
    await this.free(after.id).replace(after.pools.subtract(await this.allocated(after.id)))
  }

  async removeSubnet(subnetId: string): Promise<void> {
    await this.free(subnetId).clear()
    await deleteCounters(this.tx, subnetId)
  }

  private free(subnetId: string): FreeRanges {
    return new FreeRanges(this.tx, this.dialect, subnetId)
  }

  private async allocated(subnetId: string): Promise<IntervalSet> {
    const rows = await this.tx
      .selectFrom('ip_allocations')
      .select('address_key')
      .where('subnet_id', '=', subnetId)
      .execute()
    return IntervalSet.of(
      rows.map((r) => {
        const v = BigInt(`0x${r.address_key}`)
        return { start: v, end: v }
      }),
    )
  }
}
