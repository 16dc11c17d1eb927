import { parseCidrText } from '../../src/domain/cidr.ts'
import { formatIp, parseIp } from '../../src/domain/ip-address.ts'
import { parseMac, formatMac } from '../../src/domain/mac-address.ts'
import type { Json, JsonObject } from './wapi-json.ts'
import type { FieldDef, FieldKind, TypeDef } from './wapi-schema.ts'
import { WapiErrors } from './wapi-error.ts'

/** One search condition: `field[mods]=value`, or `*EA[mods]=value` for an extensible attribute. */
export interface SearchTerm {
  readonly field: string
  readonly ea: boolean
  /** Modifier characters from `!:~<>`; empty for a plain `=`. */
  readonly modifiers: string
  readonly value: string
}

/** The `_`-prefixed arguments of a call, parsed. */
export interface CallArguments {
  readonly returnFields: readonly string[] | undefined
  readonly returnFieldsPlus: readonly string[] | undefined
  readonly maxResults: number | undefined
  readonly paging: boolean
  readonly pageId: string | undefined
  readonly returnAsObject: boolean
  readonly functionName: string | undefined
  readonly pretty: boolean
  readonly schema: boolean
}

/** Arguments WAPI accepts (and this emulator reads or harmlessly ignores). */
const KNOWN_ARGUMENTS = new Set([
  '_return_fields',
  '_return_fields+',
  '_max_results',
  '_paging',
  '_page_id',
  '_return_as_object',
  '_function',
  '_proxy_search',
  '_return_type',
  '_schema',
  '_schema_version',
  '_get_doc',
  '_inheritance',
  '_schedinfo',
  '_approvable',
])

const MODIFIER_CHARS = '!:~<>'

/**
 * Splits a query into search terms and call arguments. Keys other than `_` arguments are
 * search terms; a trailing `!`, `:`, `~`, `<` or `>` on a key is a modifier (`name~=x`).
 * @throws WapiError 400 Proto for an unknown `_` argument or a malformed `_max_results`
 */
export function parseQuery(params: URLSearchParams): {
  terms: SearchTerm[]
  args: CallArguments
  rest: Map<string, string>
} {
  const terms: SearchTerm[] = []
  const raw = new Map<string, string>()
  const rest = new Map<string, string>()
  for (const [rawKey, value] of params) {
    // NOTE: `_return_fields+=a` sent unencoded reaches us as `_return_fields ` (a `+` in a
    // query string is a space); the appliance accepts both spellings.
    const key = rawKey === '_return_fields ' ? '_return_fields+' : rawKey
    if (key.startsWith('_')) {
      if (!KNOWN_ARGUMENTS.has(key)) throw WapiErrors.unknownField(key)
      raw.set(key, value)
      continue
    }
    let end = key.length
    while (end > 0 && MODIFIER_CHARS.includes(key.charAt(end - 1))) end--
    const name = key.slice(0, end)
    const modifiers = key.slice(end)
    if (name.startsWith('*')) {
      terms.push({ field: name.slice(1), ea: true, modifiers, value })
    } else {
      terms.push({ field: name, ea: false, modifiers, value })
      rest.set(key, value)
    }
  }
  const list = (k: string): string[] | undefined => {
    const v = raw.get(k)
    if (v === undefined) return undefined
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  }
  const flag = (k: string): boolean => {
    const v = raw.get(k)
    return v !== undefined && (v === '1' || v.toLowerCase() === 'true')
  }
  let maxResults: number | undefined
  const maxText = raw.get('_max_results')
  if (maxText !== undefined) {
    if (!/^-?[0-9]+$/.test(maxText) || Number(maxText) === 0) {
      throw WapiErrors.invalidValue('_max_results', maxText)
    }
    maxResults = Number.parseInt(maxText, 10)
  }
  return {
    terms,
    rest,
    args: {
      returnFields: list('_return_fields'),
      returnFieldsPlus: list('_return_fields+'),
      maxResults,
      paging: flag('_paging'),
      pageId: raw.get('_page_id'),
      returnAsObject: flag('_return_as_object'),
      functionName: raw.get('_function'),
      pretty: raw.get('_return_type') === 'json-pretty',
      schema: raw.has('_schema'),
    },
  }
}

/**
 * Checks a term against the field definition: the field must exist, be searchable, and
 * accept the modifiers used.
 * @throws WapiError 400 Proto "Field is not searchable: x" otherwise
 */
