import {
  cidrWithin,
  formatCidr,
  hasHostBits,
  parseCidrText,
  toCidr,
  type Cidr,
} from '../../src/domain/cidr.ts'
import { bitsOf, formatIp, parseIp } from '../../src/domain/ip-address.ts'
import { IntervalSet } from '../../src/domain/interval-set.ts'
import { firstAvailableAddress } from './first-free.ts'
import { customFieldDefinitions } from './phpipam-addresses.ts'
import {
  dbRoundTrip,
  intOrNull,
  isNumeric,
  prepare,
  textOrNull,
  validateKeys,
  type PiCall,
} from './phpipam-call.ts'
import { PhpipamError, type PiSuccess } from './phpipam-envelope.ts'
import { addressRow, subnetRow, subnetUsage } from './phpipam-records.ts'
import type { PiSubnet } from './phpipam-state.ts'

/** `validate_subnet_id`: 400 for a non-numeric id, 404 `Invalid subnet Id (x)` for an unknown one. */
function validateSubnetId(call: PiCall): PiSubnet {
  const id = call.params.get('id')
  const text = call.params.str('id') ?? ''
  if (!isNumeric(id)) throw new PhpipamError(400, `Subnet Id must be numeric (${text})`)
  const subnet = call.state.subnets.get(Number(id))
  if (subnet === undefined) throw new PhpipamError(404, `Invalid subnet Id (${text})`)
  return subnet
}

/** Subnets as a list answer: folders removed; nothing left is `404 No subnets found`. */
function subnetList(call: PiCall, subnets: PiSubnet[]): unknown {
  const kept = subnets.filter((s) => s.isFolder !== 1).sort((a, b) => a.id - b.id)
  if (kept.length === 0) throw new PhpipamError(404, 'No subnets found')
  return prepare(call, kept.map(subnetRow))
}

/** Free child blocks of the given mask inside a subnet (not overlapping its child subnets). */
function freeSubnets(call: PiCall, subnet: PiSubnet, maskText: string | undefined): Cidr[] {
  const mask = Number(maskText)
  if (
    !Number.isInteger(mask) ||
    mask < subnet.cidr.prefixLength ||
    mask > bitsOf(subnet.cidr.version)
  )
    return []
  const used = IntervalSet.ofCidrs(call.state.slaves(subnet.id).map((s) => s.cidr))
  let free = IntervalSet.ofCidrs([subnet.cidr]).subtract(used)
  const out: Cidr[] = []
  for (
    let block = free.firstFreePrefix(subnet.cidr.version, mask);
    block !== undefined && out.length < 4096;
  ) {
    out.push(block)
    free = free.subtract(IntervalSet.ofCidrs([block]))
    block = free.firstFreePrefix(subnet.cidr.version, mask)
  }
  return out
}

/**
 * `GET /subnets/…`: all, `{id}` (400 `Invalid subnet Id (x)` when unknown), `cidr/{ip}/{mask}`
 * (across all sections; 404 `No subnets found`), `overlapping/{ip}/{mask}`, `{id}/addresses[/{ip}]`,
 * `{id}/slaves`, `{id}/slaves_recursive`, `{id}/usage`, `{id}/first_free` (a peek),
 * `{id}/first_subnet|last_subnet|all_subnets/{mask}`, `custom_fields`.
 */
