import type { Tx } from '../../../db/transaction.ts'
import { formatIp, type IpAddress } from '../../../domain/ip-address.ts'
import {
  addToCount,
  countAllocations,
  createCounters,
  deleteAllocation,
  deleteCounters,
  recordAllocations,
} from '../../allocation-records.ts'
import type {
  AllocationOwner,
  IpamDriver,
  IpamPool,
  IpamSubnet,
  IpamSubnetSpec,
} from '../../driver.ts'
import type { AddressRequest } from '../../requests.ts'
import { Errors } from '../../../domain/errors.ts'
import type { ExternalIpam } from './external-ipam.ts'

/**
 * The IPAM driver of every external system. Inside our transaction it only records what phase
 * one reserved (`reserved` requests) and queues releases; the external calls themselves happen
 * outside any transaction, in ExternalIpam.
 */
export function createExternalDriver(external: ExternalIpam): IpamDriver {
  return {
    name: external.driver,
    needsRollback: true,
    external,
    pool: (tx) => new ExternalPool(tx, external),
  }
}

class ExternalPool implements IpamPool {
  constructor(
    private readonly tx: Tx,
    private readonly external: ExternalIpam,
  ) {}

  async addSubnet(subnet: IpamSubnetSpec): Promise<IpamSubnet> {
    await this.external.recordSubnet(this.tx, subnet.id)
    await createCounters(this.tx, subnet.id)
    return this.getSubnet(subnet)
  }

  getSubnet(subnet: IpamSubnetSpec): IpamSubnet {
    return new ExternalSubnetHandle(this.tx, this.external, subnet)
  }

  /** Pools bound our automatic requests, which read them at each call: nothing to do. */
  async updateSubnet(): Promise<void> {}

  async removeSubnet(subnetId: string): Promise<void> {
    await this.external.removeSubnet(this.tx, subnetId)
    await deleteCounters(this.tx, subnetId)
  }
}

class ExternalSubnetHandle implements IpamSubnet {
  constructor(
    private readonly tx: Tx,
    private readonly external: ExternalIpam,
    private readonly spec: IpamSubnetSpec,
  ) {}

  async allocate(request: AddressRequest, owner: AllocationOwner): Promise<IpAddress> {
    if (request.kind !== 'reserved') {
      throw new Error(
        `the ${this.external.driver} driver records reserved addresses only, not '${request.kind}' requests`,
      )
    }
    const taken = await recordAllocations(this.tx, this.external.db.dialect, [
      {
        subnetId: this.spec.id,
        networkId: this.spec.networkId,
        address: request.address,
        owner,
        externalRef: request.externalRef,
      },
    ])
    if (taken.size > 0)
      throw Errors.ipAddressAlreadyAllocated(formatIp(request.address), this.spec.id)
    await addToCount(this.tx, this.spec.id, 1)
    return request.address
  }

  allocateBulk(): Promise<IpAddress[]> {
    return Promise.reject(new Error('external drivers reserve each address in phase one'))
  }

  /** Removes the allocation and queues its release in the same transaction (never forgotten). */
  async deallocate(address: IpAddress): Promise<void> {
    const row = await this.tx
      .selectFrom('ip_allocations')
      .select(['port_id', 'external_ref'])
      .where('subnet_id', '=', this.spec.id)
      .where('ip_address', '=', formatIp(address))
      .executeTakeFirst()
    if ((await deleteAllocation(this.tx, this.spec.id, address)) === 0) return
    await addToCount(this.tx, this.spec.id, -1)
    if (row?.external_ref !== null && row?.external_ref !== undefined) {
      await this.external.releases.enqueue(this.tx, [
        {
          kind: 'address',
          portId: row.port_id,
          subnetId: this.spec.id,
          ipAddress: formatIp(address),
          externalRef: row.external_ref,
        },
      ])
    }
  }

  usedCount(): Promise<bigint> {
    return countAllocations(this.tx, this.spec.id)
  }
}
