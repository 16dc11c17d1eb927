import { Errors, NeutronError } from '../../../domain/errors.ts'
import { formatCidr, type Cidr } from '../../../domain/cidr.ts'

/**
 * Why an external IPAM call failed. The outage kinds become 503 IpamDriverError; the others are
 * answers of the system that map onto Neutron's errors. 'rejected' is the system refusing this
 * one request (a 4xx validation answer we have no better kind for): not an outage, so neither
 * retried nor counted by the circuit breaker.
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
  | 'rejected'

const OUTAGES = new Set<ExternalErrorKind>([
  'unreachable',
  'tls',
  'auth',
  'timeout',
  'unavailable',
  'protocol',
])

/** The longest vendor text a refusal carries (the tenant reads it). */
const MAX_REASON = 300

/**
 * A vendor's own error text made fit for a 'rejected' error: whitespace collapsed, at most
 * {@link MAX_REASON} characters, never empty.
 */
export function vendorReason(text: string, fallback = 'no reason given'): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat === '') return fallback
  return flat.length > MAX_REASON ? `${flat.slice(0, MAX_REASON)}…` : flat
}

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
    case 'rejected':
      return new NeutronError(
        'IpamRequestRejected',
        400,
        `${error.driver} refused the request: ${tenantReason(error)}`,
      )
    default:
      return Errors.ipamDriverError(error.driver, error.endpoint, error.reason)
  }
}

/**
 * The reason of a refusal as a tenant may read it: short, and without our endpoint (a vendor may
 * echo the URL it was called on). NOTE: the endpoint is internal; the driver name says enough.
 */
function tenantReason(error: ExternalIpamError): string {
  let reason = error.reason
  for (const where of endpointForms(error.endpoint)) reason = reason.split(where).join('…')
  return vendorReason(reason)
}

/** The endpoint as given and its scheme-and-host part (longest first). */
function endpointForms(endpoint: string): string[] {
  const forms = [endpoint]
  try {
    const url = new URL(endpoint)
    forms.push(`${url.protocol}//${url.host}`, url.host)
  } catch {
    // Not a URL: only the text as given is removed.
  }
  return forms.filter((f) => f !== '').sort((a, b) => b.length - a.length)
}
