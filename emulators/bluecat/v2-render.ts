import { formatCidr } from '../../src/domain/cidr.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import type { Entity, NetworkEntity } from './bluecat-model.ts'
import type { BamState } from './bluecat-state.ts'
import { formatBamMac } from './v1-properties.ts'

/** Where the RESTful v2 API is served. */
export const V2_PREFIX = '/api/v2'

type Json = Record<string, unknown>

/** The v2 collection an entity is a member of, and its v2 type name. */
export function v2Collection(entity: Entity): string {
  switch (entity.kind) {
    case 'Configuration':
      return 'configurations'
    case 'IP4Block':
      return 'blocks'
    case 'IP4Network':
      return 'networks'
    case 'IP4Address':
      return 'addresses'
    case 'View':
      return 'views'
    case 'Zone':
      return 'zones'
    case 'HostRecord':
      return 'resourceRecords'
  }
}

/** The v2 `type` of an entity (IPv4Block, IPv4Network, IPv4Address, …). */
export function v2Type(entity: Entity): string {
  switch (entity.kind) {
    case 'IP4Block':
      return 'IPv4Block'
    case 'IP4Network':
      return 'IPv4Network'
    case 'IP4Address':
      return 'IPv4Address'
    default:
      return entity.kind
  }
}

/** The v2 path of a resource. */
export function selfHref(entity: Entity): string {
  return `${V2_PREFIX}/${v2Collection(entity)}/${entity.id}`
}

/** The subcollections linked from a resource (HAL `_links`). */
const SUBCOLLECTIONS: Partial<Record<Entity['kind'], readonly string[]>> = {
  Configuration: ['blocks', 'views'],
  IP4Block: ['blocks', 'networks'],
  IP4Network: ['addresses'],
  IP4Address: ['resourceRecords'],
  View: ['zones'],
  Zone: ['zones', 'resourceRecords'],
  HostRecord: ['addresses'],
}

/**
 * Renders v2 resources: plain JSON, or HAL with `_links` (self, collection, up, subcollections)
 * on the resource and on inlined references.
 */
export class V2Renderer {
  constructor(
    private readonly state: BamState,
    private readonly hal: boolean,
  ) {}

  /** An inlined reference: `{id, type, name[, _links.self]}`. */
  ref(entity: Entity | undefined): Json | null {
    if (entity === undefined) return null
    const out: Json = { id: entity.id, type: v2Type(entity), name: entity.name }
    if (entity.kind === 'Zone') out.absoluteName = entity.absoluteName
    if (this.hal) out._links = { self: { href: selfHref(entity) } }
    return out
  }

  resource(entity: Entity): Json {
    const out: Json = { id: entity.id, type: v2Type(entity), name: entity.name }
    const udfs = Object.fromEntries(entity.udfs)
    if (entity.kind !== 'Configuration') {
      out.configuration = this.ref(this.state.configurationOf(entity))
    }
    switch (entity.kind) {
      case 'Configuration':
        out.description = null
        break
      case 'IP4Block':
        out.range = formatCidr(entity.cidr)
        break
      case 'IP4Network':
        out.range = formatCidr(entity.cidr)
        out.gateway = entity.gateway === undefined ? null : formatIpv4(entity.gateway)
        break
      case 'IP4Address':
        out.address = formatIpv4(entity.value)
        out.state = entity.state
        out.macAddress =
          entity.mac === undefined
            ? null
            : { type: 'MACAddress', address: formatBamMac(entity.mac) }
        break
      case 'View':
        break
      case 'Zone':
        out.absoluteName = entity.absoluteName
        out.view = this.ref(this.state.viewOf(entity))
        break
      case 'HostRecord':
        out.absoluteName = entity.absoluteName
        out.ttl = entity.ttl ?? null
        out.reverseRecord = entity.reverseRecord
        out.zone = this.ref(this.state.get(entity.parentId))
        out.view = this.ref(this.state.viewOf(entity))
        break
    }
    out.userDefinedFields = udfs
    if (this.hal) {
      const self = selfHref(entity)
      const links: Json = {
        self: { href: self },
        collection: { href: `${V2_PREFIX}/${v2Collection(entity)}` },
      }
      const parent = this.state.get(entity.parentId)
      if (parent !== undefined) links.up = { href: selfHref(parent) }
      for (const sub of SUBCOLLECTIONS[entity.kind] ?? []) links[sub] = { href: `${self}/${sub}` }
      out._links = links
    }
    return out
  }

  /**
   * An address of a network that is not assigned: v2 lists these as `UNASSIGNED` rows. They are
   * not objects, so they carry no id and no self link.
   */
  unassigned(network: NetworkEntity, value: bigint): Json {
    return {
      type: 'IPv4Address',
      name: null,
      configuration: this.ref(this.state.configurationOf(network)),
      address: formatIpv4(value),
      state: 'UNASSIGNED',
      macAddress: null,
      userDefinedFields: {},
    }
  }
}