export async function subnetsGet(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  const id = p.str('id')
  const subnets = [...call.state.subnets.values()]
  if (id === undefined || id === 'all') {
    const all = subnets.sort((a, b) => a.id - b.id)
    if (all.length === 0) throw new PhpipamError(500, 'Unable to read subnets')
    // NOTE: read_all_subnets expands `permissions` and `location` into arrays.
    return {
      code: 200,
      data: prepare(
        call,
        all.map((s) => ({ ...subnetRow(s), permissions: [], location: [] })),
      ),
    }
  }
  if (p.isset('id2')) {
    if (id === 'cidr' || id === 'search') {
      const ip = parseIp(p.str('id2') ?? '')
      const mask = p.str('id3')
      const found = subnets.filter(
        (s) =>
          ip !== undefined &&
          s.cidr.version === ip.version &&
          s.cidr.network === ip.value &&
          String(s.cidr.prefixLength) === mask,
      )
      return { code: 200, data: subnetList(call, found) }
    }
    if (id === 'overlapping') {
      const parsed = parseCidrText(`${p.str('id2') ?? ''}/${p.str('id3') ?? ''}`)
      const cidr = parsed === undefined ? undefined : toCidr(parsed.address, parsed.prefixLength)
      const found =
        cidr === undefined
          ? []
          : subnets.filter((s) => cidrWithin(s.cidr, cidr) || cidrWithin(cidr, s.cidr))
      return { code: 200, data: subnetList(call, found) }
    }
    const subnet = validateSubnetId(call)
    const id2 = p.str('id2')
    switch (id2) {
      case 'addresses': {
        let rows = call.state.rowsOf(subnet.id)
        if (p.isset('id3')) {
          // NOTE: the same object-cache bug as `GET /addresses/{ip}/{subnetId}/`: only the first
          // cached row (here the lowest address, the query being ordered by ip_addr) has `ip`.
          const first = rows[0]
          rows = first !== undefined && formatIp(first.ip) === p.str('id3') ? [first] : []
        }
        if (rows.length === 0) throw new PhpipamError(404, 'No addresses found')
        return { code: 200, data: prepare(call, rows.map(addressRow)) }
      }
      case 'slaves': {
        const slaves = call.state.slaves(subnet.id)
        if (slaves.length === 0) throw new PhpipamError(404, 'No slaves')
        return { code: 200, data: prepare(call, slaves.map(subnetRow)) }
      }
      case 'slaves_recursive': {
        const out: PiSubnet[] = []
        const walk = (sid: number): void => {
          for (const s of call.state.slaves(sid)) {
            out.push(s)
            walk(s.id)
          }
        }
        walk(subnet.id)
        if (out.length === 0) throw new PhpipamError(404, 'No slaves')
        return { code: 200, data: prepare(call, out.map(subnetRow)) }
      }
      case 'usage':
        return { code: 200, data: subnetUsage(call.state, subnet) }
      case 'first_free': {
        if (subnet.isFull === 1) throw new PhpipamError(404, 'No free addresses found')
        if (call.state.slaves(subnet.id).length > 0)
          throw new PhpipamError(409, 'Subnet contains subnets')
        const first = firstAvailableAddress(call.state, subnet)
        if (first === undefined) throw new PhpipamError(404, 'No free addresses found')
        return { code: 200, data: formatIp({ version: subnet.cidr.version, value: first }) }
      }
      case 'first_subnet':
      case 'last_subnet':
      case 'all_subnets': {
        const free = freeSubnets(call, subnet, p.str('id3'))
        if (free.length === 0) throw new PhpipamError(404, 'No subnets found')
        if (id2 === 'all_subnets') return { code: 200, data: free.map(formatCidr) }
        const pick = id2 === 'first_subnet' ? free[0] : free.at(-1)
        return { code: 200, data: pick === undefined ? null : formatCidr(pick) }
      }
      case 'changelog':
        throw new PhpipamError(404, 'No changelogs found')
      default:
        throw new PhpipamError(400, 'Invalid request')
    }
  }
  if (id === 'custom_fields') {
    const fields = call.state.customFields.subnets
    if (fields.length === 0) throw new PhpipamError(404, 'No custom fields defined')
    return { code: 200, data: customFieldDefinitions(fields) }
  }
  if (isNumeric(id)) {
    const subnet = call.state.subnets.get(Number(id))
    if (subnet === undefined) throw new PhpipamError(400, `Invalid subnet Id (${id})`)
    const row: Record<string, unknown> = subnetRow(subnet)
    const gateway = call.state.rowsOf(subnet.id).find((a) => a.is_gateway === 1)
    if (gateway !== undefined) {
      row.gatewayId = gateway.id
      row.gateway = addressRow(gateway)
    }
    return { code: 200, data: prepare(call, row) }
  }
  throw new PhpipamError(404, 'Invalid Id')
}

