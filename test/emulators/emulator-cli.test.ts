/**
 * `npm run emulator -- …`: help for the launcher and for every vendor (exit 0), mistakes as one
 * message plus the usage (exit 2, no stack trace), and a start banner saying what is emulated,
 * what to put in neutron.conf, which credentials work and where the fault controls are.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, test } from 'node:test'

const ROOT = join(import.meta.dirname, '../..')
const VENDORS = ['infoblox', 'netbox', 'phpipam', 'bluecat', 'solarwinds'] as const

interface Result {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** `node --import tsx emulators/cli.ts <args>`, which `npm run emulator --` runs. */
function emulator(args: readonly string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'emulators/cli.ts', ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr, code: 0 })
        else if (typeof error.code === 'number') resolve({ stdout, stderr, code: error.code })
        else reject(new Error(`${args.join(' ')}: ${error.message}`))
      },
    )
  })
}

function assertNoStack(result: Result): void {
  assert.ok(!`${result.stdout}${result.stderr}`.includes('    at '), 'no stack trace')
}

/** Starts an emulator, collects its banner (until `until` shows), stops it with SIGTERM. */
async function banner(args: readonly string[], until: RegExp): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulators/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', r))
  try {
    const deadline = Date.now() + 20_000
    while (!until.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no banner:\n${out}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    // NOTE: the banner is written at once; a moment more catches any trailing line.
    await new Promise((r) => setTimeout(r, 100))
  } finally {
    child.kill('SIGTERM')
  }
  assert.equal(await exited, 0)
  return out
}

describe('npm run emulator', () => {
  test('--help lists the vendors, the options and the fault controls, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await emulator([flag])
      assert.equal(result.code, 0, result.stderr)
      for (const vendor of VENDORS) assert.match(result.stdout, new RegExp(`\\b${vendor}\\b`))
      assert.match(result.stdout, /--port/)
      assert.match(result.stdout, /__emulator\/faults/)
      assert.match(result.stdout, /docs\/emulators\.md/)
    }
  })

  test('no vendor or an unknown one: the usage on stderr, exit 2', async () => {
    for (const args of [[], ['cisco']]) {
      const result = await emulator(args)
      assertNoStack(result)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /usage: npm run emulator --/)
    }
  })

  for (const vendor of VENDORS) {
    test(`${vendor} --help: its options, defaults and credentials, exit 0`, async () => {
      const result = await emulator([vendor, '--help'])
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, new RegExp(`usage: npm run emulator -- ${vendor}`))
      assert.match(result.stdout, /--port N/)
      assert.match(result.stdout, /--tls-key/)
      assert.match(result.stdout, /__emulator\/faults/)
      assert.match(result.stdout, /neutron\.conf/)
    })

    test(`${vendor}: an unknown option is one message and the usage, exit 2`, async () => {
      const result = await emulator([vendor, '--bogus'])
      assertNoStack(result)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /--bogus/)
      assert.match(result.stderr, new RegExp(`usage: npm run emulator -- ${vendor}`))
    })
  }

  test('the Infoblox banner: WAPI versions, the neutron.conf lines, credentials, faults', async () => {
    const out = await banner(
      [
        'infoblox',
        '--port',
        '0',
        '--username',
        'ops',
        '--password',
        'pw',
        '--container',
        '10.9.0.0/16',
      ],
      /faults/,
    )
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    assert.ok(url !== undefined, out)
    assert.match(out, /WAPI v1\.4 .*v2\.13/)
    assert.match(out, new RegExp(`wapi_url = ${url}\\b`))
    assert.match(out, /username = ops/)
    assert.match(out, /password = pw/)
    assert.match(out, /10\.9\.0\.0\/16/)
    assert.match(out, new RegExp(`${url}/__emulator/faults`))
  })

  test('every banner names its neutron.conf section and the accepted credentials', async () => {
    const cases: [string, string[], RegExp[]][] = [
      [
        'netbox',
        ['--token', '0123456789abcdef0123456789abcdef01234567'],
        [/\[netbox\]/, /token = 0123/],
      ],
      [
        'phpipam',
        ['--username', 'u', '--password', 'p', '--app-id', 'xloud'],
        [/\[phpipam\]/, /app_id = xloud/, /username = u/],
      ],
      ['bluecat', ['--username', 'u', '--password', 'p'], [/\[bluecat\]/, /api_version = v2/]],
      ['solarwinds', ['--username', 'u', '--password', 'p'], [/\[solarwinds\]/, /username = u/]],
    ]
    for (const [vendor, args, expected] of cases) {
      const out = await banner([vendor, '--port', '0', ...args], /faults/)
      assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+/)
      assert.match(out, new RegExp(`ipam_driver = ${vendor}`))
      for (const e of expected) assert.match(out, e, `${vendor}: ${out}`)
    }
  })
})
