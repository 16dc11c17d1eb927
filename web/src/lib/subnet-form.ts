import {
  addressBits,
  cidrContains,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
} from './ip-address.ts'
import type { Cidr } from './ip-address.ts'

/** The IPv6 modes Neutron knows (empty: not set). */
export type Ipv6Mode = '' | 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless'

/** One allocation pool row as typed. */
export interface PoolRow {
  readonly start: string
  readonly end: string
}

/** What the Create Subnet dialog holds, as typed. */
export interface SubnetFormValues {
  readonly name: string
  /** Where the range comes from: a CIDR typed in, or a prefix taken from a subnet pool. */
  readonly source: 'cidr' | 'pool'
  readonly cidr: string
  readonly subnetpoolId: string
  readonly prefixLength: string
  readonly ipVersion: 4 | 6
  readonly gatewayMode: 'auto' | 'explicit' | 'none'
  readonly gatewayIp: string
  readonly pools: readonly PoolRow[]
  readonly enableDhcp: boolean
  readonly ipv6RaMode: Ipv6Mode
  readonly ipv6AddressMode: Ipv6Mode
}

/** The fields an error can be shown beside. */
export type SubnetField =
  'name' | 'cidr' | 'subnetpool' | 'prefixLength' | 'gateway' | 'pools' | 'ipv6'

/** Problems per field, plus per allocation pool row. */
export interface SubnetFormErrors {
  readonly fields: Partial<Record<SubnetField, string>>
  readonly poolRows: readonly (string | undefined)[]
}

/** What the form needs to know of a subnet pool. */
export interface SubnetPoolChoice {
  readonly id: string
  readonly name: string
  readonly ip_version: number
  /** NOTE: Neutron writes the prefix lengths of a pool as strings ("26"). */
  readonly min_prefixlen: number | string
  readonly max_prefixlen: number | string
  readonly default_prefixlen: number | string
  readonly prefixes: readonly string[]
}

/** The dialog's starting values. */
export const EMPTY_SUBNET_FORM: SubnetFormValues = {
  name: '',
  source: 'cidr',
  cidr: '',
  subnetpoolId: '',
  prefixLength: '',
  ipVersion: 4,
  gatewayMode: 'auto',
  gatewayIp: '',
  pools: [],
  enableDhcp: true,
  ipv6RaMode: '',
  ipv6AddressMode: '',
}

/**
 * Checks a CIDR as typed. `required` reports an empty field too (on submit; while typing an
 * empty field is not yet an error).
 */
export function cidrProblem(text: string, ipVersion: 4 | 6, required: boolean): string | undefined {
  const t = text.trim()
  if (t === '') return required ? 'Enter the subnet’s range, e.g. 10.50.0.0/24.' : undefined
  if (!t.includes('/')) {
    return parseIp(t) === undefined
      ? 'Not a valid CIDR: write an address and a prefix length, e.g. 10.50.0.0/24.'
      : `Add a prefix length, e.g. ${t}/${ipVersion === 4 || !t.includes(':') ? '24' : '64'}.`
  }
  const cidr = parseCidr(t)
  if (cidr === undefined) {
    const [address = '', prefix = ''] = t.split('/')
    if (parseIp(address) === undefined) return `“${address}” is not a valid IPv4 or IPv6 address.`
    const bits = addressBits(parseIp(address)?.version ?? 4)
    return `“/${prefix}” is not a valid prefix length: use 0 to ${bits}.`
  }
  if (cidr.version !== ipVersion) {
    return `This is an IPv${cidr.version} range; choose IP version ${cidr.version} or enter an IPv${ipVersion} range.`
  }
  if (cidr.address !== cidr.first) {
    return `“${t}” has host bits set; the network is ${formatCidr(cidr)}.`
  }
  return undefined
}

/** The range in which allocation pools and addresses may lie (Neutron excludes IPv4's network and broadcast addresses). */
function usableRange(cidr: Cidr): { low: bigint; high: bigint } {
  return cidr.version === 4
    ? { low: cidr.first + 1n, high: cidr.last - 1n }
    : { low: cidr.first + 1n, high: cidr.last }
}

