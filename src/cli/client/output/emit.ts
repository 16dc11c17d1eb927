import { stringify } from 'yaml'
import { UsageError } from '../errors.ts'
import type { JsonObject, JsonValue } from '../parse-json.ts'
import { Cell, type CellValue } from './cell.ts'
import type { ListOutputOptions, ShowOutputOptions } from './output-options.ts'
import { pyRepr, pyStr } from './python-text.ts'
import { pythonJson } from './python-json.ts'
import { renderTable, type Alignment } from './table.ts'

/**
 * PyYAML's `safe_dump(default_flow_style=False)` as closely as the yaml package gets: YAML 1.1
 * quoting (timestamps, `yes`, `'24'`), keys sorted, sequences not indented under their key.
 */
const YAML_OPTIONS = {
  version: '1.1',
  singleQuote: true,
  indentSeq: false,
  sortMapEntries: true,
} as const

function machine(value: CellValue): JsonValue {
  return value instanceof Cell ? value.machine : value
}

/** prettytable's cell text: Python's str(), carriage returns tamed. */
function human(value: CellValue): string {
  const text = value instanceof Cell ? value.human : pyStr(value)
  return text.replace(/\r\n/g, '\n').replace(/\r/g, ' ')
}

/** cliff's `-c` selection: the named columns in their own order; none recognised is an error. */
function selection(names: readonly string[], wanted: readonly string[]): boolean[] {
  if (wanted.length === 0) return names.map(() => true)
  const mask = names.map((n) => wanted.includes(n))
  if (!mask.includes(true)) {
    throw new UsageError(
      `No recognized column names in ${pyRepr([...wanted])}. Recognized columns are ${pyTuple(names)}.`,
    )
  }
  return mask
}

/** Python's repr of a tuple of strings (cliff names the columns that way). */
function pyTuple(items: readonly string[]): string {
  const inner = items.map((i) => pyRepr(i)).join(', ')
  return items.length === 1 ? `(${inner},)` : `(${inner})`
}

function pick<T>(items: readonly T[], mask: readonly boolean[]): T[] {
  return items.filter((_, i) => mask[i] === true)
}

/** One resource, as cliff's ShowOne formatters print it. */
export function emitOne(
  fields: readonly string[],
  values: readonly CellValue[],
  options: ShowOutputOptions,
): string {
  const mask = selection(fields, options.column)
  const names = pick(fields, mask)
  const data = pick(values, mask)
  switch (options.format) {
    case 'table':
      return `${renderTable(
        ['Field', 'Value'],
        names.map((n, i) => [n, human(data[i] ?? null)]),
        ['left', 'left'],
      )}\n`
    case 'json':
      return `${pythonJson(record(names, data), options.noindent !== true)}\n`
    case 'yaml':
      return names
        .map((n, i) => stringify({ [n]: machine(data[i] ?? null) }, YAML_OPTIONS))
        .join('')
    case 'value':
      return data.map((v) => `${pyStr(machine(v))}\n`).join('')
    case 'shell':
      return names
        .map((n, i) => {
          const variable = n.toLowerCase().replace(/ /g, '_').replace(/[:-]/g, '_')
          const text = pyStr(machine(data[i] ?? null)).replace(/"/g, '\\"')
          return `${options.prefix}${variable}="${text}"\n`
        })
        .join('')
  }
}

/** Rows of resources, as cliff's Lister formatters print them. */
export function emitList(
  headers: readonly string[],
  rows: readonly (readonly CellValue[])[],
  options: ListOutputOptions,
): string {
  const sorted = sortRows(headers, rows, options)
  const mask = selection(headers, options.column)
  const names = pick(headers, mask)
  const data = sorted.map((row) => pick(row, mask))
  switch (options.format) {
    case 'table': {
      if (data.length === 0 && options.printEmpty !== true) return '\n'
      // NOTE: cliff right-aligns a column whose first value is a number (not a bool).
      const first = data[0] ?? []
      const aligns: Alignment[] = names.map((_, i) => {
        const v = first[i]
        return typeof v === 'number' || typeof v === 'bigint' ? 'right' : 'left'
      })
      return `${renderTable(
        names,
        data.map((row) => row.map(human)),
        aligns,
      )}\n`
    }
    case 'json':
      return `${pythonJson(
        data.map((row) => record(names, row)),
        options.noindent !== true,
      )}\n`
    case 'yaml':
      return stringify(
        data.map((row) => record(names, row)),
        YAML_OPTIONS,
      )
    case 'value':
      return data.map((row) => `${row.map((v) => pyStr(machine(v))).join(' ')}\n`).join('')
    case 'csv':
      return [names, ...data]
        .map((row) => `${row.map((v) => csvField(v, options.quote)).join(',')}\n`)
        .join('')
  }
}

function record(names: readonly string[], values: readonly CellValue[]): JsonObject {
  return Object.fromEntries<JsonValue>(names.map((n, i) => [n, machine(values[i] ?? null)]))
}

/** Python's csv writer with cliff's settings (`escapechar='\\'`, doubled quotes). */
function csvField(value: CellValue, quoting: ListOutputOptions['quote']): string {
  const raw = value instanceof Cell ? pyStr(value.machine) : value
  const numeric = typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean'
  const text = (raw === null ? '' : pyStr(raw)).replace(/\\/g, '\\\\')
  if (quoting === 'none') return text.replace(/([",\r\n])/g, '\\$1')
  const quoted =
    quoting === 'all' ||
    (quoting === 'nonnumeric' && !numeric) ||
    (quoting === 'minimal' && /[",\r\n]/.test(text))
  return quoted ? `"${text.replace(/"/g, '""')}"` : text
}

type Comparable = { kind: 'number'; value: number | bigint } | { kind: 'string'; value: string }

function comparable(value: CellValue): Comparable | null | undefined {
  const v = machine(value)
  if (v === null) return null
  if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'number', value: v }
  if (typeof v === 'boolean') return { kind: 'number', value: v ? 1 : 0 }
  if (typeof v === 'string') return { kind: 'string', value: v }
  return undefined
}

/**
 * cliff's `--sort-column`: stable sorts, last key first; None after everything; columns that
 * do not exist or mix types are left unsorted.
 */
function sortRows(
  headers: readonly string[],
  rows: readonly (readonly CellValue[])[],
  options: ListOutputOptions,
): (readonly CellValue[])[] {
  let out = [...rows]
  const indexes = options.sortColumn.map((c) => headers.indexOf(c)).filter((i) => i >= 0)
  const direction = options.sortDescending === true ? -1 : 1
  for (const index of indexes.reverse()) {
    const keys = out.map((row) => comparable(row[index] ?? null))
    const kinds = new Set(keys.filter((k) => k != null).map((k) => k.kind))
    if (keys.includes(undefined) || kinds.size > 1) continue
    const order = out.map((row, i) => ({ row, key: keys[i] }))
    order.sort((a, b) => direction * compare(a.key ?? null, b.key ?? null))
    out = order.map((o) => o.row)
  }
  return out
}

function compare(a: Comparable | null, b: Comparable | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  if (a.value < b.value) return -1
  if (a.value > b.value) return 1
  return 0
}