/** Ancestors of a subnet (its master chain). */
function ancestors(call: PiCall, masterId: number): Set<number> {
  const out = new Set<number>()
  for (let id = masterId; id !== 0 && !out.has(id);) {
    out.add(id)
    id = call.state.subnets.get(id)?.masterSubnetId ?? 0
  }
  return out
}

/**
 * `POST /subnets/` (`subnet`, `mask`, `sectionId`, optional `masterSubnetId`, …) and
 * `POST /subnets/{id}/first_subnet/{mask}/`: 201 `Subnet created` with the id as a string and
 * `data` `"<subnet>/<mask>"`. In a strict-mode section an overlap is a 409 naming the
 * existing subnet; a subnet outside its master is a 409 too.
 *
 * @throws PhpipamError 400 (CIDR, section, keys), 404 (master), 409 (overlap, nesting).
 */
export async function subnetsPost(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  p.remap({ state: 'tag', ip_addr: 'ip' })
  if (!p.isset('isFolder')) p.set('isFolder', '0')
  const id2 = p.str('id2')
  if (id2 === 'first_subnet' || id2 === 'last_subnet') {
    const master = validateSubnetId(call)
    const free = freeSubnets(call, master, p.str('id3'))
    const pick = id2 === 'first_subnet' ? free[0] : free.at(-1)
    if (pick === undefined) throw new PhpipamError(404, 'No subnets found')
    p.set('subnet', formatIp({ version: pick.version, value: pick.network }))
    p.set('mask', pick.prefixLength)
    p.set('sectionId', master.sectionId)
    p.set('masterSubnetId', master.id)
    p.set('permissions', master.permissions)
    p.unset('id2')
    p.unset('id3')
    p.unset('id')
    if (!p.isset('description')) p.set('description', 'API autocreated')
  }
  const folder = p.str('isFolder') === '1'
  // validate_cidr / validate_network
  const subnetText = p.str('subnet') ?? ''
  const maskText = p.str('mask') ?? ''
  const address = parseIp(subnetText)
  if (!folder && address === undefined) throw new PhpipamError(400, 'Invalid IP address!')
  const parsed = address === undefined ? undefined : parseCidrText(`${subnetText}/${maskText}`)
  if (!folder && parsed === undefined) throw new PhpipamError(400, 'Invalid CIDR format!')
  if (!folder && parsed !== undefined && hasHostBits(parsed)) {
    const network = toCidr(parsed.address, parsed.prefixLength)
    throw new PhpipamError(
      400,
      `IP address cannot be subnet! (Consider using ${formatIp({ version: network.version, value: network.network })})`,
    )
  }
  const cidr = parsed === undefined ? undefined : toCidr(parsed.address, parsed.prefixLength)
  // validate_master_subnet
  const masterText = p.str('masterSubnetId')
  let masterId = 0
  if (masterText !== undefined && masterText !== '0') {
    const master = isNumeric(masterText) ? call.state.subnets.get(Number(masterText)) : undefined
    if (master === undefined)
      throw new PhpipamError(404, `Master Subnet does not exist (id=${masterText})`)
    if (
      !folder &&
      master.isFolder !== 1 &&
      cidr !== undefined &&
      !(cidrWithin(cidr, master.cidr) && cidr.prefixLength > master.cidr.prefixLength)
    ) {
      throw new PhpipamError(409, 'Subnet is not within boundaries of its master subnet')
    }
    masterId = master.id
    p.set('permissions', master.permissions)
  }
  p.set('masterSubnetId', masterId)
  // validate_section
  const sectionText = p.str('sectionId')
  if (sectionText === undefined) throw new PhpipamError(400, 'Invalid Section ()')
  if (!isNumeric(sectionText))
    throw new PhpipamError(400, `Section Id must be numeric (${sectionText})`)
  const section = call.state.sections.get(Number(sectionText))
  if (section === undefined)
    throw new PhpipamError(400, `Section id (${sectionText}) does not exist`)
  if (masterId === 0) p.set('permissions', section.permissions)
  // validate_overlapping
  const vrfId = intOrNull(p.get('vrfId'))
  if (!folder && cidr !== undefined && section.strictMode === 1) {
    const skip = ancestors(call, masterId)
    const clash = call.state.overlapping(section.id, cidr, vrfId).find((s) => !skip.has(s.id))
    if (clash !== undefined) {
      const desc = clash.description === null ? '' : ` (${clash.description})`
      throw new PhpipamError(
        409,
        `Subnet ${formatCidr(cidr)} overlaps with ${formatCidr(clash.cidr)}${desc} in section ${section.name}`,
      )
    }
  }
  const values = validateKeys(call, 'subnets')
  await dbRoundTrip(call)
  const ints = ['linked_subnet', 'vrfId', 'vlanId', 'scanAgent', 'customer_id', 'location']
  const row: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) {
    if (
      ['id', 'subnet', 'mask', 'sectionId', 'masterSubnetId'].includes(k) ||
      k.startsWith('custom_')
    )
      continue
    if (
      [
        'description',
        'firewallAddressObject',
        'permissions',
        'editDate',
        'lastScan',
        'lastDiscovery',
      ].includes(k)
    )
      row[k] = textOrNull(v)
    else row[k] = ints.includes(k) ? intOrNull(v) : (intOrNull(v) ?? 0)
  }
  const custom: Record<string, unknown> = {}
  for (const name of call.state.customFields.subnets)
    if (name in values) custom[name] = textOrNull(values[name])
  const created = call.state.insertSubnet({
    ...(row as Partial<PiSubnet>),
    cidr: cidr ?? { version: 4, network: 0n, prefixLength: 0 },
    sectionId: section.id,
    masterSubnetId: masterId,
    custom,
  })
  return {
    code: 201,
    message: 'Subnet created',
    id: String(created.id),
    data: formatCidr(created.cidr),
    location: `/api/${call.app.appId}/subnets/${created.id}/`,
  }
}

