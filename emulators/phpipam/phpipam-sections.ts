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
import { addressRow, sectionRow, subnetRow, subnetUsage } from './phpipam-records.ts'
import type { PiSection } from './phpipam-state.ts'

/**
 * `GET /sections/…`: all sections, `{id}`, `{name}`, `{id}/subnets` (each with its `usage`,
 * and `addresses` with `{id}/subnets/addresses`).
 */
export async function sectionsGet(call: PiCall): Promise<PiSuccess> {
  const p = call.params
  const id = p.str('id')
  if (p.str('id2') === 'subnets' && isNumeric(id)) {
    const subnets = [...call.state.subnets.values()]
      .filter((s) => s.sectionId === Number(id))
      .sort((a, b) => a.id - b.id)
    const rows = subnets.map((s) => {
      const row: Record<string, unknown> = subnetRow(s)
      if (s.isFolder !== 1) {
        row.usage = subnetUsage(call.state, s)
        if (p.str('id3') === 'addresses') row.addresses = call.state.rowsOf(s.id).map(addressRow)
      }
      return row
    })
    const kept = rows.filter((r) => r.isFolder !== 1)
    if (kept.length === 0) throw new PhpipamError(404, 'No subnets found')
    return { code: 200, data: prepare(call, kept) }
  }
  if (id !== undefined) {
    if (p.str('id2') === 'changelog') throw new PhpipamError(404, 'No changelogs found')
    if (isNumeric(id)) {
      const section = call.state.sections.get(Number(id))
      if (section === undefined) throw new PhpipamError(404, 'Section does not exist')
      return { code: 200, data: prepare(call, sectionRow(section)) }
    }
    if (id === 'custom_fields') throw new PhpipamError(409, 'Custom fields not supported')
    const section = [...call.state.sections.values()].find((s) => s.name === id)
    if (section === undefined) throw new PhpipamError(404, 'Not Found')
    return { code: 200, data: prepare(call, sectionRow(section)) }
  }
  const all = [...call.state.sections.values()].sort((a, b) => a.id - b.id)
  if (all.length === 0) return { code: 200, message: 'No sections available' }
  return { code: 200, data: prepare(call, all.map(sectionRow)) }
}

function applySectionValues(section: PiSection, values: Record<string, unknown>): void {
  const target = section as unknown as Record<string, unknown>
  for (const [k, v] of Object.entries(values)) {
    if (k === 'id') continue
    if (['name', 'description', 'permissions', 'subnetOrdering', 'DNS'].includes(k))
      target[k] = textOrNull(v) ?? (k === 'name' || k === 'description' ? '' : null)
    else target[k] = intOrNull(v) ?? (k === 'order' ? null : 0)
  }
}

/**
 * `POST /sections/`: 201 `Section created` with the id as a string, no data.
 *
 * @throws PhpipamError 400 for a missing/short name, an unknown key or a bad masterSection.
 */
export async function sectionsPost(call: PiCall): Promise<PiSuccess> {
  const values = validateKeys(call, 'sections')
  const name = call.params.str('name') ?? ''
  if (name.length < 3)
    throw new PhpipamError(400, 'Name is mandatory or too short (mininum 3 characters)')
  if (call.params.isset('masterSection') && call.params.str('masterSection') !== '0') {
    const master = call.state.sections.get(Number(call.params.get('masterSection')))
    if (master === undefined)
      throw new PhpipamError(
        400,
        `Invalid masterSection id ${call.params.str('masterSection') ?? ''}`,
      )
    if (master.masterSection !== 0)
      throw new PhpipamError(400, 'Only 1 level of nesting is permitted for sections')
  }
  await dbRoundTrip(call)
  const section = call.state.addSection({ name })
  applySectionValues(section, values)
  return {
    code: 201,
    message: 'Section created',
    id: String(section.id),
    location: `/api/${call.app.appId}/sections/${section.id}/`,
  }
}

/** `PATCH /sections/{id}/`: 200 with no data. */
export async function sectionsPatch(call: PiCall): Promise<PiSuccess> {
  if (!call.params.isset('id')) throw new PhpipamError(400, 'Section Id required')
  const section = call.state.sections.get(Number(call.params.get('id')))
  if (section === undefined) throw new PhpipamError(404, 'Section does not exist')
  const values = validateKeys(call, 'sections')
  await dbRoundTrip(call)
  applySectionValues(section, values)
  return { code: 200 }
}

/** `DELETE /sections/{id}/`: deletes the section with its subnets and their addresses. */
export async function sectionsDelete(call: PiCall): Promise<PiSuccess> {
  if (!call.params.isset('id')) throw new PhpipamError(400, 'Section Id required')
  const section = call.state.sections.get(Number(call.params.get('id')))
  if (section === undefined) throw new PhpipamError(404, 'Section does not exist')
  await dbRoundTrip(call)
  for (const s of [...call.state.subnets.values()])
    if (s.sectionId === section.id) call.state.deleteSubnet(s.id)
  call.state.sections.delete(section.id)
  return { code: 200 }
}
