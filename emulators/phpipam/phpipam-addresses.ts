import { formatCidr } from '../../src/domain/cidr.ts'
import { formatIp, parseIp, type IpAddress } from '../../src/domain/ip-address.ts'
import { firstAvailableAddress, subnetBoundaries } from './first-free.ts'
import {
  dbRoundTrip,
  intOrNull,
  isNumeric,
  prepare,
  textOrNull,
  validateKeys,
  type PiCall,
} from './phpipam-call.ts'
import { PhpipamError, PhpipamFatal, type PiSuccess } from './phpipam-envelope.ts'
import { isValidMac, normaliseMac } from './phpipam-mac.ts'
import { addressRow, rawAddressRow } from './phpipam-records.ts'
import { IP_TAGS, type PiAddress, type PiSubnet } from './phpipam-state.ts'

const ADDRESS_KEYS = { switch: 'deviceId', state: 'tag', ip_addr: 'ip' }

function subnetOf(call: PiCall, id: unknown): PiSubnet | undefined {
  return isNumeric(id) ? call.state.subnets.get(Number(id)) : undefined
}

function rowById(call: PiCall, id: unknown): PiAddress | undefined {
  return isNumeric(id) ? call.state.addresses.get(Number(id)) : undefined
}

/** Address rows in `id` order (what `fetch_multiple_objects` returns). */
function byId(rows: Iterable<PiAddress>): PiAddress[] {
  return [...rows].sort((a, b) => a.id - b.id)
}

/**
 * `GET /addresses/…`: all addresses, `first_free/{subnetId}` (a peek, reserves nothing),
 * `{ip}/{subnetId}` (with the recorded bug: only the subnet's lowest-id address is found, and
 * in raw database form), `{id}`, `search/{ip}`, `search_hostname/{h}`, `search_hostbase/{h}`,
 * `search_mac/{mac}`, `tags`, `custom_fields`. Nothing found is a 404, never an empty list.
 */
