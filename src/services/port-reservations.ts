import { eui64Address } from '../domain/mac-address.ts'
import type { AuditAction, AuditEvent, AuditOutcome } from '../ipam/audit.ts'
import type { AddressAsk } from '../ipam/drivers/external/external-backend.ts'
import { specOfRow, type PlannedReservation } from '../ipam/drivers/external/external-ipam.ts'
import type { PlannedAddress } from './fixed-ip-plan.ts'
import { rowCidr } from './ipam-spec.ts'
import type { RequestContext } from './request-context.ts'
import type { PortView } from './resources.ts'
import type { PortRow } from './views.ts'

/**
 * What an external IPAM is asked for one planned address of a port: "any" for automatic
 * requests (the system picks, inside our pools), the address itself for specific and EUI-64 ones.
 */
export function reservationPlan(
  port: PortRow,
  planned: PlannedAddress,
  ctx: RequestContext,
  primary: boolean,
): PlannedReservation {
  let ask: AddressAsk
  switch (planned.request.kind) {
    case 'any':
    case 'prefer-next':
      ask = { kind: 'any' }
      break
    case 'specific':
    case 'reserved':
      ask = { kind: 'specific', address: planned.request.address }
      break
    case 'automatic': {
      const subnet = planned.candidates[0]
      const network = subnet === undefined ? 0n : rowCidr(subnet).network
      ask = {
        kind: 'specific',
        address: { version: 6, value: eui64Address(network, planned.request.mac) },
      }
      break
    }
  }
  return {
    candidates: planned.candidates.map(specOfRow),
    ask,
    tag: {
      portId: port.id,
      projectId: port.project_id,
      networkId: port.network_id,
      deviceId: port.device_id,
      deviceOwner: port.device_owner,
      macAddress: port.mac_address,
      dnsName: port.dns_name,
      primary,
    },
    who: { projectId: ctx.projectId, userId: ctx.userId },
  }
}

/** Audit events for every address of a port. */
export function allocationEvents(
  driver: string,
  ctx: RequestContext,
  port: Pick<PortView, 'id' | 'network_id' | 'fixed_ips'>,
  action: AuditAction,
  outcome: AuditOutcome,
): AuditEvent[] {
  return port.fixed_ips.map((f) => ({
    driver,
    action,
    outcome,
    projectId: ctx.projectId,
    userId: ctx.userId,
    portId: port.id,
    subnetId: f.subnet_id,
    networkId: port.network_id,
    ipAddress: f.ip_address,
  }))
}
