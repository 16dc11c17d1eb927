import type { Dialect } from '../../../db/connection-url.ts'
import { RetryTransaction, type Tx } from '../../../db/transaction.ts'
import { cidrContains, firstAddress } from '../../../domain/cidr.ts'
import { Errors } from '../../../domain/errors.ts'
import { formatIp, ipKey, type IpAddress } from '../../../domain/ip-address.ts'
import { eui64InterfaceId } from '../../../domain/mac-address.ts'
import {
  addToCount,
  countAllocations,
  deleteAllocation,
  recordAllocations,
} from '../../allocation-records.ts'
import type { AllocationOwner, IpamSubnet, IpamSubnetSpec } from '../../driver.ts'
import type { AddressRequest } from '../../requests.ts'
import { FreeRanges } from './free-ranges.ts'

export type AllocationStrategy = 'lowest' | 'random'

export interface InternalOptions {
  readonly strategy: AllocationStrategy
  /** With the random strategy: how many of the lowest free addresses to pick among. */
  readonly randomWindow: number
}

/** How many times a stale index entry is skipped before the transaction starts over. */
const STALE_SKIPS = 64

/** The internal driver's view of one subnet inside one transaction. */
export class InternalSubnet implements IpamSubnet {
  private readonly free: FreeRanges

  constructor(
    private readonly tx: Tx,
    private readonly dialect: Dialect,
    private readonly spec: IpamSubnetSpec,
    private readonly options: InternalOptions,
  ) {
    this.free = new FreeRanges(tx, dialect, spec.id)
  }

  async allocate(request: AddressRequest, owner: AllocationOwner): Promise<IpAddress> {
    switch (request.kind) {
      case 'specific':
      case 'reserved':
        return this.allocateSpecific(request.address, owner)
      case 'automatic':
        return this.allocateSpecific(this.eui64(request.mac), owner)
      case 'any':
        if (this.options.strategy === 'random') return this.allocateRandom(owner)
        return this.allocateLowest(owner)
      case 'prefer-next':
        return this.allocateLowest(owner)
    }
  }

  async allocateBulk(owners: readonly AllocationOwner[]): Promise<IpAddress[]> {
    const given = new Map<AllocationOwner, IpAddress>()
    let pending = [...owners]
    let skips = 0
    while (pending.length > 0) {
      const range = await this.free.lockLowest()
      if (range === undefined) throw Errors.ipAddressGenerationFailure(this.spec.networkId)
      const taken = await this.free.takeFront(range, BigInt(pending.length))
      const batch = pending.slice(0, Number(taken.end - taken.start + 1n)).map((owner, i) => ({
        subnetId: this.spec.id,
        networkId: this.spec.networkId,
        address: { version: this.spec.cidr.version, value: taken.start + BigInt(i) },
        owner,
      }))
      // NOTE: addresses the index offered but that are taken are gone from it now; their owners
      // try again on the next ranges.
      const stale = await recordAllocations(this.tx, this.dialect, batch)
      for (const b of batch) if (!stale.has(ipKey(b.address.value))) given.set(b.owner, b.address)
      if ((skips += stale.size) > STALE_SKIPS) throw new RetryTransaction('free index stale')
      pending = pending.filter((o) => !given.has(o))
    }
    await addToCount(this.tx, this.spec.id, owners.length)
    return owners.map((o) => given.get(o) as IpAddress)
  }

  async deallocate(address: IpAddress): Promise<void> {
    const removed = await deleteAllocation(this.tx, this.spec.id, address)
    if (removed === 0) return
    await addToCount(this.tx, this.spec.id, -removed)
    if (!this.spec.autoAddress && this.spec.pools.has(address.value)) {
      await this.free.insert([{ start: address.value, end: address.value }])
    }
  }

  usedCount(): Promise<bigint> {
    return countAllocations(this.tx, this.spec.id)
  }

  private async allocateLowest(owner: AllocationOwner): Promise<IpAddress> {
    for (let skips = 0; skips < STALE_SKIPS; skips++) {
      const range = await this.free.lockLowest()
      if (range === undefined) throw Errors.ipAddressGenerationFailure(this.spec.networkId)
      const taken = await this.free.takeFront(range, 1n)
      const address: IpAddress = { version: this.spec.cidr.version, value: taken.start }
      if (await this.record(address, owner)) return address
    }
    throw new RetryTransaction('free index stale')
  }

  private async allocateRandom(owner: AllocationOwner): Promise<IpAddress> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const window = await this.free.peek(64)
      let total = 0n
      for (const r of window) total += r.end - r.start + 1n
      if (total === 0n) throw Errors.ipAddressGenerationFailure(this.spec.networkId)
      const limit = BigInt(this.options.randomWindow)
      let pick = BigInt(Math.floor(Math.random() * Number(total < limit ? total : limit)))
      for (const r of window) {
        const size = r.end - r.start + 1n
        if (pick < size) {
          const value = r.start + pick
          const range = await this.free.lockContaining(value)
          if (range === undefined) break
          await this.free.carve(range, value)
          const address: IpAddress = { version: this.spec.cidr.version, value }
          if (await this.record(address, owner)) return address
          break
        }
        pick -= size
      }
    }
    return this.allocateLowest(owner)
  }

  private async allocateSpecific(address: IpAddress, owner: AllocationOwner): Promise<IpAddress> {
    if (!this.spec.autoAddress) {
      const range = await this.free.lockContaining(address.value)
      if (range !== undefined) await this.free.carve(range, address.value)
    }
    if (!(await this.record(address, owner))) {
      throw Errors.ipAddressAlreadyAllocated(formatIp(address), this.spec.id)
    }
    return address
  }

  /** Records one allocation and counts it; false when the address was already taken. */
  private async record(address: IpAddress, owner: AllocationOwner): Promise<boolean> {
    const taken = await recordAllocations(this.tx, this.dialect, [
      { subnetId: this.spec.id, networkId: this.spec.networkId, address, owner },
    ])
    if (taken.size > 0) return false
    await addToCount(this.tx, this.spec.id, 1)
    return true
  }

  private eui64(mac: Parameters<typeof eui64InterfaceId>[0]): IpAddress {
    const address: IpAddress = {
      version: 6,
      value: firstAddress(this.spec.cidr) | eui64InterfaceId(mac),
    }
    if (!cidrContains(this.spec.cidr, address)) throw Errors.invalidIpForSubnet(formatIp(address))
    return address
  }
}
