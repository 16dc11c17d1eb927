import type { NetworkCreate, NetworkUpdate } from '../../services/network-service.ts'
import { attr, parseItem, readOnlyAttr, type AttrMap } from '../body.ts'
import {
  toBoolean,
  toDnsDomain,
  toInteger,
  toNonNegativeInteger,
  toStringList,
  toStringValue,
} from '../validators.ts'

const nullableString = (v: unknown): string | null => (v === null ? null : toStringValue(v))
const nullableInt = (v: unknown): number | null => (v === null ? null : toInteger(v))

export const NETWORK_ATTRIBUTES = {
  id: readOnlyAttr(),
  name: attr(true, true, toStringValue),
  description: attr(true, true, toStringValue),
  admin_state_up: attr(true, true, toBoolean),
  shared: attr(true, true, toBoolean),
  // NOTE: no upper bound here: the service refuses an MTU above the network type's maximum.
  mtu: attr(true, true, (v) => toNonNegativeInteger(v, Number.MAX_VALUE)),
  port_security_enabled: attr(true, true, toBoolean),
  tenant_id: attr(true, false, toStringValue),
  project_id: attr(true, false, toStringValue),
  'router:external': attr(true, true, toBoolean),
  'provider:network_type': attr(true, true, toStringValue),
  'provider:physical_network': attr(true, true, nullableString),
  'provider:segmentation_id': attr(true, true, nullableInt),
  availability_zone_hints: attr(true, false, toStringList),
  dns_domain: attr(true, true, toDnsDomain),
  status: readOnlyAttr(),
  subnets: readOnlyAttr(),
  availability_zones: readOnlyAttr(),
  ipv4_address_scope: readOnlyAttr(),
  ipv6_address_scope: readOnlyAttr(),
  tags: readOnlyAttr(),
  created_at: readOnlyAttr(),
  updated_at: readOnlyAttr(),
  revision_number: readOnlyAttr(),
} satisfies AttrMap

export function networkCreate(item: Record<string, unknown>): NetworkCreate {
  return parseItem(NETWORK_ATTRIBUTES, item, 'POST')
}

export function networkUpdate(item: Record<string, unknown>): NetworkUpdate {
  return parseItem(NETWORK_ATTRIBUTES, item, 'PUT')
}
