import type { Cidr } from '../../../domain/cidr.ts'
import type { IpAddress } from '../../../domain/ip-address.ts'
import type { Interval } from '../../../domain/interval-set.ts'

/**
 * What every vendor driver implements: its client (the vendor's API) and its mapping (our
 * concepts onto its objects). Everything else (journal, release queue, recovery, reconcile,
 * audit, metrics, retries, circuit breaker) is shared and lives beside this file.
 */

/** Our tag on every reservation, so it can be found again (EAs, custom fields, properties…). */
export interface ReservationTag {
  readonly portId: string
  readonly projectId: string
  readonly networkId: string
  readonly subnetId: string
  readonly deviceId: string
  readonly deviceOwner: string
  readonly macAddress: string
  /** Host name for DNS (empty: none). */
  readonly dnsName: string
  /** The port's first address: the one its DNS name points at (a host record, where DNS is on). */
  readonly primary: boolean
}

/** A subnet as the external system must know it. */
export interface ExternalSubnetSpec {
  readonly subnetId: string
  readonly networkId: string
  readonly projectId: string
  readonly name: string
  readonly cidr: Cidr
  readonly gateway: IpAddress | undefined
  /** Automatic allocation stays inside these (the allocation pools). */
  readonly pools: readonly Interval[]
}

/** Our record of the external object that backs a subnet. */
export interface ExternalSubnet {
  readonly ref: string
  readonly createdByUs: boolean
  /** Vendor details kept with it (JSON-serialisable). */
  readonly detail: Readonly<Record<string, string | number | boolean>>
}

/** A reservation held in the external system. */
export interface Reservation {
  readonly ref: string
  readonly address: IpAddress
  /** Our tag when the reservation carries one (absent: not ours). */
  readonly tag: Partial<ReservationTag> | undefined
  readonly dnsName: string
  readonly macAddress: string
}

export type AddressAsk =
  { readonly kind: 'any' } | { readonly kind: 'specific'; readonly address: IpAddress }

/** One step of `xloud ipam check`. */
export interface CheckStep {
  readonly name: string
  readonly status: 'pass' | 'fail' | 'skipped'
  readonly detail: string
}

/** What a backend can and cannot do, said explicitly (the conformance suite reads it). */
export interface BackendCapabilities {
  readonly ipv6: boolean
  readonly dns: boolean
  readonly mac: boolean
}

/**
 * A vendor backend. Methods throw ExternalIpamError (see external-errors.ts) for every failure,
 * never a raw vendor or network error.
 */
export interface ExternalBackend {
  readonly driver: string
  /** Where it talks to, for messages (never with credentials). */
  readonly endpoint: string
  /** The view / VRF / section / configuration, for status and messages. */
  readonly scope: string
  readonly capabilities: BackendCapabilities
  /**
   * Finds the pre-defined range for a new subnet and adopts an exact match or creates the
   * subnet's object inside the enclosing one.
   * @throws ExternalIpamError 'range-not-defined' or 'range-overlap' (→ 400), or outage kinds (→ 503)
   */
  prepareSubnet(spec: ExternalSubnetSpec): Promise<ExternalSubnet>
  /** Deletes a subnet object we created (callers never pass one we did not). Idempotent. */
  releaseSubnet(ref: string): Promise<void>
  /**
   * Reserves one address, in one call where the system allows it, carrying our tag.
   * @throws ExternalIpamError 'exhausted' (→ 409), 'taken' (→ 409), or outage kinds (→ 503)
   */
  reserve(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    ask: AddressAsk,
    tag: ReservationTag,
  ): Promise<Reservation>
  /** Releases a reservation; "already gone" is success. Idempotent. */
  release(ref: string, address: IpAddress): Promise<void>
  /** Brings a reservation's DNS name and metadata in line with the tag. */
  update(ref: string, address: IpAddress, tag: ReservationTag): Promise<void>
  /** Reservations of a subnet, paging to the end (every one, ours or not). */
  list(spec: ExternalSubnetSpec, subnet: ExternalSubnet): AsyncIterable<Reservation>
  /** Reservations carrying a port's tag (recovery after a crash). */
  findByPort(
    spec: ExternalSubnetSpec,
    subnet: ExternalSubnet,
    portId: string,
  ): Promise<Reservation[]>
  /** The state of the endpoint's circuit breaker. */
  circuit(): 'closed' | 'open' | 'half-open'
  /** The connectivity check, step by step, stopping at the first failure. */
  check(): Promise<CheckStep[]>
  close(): Promise<void>
}
