import { SwisError } from './swis-model.ts'
import type { SwisValue } from './swis-rows.ts'

/** A value in a condition: a column, a literal or an `@parameter`. */
export type Operand =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: SwisValue }
  | { readonly kind: 'param'; readonly name: string }

export type CompareOp = '=' | '<>' | '<' | '>' | '<=' | '>='

/** A WHERE condition. */
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly inner: Condition }
  | {
      readonly kind: 'compare'
      readonly op: CompareOp
      readonly left: Operand
      readonly right: Operand
    }
  | {
      readonly kind: 'like'
      readonly negated: boolean
      readonly left: Operand
      readonly pattern: Operand
    }
  | {
      readonly kind: 'in'
      readonly negated: boolean
      readonly left: Operand
      readonly items: Operand[] | Operand
    }
  | { readonly kind: 'isNull'; readonly negated: boolean; readonly operand: Operand }

/** A parsed SWQL SELECT (the subset the IPAM drivers use). */
export interface SwqlQuery {
  readonly top: number | undefined
  /** Columns as written (possibly `alias.Column`) and their output names. */
  readonly items: readonly { readonly column: string; readonly as: string | undefined }[]
  readonly entity: string
  readonly entityAlias: string | undefined
  readonly where: Condition | undefined
  readonly orderBy: readonly { readonly column: string; readonly desc: boolean }[]
  readonly rows: { readonly from: number; readonly to: number } | undefined
  readonly totalRows: boolean
}

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'op'; text: string }
  | { kind: 'eof' }

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let pos = 0
  while (pos < text.length) {
    const rest = text.slice(pos)
    const space = /^\s+/.exec(rest)
    if (space !== null) {
      pos += space[0].length
      continue
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest)
    const number = /^[0-9]+(\.[0-9]+)?/.exec(rest)
    const param = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)
    const op = /^(<=|>=|<>|!=|=|<|>|\(|\)|,|\*|-)/.exec(rest)
    if (ident !== null) {
      out.push({ kind: 'ident', text: ident[0] })
      pos += ident[0].length
    } else if (number !== null) {
      out.push({ kind: 'number', value: Number(number[0]) })
      pos += number[0].length
    } else if (param?.[1] !== undefined) {
      out.push({ kind: 'param', name: param[1] })
      pos += param[0].length
    } else if (rest.startsWith("'")) {
      let value = ''
      let i = 1
      for (;;) {
        if (i >= rest.length) throw new SwisError('Syntax error: unterminated string literal')
        if (rest[i] === "'") {
          if (rest[i + 1] === "'") {
            value += "'"
            i += 2
            continue
          }
          break
        }
        value += rest[i] ?? ''
        i++
      }
      out.push({ kind: 'string', value })
      pos += i + 1
    } else if (op?.[1] !== undefined) {
      out.push({ kind: 'op', text: op[1] === '!=' ? '<>' : op[1] })
      pos += op[1].length
    } else {
      throw new SwisError(
        `Syntax error: unexpected character '${rest[0] ?? ''}' at position ${pos}`,
      )
    }
  }
  out.push({ kind: 'eof' })
  return out
}

const RESERVED = new Set(['where', 'order', 'with', 'and', 'or', 'not', 'from', 'as'])

/**
 * Parses `SELECT [TOP n] col [AS a], … FROM Entity [alias] [WHERE …] [ORDER BY col [ASC|DESC], …]
 * [WITH ROWS a TO b] [WITH TOTALROWS]` with AND/OR/NOT, comparisons, LIKE, IN and IS NULL.
 * @throws SwisError (400) on a syntax error or anything outside that subset
 */
