/**
 * Rows per multi-row INSERT: keeps every statement under the backends' limits on bound values
 * (SQLite 32,766; PostgreSQL and MariaDB 65,535) for tables of up to 60 columns.
 */
export const INSERT_CHUNK = 500

/** `rows` in consecutive slices of at most `size`. */
export function chunks<T>(rows: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
