import { isNodeStatus, SwisError, type GroupNode, type NodeData } from './swis-model.ts'
import { nodeRow, subnetRow, type Row } from './swis-rows.ts'
import type { NodeRef, SwisState } from './swis-state.ts'

type Target =
  | { readonly kind: 'node'; readonly ref: NodeRef }
  | { readonly kind: 'subnet'; readonly node: GroupNode; readonly parentId: number }

const KEYS: Record<string, readonly string[]> = {
  'ipam.ipnode': ['ipnodeid'],
  'ipam.subnet': ['subnetid', 'parentid'],
}

/**
 * Resolves `swis://<host>/Orion/<Entity>/<Key>=<v>[,<Key2>=<v2>]` to an IP node or a placement of
 * a subnet. IPAM.Subnet needs both SubnetId and ParentId; navigation past the keys (such as
 * `/Custom`, OrionSDK#373) is refused the way SWIS refuses it.
 * @throws SwisError (400) for malformed URIs, wrong keys and entities that do not exist
 */
function resolve(state: SwisState, uri: string): Target {
  const match = /^swis:\/\/[^/]+\/Orion\/([A-Za-z.]+)\/([^/]+)(\/.*)?$/.exec(uri.trim())
  if (match?.[1] === undefined || match[2] === undefined)
    throw new SwisError(`Invalid SWIS URI: ${uri}`)
  const entity = match[1]
  const required = KEYS[entity.toLowerCase()]
  if (required === undefined) throw new SwisError(`Entity ${entity} was not found in the catalog.`)
  const keys = new Map<string, string>()
  for (const pair of match[2].split(',')) {
    const [k, v] = pair.split('=')
    if (k !== undefined && v !== undefined) keys.set(k.toLowerCase(), decodeURIComponent(v))
  }
  const valid =
    required.every((k) => /^-?[0-9]+$/.test(keys.get(k) ?? '')) && keys.size === required.length
  if (!valid || match[3] !== undefined) {
    throw new SwisError(`Invalid key properties specified for entity ${entity}`)
  }
  const num = (k: string) => Number.parseInt(keys.get(k) ?? '', 10)
  if (entity.toLowerCase() === 'ipam.ipnode') {
    const ref = state.nodeById(num('ipnodeid'))
    if (ref === undefined) throw new SwisError(`Entity ${uri} does not exist.`)
    return { kind: 'node', ref }
  }
  const node = state.group(num('subnetid'))
  if (node === undefined || !node.parentIds.includes(num('parentid'))) {
    throw new SwisError(`Entity ${uri} does not exist.`)
  }
  return { kind: 'subnet', node, parentId: num('parentid') }
}

/** Reads the entity a URI names. @throws SwisError */
export function readUri(state: SwisState, uri: string): Row {
  state.sweep()
  const target = resolve(state, uri)
  return target.kind === 'node'
    ? nodeRow(state, target.ref)
    : subnetRow(target.node, target.parentId)
}

type Setter<T> = (target: T, value: unknown, name: string) => void

const text =
  <T>(set: (t: T, v: string | null) => void): Setter<T> =>
  (t, v, name) => {
    if (v !== null && typeof v !== 'string')
      throw new SwisError(`Property ${name} expects a string value.`)
    set(t, v)
  }

const NODE_SETTERS: Record<string, [string, Setter<NodeData>]> = {
  mac: ['MAC', text((n, v) => (n.mac = v))],
  dnsbackward: ['DnsBackward', text((n, v) => (n.dnsBackward = v))],
  alias: ['Alias', text((n, v) => (n.alias = v))],
  description: ['Description', text((n, v) => (n.description = v))],
  comments: ['Comments', text((n, v) => (n.comments = v))],
  skipscan: [
    'SkipScan',
    (n, v, name) => {
      if (typeof v !== 'boolean') throw new SwisError(`Property ${name} expects a boolean value.`)
      n.skipScan = v
    },
  ],
  allocpolicy: [
    'AllocPolicy',
    (n, v, name) => {
      if (typeof v !== 'number') throw new SwisError(`Property ${name} expects a number.`)
      n.allocPolicy = v
    },
  ],
}

const SUBNET_SETTERS: Record<string, [string, Setter<GroupNode>]> = {
  friendlyname: ['FriendlyName', text((g, v) => (g.friendlyName = v ?? ''))],
  comments: ['Comments', text((g, v) => (g.comments = v))],
  vlan: ['VLAN', text((g, v) => (g.vlan = v))],
  location: ['Location', text((g, v) => (g.location = v))],
}

/**
 * Updates the entity a URI names with a JSON object of properties (POST to the URI). IP nodes take
 * MAC, DnsBackward, Alias, Description, Comments, Status, SkipScan, AllocPolicy; subnets take
 * FriendlyName, Comments, VLAN, Location. Property names are matched without regard to case.
 * @throws SwisError for other properties, wrong value types, and what {@link readUri} refuses
 */
export function updateUri(state: SwisState, uri: string, properties: unknown): void {
  state.sweep()
  const target = resolve(state, uri)
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new SwisError('The request body must be a JSON object of properties.')
  }
  const entries = Object.entries(properties as Record<string, unknown>)
  const entity = target.kind === 'node' ? 'IPAM.IPNode' : 'IPAM.Subnet'
  const setters: Record<string, [string, Setter<never>]> =
    target.kind === 'node' ? NODE_SETTERS : SUBNET_SETTERS
  for (const [key] of entries) {
    if (
      setters[key.toLowerCase()] === undefined &&
      !(target.kind === 'node' && key.toLowerCase() === 'status')
    ) {
      throw new SwisError(
        `Property ${key} of entity ${entity} does not exist or cannot be updated.`,
      )
    }
  }
  if (target.kind === 'subnet') {
    for (const [key, value] of entries)
      SUBNET_SETTERS[key.toLowerCase()]?.[1](target.node, value, key)
    return
  }
  const data = state.write(target.ref)
  for (const [key, value] of entries) {
    if (key.toLowerCase() === 'status') {
      const status = typeof value === 'string' ? Number.parseInt(value, 10) : value
      if (typeof status !== 'number' || !isNodeStatus(status)) {
        throw new SwisError(`Invalid value for property Status: ${JSON.stringify(value)}`)
      }
      state.setStatus(target.ref, status)
    } else NODE_SETTERS[key.toLowerCase()]?.[1](data, value, key)
  }
}

/** Deletes a subnet placement (the subnet with its last placement). @throws SwisError */
export function deleteUri(state: SwisState, uri: string): void {
  const target = resolve(state, uri)
  if (target.kind === 'node') {
    throw new SwisError('IPAM.IPNode rows belong to their subnet and cannot be deleted.')
  }
  state.removePlacement(target.node.id, target.parentId)
}