export function parseSwql(text: string): SwqlQuery {
  const tokens = tokenize(text)
  let i = 0
  const peek = (): Token => tokens[i] ?? { kind: 'eof' }
  const describe = (t: Token): string =>
    t.kind === 'ident' || t.kind === 'op' ? t.text : t.kind === 'eof' ? '<EOF>' : t.kind
  const fail = (expected: string): never => {
    throw new SwisError(
      `Syntax error: mismatched input '${describe(peek())}' expecting ${expected}`,
    )
  }
  const isWord = (word: string, t = peek()) => t.kind === 'ident' && t.text.toLowerCase() === word
  const word = (w: string): boolean => {
    if (!isWord(w)) return false
    i++
    return true
  }
  const expectWord = (w: string) => {
    if (!word(w)) fail(w.toUpperCase())
  }
  const isOp = (o: string, t = peek()) => t.kind === 'op' && t.text === o
  const expectOp = (o: string) => {
    if (!isOp(o)) fail(`'${o}'`)
    i++
  }
  const identifier = (what: string): string => {
    const t = peek()
    if (t.kind !== 'ident' || RESERVED.has(t.text.toLowerCase())) return fail(what)
    i++
    return t.text
  }
  const integer = (): number => {
    const t = peek()
    if (t.kind !== 'number' || !Number.isInteger(t.value)) return fail('an integer')
    i++
    return t.value
  }

  const operand = (): Operand => {
    const t = peek()
    if (isOp('-') && tokens[i + 1]?.kind === 'number') {
      i += 2
      const n = tokens[i - 1]
      return { kind: 'literal', value: n?.kind === 'number' ? -n.value : 0 }
    }
    if (t.kind === 'number' || t.kind === 'string') {
      i++
      return { kind: 'literal', value: t.value }
    }
    if (t.kind === 'param') {
      i++
      return { kind: 'param', name: t.name }
    }
    if (isWord('null')) {
      i++
      return { kind: 'literal', value: null }
    }
    if (isWord('true') || isWord('false')) {
      i++
      return { kind: 'literal', value: isWord('true', t) }
    }
    return { kind: 'column', name: identifier('a column, literal or parameter') }
  }
  const primary = (): Condition => {
    if (isOp('(')) {
      i++
      const inner = orCond()
      expectOp(')')
      return inner
    }
    const left = operand()
    if (word('is')) {
      const negated = word('not')
      expectWord('null')
      return { kind: 'isNull', negated, operand: left }
    }
    const negated = word('not')
    if (word('like')) return { kind: 'like', negated, left, pattern: operand() }
    if (word('in')) {
      if (peek().kind === 'param') return { kind: 'in', negated, left, items: operand() }
      expectOp('(')
      const items = [operand()]
      while (isOp(',')) {
        i++
        items.push(operand())
      }
      expectOp(')')
      return { kind: 'in', negated, left, items }
    }
    if (negated) fail('LIKE or IN')
    const t = peek()
    if (t.kind !== 'op' || !['=', '<>', '<', '>', '<=', '>='].includes(t.text))
      return fail('a comparison')
    i++
    return { kind: 'compare', op: t.text as CompareOp, left, right: operand() }
  }
  const notCond = (): Condition => (word('not') ? { kind: 'not', inner: notCond() } : primary())
  const andCond = (): Condition => {
    let left = notCond()
    while (word('and')) left = { kind: 'and', left, right: notCond() }
    return left
  }
  const orCond = (): Condition => {
    let left = andCond()
    while (word('or')) left = { kind: 'or', left, right: andCond() }
    return left
  }

  expectWord('select')
  const top = word('top') ? integer() : undefined
  if (isOp('*'))
    throw new SwisError('Syntax error: SELECT * is not supported in SWQL; list the columns')
  const items: { column: string; as: string | undefined }[] = []
  do {
    if (items.length > 0) i++
    const column = identifier('a column name')
    const as = word('as')
      ? identifier('an alias')
      : peek().kind === 'ident' && !isWord('from')
        ? identifier('an alias')
        : undefined
    items.push({ column, as })
  } while (isOp(','))
  expectWord('from')
  const entity = identifier('an entity name')
  const entityAlias =
    peek().kind === 'ident' && !RESERVED.has((peek() as { text: string }).text.toLowerCase())
      ? identifier('an alias')
      : undefined
  const where = word('where') ? orCond() : undefined
  const orderBy: { column: string; desc: boolean }[] = []
  if (word('order')) {
    expectWord('by')
    do {
      if (orderBy.length > 0) i++
      const column = identifier('a column name')
      const desc = word('desc')
      if (!desc) word('asc')
      orderBy.push({ column, desc })
    } while (isOp(','))
  }
  let rows: { from: number; to: number } | undefined
  let totalRows = false
  while (word('with')) {
    if (word('rows')) {
      const from = integer()
      expectWord('to')
      rows = { from, to: integer() }
    } else if (word('totalrows')) totalRows = true
    else fail('ROWS or TOTALROWS')
  }
  if (peek().kind !== 'eof') fail('<EOF>')
  return { top, items, entity, entityAlias, where, orderBy, rows, totalRows }
}
