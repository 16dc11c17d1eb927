import type { SubnetPoolCreate, SubnetPoolUpdate } from '../../services/subnet-pool-service.ts'
import { attr, parseItem, readOnlyAttr, type AttrMap } from '../body.ts'
import {
  toBoolean,
  toInteger,
  toList,
  toNonNegativeInteger,
  toStringValue,
  toSubnetCidr,
  toUuid,
} from '../validators.ts'

const prefixes = (v: unknown) => toList(v).map(toSubnetCidr)
const nullable =
  <T>(convert: (v: unknown) => T) =>
  (v: unknown): T | null =>
    v === null ? null : convert(v)

export const SUBNETPOOL_ATTRIBUTES = {
  id: readOnlyAttr(),
  name: attr(true, true, toStringValue),
  description: attr(true, true, toStringValue),
  prefixes: attr(true, true, prefixes, true),
  default_prefixlen: attr(true, true, toInteger),
  min_prefixlen: attr(true, true, toInteger),
  max_prefixlen: attr(true, true, toInteger),
  shared: attr(true, false, toBoolean),
  is_default: attr(true, true, toBoolean),
  default_quota: attr(
    true,
    true,
    nullable((v) => toNonNegativeInteger(v)),
  ),
  address_scope_id: attr(true, true, nullable(toUuid)),
  tenant_id: attr(true, false, toStringValue),
  project_id: attr(true, false, toStringValue),
  ip_version: readOnlyAttr(),
  tags: readOnlyAttr(),
  created_at: readOnlyAttr(),
  updated_at: readOnlyAttr(),
  revision_number: readOnlyAttr(),
} satisfies AttrMap

export function subnetPoolCreate(item: Record<string, unknown>): SubnetPoolCreate {
  const { prefixes: list, ...rest } = parseItem(SUBNETPOOL_ATTRIBUTES, item, 'POST')
  return { ...rest, prefixes: list ?? [] }
}

export function subnetPoolUpdate(item: Record<string, unknown>): SubnetPoolUpdate {
  return parseItem(SUBNETPOOL_ATTRIBUTES, item, 'PUT')
}
