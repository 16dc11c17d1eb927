import { parseCidrText, toCidr, type Cidr } from '../../src/domain/cidr.ts'
import { formatIpv4, parseIpv4 } from '../../src/domain/ip-address.ts'
import { NODE_STATUS, statusFromName, SwisError, type NodeStatus } from './swis-model.ts'
import type { SwisValue } from './swis-rows.ts'
import { ROOT_ID, type NodeRef, type SwisState } from './swis-state.ts'

/** Positional verb arguments; numbers may come as strings and strings as numbers. */
class Args {
  constructor(
    private readonly verb: string,
    private readonly values: readonly unknown[],
    min: number,
    max: number,
  ) {
    if (values.length < min || values.length > max) {
      throw new SwisError(
        `Verb ${verb} cannot unpackage parameter ${Math.min(values.length, min)}: expected ${min === max ? min : `${min} to ${max}`} arguments, got ${values.length}`,
      )
    }
  }

  has(i: number): boolean {
    const v = this.values[i]
    return v !== undefined && v !== null && v !== ''
  }

  str(i: number): string {
    const v = this.values[i]
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    throw new SwisError(`Verb ${this.verb} cannot unpackage parameter ${i} with type System.String`)
  }

  int(i: number): number {
    const v = this.values[i]
    const n =
      typeof v === 'number'
        ? v
        : typeof v === 'string' && /^\s*-?[0-9]+\s*$/.test(v)
          ? Number.parseInt(v, 10)
          : Number.NaN
    if (!Number.isInteger(n))
      throw new SwisError(
        `Verb ${this.verb} cannot unpackage parameter ${i} with type System.Int32`,
      )
    return n
  }

  ip(i: number): bigint {
    const text = this.str(i).trim()
    const ip = parseIpv4(text)
    if (ip === undefined) throw new SwisError(`'${text}' is not a valid IPv4 address.`)
    return ip.value
  }

  /** Arguments `i` (address) and `i + 1` (CIDR) as a prefix, host bits cleared. */
  cidr(i: number): Cidr {
    const text = `${this.str(i).trim()}/${this.int(i + 1)}`
    const parsed = parseCidrText(text)
    if (parsed?.address.version !== 4) throw new SwisError(`'${text}' is not a valid IPv4 subnet.`)
    return toCidr(parsed.address, parsed.prefixLength)
  }

  status(i: number): NodeStatus {
    const name = this.str(i)
    const status = statusFromName(name)
    if (status === undefined) {
      throw new SwisError(
        `Invalid status '${name}'. Possible values: ${Object.keys(NODE_STATUS).join(', ')}.`,
      )
    }
    return status
  }
}

type Verb = (state: SwisState, args: readonly unknown[], name: string) => SwisValue

function subnetOf(state: SwisState, cidr: Cidr, hierarchy?: number) {
  const subnet = state.findSubnet(cidr, hierarchy)
  if (subnet === undefined) {
    throw new SwisError(`Subnet ${formatIpv4(cidr.network)}/${cidr.prefixLength} was not found.`)
  }
  return subnet
}

function nodeOf(state: SwisState, value: bigint, hierarchy?: number): NodeRef {
  const ref = state.locate(value, hierarchy)
  if (ref === undefined) throw new SwisError(`IP address ${formatIpv4(value)} was not found.`)
  return ref
}

const group = (state: SwisState, a: Args, i: number) => state.hierarchyGroup(a.str(i)).id

function firstAvailable(state: SwisState, cidr: Cidr, hierarchy?: number): string {
  state.sweep()
  const subnet = subnetOf(state, cidr, hierarchy)
  const value = state.firstAvailable(subnet)
  if (value === undefined)
    throw new SwisError(`No available IP address found in subnet ${subnet.friendlyName}.`)
  return formatIpv4(value)
}

function start(
  state: SwisState,
  a: Args,
  cidr: Cidr,
  hierarchy: number | undefined,
  minutesAt: number,
): string {
  const subnet = subnetOf(state, cidr, hierarchy)
  const minutes = a.has(minutesAt) ? a.int(minutesAt) : 10
  const from = a.has(minutesAt + 1) ? a.ip(minutesAt + 1) : undefined
  if (from !== undefined && !state.contains(subnet, from)) {
    throw new SwisError(`Address ${formatIpv4(from)} is outside of subnet ${subnet.friendlyName}.`)
  }
  return formatIpv4(state.startReservation(subnet, minutes, from))
}

