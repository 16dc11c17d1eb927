import { execFile } from 'node:child_process'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { startTestServer, XLOUD } from '../support/server.ts'
import type { RunningServer } from '../../src/server/server.ts'

/** What one `xloud` run printed and how it ended. */
export interface CliResult {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** An API server in this process (SQLite, noauth) for the CLI to talk to. */
export interface CliServer {
  readonly url: string
  /** Runs `xloud <args>` against this server. */
  run(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<CliResult>
  /** Like `run`, but fails the test unless the command succeeded. */
  ok(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<string>
  /** `-f json` output of a command, parsed (only for values that fit JS numbers). */
  json(args: readonly string[]): Promise<unknown>
  stop(): Promise<void>
}

/**
 * Runs the real CLI as a child process, asynchronously (the in-process server must keep
 * answering), with an environment free of the caller's OS_* settings.
 */
export function runXloud(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  const base: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OS_')) base[k] = v
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [XLOUD, ...args],
      { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr, code: 0 })
          return
        }
        const code = error.code
        // NOTE: no numeric code means it was killed (timeout) or never started.
        if (typeof code === 'number') resolve({ stdout, stderr, code })
        else reject(new Error(`xloud ${args.join(' ')}: ${error.message}`))
      },
    )
  })
}

export async function startCliServer(): Promise<CliServer> {
  const db: TestDatabase = await freshDatabase('sqlite')
  const server: RunningServer = await startTestServer(db.url)
  const run = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
    runXloud(args, { OS_ENDPOINT: server.url, ...env })
  const ok = async (args: readonly string[], env: Readonly<Record<string, string>> = {}) => {
    const result = await run(args, env)
    if (result.code !== 0) {
      throw new Error(`xloud ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    }
    return result.stdout
  }
  return {
    url: server.url,
    run,
    ok,
    json: async (args) => JSON.parse(await ok([...args, '-f', 'json'])) as unknown,
    stop: async () => {
      await server.close()
      await db.drop()
    },
  }
}

/** The rows of a Field/Value table as a map (multi-line values joined with newlines). */
export function fieldTable(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  let last: string | undefined
  for (const line of text.split('\n')) {
    const m = /^\| (.*?) +\| (.*?) *\|$/.exec(line)
    if (m === null) continue
    const [, name = '', value = ''] = m
    if (name === 'Field' && value === 'Value') continue
    if (name === '' && last !== undefined) {
      fields.set(last, `${fields.get(last) ?? ''}\n${value}`)
    } else {
      fields.set(name, value)
      last = name
    }
  }
  return fields
}