/** The gateway the server picks when left automatic: the first usable address. */
function automaticGateway(cidr: Cidr): bigint {
  return cidr.version === 4 ? cidr.first + 1n : cidr.first
}

/** Checks an address meant for a subnet (a port's chosen address). */
export function addressProblem(text: string, cidrText: string): string | undefined {
  const t = text.trim()
  if (t === '') return undefined
  const ip = parseIp(t)
  if (ip === undefined) return `“${t}” is not a valid IP address.`
  const cidr = parseCidr(cidrText)
  if (cidr === undefined) return undefined
  if (!cidrContains(cidr, ip)) return `${t} is outside the subnet ${cidrText}.`
  const { low, high } = usableRange(cidr)
  if (ip.value < low || ip.value > high) {
    return `${t} is the subnet’s ${ip.value === cidr.first ? 'network' : 'broadcast'} address.`
  }
  return undefined
}

/**
 * Validates the whole form. Empty required fields count only when `submitting` (so that errors
 * appear as the user types, but not for fields not yet reached).
 */
export function validateSubnetForm(
  v: SubnetFormValues,
  pools: readonly SubnetPoolChoice[],
  submitting: boolean,
): SubnetFormErrors {
  const fields: Partial<Record<SubnetField, string>> = {}
  const poolRows: (string | undefined)[] = v.pools.map(() => undefined)
  let cidr: Cidr | undefined
  if (v.source === 'cidr') {
    const problem = cidrProblem(v.cidr, v.ipVersion, submitting)
    if (problem !== undefined) fields.cidr = problem
    else cidr = parseCidr(v.cidr)
  } else {
    const pool = pools.find((p) => p.id === v.subnetpoolId)
    if (pool === undefined) {
      if (submitting) fields.subnetpool = 'Choose a subnet pool.'
    } else if (v.prefixLength.trim() !== '') {
      const n = /^[0-9]{1,3}$/.test(v.prefixLength.trim())
        ? Number.parseInt(v.prefixLength, 10)
        : Number.NaN
      const min = Number(pool.min_prefixlen)
      const max = Number(pool.max_prefixlen)
      if (Number.isNaN(n) || n < min || n > max) {
        fields.prefixLength = `Use a prefix length from ${min} to ${max} (this pool’s limits).`
      }
    }
  }

  let gateway: bigint | undefined
  if (v.gatewayMode === 'explicit') {
    const ip = parseIp(v.gatewayIp)
    if (v.gatewayIp.trim() === '') {
      if (submitting) fields.gateway = 'Enter the gateway address, or choose automatic or none.'
    } else if (ip === undefined) {
      fields.gateway = `“${v.gatewayIp.trim()}” is not a valid IP address.`
    } else if (ip.version !== v.ipVersion) {
      fields.gateway = `The gateway must be an IPv${v.ipVersion} address.`
    } else if (cidr !== undefined) {
      const { low, high } = usableRange(cidr)
      if (!cidrContains(cidr, ip))
        fields.gateway = `The gateway must be inside ${formatCidr(cidr)}.`
      else if (cidr.version === 4 && (ip.value < low || ip.value > high)) {
        fields.gateway = 'The gateway cannot be the network or broadcast address.'
      } else gateway = ip.value
    }
  } else if (v.gatewayMode === 'auto' && cidr !== undefined) {
    gateway = automaticGateway(cidr)
  }

  const ranges: { start: bigint; end: bigint; row: number }[] = []
  v.pools.forEach((row, i) => {
    const s = row.start.trim()
    const e = row.end.trim()
    if (s === '' && e === '') return
    if (s === '' || e === '') {
      poolRows[i] = 'Enter both the first and the last address of the pool.'
      return
    }
    const start = parseIp(s)
    const end = parseIp(e)
    if (start === undefined || end === undefined) {
      poolRows[i] = `“${start === undefined ? s : e}” is not a valid IP address.`
      return
    }
    if (start.version !== v.ipVersion || end.version !== v.ipVersion) {
      poolRows[i] = `Pool addresses must be IPv${v.ipVersion}.`
      return
    }
    if (start.value > end.value) {
      poolRows[i] = 'The first address comes after the last.'
      return
    }
    if (cidr !== undefined) {
      const { low, high } = usableRange(cidr)
      if (start.value < low || end.value > high) {
        poolRows[i] =
          `The pool must lie inside ${formatCidr(cidr)}` +
          (cidr.version === 4
            ? `, from ${formatIp(4, low)} to ${formatIp(4, high)} (not the network or broadcast address).`
            : '.')
        return
      }
      if (gateway !== undefined && gateway >= start.value && gateway <= end.value) {
        poolRows[i] = `The gateway ${formatIp(cidr.version, gateway)} is inside this pool.`
        return
      }
    }
    const clash = ranges.find((r) => start.value <= r.end && r.start <= end.value)
    if (clash !== undefined) {
      poolRows[i] = `This pool overlaps pool ${clash.row + 1}.`
      return
    }
    ranges.push({ start: start.value, end: end.value, row: i })
  })
  const firstBad = poolRows.findIndex((p) => p !== undefined)
  if (firstBad >= 0) fields.pools = `Pool ${firstBad + 1}: ${poolRows[firstBad] ?? ''}`

  if (v.ipVersion === 6) {
    const ra = v.ipv6RaMode
    const address = v.ipv6AddressMode
    if (ra !== '' && address !== '' && ra !== address) {
      fields.ipv6 = 'When both IPv6 modes are set they must be the same.'
    } else if (
      cidr !== undefined &&
      cidr.prefixLength !== 64 &&
      [ra, address].some((m) => m === 'slaac' || m === 'dhcpv6-stateless')
    ) {
      fields.ipv6 = 'SLAAC and DHCPv6-stateless need a /64 range.'
    }
  }
  return { fields, poolRows }
}

