/**
 * Extensible attributes: values are written `{"<name>": {"value": …}}`, and a definition
 * (`extensibleattributedef`) must exist before any object may carry the attribute.
 */
import { WapiErrors } from './wapi-error.ts'
import { isJsonObject, type Json, type JsonObject } from './wapi-json.ts'
import { text, type WapiStore } from './wapi-store.ts'
import type { FieldKind } from './wapi-schema.ts'

/** The EA types NIOS knows. */
export const EA_TYPES = ['STRING', 'INTEGER', 'EMAIL', 'URL', 'DATE', 'ENUM'] as const

/** A definition as the rules need it. */
interface EaDefinition {
  readonly type: string
  readonly multiple: boolean
  readonly enumValues: readonly string[]
}

function definition(store: WapiStore, name: string): EaDefinition | undefined {
  const r = store.all('extensibleattributedef').find((d) => text(d, 'name') === name)
  if (r === undefined) return undefined
  const list = r.fields.list_values
  return {
    type: text(r, 'type') ?? 'STRING',
    multiple: (text(r, 'flags') ?? '').includes('V'),
    enumValues: Array.isArray(list)
      ? list.flatMap((v) => (isJsonObject(v) && typeof v.value === 'string' ? [v.value] : []))
      : [],
  }
}

/**
 * Validates an `extattrs` payload against the definitions and returns it normalised
 * (INTEGER values as numbers).
 * @throws WapiError 400 Proto "Unknown extensible attribute: X" for an undefined attribute, or an
 *   invalid-value error for a value not wrapped in `{"value": …}` or not of the defined type
 */
export function normaliseExtattrs(store: WapiStore, input: Json | undefined): JsonObject {
  if (input === undefined || input === null) return {}
  if (!isJsonObject(input)) throw WapiErrors.invalidValue('extattrs', input)
  const out: JsonObject = {}
  for (const [name, wrapped] of Object.entries(input)) {
    if (!isJsonObject(wrapped) || !('value' in wrapped)) {
      throw WapiErrors.invalidValue(`extattrs.${name}`, wrapped)
    }
    const def = definition(store, name)
    if (def === undefined) throw WapiErrors.unknownEa(name)
    const raw = wrapped.value ?? null
    const values = Array.isArray(raw) ? raw : [raw]
    if (Array.isArray(raw) && !def.multiple) {
      throw WapiErrors.proto(`Multiple values are not allowed for extensible attribute: ${name}`)
    }
    if (values.length === 0) throw WapiErrors.invalidValue(`extattrs.${name}`, raw)
    const checked = values.map((v) => checkValue(name, def, v))
    out[name] = { value: Array.isArray(raw) ? checked : (checked[0] ?? null) }
  }
  return out
}

function checkValue(name: string, def: EaDefinition, value: Json): Json {
  const bad = () =>
    WapiErrors.proto(`Invalid value for extensible attribute '${name}': ${JSON.stringify(value)}`)
  if (def.type === 'INTEGER') {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
    if (!Number.isInteger(n)) throw bad()
    return n
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw bad()
  const s = String(value)
  // NOTE: NIOS refuses empty values; networking-infoblox drops empty EAs before sending.
  if (s === '') throw bad()
  if (def.type === 'ENUM' && !def.enumValues.includes(s)) throw bad()
  if (def.type === 'EMAIL' && !/^[^@\s]+@[^@\s]+$/.test(s)) throw bad()
  return s
}

/**
 * Applies a PUT's `extattrs` (replace), `extattrs+` (add or change) and `extattrs-` (remove)
 * to the current attributes.
 */
export function updateExtattrs(
  store: WapiStore,
  current: JsonObject,
  body: JsonObject,
): JsonObject | undefined {
  const replace = body.extattrs
  const add = body['extattrs+']
  const remove = body['extattrs-']
  if (replace === undefined && add === undefined && remove === undefined) return undefined
  let next: JsonObject = replace !== undefined ? normaliseExtattrs(store, replace) : { ...current }
  if (add !== undefined) next = { ...next, ...normaliseExtattrs(store, add) }
  if (remove !== undefined) {
    if (!isJsonObject(remove)) throw WapiErrors.invalidValue('extattrs-', remove)
    for (const name of Object.keys(remove)) {
      if (definition(store, name) === undefined) throw WapiErrors.unknownEa(name)
    }
    next = Object.fromEntries(Object.entries(next).filter(([k]) => !(k in remove)))
  }
  return next
}

/**
 * The kind to compare an EA's values with in a search (`*Name=value`).
 * @throws WapiError 400 Proto "Unknown extensible attribute: X" when it has no definition
 */
export function eaSearchKind(store: WapiStore, name: string): FieldKind {
  const def = definition(store, name)
  if (def === undefined) throw WapiErrors.unknownEa(name)
  return def.type === 'INTEGER' ? 'int' : 'string'
}

/** The values of one attribute of an object (a list when the attribute holds several). */
export function eaValue(extattrs: Json | undefined, name: string): Json | undefined {
  if (!isJsonObject(extattrs)) return undefined
  const wrapped = extattrs[name]
  return isJsonObject(wrapped) ? wrapped.value : undefined
}
