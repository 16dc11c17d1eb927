import type { JsonObject, JsonValue } from '../parse-json.ts'
import { pyStr } from './python-text.ts'

/**
 * A value with a separate human-readable form, like cliff's FormattableColumn: tables show
 * `human`, the json/yaml/value/csv/shell formatters use `machine`.
 */
export class Cell {
  constructor(
    readonly machine: JsonValue,
    readonly human: string,
  ) {}
}

/** What a row or a field holds: a plain value, or one formatted for tables. */
export type CellValue = JsonValue | Cell

/** Turns an attribute's value into what is displayed. */
export type Formatter = (value: JsonValue) => CellValue

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** osc-lib's format_list: the items sorted, joined with ", ". */
export const listColumn: Formatter = (value) =>
  new Cell(value, Array.isArray(value) ? value.map(pyStr).sort().join(', ') : pyStr(value))

/** osc-lib's format_dict: `key='value'` sorted by key, nested dicts as `parent.key='value'`. */
function formatDict(dict: JsonObject, prefix?: string): string {
  const parts: string[] = []
  for (const key of Object.keys(dict).sort()) {
    const name = prefix === undefined ? key : `${prefix}.${key}`
    const v = dict[key] ?? null
    if (isObject(v)) parts.push(formatDict(v, name))
    else if (v === null) parts.push(`${name}=`)
    else parts.push(`${name}='${pyStr(v)}'`)
  }
  return parts.join(', ')
}

/** osc-lib's format_list_of_dicts: one `key='value', ...` line per item. */
function formatListOfDicts(value: JsonValue): string {
  if (!Array.isArray(value)) return pyStr(value)
  return value.map((item) => (isObject(item) ? formatDict(item) : pyStr(item))).join('\n')
}

export const listDictColumn: Formatter = (value) => new Cell(value, formatListOfDicts(value))

/** osc-lib's DictColumn: machine form is `{}` rather than None. */
export const dictColumn: Formatter = (value) =>
  isObject(value) ? new Cell(value, formatDict(value)) : new Cell({}, pyStr(value))

export const adminStateColumn: Formatter = (value) =>
  new Cell(value, value === true ? 'UP' : 'DOWN')

export const routerExternalColumn: Formatter = (value) =>
  new Cell(value, value === true ? 'External' : 'Internal')

/** `start-end` pairs joined with commas (openstack's AllocationPoolsColumn). */
export const allocationPoolsColumn: Formatter = (value) => {
  if (!Array.isArray(value)) return new Cell(value, pyStr(value))
  const pools = value.map((pool) =>
    isObject(pool) ? `${pyStr(pool.start ?? '')}-${pyStr(pool.end ?? '')}` : pyStr(pool),
  )
  return new Cell(value, pools.join(','))
}

/** Host routes with `nexthop` shown as `gateway`, matching the --host-route option. */
export const hostRoutesColumn: Formatter = (value) => {
  if (!Array.isArray(value)) return new Cell(value, pyStr(value))
  const renamed = value.map((route) => {
    if (!isObject(route) || !('nexthop' in route)) return route
    const { nexthop, ...rest } = route
    return { ...rest, gateway: nexthop ?? null }
  })
  return new Cell(value, formatListOfDicts(renamed))
}

/** Integers the API sends as strings (subnet pool prefix lengths), as the SDK converts them. */
export const integerValue: Formatter = (value) =>
  typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number.parseInt(value, 10) : value