/**
 * `PATCH /subnets/{id}/`: columns except `subnet` and `mask` (e.g. `{"isFull": 1}`).
 *
 * @throws PhpipamError 400/404 as `validate_subnet_id`, 400 for subnet/mask or unknown keys.
 */
export async function subnetsPatch(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  p.remap({ state: 'tag', ip_addr: 'ip' })
  const subnet = validateSubnetId(call)
  if (p.isset('id2')) throw new PhpipamError(400, 'Invalid parameters')
  if (p.isset('sectionId') && !call.state.sections.has(Number(p.get('sectionId')))) {
    throw new PhpipamError(400, `Section id (${p.str('sectionId') ?? ''}) does not exist`)
  }
  if (p.isset('subnet')) throw new PhpipamError(400, 'Subnet cannot be changed')
  if (p.isset('mask')) throw new PhpipamError(400, 'To change mask use resize method')
  const values = validateKeys(call, 'subnets')
  await dbRoundTrip(call)
  for (const [k, v] of Object.entries(values)) {
    if (k === 'id') continue
    if (k.startsWith('custom_')) subnet.custom[k] = textOrNull(v)
    else if (
      ['description', 'firewallAddressObject', 'permissions', 'lastScan', 'lastDiscovery'].includes(
        k,
      )
    ) {
      ;(subnet as unknown as Record<string, unknown>)[k] = textOrNull(v)
    } else
      (subnet as unknown as Record<string, unknown>)[k] =
        intOrNull(v) ?? (['vrfId', 'vlanId', 'location'].includes(k) ? null : 0)
  }
  return { code: 200, message: 'Subnet updated' }
}

/**
 * `DELETE /subnets/{id}/` (cascades: its addresses and, recursively, child subnets) and
 * `DELETE /subnets/{id}/truncate/` (addresses only).
 */
export async function subnetsDelete(call: PiCall): Promise<PiSuccess> {
  const subnet = validateSubnetId(call)
  const id2 = call.params.str('id2')
  await dbRoundTrip(call)
  if (id2 === 'truncate') {
    for (const a of call.state.rowsOf(subnet.id)) call.state.addresses.delete(a.id)
    return { code: 200, message: 'Subnet truncated' }
  }
  if (id2 !== undefined) throw new PhpipamError(400, 'Invalid parameters')
  call.state.deleteSubnet(subnet.id)
  return { code: 200, message: 'Subnet deleted' }
}
