import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { bootstrap } from '../../src/server/bootstrap.ts'
import { startServer, type RunningServer } from '../../src/server/server.ts'

export const ROOT = resolve(import.meta.dirname, '../..')
export const XLOUD = join(ROOT, 'bin/xloud.js')

/** neutron.conf text for a test server on a free port with the given database. */
export function configText(databaseUrl: string, extra = '', authStrategy = 'noauth'): string {
  const state = mkdtempSync(join(tmpdir(), 'xloud-state-'))
  return `[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = 0\nauth_strategy = ${authStrategy}\nstate_path = ${state}\n${extra}\n[database]\nconnection = ${databaseUrl}\n`
}

/**
 * Starts the API in this process on a free port, after migrating. `sections` is appended to the
 * generated neutron.conf (e.g. "[ipam]\nallocation_strategy = random").
 */
export async function startTestServer(databaseUrl: string, sections = ''): Promise<RunningServer> {
  const config = buildConfig(parseOsloIni(`${configText(databaseUrl)}${sections}`))
  await bootstrap(config)
  return startServer(config, false)
}

/** A server in its own process (`xloud serve`), for multi-process and crash tests. */
export interface ServerProcess {
  readonly url: string
  readonly child: ChildProcess
  readonly output: () => string
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Runs `xloud serve` with a config file and waits until it answers. */
export async function spawnServer(
  configBody: string,
  port: number,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'xloud-proc-'))
  const file = join(dir, 'neutron.conf')
  writeFileSync(file, configBody.replace(/bind_port = \d+/, `bind_port = ${port}`))
  const child = spawn(process.execPath, [XLOUD, 'serve', '--config-file', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`)
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not become ready:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          done()
          return
        }
        child.once('exit', () => {
          done()
        })
        child.kill(signal)
      }),
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((done, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      s.close(() => {
        done(port)
      })
    })
  })
}
