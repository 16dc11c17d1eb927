import { cidrContains, type Cidr } from '../../src/domain/cidr.ts'
import { parseIpv4 } from '../../src/domain/ip-address.ts'
import { BamErrors } from './bluecat-errors.ts'
import { parseV4Cidr } from './bluecat-parse.ts'

/** A parsed `filter` parameter: predicates `field:op(values)` joined by `and` / `or`. */
export type FilterExpr =
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | {
      readonly kind: 'pred'
      readonly field: string
      readonly op: string
      readonly values: string[]
    }

/** How a filterable field reads from an item, and what kind of value it holds. */
export type FilterField<T> =
  | { readonly type: 'number'; readonly get: (item: T) => number | undefined }
  | { readonly type: 'string' | 'enum'; readonly get: (item: T) => string | null | undefined }
  | { readonly type: 'address'; readonly get: (item: T) => bigint | undefined }
  | { readonly type: 'range'; readonly get: (item: T) => Cidr | undefined }

const OPERATORS: Record<FilterField<unknown>['type'], readonly string[]> = {
  number: ['eq', 'ne', 'ge', 'gt', 'le', 'lt', 'in'],
  string: ['eq', 'ne', 'contains', 'startsWith', 'endsWith', 'in'],
  enum: ['eq', 'ne', 'in'],
  address: ['eq', 'ne', 'ge', 'gt', 'le', 'lt', 'in'],
  range: ['eq', 'ge', 'gt', 'le', 'lt', 'contains', 'startsWith'],
}

/**
 * Parses the v2 filter grammar: `field:value` (equality), `field:op(value[, value…])`, values bare
 * or quoted with `'` or `"`, predicates joined by `and` (binding tighter) and `or`, parentheses.
 * @throws InvalidFilter when malformed
 */
export function parseFilter(text: string): FilterExpr {
  let pos = 0
  const fail = (what: string): never => {
    throw BamErrors.invalidFilter(`Invalid filter at position ${pos}: ${what}`)
  }
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++
  }
  const keyword = (word: string): boolean => {
    skip()
    const next = text.slice(pos, pos + word.length)
    if (next.toLowerCase() !== word || !/[\s(]/.test(text[pos + word.length] ?? '')) return false
    pos += word.length
    return true
  }
  const value = (): string => {
    skip()
    const quote = text[pos]
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, pos + 1)
      if (end < 0) fail('unterminated string')
      const out = text.slice(pos + 1, end)
      pos = end + 1
      return out
    }
    const start = pos
    while (pos < text.length && !/[\s,)]/.test(text[pos] ?? '')) pos++
    if (pos === start) fail('value expected')
    return text.slice(start, pos)
  }
  const predicate = (): FilterExpr => {
    skip()
    if (text[pos] === '(') {
      pos++
      const inner = orExpr()
      skip()
      if (text[pos] !== ')') fail("')' expected")
      pos++
      return inner
    }
    const field = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(pos))?.[0]
    if (field === undefined) return fail('field expected')
    pos += field.length
    if (text[pos] !== ':') fail("':' expected")
    pos++
    const op = /^([A-Za-z]+)\(/.exec(text.slice(pos))?.[1]
    if (op === undefined) return { kind: 'pred', field, op: 'eq', values: [value()] }
    pos += op.length + 1
    const values = [value()]
    skip()
    while (text[pos] === ',') {
      pos++
      values.push(value())
      skip()
    }
    if (text[pos] !== ')') fail("')' expected")
    pos++
    return { kind: 'pred', field, op, values }
  }
  const andExpr = (): FilterExpr => {
    let left = predicate()
    while (keyword('and')) left = { kind: 'and', left, right: predicate() }
    return left
  }
  const orExpr = (): FilterExpr => {
    let left = andExpr()
    while (keyword('or')) left = { kind: 'or', left, right: andExpr() }
    return left
  }
  const expr = orExpr()
  skip()
  if (pos < text.length) fail('unexpected text')
  return expr
}

