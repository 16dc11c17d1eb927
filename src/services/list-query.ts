import { sql, type Expression, type SqlBool } from 'kysely'
import { Errors } from '../domain/errors.ts'
import type { Queryable } from '../db/transaction.ts'

/** What a list call asks for, from Neutron's query string. */
export interface ListOptions {
  /** attribute → accepted values (`?name=a&name=b` means a or b). */
  readonly filters: ReadonlyMap<string, readonly string[]>
  readonly sort: readonly SortKey[]
  readonly limit: number | undefined
  readonly marker: string | undefined
  /** Neutron's `page_reverse`: walk backwards from the marker. */
  readonly pageReverse: boolean
}

export interface SortKey {
  readonly key: string
  readonly direction: 'asc' | 'desc'
}

/** How an attribute maps onto a column, for filtering and sorting in SQL. */
export interface ColumnSpec {
  readonly column: string
  readonly type: 'string' | 'bool' | 'int' | 'json-list'
}

export type ColumnMap = Readonly<Record<string, ColumnSpec>>

const BOOL_TRUE = new Set(['true', '1', 'yes', 'on', 'True'])
const BOOL_FALSE = new Set(['false', '0', 'no', 'off', 'False'])

/** Escapes LIKE wildcards so a value is matched literally (with `ESCAPE '!'`). */
function likeLiteral(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`)
}

/**
 * SQL conditions for the filters that map onto columns. Tag filters (`tags`, `tags-any`,
 * `not-tags`, `not-tags-any`) search the JSON list. Returns the conditions and the filters left
 * for the caller (those it must apply itself, or reject).
 */
export function filterConditions(
  columns: ColumnMap,
  filters: ReadonlyMap<string, readonly string[]>,
): { conditions: Expression<SqlBool>[]; rest: Map<string, readonly string[]> } {
  const conditions: Expression<SqlBool>[] = []
  const rest = new Map<string, readonly string[]>()
  for (const [attr, values] of filters) {
    if (isTagFilter(attr)) {
      conditions.push(tagCondition(attr, values))
      continue
    }
    // NOTE: own keys only: `constructor` or `__proto__` is an unknown filter, not Object's.
    const spec = Object.hasOwn(columns, attr) ? columns[attr] : undefined
    if (spec === undefined) {
      rest.set(attr, values)
      continue
    }
    const ref = sql.ref(spec.column)
    switch (spec.type) {
      case 'string':
        conditions.push(sql<SqlBool>`${ref} in (${sql.join(values)})`)
        break
      case 'int': {
        // NOTE: Neutron converts filter values as it converts the attribute (convert_to_int).
        const bad = values.find((v) => !/^\s*-?[0-9]+\s*$/.test(v))
        if (bad !== undefined) throw Errors.invalidInput(`'${bad}' is not an integer`)
        // Beyond what the column holds: matches nothing (and never reaches the database).
        const ints = values.map((v) => Number.parseInt(v, 10)).filter((n) => Math.abs(n) < 2 ** 31)
        conditions.push(
          ints.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${ref} in (${sql.join(ints)})`,
        )
        break
      }
      case 'bool': {
        const bools = values.map((v) => (BOOL_TRUE.has(v) ? 1 : BOOL_FALSE.has(v) ? 0 : -1))
        if (bools.includes(-1)) {
          throw Errors.badRequest(
            `Invalid input for ${attr}. Reason: '${values.join(',')}' cannot be converted to boolean.`,
          )
        }
        conditions.push(sql<SqlBool>`${ref} in (${sql.join(bools)})`)
        break
      }
      case 'json-list':
        conditions.push(
          sql<SqlBool>`(${sql.join(
            values.map((v) => sql`${ref} like ${`%${likeLiteral(JSON.stringify(v))}%`} escape '!'`),
            sql` or `,
          )})`,
        )
        break
    }
  }
  return { conditions, rest }
}

/**
 * NOTE: the empty tag is a tag (`?tags=` matches it, as in Neutron). A list item is matched
 * whole: an unescaped quote right after `[` or `,` only starts an item (inside a JSON string
 * every quote is escaped), so the tag `a","b` does not match `b`.
 */
const TAG_FILTERS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'] as const
type TagFilter = (typeof TAG_FILTERS)[number]

function isTagFilter(attr: string): attr is TagFilter {
  return (TAG_FILTERS as readonly string[]).includes(attr)
}

