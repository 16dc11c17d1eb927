import { cidrWithin, formatCidr } from '../../src/domain/cidr.ts'
import { inetText } from './inet.ts'
import {
  CUSTOM_FIELD_TYPES,
  FILTER_LOGICS,
  IP_ROLES,
  IP_STATUSES,
  PREFIX_STATUSES,
  type ContentTypeName,
  type NbCustomField,
  type NbIpAddress,
  type NbPrefix,
  type NbTag,
  type NbVrf,
  type NetboxState,
} from './netbox-state.ts'

/** What rendering needs: the absolute base URL (`http://host:port`) and the state. */
export interface RenderContext {
  readonly baseUrl: string
  readonly state: NetboxState
}

type Json = Record<string, unknown>

const family = (version: 4 | 6): Json => ({ value: version, label: `IPv${version}` })

/** NetBox's NestedVRFSerializer as it comes out inside other objects (no `prefix_count`). */
export function renderNestedVrf(ctx: RenderContext, vrfId: number | null): Json | null {
  if (vrfId === null) return null
  const vrf = ctx.state.vrfs.get(vrfId)
  if (vrf === undefined) return null
  return {
    id: vrf.id,
    url: `${ctx.baseUrl}/api/ipam/vrfs/${vrf.id}/`,
    display: vrfDisplay(vrf),
    name: vrf.name,
    rd: vrf.rd,
  }
}

/** `str(vrf)`: the name, with the RD in parentheses when set. */
export function vrfDisplay(vrf: NbVrf): string {
  return vrf.rd === null ? vrf.name : `${vrf.name} (${vrf.rd})`
}

/** NetBox's NestedTagSerializer (tags inside other objects). */
export function renderNestedTag(ctx: RenderContext, tag: NbTag): Json {
  return {
    id: tag.id,
    url: `${ctx.baseUrl}/api/extras/tags/${tag.id}/`,
    display: tag.name,
    name: tag.name,
    slug: tag.slug,
    color: tag.color,
  }
}

function renderTags(ctx: RenderContext, ids: readonly number[]): Json[] {
  return ids
    .map((id) => ctx.state.tags.get(id))
    .filter((t): t is NbTag => t !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => renderNestedTag(ctx, t))
}

/** Every custom field of the model, null when unset (NetBox shows undefined fields too). */
export function renderCustomFields(
  ctx: RenderContext,
  contentType: ContentTypeName,
  values: Record<string, unknown>,
): Json {
  const out: Json = {}
  for (const cf of ctx.state.customFieldsFor(contentType)) out[cf.name] = values[cf.name] ?? null
  return out
}

/** A VRF as `/api/ipam/vrfs/` returns it (with its prefix and address counts). */
export function renderVrf(ctx: RenderContext, vrf: NbVrf): Json {
  let ipCount = 0
  for (const ip of ctx.state.ipAddresses.values()) if (ip.vrfId === vrf.id) ipCount++
  let prefixCount = 0
  for (const p of ctx.state.prefixes.values()) if (p.vrfId === vrf.id) prefixCount++
  return {
    id: vrf.id,
    url: `${ctx.baseUrl}/api/ipam/vrfs/${vrf.id}/`,
    display: vrfDisplay(vrf),
    name: vrf.name,
    rd: vrf.rd,
    tenant: null,
    enforce_unique: vrf.enforceUnique,
    description: vrf.description,
    import_targets: [],
    export_targets: [],
    tags: renderTags(ctx, vrf.tags),
    custom_fields: renderCustomFields(ctx, 'ipam.vrf', vrf.customFields),
    created: vrf.created,
    last_updated: vrf.lastUpdated,
    ipaddress_count: ipCount,
    prefix_count: prefixCount,
  }
}

/** `_depth` and `children`: ancestors and descendants in the same VRF (equal prefixes excluded). */
function hierarchy(ctx: RenderContext, prefix: NbPrefix): { depth: number; children: number } {
  let depth = 0
  let children = 0
  for (const other of ctx.state.prefixes.values()) {
    if (other.id === prefix.id || other.vrfId !== prefix.vrfId) continue
    if (other.cidr.prefixLength === prefix.cidr.prefixLength) continue
    if (cidrWithin(prefix.cidr, other.cidr)) depth++
    else if (cidrWithin(other.cidr, prefix.cidr)) children++
  }
  return { depth, children }
}

