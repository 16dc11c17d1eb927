import { createHash } from 'node:crypto'
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import type pg from 'pg'

/** Longer statements (big IN lists, bulk inserts) are run unnamed: they rarely repeat. */
const MAX_PREPARED_LENGTH = 2000

function statementName(sql: string): string {
  return `x${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
}

/**
 * A pg pool for Kysely whose queries run as named prepared statements: PostgreSQL parses and
 * plans each distinct statement once per connection instead of on every call, which is most of
 * the server-side cost of the small queries a port create makes.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect()
      function query<R>(
        sql: string,
        parameters: readonly unknown[],
      ): Promise<PostgresQueryResult<R>>
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
      function query<R>(
        sqlOrCursor: string | PostgresCursor<R>,
        parameters?: readonly unknown[],
      ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sqlOrCursor !== 'string') {
          return client.query(
            sqlOrCursor as unknown as pg.Submittable,
          ) as unknown as PostgresCursor<R>
        }
        const values = [...(parameters ?? [])]
        const config: pg.QueryConfig =
          sqlOrCursor.length <= MAX_PREPARED_LENGTH && values.length > 0
            ? { name: statementName(sqlOrCursor), text: sqlOrCursor, values }
            : { text: sqlOrCursor, values }
        return client.query(config) as unknown as Promise<PostgresQueryResult<R>>
      }
      return {
        query,
        release: (destroy?: boolean) => {
          client.release(destroy)
        },
      }
    },
    end: () => pool.end(),
  }
}