function tagCondition(attr: TagFilter, values: readonly string[]): Expression<SqlBool> {
  const tags = values.flatMap((v) => v.split(','))
  const has = tags.map((t) => {
    const item = likeLiteral(JSON.stringify(t))
    return sql<SqlBool>`(tags like ${`[${item}%`} escape '!' or tags like ${`%,${item}%`} escape '!')`
  })
  if (has.length === 0) return sql<SqlBool>`1 = 1`
  switch (attr) {
    case 'tags':
      return sql<SqlBool>`(${sql.join(has, sql` and `)})`
    case 'tags-any':
      return sql<SqlBool>`(${sql.join(has, sql` or `)})`
    case 'not-tags':
      return sql<SqlBool>`not (${sql.join(has, sql` and `)})`
    case 'not-tags-any':
      return sql<SqlBool>`not (${sql.join(has, sql` or `)})`
  }
}

/** Sort keys with `id` appended as the final tie-breaker, validated against the column map. */
export function sortKeys(columns: ColumnMap, sort: readonly SortKey[]): SortKey[] {
  for (const s of sort) {
    if (!Object.hasOwn(columns, s.key) || columns[s.key]?.type === 'json-list') {
      throw Errors.badRequest(`${s.key} is an invalid attribute for sort_keys`)
    }
  }
  const keys = [...sort]
  if (!keys.some((k) => k.key === 'id'))
    keys.push({ key: 'id', direction: keys[0]?.direction ?? 'asc' })
  return keys
}

/**
 * The keyset condition "after the marker row in this order": for keys k1..kn,
 * (k1 > v1) or (k1 = v1 and k2 > v2) or ...
 */
export function afterMarker(
  columns: ColumnMap,
  keys: readonly SortKey[],
  markerRow: Readonly<Record<string, unknown>>,
  reverse: boolean,
): Expression<SqlBool> {
  const terms = keys.map((_, i) => {
    const equal = keys.slice(0, i).map((k) => {
      const col = (columns[k.key] as ColumnSpec).column
      return sql<SqlBool>`${sql.ref(col)} = ${markerRow[col]}`
    })
    const k = keys[i] as SortKey
    const col = (columns[k.key] as ColumnSpec).column
    const ascending = (k.direction === 'asc') !== reverse
    const cmp = ascending
      ? sql<SqlBool>`${sql.ref(col)} > ${markerRow[col]}`
      : sql<SqlBool>`${sql.ref(col)} < ${markerRow[col]}`
    return sql<SqlBool>`(${sql.join([...equal, cmp], sql` and `)})`
  })
  return sql<SqlBool>`(${sql.join(terms, sql` or `)})`
}

/**
 * Selects rows of `table` matching every condition and visible to the caller, in the requested
 * order, after the marker. The marker row must be visible (not necessarily match the filters,
 * as in Neutron), else `markerNotFound`: a hidden row is reported as an unknown one.
 */
export async function selectPage<R>(
  q: Queryable,
  table: string,
  columns: ColumnMap,
  conditions: readonly Expression<SqlBool>[],
  visibility: Expression<SqlBool> | undefined,
  options: ListOptions,
  markerNotFound: (id: string) => Error,
): Promise<R[]> {
  const keys = sortKeys(columns, options.sort)
  const where = visibility === undefined ? [...conditions] : [...conditions, visibility]
  if (options.marker !== undefined) {
    const visible = visibility === undefined ? sql`` : sql`and ${visibility}`
    const marker = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where id = ${options.marker} ${visible}`.execute(q)
    const row = marker.rows[0]
    if (row === undefined) throw markerNotFound(options.marker)
    where.push(afterMarker(columns, keys, row, options.pageReverse))
  }
  const order = keys.map((k) => {
    const ascending = (k.direction === 'asc') !== options.pageReverse
    return sql`${sql.ref((columns[k.key] as ColumnSpec).column)} ${sql.raw(ascending ? 'asc' : 'desc')}`
  })
  const whereSql = where.length === 0 ? sql`` : sql`where ${sql.join(where, sql` and `)}`
  const limitSql = options.limit === undefined ? sql`` : sql`limit ${options.limit}`
  const result =
    await sql<R>`select * from ${sql.table(table)} ${whereSql} order by ${sql.join(order)} ${limitSql}`.execute(
      q,
    )
  return options.pageReverse ? [...result.rows].reverse() : [...result.rows]
}
