/** The pieces of Keystone authentication that need no Keystone: cache, URLs, renewal, clouds.yaml. */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { identityRoot, type IssuedToken } from '../../src/auth/keystone-client.ts'
import { ServiceToken } from '../../src/auth/service-token.ts'
import { TtlCache } from '../../src/auth/ttl-cache.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { keystoneSettings } from '../../src/auth/keystone-settings.ts'
import { loadCloud } from '../../src/cli/client/clouds-yaml.ts'

describe('Keystone authentication, without Keystone', () => {
  test('TtlCache: entries expire, and the oldest go first when full', () => {
    let now = 1000
    const cache = new TtlCache<string>(2, () => now)
    cache.set('a', 'A', 100)
    cache.set('b', 'B', 500)
    assert.equal(cache.get('a'), 'A')
    now += 100
    assert.equal(cache.get('a'), undefined, 'expired')
    cache.set('c', 'C', 500)
    cache.set('d', 'D', 500)
    assert.equal(cache.size, 2)
    assert.equal(cache.get('b'), undefined, 'the oldest was evicted')
    assert.equal(cache.get('d'), 'D')
    cache.set('e', 'E', 0)
    assert.equal(cache.get('e'), undefined, 'a zero time keeps nothing')
  })

  test('identityRoot: the v3 root of any auth_url spelling', () => {
    assert.equal(identityRoot('http://k:5000'), 'http://k:5000/v3')
    assert.equal(identityRoot('http://k:5000/'), 'http://k:5000/v3')
    assert.equal(identityRoot('https://k/identity/v3/'), 'https://k/identity/v3')
    assert.equal(identityRoot('https://k/identity'), 'https://k/identity/v3')
    assert.throws(() => identityRoot('http://k:5000/v2.0'), /v2\.0 API is gone/)
    assert.throws(() => identityRoot('keystone:5000'), /only http and https/)
  })

  test('ServiceToken: one request for concurrent callers, renewal at 4/5 of the lifetime', async () => {
    let now = 0
    let issued = 0
    const client = {
      issue: async (): Promise<IssuedToken> => {
        issued += 1
        await new Promise((r) => setTimeout(r, 5))
        return {
          id: `t${issued}`,
          token: {
            userId: 'u',
            userName: 'xloud',
            project: { id: 'p', name: 'service' },
            roles: ['service'],
            issuedAt: now,
            expiresAt: now + 40_000,
          },
        }
      },
    }
    const credentials = {
      username: 'xloud',
      password: 'x',
      userDomainName: 'Default',
      projectName: 'service',
      projectDomainName: 'Default',
    }
    const service = new ServiceToken(client, credentials, () => now)
    const ids = await Promise.all(Array.from({ length: 50 }, async () => (await service.get()).id))
    assert.deepEqual(new Set(ids), new Set(['t1']))
    now = 31_000
    assert.equal((await service.get()).id, 't1', 'not yet due')
    now = 32_000
    assert.equal((await service.get()).id, 't2', 'renewed 8 s before expiry')
    service.invalidate('t2')
    assert.equal((await service.get()).id, 't3', 'a refused token is replaced')
    assert.equal(service.obtained, 3)
  })

  test('ServiceToken: a failed renewal keeps the old token until it expires', async () => {
    let now = 0
    let fail = false
    const client = {
      issue: async (): Promise<IssuedToken> => {
        if (fail) throw new Error('down')
        return {
          id: 'old',
          token: {
            userId: 'u',
            userName: 'x',
            project: undefined,
            roles: [],
            issuedAt: now,
            expiresAt: now + 100_000,
          },
        }
      },
    }
    const service = new ServiceToken(
      client,
      {
        username: 'x',
        password: 'x',
        userDomainName: 'D',
        projectName: 'p',
        projectDomainName: 'D',
      },
      () => now,
    )
    await service.get()
    fail = true
    now = 90_000
    assert.equal((await service.get()).id, 'old')
    now = 100_000
    await assert.rejects(service.get(), /down/)
  })

  test('[keystone_authtoken]: required options and the password file, never the password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xloud-ks-unit-'))
    const file = join(dir, 'pw')
    writeFileSync(file, 'file-secret\nsecond line\n')
    const config = (section: string) =>
      buildConfig(
        parseOsloIni(`[DEFAULT]\nauth_strategy = keystone\n[keystone_authtoken]\n${section}`),
      )
    const settings = keystoneSettings(
      config(`auth_url = http://k:5000\nusername = xloud\npassword_file = ${file}\n`)
        .keystone_authtoken,
    )
    assert.equal(settings.authUrl, 'http://k:5000/v3')
    assert.equal(settings.wwwAuthenticateUri, 'http://k:5000/v3')
    assert.equal(settings.credentials.password, 'file-secret')
    assert.equal(settings.credentials.projectName, 'service')
    assert.equal(settings.cacheTimeMs, 300_000)
    assert.equal(settings.passwordSource, `password_file ${file}`)
    assert.throws(
      () => keystoneSettings(config('username = xloud\npassword = p\n').keystone_authtoken),
      /\[keystone_authtoken\] auth_url must be set/,
    )
    assert.throws(
      () => keystoneSettings(config('auth_url = http://k\nusername = x\n').keystone_authtoken),
      /\[keystone_authtoken\] password or password_file must be set/,
    )
  })

  test('clouds.yaml: the named cloud, with secure.yaml merged in', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'xloud-clouds-'))
    writeFileSync(
      join(cwd, 'clouds.yaml'),
      'clouds:\n  c1:\n    auth:\n      auth_url: http://k:5000\n      username: demo\n    region_name: R1\n    verify: false\n',
    )
    writeFileSync(join(cwd, 'secure.yaml'), 'clouds:\n  c1:\n    auth:\n      password: s3cret\n')
    const cloud = loadCloud('c1', {}, cwd, join(cwd, 'no-home'))
    assert.deepEqual(cloud.auth, {
      auth_url: 'http://k:5000',
      username: 'demo',
      password: 's3cret',
    })
    assert.equal(cloud.regionName, 'R1')
    assert.equal(cloud.verify, false)
    assert.throws(() => loadCloud('c2', {}, cwd, cwd), /Cloud 'c2' was not found/)
  })
})
