import { resolve } from 'node:path'

/** Where the database is, parsed from an SQLAlchemy-style URL as Neutron's `[database] connection`. */
export type ConnectionSpec =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | {
      readonly dialect: 'postgres' | 'mysql'
      readonly host: string
      readonly port: number
      readonly user: string
      readonly password: string
      readonly database: string
      readonly socketPath?: string
    }

export type Dialect = ConnectionSpec['dialect']

/**
 * Parses `sqlite:///relative/path`, `sqlite:////absolute/path`, `sqlite://` (in memory),
 * `postgresql[+driver]://user:pass@host:port/db` and `mysql[+driver]://user:pass@host:port/db`.
 * Throws an Error naming what is wrong (never echoing the password).
 */
export function parseConnectionUrl(url: string): ConnectionSpec {
  const scheme = /^([a-z0-9]+)(\+[a-z0-9_]+)?:\/\//i.exec(url)
  if (scheme === null)
    throw new Error('not a database URL (expected sqlite://, postgresql:// or mysql+pymysql://)')
  const base = (scheme[1] ?? '').toLowerCase()
  if (base === 'sqlite') {
    const rest = url.slice(scheme[0].length)
    if (rest === '' || rest === '/' || rest === '/:memory:')
      return { dialect: 'sqlite', path: ':memory:' }
    if (!rest.startsWith('/'))
      throw new Error('sqlite URL must be sqlite:///relative/path or sqlite:////absolute/path')
    return { dialect: 'sqlite', path: resolve(rest.slice(1)) }
  }
  const dialect =
    base === 'postgresql' || base === 'postgres'
      ? 'postgres'
      : base === 'mysql' || base === 'mariadb'
        ? 'mysql'
        : undefined
  if (dialect === undefined) throw new Error(`unsupported database scheme '${base}'`)
  let parsed: URL
  try {
    parsed = new URL(url.replace(scheme[0], 'db://'))
  } catch {
    throw new Error('malformed database URL')
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (database === '') throw new Error('database URL names no database')
  const socket = parsed.searchParams.get('unix_socket') ?? parsed.searchParams.get('host')
  return {
    dialect,
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname,
    port: parsed.port === '' ? (dialect === 'postgres' ? 5432 : 3306) : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || (dialect === 'postgres' ? 'postgres' : 'root'),
    password: decodeURIComponent(parsed.password),
    database,
    ...(socket !== null && socket.startsWith('/') ? { socketPath: socket } : {}),
  }
}
