/** The types of the IPAM administration API (docs/ipam-admin-api.md). */

/** `GET /v2.0/ipam/status`. */
export interface IpamStatus {
  readonly driver: string
  readonly endpoint: string | null
  readonly view: string | null
  /** ok | degraded | unreachable */
  readonly state: string
  readonly circuit: string
  readonly last_error: { readonly at: string; readonly message: string } | null
  readonly pending_releases: number
  readonly journal_open: number
}

/** One step of `POST /v2.0/ipam/check`. */
export interface CheckStep {
  readonly name: string
  /** pass | fail | skipped */
  readonly status: string
  readonly detail: string
}

/** `POST /v2.0/ipam/check`. */
export interface ConnectivityCheck {
  readonly driver: string
  readonly ok: boolean
  readonly steps: readonly CheckStep[]
}

/** A release waiting in the durable queue. */
export interface PendingRelease {
  readonly id: string
  readonly port_id: string | null
  readonly subnet_id: string | null
  readonly ip_address: string
  readonly external_ref: string | null
  readonly attempts: number
  readonly next_attempt_at: string | null
  readonly last_error: string | null
  readonly created_at: string
}

/** The answer of a retry. */
export interface RetryResult {
  readonly released: number
  readonly pending: number
}

/** A difference found by a reconcile. */
export interface ReconcileItem {
  readonly ip_address: string
  readonly subnet_id?: string | null
  readonly port_id?: string | null
  readonly external_ref?: string | null
  readonly field?: string
  readonly ours?: string | null
  readonly external?: string | null
  readonly repaired: boolean
}

/**
 * A subnet of ours whose range is missing in the IPAM system: its object is gone there, or none
 * was ever recorded (the subnet predates the driver). Never repaired automatically: the
 * operator re-creates the range in the IPAM system or deletes the subnet.
 */
export interface MissingRange {
  readonly subnet_id: string
  readonly cidr: string
  /** Our record of the external object; null when none was recorded for this driver. */
  readonly external_ref: string | null
  readonly detail: string
  readonly repaired: boolean
}

/** A reconcile report. */
export interface ReconcileReport {
  readonly id: string
  readonly driver?: string
  readonly started_at: string
  readonly finished_at: string | null
  readonly repair: boolean
  readonly scanned: { readonly ours: number; readonly external: number }
  readonly orphans: readonly ReconcileItem[]
  readonly missing: readonly ReconcileItem[]
  readonly stale: readonly ReconcileItem[]
  /** Subnets whose range is missing in the IPAM system; absent with the internal driver. */
  readonly missing_ranges?: readonly MissingRange[]
  /**
   * Subnets that could not be compared and repairs that failed, one line each (absent from
   * reports stored by older servers).
   */
  readonly errors?: readonly string[]
}

/** `GET /v2.0/ipam/reconcile/progress`. */
export interface ReconcileProgress {
  readonly running: boolean
  readonly phase: string | null
  readonly done: number | null
  readonly total: number | null
}

/** One audit event. */
export interface AuditEvent {
  readonly id: string
  readonly at: string
  readonly driver: string
  readonly action: string
  readonly outcome: string
  readonly project_id: string | null
  readonly user_id: string | null
  readonly port_id: string | null
  readonly subnet_id: string | null
  readonly network_id: string | null
  readonly ip_address: string | null
  readonly detail: string | null
}

/** The audit actions, for the filter. */
export const AUDIT_ACTIONS = [
  'allocate',
  'release',
  'subnet-create',
  'subnet-adopt',
  'subnet-delete',
  'repair',
  'refuse',
] as const
