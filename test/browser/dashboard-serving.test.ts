import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { registerDashboardRoutes } from '../../src/api/routes/dashboard-routes.ts'
import { startTestServer } from '../support/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import type { RunningServer } from '../../src/server/server.ts'

/** A stand-in build: index.html and one hashed asset. */
function fakeDist(): string {
  const root = mkdtempSync(join(tmpdir(), 'xloud-dist-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>')
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)')
  return root
}

describe('dashboard serving', () => {
  let built: FastifyInstance
  let missing: FastifyInstance

  before(async () => {
    built = Fastify()
    built.get('/', async () => ({ versions: [] }))
    registerDashboardRoutes(built, { root: fakeDist() })
    await built.ready()
    missing = Fastify()
    registerDashboardRoutes(missing, { root: mkdtempSync(join(tmpdir(), 'xloud-nodist-')) })
    await missing.ready()
  })
  after(async () => {
    await built.close()
    await missing.close()
  })

  test('serves index.html at /dashboard/ and for client routes below it', async () => {
    for (const url of [
      '/dashboard/',
      '/dashboard',
      '/dashboard/networks/abc',
      '/dashboard/admin/ipam',
    ]) {
      const r = await built.inject({ url })
      assert.equal(r.statusCode, 200, url)
      assert.match(r.body, /<div id="root">/, url)
      assert.match(String(r.headers['content-type']), /text\/html/, url)
      assert.equal(r.headers['cache-control'], 'no-cache', url)
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/, url)
    }
  })

  test('serves hashed assets as immutable; a missing asset is a 404, not the app', async () => {
    const asset = await built.inject({ url: '/dashboard/assets/index-abc123.js' })
    assert.equal(asset.statusCode, 200)
    assert.match(String(asset.headers['cache-control']), /immutable/)
    const gone = await built.inject({ url: '/dashboard/assets/index-old.js' })
    assert.equal(gone.statusCode, 404)
    assert.doesNotMatch(gone.body, /id="root"/)
  })

  test('/ stays the version document', async () => {
    assert.deepEqual((await built.inject({ url: '/' })).json(), { versions: [] })
  })

  test('without a build, /dashboard/ says to run npm start', async () => {
    for (const url of ['/dashboard/', '/dashboard/networks']) {
      const r = await missing.inject({ url })
      assert.equal(r.statusCode, 503)
      assert.match(String(r.headers['content-type']), /text\/html/)
      assert.match(r.body, /npm start/)
    }
  })
})

describe('GET /v2.0/auth/whoami', () => {
  let db: TestDatabase
  let server: RunningServer

  before(async () => {
    db = await freshDatabase('sqlite')
    server = await startTestServer(db.url)
  })
  after(async () => {
    await server.close()
    await db.drop()
  })

  test('describes the caller', async () => {
    const r = await fetch(`${server.url}/v2.0/auth/whoami`, {
      headers: { 'X-Project-Id': 'demo', 'X-User-Id': 'alice', 'X-Roles': 'member,reader' },
    })
    assert.equal(r.status, 200)
    assert.deepEqual(await r.json(), {
      whoami: {
        project_id: 'demo',
        user_id: 'alice',
        roles: ['member', 'reader'],
        is_admin: false,
      },
    })
  })

  test('an admin is told so', async () => {
    const r = await fetch(`${server.url}/v2.0/auth/whoami`, {
      headers: { 'X-Project-Id': 'ops', 'X-Roles': 'admin' },
    })
    const body = (await r.json()) as { whoami: { is_admin: boolean } }
    assert.equal(body.whoami.is_admin, true)
  })
})
