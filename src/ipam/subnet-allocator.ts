import type { Queryable } from '../db/transaction.ts'
import { cidrWithin, parseCidr, type Cidr } from '../domain/cidr.ts'
import { Errors } from '../domain/errors.ts'
import type { IpVersion } from '../domain/ip-address.ts'
import { IntervalSet } from '../domain/interval-set.ts'
import type { SubnetRequest } from './requests.ts'

/** A subnet pool as the allocator sees it. */
export interface PrefixPool {
  readonly id: string
  readonly version: IpVersion
  readonly prefixes: readonly Cidr[]
}

/**
 * Allocates a prefix from a subnet pool. The caller holds the pool's row lock, so concurrent
 * allocations from one pool (the first one from an empty pool included) never overlap.
 * Cost: linear in the number of subnets of the pool, never in the number of addresses.
 * @throws SubnetAllocationError (409) when no free prefix of that length is left
 * @throws SubnetAllocationError (400) when a specific CIDR is outside the pool or taken
 */
export async function allocatePrefix(
  tx: Queryable,
  pool: PrefixPool,
  request: SubnetRequest,
): Promise<Cidr> {
  const used = await tx
    .selectFrom('subnets')
    .select('cidr')
    .where('subnetpool_id', '=', pool.id)
    .execute()
  const usedCidrs = used.map((r) => parseCidr(r.cidr)).filter((c): c is Cidr => c !== undefined)
  const available = IntervalSet.ofCidrs(pool.prefixes).subtract(IntervalSet.ofCidrs(usedCidrs))
  switch (request.kind) {
    case 'any': {
      const found = available.firstFreePrefix(pool.version, request.prefixLength)
      if (found === undefined) throw Errors.subnetPoolExhausted(request.prefixLength)
      return found
    }
    case 'specific': {
      const inside = pool.prefixes.some((p) => cidrWithin(request.cidr, p))
      if (!inside || !available.covers(IntervalSet.ofCidrs([request.cidr])))
        throw Errors.subnetOutsidePool()
      return request.cidr
    }
  }
}