/** True when the form has no problem. */
export function isValid(errors: SubnetFormErrors): boolean {
  return Object.keys(errors.fields).length === 0 && errors.poolRows.every((p) => p === undefined)
}

/** The `POST /v2.0/subnets` body for the form. */
export function subnetRequestBody(
  v: SubnetFormValues,
  networkId: string,
): { subnet: Record<string, unknown> } {
  const subnet: Record<string, unknown> = {
    network_id: networkId,
    ip_version: v.ipVersion,
    enable_dhcp: v.enableDhcp,
  }
  if (v.name.trim() !== '') subnet.name = v.name.trim()
  if (v.source === 'cidr') subnet.cidr = v.cidr.trim()
  else {
    subnet.subnetpool_id = v.subnetpoolId
    if (v.prefixLength.trim() !== '') subnet.prefixlen = Number.parseInt(v.prefixLength, 10)
  }
  if (v.gatewayMode === 'explicit') subnet.gateway_ip = v.gatewayIp.trim()
  if (v.gatewayMode === 'none') subnet.gateway_ip = null
  const pools = v.pools
    .filter((p) => p.start.trim() !== '' || p.end.trim() !== '')
    .map((p) => ({ start: p.start.trim(), end: p.end.trim() }))
  if (pools.length > 0) subnet.allocation_pools = pools
  if (v.ipVersion === 6) {
    if (v.ipv6RaMode !== '') subnet.ipv6_ra_mode = v.ipv6RaMode
    if (v.ipv6AddressMode !== '') subnet.ipv6_address_mode = v.ipv6AddressMode
  }
  return { subnet }
}

/**
 * Which field a refusal from the API belongs beside. The server's (or the IPAM driver's)
 * message is shown as is; this only decides where.
 */
export function fieldForRefusal(message: string, source: SubnetFormValues['source']): SubnetField {
  if (/allocation[ _]pool/i.test(message)) return 'pools'
  if (/gateway/i.test(message)) return 'gateway'
  if (/ipv6_(ra|address)_mode|ra_mode|address_mode/i.test(message)) return 'ipv6'
  if (source === 'pool')
    return /prefixlen|prefix length/i.test(message) ? 'prefixLength' : 'subnetpool'
  return 'cidr'
}
