import type { FixedIpInput } from '../../services/fixed-ip-plan.ts'
import type { PortCreate, PortUpdate } from '../../services/port-service.ts'
import { attr, parseItem, readOnlyAttr, type AttrMap } from '../body.ts'
import { toAddressPairs, toDhcpOpts } from './port-extra-attributes.ts'
import {
  InvalidConversion,
  InvalidValue,
  pythonStr,
  toBoolean,
  toDict,
  toDnsName,
  toIpAddress,
  toMacAddress,
  toStringList,
  toStringValue,
  toUuid,
} from '../validators.ts'

function fixedIps(v: unknown): FixedIpInput[] {
  if (!Array.isArray(v))
    throw new InvalidValue(`Invalid data format for fixed IP: '${pythonStr(v)}'`)
  const given: unknown[] = []
  return v.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new InvalidValue(`Invalid data format for fixed IP: '${pythonStr(item)}'`)
    }
    const fixed = item as Record<string, unknown>
    // NOTE: other keys are ignored, as Neutron does.
    if (fixed.subnet_id === undefined && fixed.ip_address === undefined) {
      throw new InvalidConversion('IP allocation requires subnet_id or ip_address')
    }
    // NOTE: as written, as Neutron compares them; the same subnet twice is legitimate.
    if (fixed.ip_address !== undefined && given.includes(fixed.ip_address)) {
      throw new InvalidValue(`Duplicate IP address '${pythonStr(fixed.ip_address)}'`)
    }
    given.push(fixed.ip_address)
    return {
      ...(fixed.subnet_id === undefined ? {} : { subnet_id: toUuid(fixed.subnet_id) }),
      ...(fixed.ip_address === undefined ? {} : { ip_address: toIpAddress(fixed.ip_address) }),
    }
  })
}

export const PORT_ATTRIBUTES = {
  id: readOnlyAttr(),
  name: attr(true, true, toStringValue),
  description: attr(true, true, toStringValue),
  network_id: attr(true, false, toUuid, true),
  admin_state_up: attr(true, true, toBoolean),
  mac_address: attr(true, true, toMacAddress),
  fixed_ips: attr(true, true, fixedIps),
  device_id: attr(true, true, toStringValue),
  device_owner: attr(true, true, toStringValue),
  tenant_id: attr(true, false, toStringValue),
  project_id: attr(true, false, toStringValue),
  port_security_enabled: attr(true, true, toBoolean),
  security_groups: attr(true, true, toStringList),
  allowed_address_pairs: attr(true, true, toAddressPairs),
  extra_dhcp_opts: attr(true, true, toDhcpOpts),
  dns_name: attr(true, true, toDnsName),
  // NOTE: Neutron validates nothing here; `null` clears the host (openstack port unset --host).
  'binding:host_id': attr(true, true, (v) => (v === null ? '' : toStringValue(v))),
  'binding:vnic_type': attr(true, true, toStringValue),
  'binding:profile': attr(true, true, toDict),
  status: readOnlyAttr(),
  'binding:vif_type': readOnlyAttr(),
  'binding:vif_details': readOnlyAttr(),
  tags: readOnlyAttr(),
  created_at: readOnlyAttr(),
  updated_at: readOnlyAttr(),
  revision_number: readOnlyAttr(),
} satisfies AttrMap

export function portCreate(item: Record<string, unknown>): PortCreate {
  const { network_id, security_groups: _sg, ...rest } = parseItem(PORT_ATTRIBUTES, item, 'POST')
  return { ...rest, network_id: network_id ?? '' }
}

export function portUpdate(item: Record<string, unknown>): PortUpdate {
  const { security_groups: _sg, ...rest } = parseItem(PORT_ATTRIBUTES, item, 'PUT')
  return rest
}