export function checkTerm(type: TypeDef, term: SearchTerm): FieldDef {
  const def = type.fields[term.field]
  if (def === undefined || def.search === '') throw WapiErrors.notSearchable(term.field)
  for (const m of term.modifiers) {
    if (!def.search.includes(m)) {
      throw WapiErrors.proto(`Search modifier '${m}' not allowed for field: ${term.field}`)
    }
  }
  return def
}

/** The fields to return for a call: defaults, replaced or extended by the arguments. */
export function returnFieldsFor(type: TypeDef, args: CallArguments): string[] {
  const base = args.returnFields ?? [...type.defaults]
  const fields = [...base, ...(args.returnFieldsPlus ?? [])]
  for (const f of fields) {
    const def = type.fields[f]
    if (def === undefined || def.searchOnly === true) throw WapiErrors.unknownField(f)
  }
  return [...new Set(fields)]
}

/**
 * Builds the returned object: `_ref`, then each requested field that has a value. Unset
 * fields are left out, as the appliance does.
 */
export function project(
  ref: string,
  fields: readonly string[],
  read: (field: string) => Json | undefined,
): JsonObject {
  const out: JsonObject = { _ref: ref }
  for (const f of fields) {
    const value = read(f)
    if (value !== undefined) out[f] = value
  }
  return out
}

/**
 * True when a stored value satisfies a term. Lists match when any element does (`!` when none
 * does); a missing value only matches a negated term.
 * @throws WapiError 400 Proto for a malformed regular expression or boolean
 */
export function matches(kind: FieldKind, stored: Json | undefined, term: SearchTerm): boolean {
  const negate = term.modifiers.includes('!')
  const values =
    stored === undefined || stored === null ? [] : Array.isArray(stored) ? stored : [stored]
  const any = values.some((v) => matchOne(kind, v, term))
  return negate ? !any : any
}

function matchOne(kind: FieldKind, stored: Json, term: SearchTerm): boolean {
  const mods = term.modifiers
  if (mods.includes('~')) {
    const text = kind === 'cidr' ? cidrAddressPart(scalarText(stored)) : scalarText(stored)
    return regex(term.value, mods.includes(':')).test(text)
  }
  if (mods.includes('<') || mods.includes('>')) return compareBound(kind, stored, term)
  switch (kind) {
    case 'bool': {
      const v = term.value.toLowerCase()
      if (v !== 'true' && v !== 'false') throw WapiErrors.invalidValue(term.field, term.value)
      return stored === (v === 'true')
    }
    case 'int':
      return Number(stored) === Number(term.value)
    case 'ip': {
      const a = parseIp(scalarText(stored))
      const b = parseIp(term.value)
      return a !== undefined && b !== undefined && formatIp(a) === formatIp(b)
    }
    case 'cidr':
      return cidrEquals(scalarText(stored), term.value)
    case 'mac':
      return normalMac(scalarText(stored)) === normalMac(term.value)
    case 'string':
    case 'json':
      return mods.includes(':')
        ? scalarText(stored).toLowerCase() === term.value.toLowerCase()
        : scalarText(stored) === term.value
  }
}

function compareBound(kind: FieldKind, stored: Json, term: SearchTerm): boolean {
  const less = term.modifiers.includes('<')
  if (kind === 'ip') {
    const a = parseIp(scalarText(stored))
    const b = parseIp(term.value)
    if (a === undefined || b === undefined || a.version !== b.version) return false
    return less ? a.value <= b.value : a.value >= b.value
  }
  const a = Number(stored)
  const b = Number(term.value)
  if (Number.isNaN(b)) throw WapiErrors.invalidValue(term.field, term.value)
  return less ? a <= b : a >= b
}

function scalarText(v: Json): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
}

function cidrAddressPart(text: string): string {
  const slash = text.indexOf('/')
  return slash < 0 ? text : text.slice(0, slash)
}

function cidrEquals(stored: string, wanted: string): boolean {
  const a = parseCidrText(stored)
  const b = parseCidrText(wanted)
  if (a === undefined || b === undefined) return stored === wanted
  if (!wanted.includes('/')) return formatIp(a.address) === formatIp(b.address)
  return formatIp(a.address) === formatIp(b.address) && a.prefixLength === b.prefixLength
}

/** A MAC in lower-case colon form (the text itself when it is not a MAC). */
export function normalMac(text: string): string {
  const octets = parseMac(text)
  return octets === undefined ? text.toLowerCase() : formatMac(octets)
}

function regex(source: string, insensitive: boolean): RegExp {
  try {
    return new RegExp(source, insensitive ? 'i' : '')
  } catch {
    throw WapiErrors.proto(`Invalid regular expression: ${source}`)
  }
}