export async function addressesGet(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  const id = p.str('id')
  const rows = (filter: (a: PiAddress) => boolean): PiAddress[] =>
    call.state.rowsOf().filter(filter)
  if (id === undefined || id === 'all') {
    const all = byId(call.state.addresses.values())
    if (all.length === 0) throw new PhpipamError(500, 'Unable to read addresses')
    return { code: 200, data: prepare(call, all.map(addressRow)) }
  }
  if (id === 'custom_fields') {
    const fields = call.state.customFields.ipaddresses
    if (fields.length === 0) throw new PhpipamError(404, 'No custom fields defined')
    return { code: 200, data: customFieldDefinitions(fields) }
  }
  if (id === 'first_free') {
    const subnet = subnetOf(call, p.isset('subnetId') ? p.get('subnetId') : p.get('id2'))
    // NOTE: for an unknown subnet phpIPAM reads properties of `false` and ends up here too.
    if (subnet === undefined || subnet.isFull === 1)
      throw new PhpipamError(404, 'No free addresses found')
    const first = firstAvailableAddress(call.state, subnet)
    if (first === undefined) throw new PhpipamError(404, 'No free addresses found')
    return { code: 200, data: formatIp({ version: subnet.cidr.version, value: first }) }
  }
  if (parseIp(id) !== undefined && p.isset('id2')) {
    // NOTE: phpIPAM bug (recorded on 1.8.2): the object cache only adds the dotted `ip` to
    // the first row it caches per subnet — the lowest id — so any other address of the subnet
    // is "not found", and a hit comes back unprepared (ip_addr decimal, state, switch).
    const sid = p.get('id2')
    const inSubnet = isNumeric(sid)
      ? byId(call.state.addresses.values()).filter((a) => a.subnetId === Number(sid))
      : []
    const first = inSubnet[0]
    if (first === undefined || formatIp(first.ip) !== id)
      throw new PhpipamError(404, 'No addresses found')
    return { code: 200, data: prepare(call, rawAddressRow(first)) }
  }
  if (id === 'tags') {
    const tags = Object.entries(IP_TAGS).map(([tid, type]) => ({ id: Number(tid), type }))
    const tid = p.get('id2')
    if (tid === undefined) return { code: 200, data: prepare(call, tags) }
    if (!isNumeric(tid)) throw new PhpipamError(400, 'Invalid tag identifier')
    const tag = tags.find((t) => t.id === Number(tid))
    if (tag === undefined) throw new PhpipamError(404, 'Address tag does not exist')
    if (p.str('id3') !== 'addresses') return { code: 200, data: prepare(call, tag) }
    const tagged = byId(call.state.addresses.values()).filter(
      (a) =>
        a.state === tag.id &&
        (!isNumeric(p.get('subnetId')) || a.subnetId === Number(p.get('subnetId'))),
    )
    if (tagged.length === 0) throw new PhpipamError(404, 'No addresses found')
    return { code: 200, data: prepare(call, tagged.map(addressRow)) }
  }
  if (isNumeric(id)) {
    if (p.str('id2') === 'changelog') throw new PhpipamError(404, 'No changelogs found')
    const row = rowById(call, id)
    if (row === undefined) throw new PhpipamError(404, 'Invalid Id')
    return { code: 200, data: prepare(call, addressRow(row)) }
  }
  const id2 = p.str('id2') ?? ''
  if (id === 'search') {
    const ip = parseIp(id2)
    if (ip === undefined) throw new PhpipamError(400, 'Invalid address')
    const found = byId(call.state.addresses.values()).filter(
      (a) => a.ip.version === ip.version && a.ip.value === ip.value,
    )
    if (found.length === 0) throw new PhpipamError(404, 'Address not found')
    return { code: 200, data: prepare(call, found.map(addressRow)) }
  }
  if (id === 'search_hostname') {
    const found = byId(call.state.addresses.values()).filter((a) => a.hostname === id2)
    if (found.length === 0) throw new PhpipamError(404, 'Hostname not found')
    return { code: 200, data: prepare(call, found.map(addressRow)) }
  }
  if (id === 'search_hostbase') {
    const found = rows((a) => (a.hostname ?? '').toLowerCase().startsWith(id2.toLowerCase())).sort(
      (a, b) => ((a.hostname ?? '') < (b.hostname ?? '') ? -1 : 1),
    )
    if (found.length === 0) throw new PhpipamError(404, 'Host name not found')
    return { code: 200, data: prepare(call, found.map(addressRow)) }
  }
  if (id === 'search_mac') {
    const mac = normaliseMac(id2)
    const found = rows((a) => a.mac === mac)
    if (found.length === 0) throw new PhpipamError(404, 'Host name not found')
    return { code: 200, data: prepare(call, found.map(addressRow)) }
  }
  throw new PhpipamError(400, 'Invalid Id')
}

/** `GET …/custom_fields/`: the definitions keyed by name. */
export function customFieldDefinitions(fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((name) => [
      name,
      { name, type: 'varchar(255)', Comment: '', Null: 'YES', Default: null },
    ]),
  )
}

/** MAC (validated and normalised), device and tag checks shared by create and update. */
function validateCommon(call: PiCall): void {
  const p = call.params
  const mac = p.str('mac')
  if (mac !== undefined && mac.trim() !== '') {
    if (!isValidMac(mac)) throw new PhpipamError(400, 'Invalid MAC address')
    p.set('mac', normaliseMac(mac))
  }
  if (p.isset('switch')) {
    const sw = p.get('switch')
    if (sw !== '' && sw !== 0 && sw !== '0' && !isNumeric(sw))
      throw new PhpipamError(400, 'Device does not exist')
    if (isNumeric(sw) && Number(sw) > 0) throw new PhpipamError(400, 'Device does not exist')
  }
  if (p.isset('state')) {
    const state = p.get('state')
    if (state !== '' && !isNumeric(state)) throw new PhpipamError(400, 'Invalid state')
    if (!(Number(state) in IP_TAGS)) throw new PhpipamError(400, 'Tag does not exist')
  } else {
    p.set('state', 2)
  }
}

