import { Errors, NeutronError } from '../../../domain/errors.ts'
import { formatCidr, type Cidr } from '../../../domain/cidr.ts'

/**
 * Why an external IPAM call failed. The outage kinds become 503 IpamDriverError; the others are
 * answers of the system that map onto Neutron's errors.
 */
export type ExternalErrorKind =
  | 'unreachable'
  | 'tls'
  | 'auth'
  | 'timeout'
  | 'unavailable'
  | 'protocol'
  | 'exhausted'
  | 'taken'
  | 'range-not-defined'
  | 'range-overlap'
  | 'not-found'

const OUTAGES = new Set<ExternalErrorKind>([
  'unreachable',
  'tls',
  'auth',
  'timeout',
  'unavailable',
  'protocol',
])

/** A failed external call: its kind, and a cause that never carries a secret. */
export class ExternalIpamError extends Error {
  constructor(
    readonly kind: ExternalErrorKind,
    readonly driver: string,
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`IPAM driver error: ${driver} at ${endpoint}: ${reason}`)
    this.name = 'ExternalIpamError'
  }

  get isOutage(): boolean {
    return OUTAGES.has(this.kind)
  }
}

/** What a Neutron error about the failed call needs to name. */
export interface ErrorContext {
  readonly networkId: string
  readonly subnetId: string
  readonly address?: string | undefined
  readonly cidr?: Cidr | undefined
  readonly scope: string
}

/** The Neutron error a client sees for a failed external call. */
export function toNeutronError(error: ExternalIpamError, ctx: ErrorContext): NeutronError {
  switch (error.kind) {
    case 'exhausted':
      return Errors.ipAddressGenerationFailure(ctx.networkId)
    case 'taken':
      return Errors.ipAddressAlreadyAllocated(ctx.address ?? '', ctx.subnetId)
    case 'range-not-defined':
      return new NeutronError(
        'IpamRangeNotDefined',
        400,
        `Subnet ${ctx.cidr === undefined ? '' : formatCidr(ctx.cidr)} is not pre-defined in ${error.driver} (${ctx.scope}): ${error.reason}`,
      )
    case 'range-overlap':
      return new NeutronError(
        'IpamRangeOverlap',
        400,
        `Subnet ${ctx.cidr === undefined ? '' : formatCidr(ctx.cidr)} overlaps ${error.reason} in ${error.driver} (${ctx.scope})`,
      )
    default:
      return Errors.ipamDriverError(error.driver, error.endpoint, error.reason)
  }
}
