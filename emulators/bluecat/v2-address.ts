import type { MacOctets } from '../../src/domain/mac-address.ts'
import type { BamContext } from './bluecat-context.ts'
import { BamErrors } from './bluecat-errors.ts'
import {
  ADDRESS_STATES,
  type AddressEntity,
  type AddressState,
  type NetworkEntity,
} from './bluecat-model.ts'
import { parseV4 } from './bluecat-parse.ts'
import type { AssignSpec } from './bluecat-state.ts'
import { parseBamMac } from './v1-properties.ts'
import { expectType, shown, udfsFrom } from './v2-fields.ts'

type Json = Record<string, unknown>

/** `macAddress` as `{"type":"MACAddress","address":"…"}` or a bare string. */
function macFrom(value: unknown): MacOctets | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return parseBamMac(value)
  if (typeof value === 'object' && typeof (value as Json).address === 'string') {
    return parseBamMac((value as { address: string }).address)
  }
  throw BamErrors.invalidValue('macAddress', JSON.stringify(value))
}

function stateFrom(value: unknown): AddressState {
  if (value === undefined) return 'STATIC'
  const state = ADDRESS_STATES.find((s) => s === value)
  if (state === undefined) throw BamErrors.invalidValue('state', shown(value))
  return state
}

/**
 * Creates an address in a network from a v2 body (next available when `address` is absent), or
 * updates `existing` (PUT: name, state, MAC, user-defined fields). `resourceRecords` of type
 * HostRecord are created with the address, in the zone of the configuration's views that holds
 * their `absoluteName`; all or nothing.
 * @throws NoSpaceForAddress, ResourceAlreadyExists, AddressNotInNetwork, AddressIsNetworkId,
 *   AddressIsBroadcastAddress, MissingMACAddress, ZoneNotFound, InvalidFieldValue
 */
export function v2Address(
  ctx: BamContext,
  network: NetworkEntity,
  body: Json,
  reverseRecord: boolean,
  existing?: AddressEntity,
): AddressEntity {
  const { state } = ctx
  expectType(body, 'IPv4Address')
  const addressState = stateFrom(body.state)
  const mac = macFrom(body.macAddress)
  if (addressState === 'DHCP_RESERVED' && mac === undefined) throw BamErrors.missingMac()
  const spec: AssignSpec = {
    state: addressState,
    name: typeof body.name === 'string' ? body.name : null,
    mac,
    udfs: udfsFrom(body.userDefinedFields),
  }
  if (existing !== undefined) {
    existing.state = spec.state
    existing.name = spec.name ?? null
    existing.mac = spec.mac
    existing.udfs = new Map(spec.udfs)
    return existing
  }

  const records = Array.isArray(body.resourceRecords) ? (body.resourceRecords as unknown[]) : []
  const config = state.configurationOf(network)
  const hosts = records.map((record) => {
    const rr = (record ?? {}) as Json
    if (rr.type !== 'HostRecord')
      throw BamErrors.invalidValue('resourceRecords.type', shown(rr.type))
    const fqdn = typeof rr.absoluteName === 'string' ? rr.absoluteName : ''
    for (const view of state.childrenOf(config.id, 'View')) {
      const place = state.zoneFor(view.id, fqdn)
      if (place !== undefined) return place
    }
    throw BamErrors.zoneNotFound(fqdn)
  })

  const address =
    typeof body.address === 'string'
      ? state.assignAt(network, parseV4(body.address, 'address'), spec)
      : state.assignNext(network, spec)
  try {
    for (const host of hosts) {
      state.addHostRecord(host.zone.id, host.name, [address.value], reverseRecord, undefined)
    }
  } catch (error) {
    state.delete(address.id)
    throw error
  }
  return address
}