/** A prefix in NetBox 3.1's shape (key order as recorded), with `children` and `_depth`. */
export function renderPrefix(ctx: RenderContext, prefix: NbPrefix): Json {
  const text = formatCidr(prefix.cidr)
  const { depth, children } = hierarchy(ctx, prefix)
  return {
    id: prefix.id,
    url: `${ctx.baseUrl}/api/ipam/prefixes/${prefix.id}/`,
    display: text,
    family: family(prefix.cidr.version),
    prefix: text,
    site: null,
    vrf: renderNestedVrf(ctx, prefix.vrfId),
    tenant: null,
    vlan: null,
    status: { value: prefix.status, label: PREFIX_STATUSES[prefix.status] },
    role: null,
    is_pool: prefix.isPool,
    mark_utilized: prefix.markUtilized,
    description: prefix.description,
    tags: renderTags(ctx, prefix.tags),
    custom_fields: renderCustomFields(ctx, 'ipam.prefix', prefix.customFields),
    created: prefix.created,
    last_updated: prefix.lastUpdated,
    children,
    _depth: depth,
  }
}

/** An IP address in NetBox 3.1's shape (key order as recorded). */
export function renderIpAddress(ctx: RenderContext, ip: NbIpAddress): Json {
  const text = inetText(ip.inet)
  return {
    id: ip.id,
    url: `${ctx.baseUrl}/api/ipam/ip-addresses/${ip.id}/`,
    display: text,
    family: family(ip.inet.version),
    address: text,
    vrf: renderNestedVrf(ctx, ip.vrfId),
    tenant: null,
    status: { value: ip.status, label: IP_STATUSES[ip.status] },
    role: ip.role === null ? null : { value: ip.role, label: IP_ROLES[ip.role] },
    assigned_object_type: null,
    assigned_object_id: null,
    assigned_object: null,
    nat_inside: null,
    nat_outside: null,
    dns_name: ip.dnsName,
    description: ip.description,
    tags: renderTags(ctx, ip.tags),
    custom_fields: renderCustomFields(ctx, 'ipam.ipaddress', ip.customFields),
    created: ip.created,
    last_updated: ip.lastUpdated,
  }
}

/** A tag as `/api/extras/tags/` returns it. */
export function renderTag(ctx: RenderContext, tag: NbTag): Json {
  let tagged = 0
  for (const table of [ctx.state.vrfs, ctx.state.prefixes, ctx.state.ipAddresses]) {
    for (const obj of table.values()) if (obj.tags.includes(tag.id)) tagged++
  }
  return {
    id: tag.id,
    url: `${ctx.baseUrl}/api/extras/tags/${tag.id}/`,
    display: tag.name,
    name: tag.name,
    slug: tag.slug,
    color: tag.color,
    description: tag.description,
    tagged_items: tagged,
    created: tag.created,
    last_updated: tag.lastUpdated,
  }
}

/** A custom field as `/api/extras/custom-fields/` returns it. */
export function renderCustomField(ctx: RenderContext, cf: NbCustomField): Json {
  return {
    id: cf.id,
    url: `${ctx.baseUrl}/api/extras/custom-fields/${cf.id}/`,
    display: cf.label === '' ? cf.name : cf.label,
    content_types: cf.contentTypes,
    type: { value: cf.type, label: CUSTOM_FIELD_TYPES[cf.type] },
    name: cf.name,
    label: cf.label,
    description: cf.description,
    required: cf.required,
    filter_logic: { value: cf.filterLogic, label: FILTER_LOGICS[cf.filterLogic] },
    default: cf.default,
    weight: cf.weight,
    validation_minimum: null,
    validation_maximum: null,
    validation_regex: '',
    choices: cf.choices,
    created: cf.created,
    last_updated: cf.lastUpdated,
  }
}
