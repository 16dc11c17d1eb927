/**
 * `auth_strategy = keystone` against a real Keystone (Debian's package, started here): policy
 * from the token's project and roles, 401s as keystonemiddleware, the validation cache (counted
 * by a proxy in front of Keystone), the renewal of our own token, and a Keystone outage.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { KeystoneAuthenticator } from '../../src/auth/keystone-authenticator.ts'
import { spawnServer, freePort } from '../support/server.ts'
import { freshDatabase } from '../support/backends.ts'
import {
  call,
  keystoneConfigText,
  sleep,
  startCountingProxy,
  startKeystone,
  startKeystoneApi,
  type CountingProxy,
  type Keystone,
  type KeystoneApi,
} from './keystone-harness.ts'

/** Keystone's token lifetime here: short, so that tokens expire and ours is renewed in the run. */
const TOKEN_LIFETIME_S = 40
/** `[keystone_authtoken] token_cache_time` of the server under test. */
const CACHE_S = 8

describe('auth_strategy = keystone against a real Keystone', () => {
  let keystone: Keystone
  let proxy: CountingProxy
  let api: KeystoneApi
  let demoProject: string
  let adminProject: string
  /** A demo token issued at the start, used once, refused once it has expired. */
  let expiring: { token: string; issuedAt: number }

  before(async () => {
    const keystonePort = await freePort()
    proxy = await startCountingProxy(keystonePort)
    const direct = `http://127.0.0.1:${keystonePort}/v3`
    api = await startKeystoneApi({
      authUrl: proxy.url,
      wwwAuthenticateUri: direct,
      cacheTime: CACHE_S,
    })
    keystone = await startKeystone({
      port: keystonePort,
      networkUrl: api.url,
      tokenExpiration: TOKEN_LIFETIME_S,
    })
    demoProject = await keystone.projectId('demo')
    adminProject = await keystone.projectId('admin')
    expiring = { token: await keystone.issue('demo'), issuedAt: Date.now() }
  })
  after(async () => {
    await api.close()
    await proxy.close()
    await keystone.destroy()
  })

  const authenticator = (): KeystoneAuthenticator => {
    const a = api.server.authenticator
    assert.ok(a instanceof KeystoneAuthenticator)
    return a
  }

  test('a token is validated once, then served from the cache', async () => {
    const first = await call(api.url, 'GET', '/v2.0/auth/whoami', expiring.token)
    assert.equal(first.status, 200)
    const whoami = (
      first.body as { whoami: { project_id: string; roles: string[]; is_admin: boolean } }
    ).whoami
    assert.equal(whoami.project_id, demoProject)
    // NOTE: member implies reader in Keystone; the order of the roles is not fixed.
    assert.deepEqual([...whoami.roles].sort(), ['member', 'reader'])
    assert.deepEqual(Object.keys(whoami).sort(), ['is_admin', 'project_id', 'roles', 'user_id'])
    assert.equal(whoami.is_admin, false)
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', expiring.token)).status, 200)
    assert.equal(proxy.validations(expiring.token), 1)
    assert.equal(proxy.tokenRequests.length, 1, 'our own token, obtained on first use')
  })

  test("a member of demo sees only demo's resources and no IPAM admin surface; an admin sees all", async () => {
    const demo = await keystone.issue('demo')
    const admin = await keystone.issue('admin')
    const adminNet = await call(api.url, 'POST', '/v2.0/networks', admin, {
      network: { name: 'admin-net' },
    })
    assert.equal(adminNet.status, 201)
    const adminNetId = (adminNet.body as { network: { id: string; project_id: string } }).network
    assert.equal(adminNetId.project_id, adminProject)
    const demoNet = await call(api.url, 'POST', '/v2.0/networks', demo, {
      network: { name: 'demo-net' },
    })
    assert.equal(demoNet.status, 201)
    assert.equal(
      (demoNet.body as { network: { project_id: string } }).network.project_id,
      demoProject,
    )

    const seenByDemo = await call(api.url, 'GET', '/v2.0/networks', demo)
    const demoNames = (seenByDemo.body as { networks: { name: string }[] }).networks.map(
      (n) => n.name,
    )
    assert.deepEqual(demoNames, ['demo-net'])
    assert.equal((await call(api.url, 'GET', `/v2.0/networks/${adminNetId.id}`, demo)).status, 404)
    const foreign = await call(api.url, 'POST', '/v2.0/networks', demo, {
      network: { name: 'sneaky', project_id: adminProject },
    })
    assert.equal(foreign.status, 400)
    for (const [method, path] of [
      ['GET', '/v2.0/ipam/status'],
      ['POST', '/v2.0/ipam/check'],
      ['GET', '/v2.0/ipam/releases'],
      ['GET', '/v2.0/ipam/audit'],
    ] as const) {
      const refused = await call(api.url, method, path, demo)
      assert.equal(refused.status, 403, `${method} ${path} as member`)
      assert.equal(
        (refused.body as { NeutronError: { type: string } }).NeutronError.type,
        'PolicyNotAuthorized',
      )
    }

    const seenByAdmin = await call(api.url, 'GET', '/v2.0/networks', admin)
    const adminNames = (seenByAdmin.body as { networks: { name: string }[] }).networks
      .map((n) => n.name)
      .sort()
    assert.deepEqual(adminNames, ['admin-net', 'demo-net'])
    assert.equal((await call(api.url, 'GET', '/v2.0/ipam/status', admin)).status, 200)
    const check = await call(api.url, 'POST', '/v2.0/ipam/check', admin)
    assert.equal(check.status, 200)
    const report = (
      check.body as { check: { ok: boolean; steps: { name: string; status: string }[] } }
    ).check
    assert.ok(report.ok, JSON.stringify(report))
    assert.deepEqual(
      report.steps.map((s) => `${s.name}: ${s.status}`),
      [
        'database: pass',
        'identity: configuration: pass',
        'identity: reach Keystone: pass',
        'identity: service token: pass',
        'identity: role check: pass',
        'identity: catalog: pass',
      ],
    )
    assert.ok(!JSON.stringify(report).includes('xloud-secret'), 'no secret in the report')
  })

  test('no token, a garbage token: 401 with WWW-Authenticate: Keystone uri=…', async () => {
    const challenge = `Keystone uri="http://127.0.0.1:${keystone.port}/v3"`
    for (const token of [undefined, 'garbage', 'gAAAAABnot-a-fernet-token']) {
      const res = await call(api.url, 'GET', '/v2.0/networks', token)
      assert.equal(res.status, 401, String(token))
      assert.equal(res.headers.get('www-authenticate'), challenge)
      assert.deepEqual(res.body, {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      })
    }
    // Public paths stay public.
    assert.equal((await call(api.url, 'GET', '/', undefined)).status, 200)
    assert.equal((await call(api.url, 'GET', '/healthz', undefined)).status, 200)
  })

  test('a revoked token stops working within the cache time', async () => {
    const token = await keystone.issue('demo')
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', token)).status, 200)
    await keystone.revoke(token)
    const revokedAt = Date.now()
    let refusedAfter: number | undefined
    while (Date.now() - revokedAt < (CACHE_S + 3) * 1000) {
      const res = await call(api.url, 'GET', '/v2.0/networks', token)
      if (res.status === 401) {
        refusedAfter = Date.now() - revokedAt
        break
      }
      assert.equal(res.status, 200)
      await sleep(200)
    }
    assert.ok(refusedAfter !== undefined, 'the revoked token was still accepted')
    assert.ok(refusedAfter <= CACHE_S * 1000 + 1500, `refused ${refusedAfter} ms after revocation`)
    assert.equal(proxy.validations(token), 2, 'validated once, then once after the cache time')
  })

  test('200 concurrent requests with 20 distinct tokens: at most one validation per token within the cache time', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => keystone.issue(i % 2 === 0 ? 'demo' : 'admin')),
    )
    assert.equal(new Set(tokens).size, 20)
    const serviceTokensBefore = proxy.tokenRequests.length
    const t0 = Date.now()
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await call(api.url, 'GET', '/v2.0/networks', tokens[i % 20])
        return res.status
      }),
    )
    const burstMs = Date.now() - t0
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    )
    const allowed = 1 + Math.floor(burstMs / (CACHE_S * 1000))
    const counts = tokens.map((t) => proxy.validations(t))
    assert.ok(
      counts.every((n) => n >= 1 && n <= allowed),
      `validations per token ${counts.join(',')} in ${burstMs} ms`,
    )
    if (burstMs < CACHE_S * 1000) assert.deepEqual(new Set(counts), new Set([1]))
    assert.ok(
      proxy.tokenRequests.length - serviceTokensBefore <= 1,
      'our own token is not fetched per request',
    )

    // Again, within the cache time: no validation at all.
    const total = proxy.totalValidations()
    const again = await Promise.all(
      tokens.map(async (t) => (await call(api.url, 'GET', '/v2.0/networks', t)).status),
    )
    assert.ok(again.every((s) => s === 200))
    if (Date.now() - t0 < CACHE_S * 1000) assert.equal(proxy.totalValidations(), total)
    console.log(
      `# 200 requests, 20 tokens: ${burstMs} ms, validations per token ${[...new Set(counts)].join('/')}`,
    )
  })

  test('our own token is obtained once and renewed shortly before it expires', async () => {
    const first = proxy.tokenRequests[0]
    assert.ok(first !== undefined)
    // Renewal is due at 4/5 of the 40 s lifetime; wait past it, then let a request need it.
    const renewal = TOKEN_LIFETIME_S * 800
    await sleep(Math.max(0, first + renewal + 1000 - Date.now()))
    const fresh = await keystone.issue('demo')
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', fresh)).status, 200)
    const times = proxy.tokenRequests
    assert.ok(times.length >= 2, 'renewed')
    assert.equal(authenticator().serviceTokensObtained, times.length)
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0)
      // NOTE: Keystone's times have whole seconds, hence one second of slack.
      assert.ok(gap >= renewal - 1000, `renewed after ${gap} ms, before it was due`)
    }
    const count = times.length
    const more = await Promise.all([keystone.issue('demo'), keystone.issue('admin')])
    for (const t of more) assert.equal((await call(api.url, 'GET', '/v2.0/ports', t)).status, 200)
    assert.equal(proxy.tokenRequests.length, count, 'not fetched again per request')
  })

  test('an expired token is refused with 401', async () => {
    const expiry = expiring.issuedAt + TOKEN_LIFETIME_S * 1000 + 1500
    await sleep(Math.max(0, expiry - Date.now()))
    const res = await call(api.url, 'GET', '/v2.0/networks', expiring.token)
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate') ?? '', /^Keystone uri="/)
  })

  test('dashboard sign-in: GET /v2.0/auth/config and POST /v2.0/auth/login', async () => {
    const config = await call(api.url, 'GET', '/v2.0/auth/config', undefined)
    assert.deepEqual(config.body, { auth: { strategy: 'keystone', password_login: true } })
    const login = await call(api.url, 'POST', '/v2.0/auth/login', undefined, {
      username: 'demo',
      password: 'demo-secret',
      project_name: 'demo',
      domain: 'Default',
    })
    assert.equal(login.status, 201)
    const issued = (login.body as { token: { id: string; project: { id: string } } }).token
    assert.equal(issued.project.id, demoProject)
    assert.equal(login.headers.get('x-subject-token'), issued.id)
    const whoami = await call(api.url, 'GET', '/v2.0/auth/whoami', issued.id)
    assert.equal((whoami.body as { whoami: { project_id: string } }).whoami.project_id, demoProject)
    const wrong = await call(api.url, 'POST', '/v2.0/auth/login', undefined, {
      username: 'demo',
      password: 'not-the-password',
      project_name: 'demo',
    })
    assert.equal(wrong.status, 401)
    const missing = await call(api.url, 'POST', '/v2.0/auth/login', undefined, {
      username: 'demo',
    })
    assert.equal(missing.status, 400)
    const logs = api.logs.join('\n')
    for (const secret of ['demo-secret', 'not-the-password', 'xloud-secret', issued.id])
      assert.ok(!logs.includes(secret), 'no password or token in the log')
  })

  test('Keystone stopped mid-run: cached tokens keep working, new ones get 503, all recover', async () => {
    const cached = await keystone.issue('demo')
    const uncached = await keystone.issue('admin')
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', cached)).status, 200)
    const cachedAt = Date.now()

    await keystone.stop()
    const stoppedAt = Date.now()
    assert.ok(stoppedAt - cachedAt < CACHE_S * 1000, 'Keystone stopped within the cache time')
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', cached)).status, 200)
    const refused = await call(api.url, 'GET', '/v2.0/networks', uncached)
    assert.equal(refused.status, 503)
    assert.equal(
      (refused.body as { NeutronError: { type: string } }).NeutronError.type,
      'ServiceUnavailable',
    )
    assert.match(
      (refused.body as { NeutronError: { message: string } }).NeutronError.message,
      /identity service \(Keystone\) is unavailable/,
    )
    assert.equal((await call(api.url, 'GET', '/healthz', undefined)).status, 200, 'no crash')
    const alarm = api.logs.find((l) => l.includes('"level":50') && l.includes('unreachable'))
    assert.ok(alarm !== undefined, 'an error log line says Keystone is unreachable')
    assert.match(alarm, /connection (refused|closed|reset)/)

    // The cached validation ends with the cache time: then this token needs Keystone too.
    await sleep(Math.max(0, cachedAt + CACHE_S * 1000 + 200 - Date.now()))
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', cached)).status, 503)

    await keystone.start()
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', cached)).status, 200)
    assert.equal((await call(api.url, 'GET', '/v2.0/networks', uncached)).status, 200)
    assert.ok(
      api.logs.some((l) => l.includes('Keystone answers again')),
      'recovery is logged',
    )
  })

  test('xloud serve reports the identity steps at start-up, without secrets', async () => {
    const db = await freshDatabase('sqlite')
    const port = await freePort()
    const proc = await spawnServer(
      keystoneConfigText({ databaseUrl: db.url, authUrl: keystone.url, port }),
      port,
    )
    try {
      const deadline = Date.now() + 20_000
      while (!proc.output().includes('identity: catalog') && Date.now() < deadline) await sleep(100)
      const out = proc.output()
      for (const step of [
        'identity: configuration',
        'identity: reach Keystone',
        'identity: service token',
        'identity: role check',
        'identity: catalog',
      ])
        assert.match(out, new RegExp(`pass +${step}`), out)
      assert.match(out, /password_file .* \(not shown\)/)
      assert.ok(!out.includes('xloud-secret'), 'no password in the start-up report')
    } finally {
      await proc.stop()
      await db.drop()
    }
  })

  test('wrong service credentials: 503 with a loud log line, and the check says why', async () => {
    const broken = await startKeystoneApi({ authUrl: keystone.url, password: 'wrong-password' })
    try {
      const token = await keystone.issue('demo')
      const res = await call(broken.url, 'GET', '/v2.0/networks', token)
      assert.equal(res.status, 503)
      assert.ok(
        broken.logs.some((l) => l.includes('"level":50') && l.includes('refused the credentials')),
      )
      const steps = await broken.server.authenticator.check?.()
      assert.deepEqual(
        steps?.map((s) => s.status),
        ['pass', 'pass', 'fail', 'skipped', 'skipped'],
      )
      assert.ok(!JSON.stringify(steps).includes('wrong-password'))
    } finally {
      await broken.close()
    }
  })
})
