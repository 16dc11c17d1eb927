import type { FastifyRequest } from 'fastify'
import { formatCidr } from '../../src/domain/cidr.ts'
import { intParam, queryParam, type BamContext } from './bluecat-context.ts'
import { BamErrors } from './bluecat-errors.ts'
import type { AddressEntity, AddressState } from './bluecat-model.ts'
import { parseV4 } from './bluecat-parse.ts'
import type { AssignSpec } from './bluecat-state.ts'
import { udfsOf } from './v1-entities.ts'
import { parseBamMac, parseProperties } from './v1-properties.ts'

const ACTIONS: Record<string, AddressState> = {
  MAKE_STATIC: 'STATIC',
  MAKE_RESERVED: 'RESERVED',
  MAKE_DHCP_RESERVED: 'DHCP_RESERVED',
}

interface HostInfo {
  readonly zoneId: number
  readonly name: string
  readonly reverse: boolean
}

/**
 * `hostInfo=<fqdn>,<viewId>,<reverseFlag>,<sameAsZoneFlag>[,…]`: the host records to create with
 * the address, resolved to zones before anything is assigned.
 * @throws ResourceNotFound for an unknown view, ZoneNotFound when no zone holds the name
 */
function parseHostInfo(ctx: BamContext, text: string | undefined): HostInfo[] {
  if (text === undefined || text === '') return []
  const parts = text.split(',')
  if (parts.length % 4 !== 0) throw BamErrors.invalidValue('hostInfo', text)
  const out: HostInfo[] = []
  for (let i = 0; i < parts.length; i += 4) {
    const fqdn = parts[i] ?? ''
    const viewId = Number.parseInt(parts[i + 1] ?? '', 10)
    ctx.state.require(Number.isNaN(viewId) ? 0 : viewId, 'View')
    const place = ctx.state.zoneFor(viewId, fqdn)
    if (place === undefined) throw BamErrors.zoneNotFound(fqdn)
    out.push({ zoneId: place.zone.id, name: place.name, reverse: parts[i + 2] === 'true' })
  }
  return out
}

/**
 * `assignNextAvailableIP4Address` (mode `next`: lowest free address under `parentId`, a network,
 * block or configuration) and `assignIP4Address` (mode `specific`: `ip4Address`), with the MAC,
 * action, properties (`name=…|<udf>=…|`) and host records of the request, all or nothing.
 * @throws NoSpaceForAddress, ResourceAlreadyExists, AddressNotInNetwork, AddressIsNetworkId,
 *   AddressIsBroadcastAddress, MissingMACAddress, ZoneNotFound (all HTTP 500 in v1)
 */
export function v1Assign(
  ctx: BamContext,
  request: FastifyRequest,
  mode: 'next' | 'specific',
): AddressEntity {
  const { state } = ctx
  const config = state.require(intParam(request, 'configurationId'), 'Configuration')
  const action = queryParam(request, 'action') ?? 'MAKE_STATIC'
  const addressState = ACTIONS[action]
  if (addressState === undefined) throw BamErrors.invalidValue('action', action)
  const macText = queryParam(request, 'macAddress') ?? ''
  const mac = macText === '' ? undefined : parseBamMac(macText)
  if (addressState === 'DHCP_RESERVED' && mac === undefined) throw BamErrors.missingMac()
  const props = parseProperties(queryParam(request, 'properties'))
  const spec: AssignSpec = {
    state: addressState,
    name: props.get('name') ?? null,
    mac,
    udfs: udfsOf(props),
  }
  const hosts = parseHostInfo(ctx, queryParam(request, 'hostInfo'))

  let address: AddressEntity
  if (mode === 'next') {
    const parent = state.require(
      intParam(request, 'parentId'),
      'Configuration',
      'IP4Block',
      'IP4Network',
    )
    if (state.configurationOf(parent).id !== config.id) throw BamErrors.notFound(parent.id)
    if (parent.kind === 'IP4Network') address = state.assignNext(parent, spec)
    else {
      const networks = state
        .descendants(parent.id, 'IP4Network')
        .sort((a, b) => (a.cidr.network < b.cidr.network ? -1 : 1))
      const network = networks.find((n) => state.nextFree(n) !== undefined)
      if (network === undefined) {
        throw BamErrors.noSpace(
          parent.kind === 'IP4Block' ? formatCidr(parent.cidr) : String(parent.name),
        )
      }
      address = state.assignNext(network, spec)
    }
  } else {
    const value = parseV4(queryParam(request, 'ip4Address'), 'ip4Address')
    const network = state.networkContaining(config.id, value)
    if (network === undefined) throw BamErrors.noNetworkFor(queryParam(request, 'ip4Address') ?? '')
    address = state.assignAt(network, value, spec)
  }
  try {
    for (const host of hosts)
      state.addHostRecord(host.zoneId, host.name, [address.value], host.reverse, undefined)
  } catch (error) {
    state.delete(address.id)
    throw error
  }
  return address
}