/** The row values of a write, typed as the columns are. */
function columnValues(values: Record<string, unknown>): Partial<PiAddress> {
  const out: Record<string, unknown> = {}
  const ints = [
    'is_gateway',
    'state',
    'switch',
    'location',
    'excludePing',
    'PTRignore',
    'PTR',
    'customer_id',
  ]
  for (const [k, v] of Object.entries(values)) {
    if (k === 'id' || k === 'subnetId' || k === 'ip_addr') continue
    if (k.startsWith('custom_')) continue
    out[k] = ints.includes(k)
      ? (intOrNull(v) ?? (k === 'switch' || k === 'location' || k === 'customer_id' ? null : 0))
      : textOrNull(v)
  }
  return out
}

function customValues(call: PiCall, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name of call.state.customFields.ipaddresses)
    if (name in values) out[name] = textOrNull(values[name])
  return out
}

/**
 * Inserts, enforcing the table's `UNIQUE KEY sid_ip_unique (ip_addr, subnetId)`.
 *
 * @throws PhpipamError 500 with MariaDB's duplicate-entry text when the pair exists.
 */
async function insert(
  call: PiCall,
  subnet: PiSubnet,
  ip: IpAddress,
  values: Record<string, unknown>,
): Promise<PiAddress> {
  await dbRoundTrip(call)
  const clash = [...call.state.addresses.values()].some(
    (a) => a.subnetId === subnet.id && a.ip.value === ip.value,
  )
  if (clash) {
    throw new PhpipamError(
      500,
      `Error: SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry '${ip.value.toString()}-${subnet.id}' for key 'sid_ip_unique'`,
    )
  }
  return call.state.insertAddress({
    ...columnValues(values),
    subnetId: subnet.id,
    ip,
    custom: customValues(call, values),
  })
}

/**
 * `POST /addresses/` (`ip` + `subnetId`) and `POST /addresses/first_free/{subnetId}/` (or
 * `subnetId` in the body): 201 with the id as a string (and, for first_free, the address).
 * Between reading the free address, checking it is unused and inserting it there are database
 * round trips; without the API write lock concurrent calls interleave there and collide
 * (409 `IP address already exists`, or 500 duplicate entry), as recorded.
 *
 * @throws PhpipamError 400 (bad subnet id, MAC, key), 404 (subnet full or unknown), 409, 500.
 */
export async function addressesPost(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  p.remap(ADDRESS_KEYS)
  const firstFree = p.str('id') === 'first_free'
  let ipText: string | undefined
  if (firstFree) {
    const subnet = subnetOf(call, p.isset('subnetId') ? p.get('subnetId') : p.get('id2'))
    if (!p.isset('subnetId')) p.unset('id2')
    if (subnet === undefined) throw new PhpipamError(400, 'Invalid subnet identifier')
    if (subnet.isFull === 1) throw new PhpipamError(404, 'No free addresses found (subnet is full)')
    await dbRoundTrip(call)
    const first = firstAvailableAddress(call.state, subnet)
    if (first === undefined) throw new PhpipamError(404, 'No free addresses found')
    ipText = formatIp({ version: subnet.cidr.version, value: first })
    p.set('ip_addr', ipText)
    p.set('subnetId', subnet.id)
    if (!p.isset('description')) p.set('description', 'API created')
  }
  // validate_create_parameters
  const sid = p.get('subnetId')
  if (!isNumeric(sid)) throw new PhpipamError(400, 'SubnetId must be numeric')
  const subnet = subnetOf(call, sid)
  if (subnet === undefined) throw new PhpipamError(404, 'Invalid subnet Id')
  const text = p.str('ip_addr') ?? ''
  const ip = parseIp(text)
  await dbRoundTrip(call)
  if (
    ip !== undefined &&
    [...call.state.addresses.values()].some(
      (a) => a.subnetId === subnet.id && a.ip.value === ip.value,
    )
  ) {
    throw new PhpipamError(409, 'IP address already exists')
  }
  if (ip === undefined) throw new PhpipamError(400, 'Invalid IP address')
  const { min, max } = subnetBoundaries(subnet)
  if (
    subnet.isFolder !== 1 &&
    (ip.version !== subnet.cidr.version || ip.value < min || ip.value > max)
  ) {
    throw new PhpipamError(
      500,
      `${formatIp(ip)} is not a valid address for subnet ${formatCidr(subnet.cidr)}`,
    )
  }
  validateCommon(call)
  const values = validateKeys(call, 'ipaddresses')
  const row = await insert(call, subnet, ip, values)
  const location = `/api/${call.app.appId}/addresses/${row.id}/`
  return firstFree
    ? { code: 201, message: 'Address created', id: String(row.id), location, data: ipText }
    : { code: 201, message: 'Address created', id: String(row.id), location }
}

