import { SwisError } from './swis-model.ts'
import { ENTITIES, type Row, type RowHints, type SwisValue } from './swis-rows.ts'
import type { SwisState } from './swis-state.ts'
import { parseSwql, type Condition, type Operand } from './swql-parser.ts'

/** A Query answer: `{"results": […]}`, plus `totalRows` with `WITH TOTALROWS`. */
export interface QueryResult {
  readonly totalRows?: number
  readonly results: Row[]
}

type Truth = boolean | null

function toSwis(value: unknown): SwisValue | SwisValue[] {
  if (Array.isArray(value)) return value.map((v) => toSwis(v) as SwisValue)
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value
  return JSON.stringify(value)
}

/** SQL-like comparison: numbers numerically (numeric strings too), text case-insensitively. */
function compare(a: SwisValue, b: SwisValue): number | null {
  if (a === null || b === null) return null
  const num = (v: SwisValue): number | undefined =>
    typeof v === 'number'
      ? v
      : typeof v === 'boolean'
        ? Number(v)
        : typeof v === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(v)
          ? Number(v)
          : undefined
  const x = num(a)
  const y = num(b)
  if (x !== undefined && y !== undefined && (typeof a !== 'string' || typeof b !== 'string')) {
    return Math.sign(x - y)
  }
  const s = String(a).toLowerCase()
  const t = String(b).toLowerCase()
  return s < t ? -1 : s > t ? 1 : 0
}

function likeRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\%_]/g, (ch) =>
    ch === '%' ? '.*' : ch === '_' ? '.' : `\\${ch}`,
  )
  return new RegExp(`^${body}$`, 'is')
}

/**
 * Runs a SWQL query with `@parameter` binding against the emulated IPAM.Subnet and IPAM.IPNode.
 * Property and entity names are case-insensitive; result keys are the names as written (or
 * their `AS` aliases).
 * @throws SwisError (400) for syntax errors, unknown entities or properties, missing parameters
 */
