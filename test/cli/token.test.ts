/**
 * `xloud token create|list|revoke`: the token file is found wherever the command runs from (the
 * default lives in the project's data/ directory, a configured path is used as configured), the
 * output says what happened in words and tables, and a damaged file is named with what to do.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ROOT, XLOUD } from '../support/server.ts'
import type { CliResult } from './cli-harness.ts'

/** Runs `xloud` in a working directory of the test's choosing. */
function xloudIn(cwd: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [XLOUD, ...args],
      { cwd, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr, code: 0 })
        else if (typeof error.code === 'number') resolve({ stdout, stderr, code: error.code })
        else reject(new Error(`${args.join(' ')}: ${error.message}`))
      },
    )
  })
}

function assertNoStack(result: CliResult): void {
  assert.ok(!`${result.stdout}${result.stderr}`.includes('    at '), 'no stack trace')
}

/** A directory with a neutron.conf holding `body`; returns both paths. */
function configDir(body: string): { dir: string; conf: string } {
  const dir = mkdtempSync(join(tmpdir(), 'xloud-token-'))
  const conf = join(dir, 'neutron.conf')
  writeFileSync(conf, body)
  return { dir, conf }
}

describe('xloud token', () => {
  test('the default token file is in the project, whatever the working directory', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'xloud-cwd-'))
    const result = await xloudIn(elsewhere, ['token', 'list'])
    assertNoStack(result)
    assert.ok(result.stderr.includes(join(ROOT, 'data', 'tokens.json')), result.stderr)
    assert.ok(!existsSync(join(elsewhere, 'data')), 'nothing is read or made in the cwd')
  })

  test('a configured absolute path: create, a table with headers, revoke in words, then none', async () => {
    const state = mkdtempSync(join(tmpdir(), 'xloud-state-'))
    const file = join(state, 'tokens.json')
    const { dir, conf } = configDir(`[token]\ntoken_file = ${file}\n`)
    const created = await xloudIn(dir, [
      'token',
      'create',
      '--project',
      'demo',
      '--role',
      'member',
      '--description',
      'ci robot',
      '--config-file',
      conf,
    ])
    assert.equal(created.code, 0, created.stderr)
    assert.match(created.stdout, /^xl-\S+\n$/)
    assert.ok(existsSync(file))
    const id = (JSON.parse(readFileSync(file, 'utf8')) as { tokens: { id: string }[] }).tokens[0]
      ?.id
    assert.ok(id !== undefined)

    const listed = await xloudIn(dir, ['token', 'list', '--config-file', conf])
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(
      listed.stdout,
      /\| ID +\| Project +\| User +\| Roles +\| Created +\| Description +\|/,
    )
    assert.match(listed.stdout, new RegExp(`\\| ${id} +\\| demo +\\| user +\\| member +\\|`))
    assert.match(listed.stdout, /ci robot/)
    assert.ok(!listed.stdout.includes(created.stdout.trim()), 'never the token itself')

    const value = await xloudIn(dir, ['token', 'list', '--config-file', conf, '-f', 'value'])
    assert.match(value.stdout, new RegExp(`^${id} demo user member `))

    const revoked = await xloudIn(dir, ['token', 'revoke', id, '--config-file', conf])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.match(
      `${revoked.stdout}${revoked.stderr}`,
      new RegExp(`[Rr]evoked token ${id} \\(project demo, user user, roles member, "ci robot"\\)`),
    )

    const empty = await xloudIn(dir, ['token', 'list', '--config-file', conf])
    assert.equal(empty.code, 0)
    assert.match(`${empty.stdout}${empty.stderr}`, /[Nn]o tokens/)
    assert.match(empty.stderr, /token create/, 'says how to make one')

    const again = await xloudIn(dir, ['token', 'revoke', id, '--config-file', conf])
    assert.equal(again.code, 1)
    assertNoStack(again)
    assert.match(again.stderr, new RegExp(`no token with id ${id}`))
  })

  test('a configured relative path still resolves against the working directory', async () => {
    const { dir, conf } = configDir('[DEFAULT]\nstate_path = ./state\n')
    const created = await xloudIn(dir, ['token', 'create', '--project', 'p', '--config-file', conf])
    assert.equal(created.code, 0, created.stderr)
    assert.ok(existsSync(join(dir, 'state', 'tokens.json')))
  })

  test('a corrupt token file: one line naming the file and what to do, exit 1', async () => {
    const state = mkdtempSync(join(tmpdir(), 'xloud-state-'))
    mkdirSync(state, { recursive: true })
    const file = join(state, 'tokens.json')
    writeFileSync(file, '{"tokens": [')
    const { dir, conf } = configDir(`[token]\ntoken_file = ${file}\n`)
    for (const args of [
      ['token', 'list'],
      ['token', 'revoke', 'abc'],
      ['token', 'create', '--project', 'p'],
    ]) {
      const result = await xloudIn(dir, [...args, '--config-file', conf])
      assertNoStack(result)
      assert.equal(result.code, 1, args.join(' '))
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
      assert.match(result.stderr, new RegExp(file))
      assert.match(result.stderr, /not valid JSON/)
      assert.match(result.stderr, /move it aside|restore/)
    }
    assert.equal(readFileSync(file, 'utf8'), '{"tokens": [', 'the damaged file is left alone')
  })

  test('xloud serve refuses to start on a corrupt token file, naming it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'xloud-state-'))
    const file = join(state, 'tokens.json')
    writeFileSync(file, 'not json')
    const { dir, conf } = configDir(
      `[DEFAULT]\nbind_port = 0\nstate_path = ${state}\nauth_strategy = token\n`,
    )
    const result = await xloudIn(dir, ['serve', '--config-file', conf])
    assertNoStack(result)
    assert.equal(result.code, 2)
    assert.match(result.stderr, new RegExp(`${file}.*not valid JSON`))
  })

  test('a first start that cannot listen still shows the admin token it created', async () => {
    const busy = createServer()
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done))
    const port = (busy.address() as AddressInfo).port
    try {
      const state = mkdtempSync(join(tmpdir(), 'xloud-state-'))
      const { dir, conf } = configDir(
        `[DEFAULT]\nbind_port = ${String(port)}\nstate_path = ${state}\nauth_strategy = token\n`,
      )
      const result = await xloudIn(dir, ['serve', '--config-file', conf])
      assert.notEqual(result.code, 0)
      assert.match(result.stderr, /EADDRINUSE/)
      const token = /\n {2}(xl-\S+)\n/.exec(result.stderr)?.[1]
      assert.ok(token !== undefined, result.stderr)
      const listed = await xloudIn(dir, ['token', 'list', '--config-file', conf, '-f', 'json'])
      assert.equal(
        (JSON.parse(listed.stdout) as unknown[]).length,
        1,
        'the token shown is the one kept',
      )
    } finally {
      busy.close()
    }
  })
})