/**
 * `PATCH /addresses/{id}/`: any column but the address and the subnet.
 *
 * @throws PhpipamError 400 `IP address cannot be changed` / `Subnet cannot be changed` /
 *   `No data provided` / bad MAC or key, 404 `Address does not exist`.
 */
export async function addressesPatch(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  p.remap(ADDRESS_KEYS)
  if (p.isset('ip') || p.isset('ip_addr'))
    throw new PhpipamError(400, 'IP address cannot be changed')
  if (p.isset('subnetId')) throw new PhpipamError(400, 'Subnet cannot be changed')
  const row = rowById(call, p.get('id'))
  if (row === undefined) throw new PhpipamError(404, 'Address does not exist')
  if (p.size === 3 && p.isset('app_id') && p.isset('controller') && p.isset('id')) {
    throw new PhpipamError(400, 'No data provided')
  }
  // NOTE: as in phpIPAM, the shared validation defaults `tag` to 2 (Used) when the body has
  // none, so a PATCH without `tag` sets the address back to Used.
  validateCommon(call)
  const values = validateKeys(call, 'ipaddresses')
  await dbRoundTrip(call)
  Object.assign(row, columnValues(values))
  Object.assign(row.custom, customValues(call, values))
  return { code: 200, message: 'Address updated' }
}

/**
 * `DELETE /addresses/{id}/` (404 `Address does not exist` when gone) and
 * `DELETE /addresses/{ip}/{subnetId}/`.
 *
 * NOTE: recorded bug: by ip/subnet, an address that exists nowhere makes PHP 8 throw a
 * TypeError (`sizeof(false)`), i.e. HTTP 500 with an empty body; one that exists only in
 * other subnets is a 404 `No addresses found`.
 *
 * @throws PhpipamError 404, PhpipamFatal.
 */
export async function addressesDelete(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  const id = p.str('id') ?? ''
  let target = p.get('id')
  const ip = parseIp(id)
  if (ip !== undefined && p.isset('id2')) {
    const matches = byId(call.state.addresses.values()).filter(
      (a) => a.ip.version === ip.version && a.ip.value === ip.value,
    )
    if (matches.length === 0)
      throw new PhpipamFatal(
        'sizeof(): Argument #1 ($value) must be of type Countable|array, bool given',
      )
    const inSubnet = matches.filter((a) => String(a.subnetId) === p.str('id2'))
    const first = inSubnet[0]
    if (first === undefined) throw new PhpipamError(404, 'No addresses found')
    target = first.id
  }
  const row = rowById(call, target)
  if (row === undefined) throw new PhpipamError(404, 'Address does not exist')
  await dbRoundTrip(call)
  call.state.addresses.delete(row.id)
  return { code: 200, message: 'Address deleted' }
}