function dns(ptr: boolean, remove: boolean): Verb {
  return (state, values, name) => {
    const a = new Args(name, values, 4, 4)
    const record = {
      name: a.str(0),
      address: formatIpv4(a.ip(1)),
      dnsServer: a.str(2),
      zone: a.str(3),
      ptr,
    }
    if (remove) {
      const index = state.dns.findIndex(
        (r) => r.name === record.name && r.address === record.address,
      )
      if (index >= 0) state.dns.splice(index, 1)
    } else state.dns.push(record)
    return null
  }
}

const VERBS: Record<string, Record<string, Verb>> = {
  'ipam.subnetmanagement': {
    getfirstavailableip: (s, v, n) => firstAvailable(s, new Args(n, v, 2, 2).cidr(0)),
    getfirstavailableipforgroup: (s, v, n) => {
      const a = new Args(n, v, 3, 3)
      return firstAvailable(s, a.cidr(0), group(s, a, 2))
    },
    getfirstavailableipviafriendlyname: (s, v, n) => {
      const name = new Args(n, v, 1, 1).str(0)
      const subnet = s.subnets().find((x) => x.friendlyName === name)
      if (subnet?.cidr === undefined)
        throw new SwisError(`Subnet with friendly name '${name}' was not found.`)
      return firstAvailable(s, subnet.cidr)
    },
    startipreservation: (s, v, n) => {
      const a = new Args(n, v, 2, 4)
      return start(s, a, a.cidr(0), undefined, 2)
    },
    startipreservationforgroup: (s, v, n) => {
      const a = new Args(n, v, 3, 5)
      return start(s, a, a.cidr(0), group(s, a, 2), 3)
    },
    finishipreservation: (s, v, n) => {
      const a = new Args(n, v, 2, 2)
      s.endReservation(nodeOf(s, a.ip(0)), a.status(1))
      return null
    },
    finishipreservationforgroup: (s, v, n) => {
      const a = new Args(n, v, 3, 3)
      s.endReservation(nodeOf(s, a.ip(0), group(s, a, 2)), a.status(1))
      return null
    },
    cancelipreservation: (s, v, n) => {
      s.endReservation(nodeOf(s, new Args(n, v, 1, 1).ip(0)), NODE_STATUS.Available)
      return null
    },
    cancelipreservationforgroup: (s, v, n) => {
      const a = new Args(n, v, 2, 2)
      s.endReservation(nodeOf(s, a.ip(0), group(s, a, 1)), NODE_STATUS.Available)
      return null
    },
    changeipstatus: (s, v, n) => {
      const a = new Args(n, v, 2, 2)
      s.setStatus(nodeOf(s, a.ip(0)), a.status(1))
      return null
    },
    changeipstatusforgroup: (s, v, n) => {
      const a = new Args(n, v, 3, 3)
      s.setStatus(nodeOf(s, a.ip(0), group(s, a, 2)), a.status(1))
      return null
    },
    createsubnet: (s, v, n) => {
      s.createSubnet(new Args(n, v, 2, 2).cidr(0), ROOT_ID)
      return null
    },
    createsubnetforgroup: (s, v, n) => {
      const a = new Args(n, v, 3, 3)
      s.createSubnet(a.cidr(0), group(s, a, 2))
      return null
    },
    createsubnetforgivenparentnode: (s, v, n) => {
      const a = new Args(n, v, 3, 3)
      s.createSubnet(a.cidr(0), a.int(2))
      return null
    },
  },
  'ipam.ipaddressmanagement': {
    adddnsarecord: dns(false, false),
    adddnsarecordwithptr: dns(true, false),
    removednsarecord: dns(false, true),
  },
}

/**
 * `Invoke/<Entity>/<Verb>` with positional arguments. Entity and verb names are matched without
 * regard to case (the OrionSDK samples write both ChangeIpStatus and ChangeIPStatus).
 * @throws SwisError (400) for unknown verbs, bad arguments and every refusal of the verb
 */
export function invokeVerb(
  state: SwisState,
  entity: string,
  verb: string,
  args: unknown,
): SwisValue {
  const verbs = VERBS[entity.toLowerCase()]
  if (verbs === undefined) throw new SwisError(`Entity ${entity} was not found in the catalog.`)
  const run = verbs[verb.toLowerCase()]
  if (run === undefined) throw new SwisError(`Verb ${entity}.${verb} was not found.`)
  if (!Array.isArray(args)) {
    throw new SwisError(
      `Verb ${entity}.${verb}: the arguments must be a JSON array (they are positional).`,
    )
  }
  return run(state, args, `${entity}.${verb}`)
}
