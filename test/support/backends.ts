import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import pg from 'pg'

/** The SQL backends every storage and driver test runs on. */
export type Backend = 'sqlite' | 'postgres' | 'mariadb'

const ALL: Backend[] = ['sqlite', 'postgres', 'mariadb']

/**
 * Backends to test, from `BACKENDS=sqlite,postgres,mariadb` (all by default). PostgreSQL
 * (127.0.0.1:5432, trust) and MariaDB (127.0.0.1:3306, root) run on development and CI machines.
 */
export function selectedBackends(): Backend[] {
  const env = process.env.BACKENDS
  if (env === undefined || env.trim() === '') return ALL
  return env
    .split(',')
    .map((b) => b.trim())
    .filter((b): b is Backend => (ALL as string[]).includes(b))
}

export interface TestDatabase {
  readonly backend: Backend
  /** `[database] connection` URL of a database made for this test alone. */
  readonly url: string
  drop(): Promise<void>
}

const PG_HOST = process.env.PGHOST_TEST ?? '127.0.0.1'
const MYSQL_HOST = process.env.MYSQL_HOST_TEST ?? '127.0.0.1'

/** A new empty database on the backend, so that test files can run in parallel. */
export async function freshDatabase(backend: Backend): Promise<TestDatabase> {
  const name = `xt_${randomBytes(6).toString('hex')}`
  switch (backend) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'xloud-test-'))
      return {
        backend,
        url: `sqlite:///${join(dir, 'xloud.sqlite')}`,
        drop: () => {
          rmSync(dir, { recursive: true, force: true })
          return Promise.resolve()
        },
      }
    }
    case 'postgres': {
      const admin = new pg.Client({ host: PG_HOST, port: 5432, user: 'postgres', database: 'test' })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      return {
        backend,
        url: `postgresql://postgres@${PG_HOST}:5432/${name}`,
        drop: async () => {
          const c = new pg.Client({ host: PG_HOST, port: 5432, user: 'postgres', database: 'test' })
          await c.connect()
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
          await c.end()
        },
      }
    }
    case 'mariadb': {
      const admin = await createConnection({
        host: MYSQL_HOST,
        port: 3306,
        user: 'root',
        database: 'test',
      })
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      return {
        backend,
        url: `mysql+pymysql://root@${MYSQL_HOST}:3306/${name}`,
        drop: async () => {
          const c = await createConnection({ host: MYSQL_HOST, port: 3306, user: 'root' })
          await c.query(`DROP DATABASE IF EXISTS ${name}`)
          await c.end()
        },
      }
    }
  }
}
