import { formatCidr } from '../../src/domain/cidr.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import type { Entity, EntityKind } from './bluecat-model.ts'
import { formatBamMac, formatProperties } from './v1-properties.ts'

/** A legacy v1 APIEntity: `properties` is a pipe-delimited `k=v|` string. */
export interface V1Entity {
  readonly id: number
  readonly name: string | null
  readonly type: string | null
  readonly properties: string | null
}

/** What v1 answers, with status 200, when nothing matches: an entity with id 0. */
export const EMPTY_ENTITY: V1Entity = { id: 0, name: null, type: null, properties: null }

const V1_TYPES: Record<EntityKind, string> = {
  Configuration: 'Configuration',
  IP4Block: 'IP4Block',
  IP4Network: 'IP4Network',
  IP4Address: 'IP4Address',
  View: 'View',
  Zone: 'Zone',
  HostRecord: 'HostRecord',
}

/** The v1 type name of a kind, and the kind of a v1 type name. */
export function v1Type(kind: EntityKind): string {
  return V1_TYPES[kind]
}

/** The kind of a v1 type name, undefined for types the emulator does not have. */
export function kindOfV1Type(type: string | undefined): EntityKind | undefined {
  return (Object.keys(V1_TYPES) as EntityKind[]).find((k) => V1_TYPES[k] === type)
}

/** The built-in properties of an entity, in BAM's order, followed by its user-defined fields. */
export function v1PropertyPairs(entity: Entity): [string, string][] {
  const pairs: [string, string][] = []
  const flags: [string, string][] = [
    ['allowDuplicateHost', 'disable'],
    ['inheritAllowDuplicateHost', 'true'],
    ['pingBeforeAssign', 'disable'],
    ['inheritPingBeforeAssign', 'true'],
  ]
  switch (entity.kind) {
    case 'Configuration':
    case 'View':
      break
    case 'IP4Block':
      pairs.push(['CIDR', formatCidr(entity.cidr)], ...flags)
      break
    case 'IP4Network':
      pairs.push(['CIDR', formatCidr(entity.cidr)], ...flags)
      if (entity.gateway !== undefined) pairs.push(['gateway', formatIpv4(entity.gateway)])
      break
    case 'IP4Address':
      pairs.push(['address', formatIpv4(entity.value)], ['state', entity.state])
      if (entity.mac !== undefined) pairs.push(['macAddress', formatBamMac(entity.mac)])
      break
    case 'Zone':
      pairs.push(['absoluteName', entity.absoluteName], ['deployable', 'false'])
      break
    case 'HostRecord':
      if (entity.ttl !== undefined) pairs.push(['ttl', String(entity.ttl)])
      pairs.push(
        ['absoluteName', entity.absoluteName],
        ['addresses', entity.addresses.map(formatIpv4).join(',')],
        ['reverseRecord', String(entity.reverseRecord)],
      )
      break
  }
  for (const [key, value] of entity.udfs) pairs.push([key, value])
  return pairs
}

/** The v1 APIEntity of an object. */
export function toV1Entity(entity: Entity): V1Entity {
  return {
    id: entity.id,
    name: entity.name,
    type: v1Type(entity.kind),
    properties: formatProperties(v1PropertyPairs(entity)),
  }
}

/** Keys of v1 properties that are not user-defined fields, per kind. */
export const BUILT_IN_KEYS: ReadonlySet<string> = new Set([
  'name',
  'CIDR',
  'gateway',
  'address',
  'state',
  'macAddress',
  'absoluteName',
  'addresses',
  'reverseRecord',
  'ttl',
  'deployable',
  'allowDuplicateHost',
  'inheritAllowDuplicateHost',
  'pingBeforeAssign',
  'inheritPingBeforeAssign',
])

/** The user-defined fields among parsed v1 properties. */
export function udfsOf(properties: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...properties].filter(([key]) => !BUILT_IN_KEYS.has(key)))
}