function compare(a: bigint | number, b: bigint | number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const ORDER: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  ge: (c) => c >= 0,
  gt: (c) => c > 0,
  le: (c) => c <= 0,
  lt: (c) => c < 0,
}

function predicateFor<T>(
  field: FilterField<T>,
  op: string,
  values: string[],
): (item: T) => boolean {
  const first = values[0] ?? ''
  const test = ORDER[op]
  switch (field.type) {
    case 'number': {
      const wanted = values.map(Number)
      if (op === 'in') return (item) => wanted.includes(field.get(item) ?? Number.NaN)
      const b = wanted[0] ?? Number.NaN
      return (item) => {
        const a = field.get(item)
        return a !== undefined && test !== undefined && test(compare(a, b))
      }
    }
    case 'string':
    case 'enum':
      return (item) => {
        const a = field.get(item) ?? null
        switch (op) {
          case 'in':
            return a !== null && values.includes(a)
          case 'contains':
            return a?.includes(first) ?? false
          case 'startsWith':
            return a?.startsWith(first) ?? false
          case 'endsWith':
            return a?.endsWith(first) ?? false
          case 'ne':
            return a !== first
          default:
            return a === first
        }
      }
    case 'address': {
      const wanted = values.map((v) => {
        const ip = parseIpv4(v)
        if (ip === undefined) throw BamErrors.invalidFilter(`Invalid address value: ${v}`)
        return ip.value
      })
      if (op === 'in') return (item) => wanted.includes(field.get(item) ?? -1n)
      const b = wanted[0] ?? -1n
      return (item) => {
        const a = field.get(item)
        return a !== undefined && test !== undefined && test(compare(a, b))
      }
    }
    case 'range': {
      if (op === 'contains' || op === 'startsWith') {
        const asRange = first.includes('/') ? parseV4Cidr(first, 'filter') : undefined
        const ip = asRange === undefined ? parseIpv4(first) : undefined
        if (asRange === undefined && ip === undefined) {
          throw BamErrors.invalidFilter(`Invalid range value: ${first}`)
        }
        const start = asRange?.network ?? ip?.value ?? -1n
        return (item) => {
          const r = field.get(item)
          if (r === undefined) return false
          if (op === 'startsWith') return r.network === start
          if (asRange === undefined) return cidrContains(r, { version: 4, value: start })
          return (
            cidrContains(r, { version: 4, value: asRange.network }) &&
            r.prefixLength <= asRange.prefixLength
          )
        }
      }
      const b = parseV4Cidr(first, 'filter')
      return (item) => {
        const r = field.get(item)
        if (r === undefined || test === undefined) return false
        if (op === 'eq') return r.network === b.network && r.prefixLength === b.prefixLength
        // NOTE: ge/gt/le/lt compare CIDR lengths (the v2 guide's "size comparison").
        return test(compare(r.prefixLength, b.prefixLength))
      }
    }
  }
}

/**
 * Compiles a filter against a collection's filterable fields.
 * @throws InvalidFilterField (listing the allowed fields), InvalidFilterOperator, InvalidFilter
 */
export function compileFilter<T>(
  expr: FilterExpr,
  fields: Readonly<Record<string, FilterField<T>>>,
): (item: T) => boolean {
  if (expr.kind !== 'pred') {
    const left = compileFilter(expr.left, fields)
    const right = compileFilter(expr.right, fields)
    return expr.kind === 'and' ? (i) => left(i) && right(i) : (i) => left(i) || right(i)
  }
  const field = fields[expr.field]
  if (field === undefined) throw BamErrors.invalidFilterField(expr.field, Object.keys(fields))
  if (!OPERATORS[field.type].includes(expr.op)) {
    throw BamErrors.invalidFilterOperator(expr.field, expr.op)
  }
  return predicateFor(field, expr.op, expr.values)
}
