/**
 * Clients of `auth_strategy = keystone` against a real Keystone whose catalog points `network`
 * at our server: the real `openstack` CLI with password authentication (the seed flow), the
 * `xloud` CLI with OS_* variables and clouds.yaml, and the dashboard's Keystone sign-in.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import {
  ensureDashboardBuilt,
  launchChromium,
  newUserPage,
  screenshot,
} from '../browser/browser-harness.ts'
import { freePort, XLOUD } from '../support/server.ts'
import {
  startKeystone,
  startKeystoneApi,
  USERS,
  type Keystone,
  type KeystoneApi,
} from './keystone-harness.ts'

interface Run {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** Runs a program in `cwd` with only PATH, HOME and the given variables (no caller OS_*). */
function runIn(file: string, args: readonly string[], env: Record<string, string>, cwd: string) {
  return new Promise<Run>((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
        encoding: 'utf8',
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr, code: 0 })
        else if (typeof error.code === 'number') resolve({ stdout, stderr, code: error.code })
        else reject(new Error(`${file} ${args.join(' ')}: ${error.message}`))
      },
    )
  })
}

describe('clients with Keystone: openstack CLI, xloud CLI, dashboard', () => {
  let keystone: Keystone
  let api: KeystoneApi
  let home: string
  let demoProject: string
  /** Password authentication as demo, as a user's openrc sets it: no endpoint anywhere. */
  let demoEnv: Record<string, string>

  before(async () => {
    const port = await freePort()
    api = await startKeystoneApi({ authUrl: `http://127.0.0.1:${port}/v3` })
    keystone = await startKeystone({ port, networkUrl: api.url })
    demoProject = await keystone.projectId('demo')
    // NOTE: a HOME of its own, so no developer's clouds.yaml is read.
    home = mkdtempSync(join(tmpdir(), 'xloud-ks-home-'))
    demoEnv = {
      HOME: home,
      OS_AUTH_URL: keystone.url,
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: 'demo',
      OS_PASSWORD: USERS.demo.password,
      OS_PROJECT_NAME: 'demo',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    }
  })
  after(async () => {
    await api.close()
    await keystone.destroy()
    rmSync(home, { recursive: true, force: true })
  })

  const openstack = async (...args: string[]): Promise<string> => {
    const out = await runIn('openstack', args, demoEnv, home)
    assert.equal(out.code, 0, `openstack ${args.join(' ')}: ${out.stderr}`)
    return out.stdout
  }
  const openstackJson = async <T>(...args: string[]): Promise<T> =>
    JSON.parse(await openstack(...args, '-f', 'json')) as T

  test('the seed flow with the openstack CLI, password auth, endpoint from the catalog', async () => {
    const catalog = await openstackJson<{ endpoints: { url: string; interface: string }[] }>(
      'catalog',
      'show',
      'network',
    )
    assert.ok(
      catalog.endpoints.some((e) => e.interface === 'public' && e.url === api.url),
      JSON.stringify(catalog),
    )
    const net = await openstackJson<{ id: string; project_id: string }>('network', 'create', 'net1')
    assert.equal(net.project_id, demoProject)
    const subnet = await openstackJson<{ cidr: string }>(
      'subnet',
      'create',
      '--network',
      'net1',
      '--subnet-range',
      '10.50.0.0/24',
      'sub1',
    )
    assert.equal(subnet.cidr, '10.50.0.0/24')
    const port = await openstackJson<{ id: string; fixed_ips: { ip_address: string }[] }>(
      'port',
      'create',
      '--network',
      'net1',
      'port1',
    )
    assert.match(port.fixed_ips[0]?.ip_address ?? '', /^10\.50\.0\.\d+$/)
    await openstack('port', 'delete', 'port1')
    await openstack('subnet', 'delete', 'sub1')
    await openstack('network', 'delete', 'net1')
    assert.deepEqual(await openstackJson<unknown[]>('network', 'list'), [])
  })

  test('the openstack CLI with a wrong password is refused by Keystone', async () => {
    const out = await runIn(
      'openstack',
      ['network', 'list'],
      { ...demoEnv, OS_PASSWORD: 'wrong' },
      home,
    )
    assert.notEqual(out.code, 0)
    assert.match(out.stderr, /authentication|401/i)
  })

  test('xloud with OS_* variables: token from Keystone, endpoint from the catalog', async () => {
    const created = await runIn(
      process.execPath,
      [XLOUD, 'network', 'create', 'xnet', '-f', 'json'],
      demoEnv,
      home,
    )
    assert.equal(created.code, 0, created.stderr)
    const net = JSON.parse(created.stdout) as { name: string; project_id: string }
    assert.equal(net.project_id, demoProject)
    const listed = await runIn(
      process.execPath,
      [XLOUD, 'network', 'list', '-f', 'value', '-c', 'Name'],
      demoEnv,
      home,
    )
    assert.equal(listed.stdout, 'xnet\n')

    const wrong = await runIn(
      process.execPath,
      [XLOUD, 'network', 'list'],
      { ...demoEnv, OS_PASSWORD: 'Wr0ng-Pa55' },
      home,
    )
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /^Error: Unauthorized \(HTTP 401\)/)
    assert.ok(!wrong.stderr.includes('Wr0ng-Pa55'), 'the password is not echoed')

    const elsewhere = await runIn(
      process.execPath,
      [XLOUD, 'network', 'list'],
      { ...demoEnv, OS_REGION_NAME: 'Elsewhere' },
      home,
    )
    assert.equal(elsewhere.code, 1)
    assert.match(elsewhere.stderr, /public endpoint for network service in Elsewhere region/)
  })

  test('xloud ipam check as admin lists the identity steps; a member is refused', async () => {
    const adminEnv = {
      ...demoEnv,
      OS_USERNAME: 'admin',
      OS_PASSWORD: USERS.admin.password,
      OS_PROJECT_NAME: 'admin',
    }
    const check = await runIn(
      process.execPath,
      [XLOUD, 'ipam', 'check', '-f', 'json'],
      adminEnv,
      home,
    )
    assert.equal(check.code, 0, check.stderr)
    const steps = JSON.parse(check.stdout) as Record<string, string>[]
    const identity = steps
      .map((s) => Object.values(s).join(' '))
      .filter((line) => line.includes('identity:'))
    assert.equal(identity.length, 5, check.stdout)
    assert.ok(
      identity.every((line) => line.includes('pass')),
      check.stdout,
    )
    assert.ok(!check.stdout.includes(USERS.xloud.password), 'no secret in the report')
    const refused = await runIn(process.execPath, [XLOUD, 'ipam', 'check'], demoEnv, home)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /PolicyNotAuthorized \(HTTP 403\)/)
  })

  test('xloud with OS_CLOUD: clouds.yaml in the current directory or ~/.config/openstack', async () => {
    const cloudsYaml = [
      'clouds:',
      '  demo-cloud:',
      '    auth:',
      `      auth_url: ${keystone.url.replace(/\/v3$/, '')}`,
      '      username: demo',
      '      project_name: demo',
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      '    region_name: RegionOne',
      '    interface: public',
      '    identity_api_version: 3',
      '',
    ].join('\n')
    const secureYaml = `clouds:\n  demo-cloud:\n    auth:\n      password: ${USERS.demo.password}\n`
    const env = { HOME: home, OS_CLOUD: 'demo-cloud' }

    const cwd = mkdtempSync(join(tmpdir(), 'xloud-ks-cwd-'))
    writeFileSync(join(cwd, 'clouds.yaml'), cloudsYaml)
    writeFileSync(join(cwd, 'secure.yaml'), secureYaml)
    const here = await runIn(
      process.execPath,
      [XLOUD, 'network', 'list', '-f', 'value', '-c', 'Name'],
      env,
      cwd,
    )
    assert.equal(here.code, 0, here.stderr)
    assert.equal(here.stdout, 'xnet\n')

    const config = join(home, '.config', 'openstack')
    mkdirSync(config, { recursive: true })
    writeFileSync(join(config, 'clouds.yaml'), cloudsYaml)
    writeFileSync(join(config, 'secure.yaml'), secureYaml)
    const deleted = await runIn(process.execPath, [XLOUD, 'network', 'delete', 'xnet'], env, home)
    assert.equal(deleted.code, 0, deleted.stderr)

    const unknown = await runIn(
      process.execPath,
      [XLOUD, 'network', 'list'],
      { ...env, OS_CLOUD: 'nope' },
      home,
    )
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /Cloud 'nope' was not found/)
    rmSync(cwd, { recursive: true, force: true })
  })

  describe('the dashboard', () => {
    let browser: Browser

    before(async () => {
      ensureDashboardBuilt()
      browser = await launchChromium()
    })
    after(async () => {
      await browser.close()
    })

    test('signs in with a Keystone username, password and project', async () => {
      const { context, page } = await newUserPage(browser)
      try {
        await page.goto(`${api.url}/dashboard/`)
        await page.getByLabel('Username').fill('demo')
        await page.getByLabel('Password').fill('not-the-password')
        await page.getByLabel('Project').fill('demo')
        await screenshot(page, 'keystone-sign-in')
        await page.getByRole('button', { name: 'Sign in with Keystone' }).click()
        const alert = page.getByRole('alert')
        await alert.waitFor()
        assert.match((await alert.textContent()) ?? '', /not valid/)

        await page.getByLabel('Password').fill(USERS.demo.password)
        await page.getByRole('button', { name: 'Sign in with Keystone' }).click()
        await page.getByTestId('project').waitFor()
        assert.equal(await page.getByTestId('project').textContent(), demoProject)
        assert.equal(await page.getByRole('link', { name: 'IPAM' }).count(), 0)
      } finally {
        await context.close()
      }
    })
  })
})