export function runSwql(
  state: SwisState,
  text: string,
  parameters: Record<string, unknown> = {},
): QueryResult {
  const query = parseSwql(text)
  const def = ENTITIES[query.entity.toLowerCase()]
  if (def === undefined) throw new SwisError(`Source entity [${query.entity}] not found in catalog`)
  const prefixes = [def.name, query.entityAlias]
    .filter((p): p is string => p !== undefined)
    .map((p) => `${p.toLowerCase()}.`)
  const strip = (name: string): string => {
    const lower = name.toLowerCase()
    const prefix = prefixes.find((p) => lower.startsWith(p))
    return prefix === undefined ? name : name.slice(prefix.length)
  }
  const resolve = (name: string): string => {
    const bare = strip(name)
    const column = def.columns.find((c) => c.toLowerCase() === bare.toLowerCase())
    if (column === undefined)
      throw new SwisError(`Cannot resolve property ${bare} on entity ${def.name}`)
    return column
  }
  const param = (name: string): SwisValue | SwisValue[] => {
    const key = Object.keys(parameters).find((k) => k.toLowerCase() === name.toLowerCase())
    if (key === undefined) throw new SwisError(`Parameter @${name} was not supplied`)
    return toSwis(parameters[key])
  }
  const value = (operand: Operand): ((row: Row) => SwisValue) => {
    switch (operand.kind) {
      case 'column': {
        const column = resolve(operand.name)
        return (row) => row[column] ?? null
      }
      case 'literal':
        return () => operand.value
      case 'param': {
        const v = param(operand.name)
        if (Array.isArray(v))
          throw new SwisError(`Parameter @${operand.name} is a list; use it with IN`)
        return () => v
      }
    }
  }
  const compile = (cond: Condition): ((row: Row) => Truth) => {
    switch (cond.kind) {
      case 'and':
      case 'or': {
        const l = compile(cond.left)
        const r = compile(cond.right)
        return cond.kind === 'and'
          ? (row) => {
              const a = l(row)
              const b = r(row)
              return a === false || b === false ? false : a === null || b === null ? null : true
            }
          : (row) => {
              const a = l(row)
              const b = r(row)
              return a === true || b === true ? true : a === null || b === null ? null : false
            }
      }
      case 'not': {
        const inner = compile(cond.inner)
        return (row) => {
          const v = inner(row)
          return v === null ? null : !v
        }
      }
      case 'compare': {
        const l = value(cond.left)
        const r = value(cond.right)
        const test = {
          '=': (c: number) => c === 0,
          '<>': (c: number) => c !== 0,
          '<': (c: number) => c < 0,
          '>': (c: number) => c > 0,
          '<=': (c: number) => c <= 0,
          '>=': (c: number) => c >= 0,
        }[cond.op]
        return (row) => {
          const c = compare(l(row), r(row))
          return c === null ? null : test(c)
        }
      }
      case 'like': {
        const l = value(cond.left)
        const p = value(cond.pattern)
        return (row) => {
          const v = l(row)
          const pattern = p(row)
          if (v === null || pattern === null) return null
          return likeRegex(String(pattern)).test(String(v)) !== cond.negated
        }
      }
      case 'in': {
        const l = value(cond.left)
        const items = Array.isArray(cond.items)
          ? cond.items.map((o) => value(o))
          : (() => {
              const list = cond.items.kind === 'param' ? param(cond.items.name) : null
              if (!Array.isArray(list)) throw new SwisError('IN expects a list or a list parameter')
              return list.map((v) => () => v)
            })()
        return (row) => {
          const v = l(row)
          if (v === null) return null
          return items.some((item) => compare(v, item(row)) === 0) !== cond.negated
        }
      }
      case 'isNull': {
        const v = value(cond.operand)
        return (row) => (v(row) === null) !== cond.negated
      }
    }
  }

  const where = query.where === undefined ? () => true : compile(query.where)
  const items = query.items.map((item) => ({
    column: resolve(item.column),
    key: item.as ?? strip(item.column),
  }))
  const order = query.orderBy.map((o) => ({ column: resolve(o.column), desc: o.desc }))
  const hints = hintsOf(query.where, resolve, (o) =>
    o.kind === 'param' ? param(o.name) : o.kind === 'literal' ? o.value : undefined,
  )
  const wanted =
    query.rows === undefined ? query.top : Math.min(query.top ?? Infinity, query.rows.to)
  const stopEarly = order.length === 0 && !query.totalRows && wanted !== undefined

  state.sweep()
  const matched: Row[] = []
  for (const row of def.rows(state, hints)) {
    if (where(row) !== true) continue
    matched.push(row)
    if (stopEarly && matched.length >= wanted) break
  }
  if (order.length > 0) {
    matched.sort((a, b) => {
      for (const { column, desc } of order) {
        const x = a[column] ?? null
        const y = b[column] ?? null
        const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : (compare(x, y) ?? 0)
        if (c !== 0) return desc ? -c : c
      }
      return 0
    })
  }
  let page = matched
  if (query.rows !== undefined)
    page = page.slice(Math.max(0, query.rows.from - 1), Math.max(0, query.rows.to))
  if (query.top !== undefined) page = page.slice(0, query.top)
  const results = page.map((row) =>
    Object.fromEntries(items.map(({ column, key }) => [key, row[column] ?? null])),
  )
  return query.totalRows ? { totalRows: matched.length, results } : { results }
}

/** `Key = value` conditions ANDed at the top of the WHERE clause, on the key columns. */
function hintsOf(
  where: Condition | undefined,
  resolve: (name: string) => string,
  valueOf: (o: Operand) => SwisValue | SwisValue[] | undefined,
): RowHints {
  const hints: Record<string, SwisValue> = {}
  const walk = (c: Condition | undefined): void => {
    if (c === undefined) return
    if (c.kind === 'and') {
      walk(c.left)
      walk(c.right)
      return
    }
    if (c.kind !== 'compare' || c.op !== '=') return
    const [col, other] = c.left.kind === 'column' ? [c.left, c.right] : [c.right, c.left]
    if (col.kind !== 'column' || other.kind === 'column') return
    const column = resolve(col.name)
    const v = valueOf(other)
    if (
      ['SubnetId', 'IPAddress', 'IpNodeId'].includes(column) &&
      v !== undefined &&
      !Array.isArray(v)
    ) {
      hints[column] = v
    }
  }
  walk(where)
  return hints
}
