/**
 * The BlueCat Address Manager emulator over real HTTP, both API generations at once: the legacy
 * v1 REST API (token login, pipe-delimited properties, id-0 "not found" entities, HTTP 500
 * failures) and the RESTful v2 API (sessions, HAL collections, filters, JSON error codes), as
 * shared/contracts/external-apis.md §4 describes the appliance; plus faults and call counting.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startBluecatEmulator, type BluecatEmulator } from '../../emulators/bluecat/index.ts'

const USER = 'api'
const PASS = 'bam-secret'
const ROOT = resolve(import.meta.dirname, '../..')

type Obj = Record<string, unknown>
interface V1Entity {
  id: number
  name: string | null
  type: string | null
  properties: string | null
}
interface V2Error {
  status: number
  reason: string
  code: string
  message: string
}
interface Collection {
  count: number
  totalCount?: number
  data: Obj[]
  _links?: { next?: { href: string }; prev?: { href: string } }
}
interface Reply<T> {
  readonly status: number
  readonly body: T
  readonly text: string
  readonly headers: Headers
}

async function send<T>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const res = await fetch(url, init)
  const text = await res.text()
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, body: body as T, text, headers: res.headers }
}

/** Parses a v1 properties string `k=v|k2=v2|`. */
function props(text: string | null): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (text ?? '').split('|')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}

/** A legacy v1 client: login once, then `BAMAuthToken:` on every call. */
class V1 {
  token = ''
  constructor(private readonly em: BluecatEmulator) {}

  async login(username = USER, password = PASS): Promise<Reply<string>> {
    const q = new URLSearchParams({ username, password })
    const reply = await send<string>(`${this.em.url}/Services/REST/v1/login?${q.toString()}`)
    const match = /BAMAuthToken: \S+/.exec(reply.body)
    if (match !== null) this.token = match[0]
    return reply
  }

  call<T>(
    method: string,
    name: string,
    params: Record<string, string | number> = {},
    body?: unknown,
  ) {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
    const init: RequestInit = { method, headers: { authorization: this.token } }
    if (body !== undefined) {
      init.body = JSON.stringify(body)
      init.headers = { authorization: this.token, 'content-type': 'application/json' }
    }
    return send<T>(`${this.em.url}/Services/REST/v1/${name}?${q.toString()}`, init)
  }
}

/** A v2 client on one session, HAL by default. */
class V2 {
  credentials = ''
  constructor(private readonly em: BluecatEmulator) {}

  async login(extra: Obj = {}): Promise<Reply<Obj>> {
    const reply = await send<Obj>(`${this.em.url}/api/v2/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASS, ...extra }),
    })
    if (typeof reply.body.basicAuthenticationCredentials === 'string') {
      this.credentials = reply.body.basicAuthenticationCredentials
    }
    return reply
  }

  call<T = Obj>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const all: Record<string, string> = { authorization: `Basic ${this.credentials}`, ...headers }
    const init: RequestInit = { method, headers: all }
    if (body !== undefined) {
      all['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    return send<T>(`${this.em.url}/api/v2${path}`, init)
  }
}

/** The error code of a raw TCP connection to the port, or 'connected'. */
function connectError(port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      done('connected')
    })
    socket.on('error', (e: Error & { code?: string }) => {
      done(e.code ?? e.message)
    })
  })
}

async function emulator(options: Partial<Parameters<typeof startBluecatEmulator>[0]> = {}) {
  return startBluecatEmulator({ username: USER, password: PASS, ...options })
}

describe('BlueCat v1 (legacy REST)', () => {
  let em: BluecatEmulator
  let v1: V1
  let cfg: number
  let block: number
  let net: number
  let view: number

  before(async () => {
    em = await emulator({ configuration: 'Prod' })
    cfg = em.state.configurationId
    block = em.state.addBlock('10.20.0.0/16')
    net = em.state.addNetwork('10.20.1.0/29')
    view = em.state.addView('internal')
    em.state.addZone('example.com', view)
    v1 = new V1(em)
    await v1.login()
  })
  after(() => em.close())

  test('login answers the Session Token string and the token authenticates', async () => {
    const fresh = new V1(em)
    const reply = await fresh.login()
    assert.equal(reply.status, 200)
    assert.match(reply.body, /^Session Token-> BAMAuthToken: \S+ <- for User : api$/)
    assert.match(reply.text, /^"Session Token->/, 'the body is a JSON string')
    const cfgReply = await fresh.call<V1Entity>('GET', 'getEntityById', { id: cfg })
    assert.equal(cfgReply.status, 200)
    assert.equal(cfgReply.body.name, 'Prod')
  })

  test('a wrong password fails with 500 and "Authentication Error"', async () => {
    const reply = await new V1(em).login(USER, 'wrong')
    assert.equal(reply.status, 500)
    assert.match(reply.body, /Authentication Error/)
  })

  test('calls without a valid BAMAuthToken header get 401', async () => {
    const anon = new V1(em)
    assert.equal((await anon.call('GET', 'getEntityById', { id: cfg })).status, 401)
    anon.token = 'BAMAuthToken: forged'
    assert.equal((await anon.call('GET', 'getEntityById', { id: cfg })).status, 401)
    const token = v1.token.replace('BAMAuthToken: ', '')
    anon.token = `Bearer ${token}`
    assert.equal((await anon.call('GET', 'getEntityById', { id: cfg })).status, 401)
  })

  test('logout ends the session', async () => {
    const s = new V1(em)
    await s.login()
    const out = await s.call<string>('GET', 'logout')
    assert.equal(out.status, 200)
    assert.match(out.body, /successfully/)
    assert.equal((await s.call('GET', 'getEntityById', { id: cfg })).status, 401)
  })

  test('tokens expire after sessionTimeoutSeconds with 401; a new login works', async () => {
    const short = await emulator({ sessionTimeoutSeconds: 1 })
    try {
      const s = new V1(short)
      await s.login()
      const id = short.state.configurationId
      assert.equal((await s.call('GET', 'getEntityById', { id })).status, 200)
      await new Promise((r) => setTimeout(r, 1100))
      assert.equal((await s.call('GET', 'getEntityById', { id })).status, 401)
      await s.login()
      assert.equal((await s.call('GET', 'getEntityById', { id })).status, 200)
    } finally {
      await short.close()
    }
  })

  test('getEntityByName finds the configuration; a miss is an id-0 entity with 200', async () => {
    const found = await v1.call<V1Entity>('GET', 'getEntityByName', {
      parentId: 0,
      name: 'Prod',
      type: 'Configuration',
    })
    assert.equal(found.status, 200)
    assert.equal(found.body.id, cfg)
    assert.equal(found.body.type, 'Configuration')
    const miss = await v1.call<V1Entity>('GET', 'getEntityByName', {
      parentId: 0,
      name: 'Nope',
      type: 'Configuration',
    })
    assert.equal(miss.status, 200)
    assert.deepEqual(miss.body, { id: 0, name: null, type: null, properties: null })
  })

  test('properties are a pipe-delimited k=v| string', async () => {
    const reply = await v1.call<V1Entity>('GET', 'getEntityById', { id: net })
    assert.equal(reply.body.type, 'IP4Network')
    assert.equal(typeof reply.body.properties, 'string')
    assert.match(reply.body.properties ?? '', /^CIDR=10\.20\.1\.0\/29\|.*\|$/)
    assert.equal(props(reply.body.properties).gateway, '10.20.1.1')
  })

  test('getEntityByCIDR needs the immediate parent', async () => {
    const viaBlock = await v1.call<V1Entity>('GET', 'getEntityByCIDR', {
      parentId: block,
      cidr: '10.20.1.0/29',
      type: 'IP4Network',
    })
    assert.equal(viaBlock.body.id, net)
    const viaConfig = await v1.call<V1Entity>('GET', 'getEntityByCIDR', {
      parentId: cfg,
      cidr: '10.20.1.0/29',
      type: 'IP4Network',
    })
    assert.equal(viaConfig.status, 200)
    assert.equal(viaConfig.body.id, 0)
    const topBlock = await v1.call<V1Entity>('GET', 'getEntityByCIDR', {
      parentId: cfg,
      cidr: '10.20.0.0/16',
      type: 'IP4Block',
    })
    assert.equal(topBlock.body.id, block)
  })

  test('getIPRangedByIP finds the network anywhere in the configuration', async () => {
    const reply = await v1.call<V1Entity>('GET', 'getIPRangedByIP', {
      containerId: cfg,
      type: 'IP4Network',
      address: '10.20.1.3',
    })
    assert.equal(reply.body.id, net)
    const none = await v1.call<V1Entity>('GET', 'getIPRangedByIP', {
      containerId: cfg,
      type: 'IP4Network',
      address: '10.99.0.1',
    })
    assert.equal(none.body.id, 0)
  })

  test('getIPRangedByIP returns the block when a network shares its CIDR (quirk)', async () => {
    const inner = em.state.addBlock('10.20.8.0/24', { parentId: block })
    const same = em.state.addNetwork('10.20.8.0/24', { blockId: inner })
    const reply = await v1.call<V1Entity>('GET', 'getIPRangedByIP', {
      containerId: cfg,
      type: 'IP4Network',
      address: '10.20.8.9',
    })
    assert.equal(reply.body.type, 'IP4Block')
    assert.equal(reply.body.id, inner)
    const exact = await v1.call<V1Entity>('GET', 'getEntityByCIDR', {
      parentId: inner,
      cidr: '10.20.8.0/24',
      type: 'IP4Network',
    })
    assert.equal(exact.body.id, same)
  })

  test('assignNextAvailableIP4Address assigns in one call with MAC, properties and host record', async () => {
    const reply = await v1.call<V1Entity>('POST', 'assignNextAvailableIP4Address', {
      configurationId: cfg,
      parentId: net,
      macAddress: 'fa:16:3e:11:22:33',
      hostInfo: `vm1.example.com,${view},true,false`,
      action: 'MAKE_DHCP_RESERVED',
      properties: 'name=port-1|NeutronPortId=p-1|',
    })
    assert.equal(reply.status, 200)
    assert.equal(reply.body.type, 'IP4Address')
    assert.equal(reply.body.name, 'port-1')
    const p = props(reply.body.properties)
    assert.equal(p.address, '10.20.1.2', 'the gateway .1 is taken at creation')
    assert.equal(p.state, 'DHCP_RESERVED')
    assert.equal(p.macAddress, 'FA-16-3E-11-22-33')
    assert.equal(p.NeutronPortId, 'p-1')
    const record = em.state.hostRecords().find((h) => h.absoluteName === 'vm1.example.com')
    assert.deepEqual(record?.addresses, ['10.20.1.2'])
    assert.equal(record.reverseRecord, true)
    const linked = await v1.call<V1Entity[]>('GET', 'getLinkedEntities', {
      entityId: reply.body.id,
      type: 'HostRecord',
      start: 0,
      count: 10,
    })
    assert.deepEqual(
      linked.body.map((e) => e.type),
      ['HostRecord'],
    )
  })

  test('MAKE_DHCP_RESERVED without a MAC fails with 500', async () => {
    const reply = await v1.call<string>('POST', 'assignNextAvailableIP4Address', {
      configurationId: cfg,
      parentId: net,
      action: 'MAKE_DHCP_RESERVED',
    })
    assert.equal(reply.status, 500)
    assert.match(reply.body, /MAC/)
  })

  test('assignIP4Address takes a specific address and answers its id; conflicts fail with 500', async () => {
    const ok = await v1.call<number>('POST', 'assignIP4Address', {
      configurationId: cfg,
      ip4Address: '10.20.1.5',
      action: 'MAKE_STATIC',
      properties: 'name=fixed|',
    })
    assert.equal(ok.status, 200)
    assert.equal(typeof ok.body, 'number')
    assert.match(ok.text, /^[0-9]+$/, 'a bare long, not a JSON object')
    const again = await v1.call<string>('POST', 'assignIP4Address', {
      configurationId: cfg,
      ip4Address: '10.20.1.5',
      action: 'MAKE_STATIC',
    })
    assert.equal(again.status, 500)
    assert.match(again.body, /already allocated/)
    for (const bad of ['10.20.1.0', '10.20.1.7', '10.99.0.1']) {
      const r = await v1.call('POST', 'assignIP4Address', {
        configurationId: cfg,
        ip4Address: bad,
        action: 'MAKE_STATIC',
      })
      assert.equal(r.status, 500, bad)
    }
  })

  test('getIP4Address finds an address, and answers id 0 once it is deleted', async () => {
    const id = (
      await v1.call<number>('POST', 'assignIP4Address', {
        configurationId: cfg,
        ip4Address: '10.20.1.6',
        action: 'MAKE_RESERVED',
      })
    ).body
    const found = await v1.call<V1Entity>('GET', 'getIP4Address', {
      containerId: net,
      address: '10.20.1.6',
    })
    assert.equal(found.body.id, id)
    assert.equal(props(found.body.properties).state, 'RESERVED')
    const del = await v1.call('DELETE', 'delete', { objectId: id })
    assert.equal(del.status, 200)
    assert.equal(del.text, '')
    const gone = await v1.call<V1Entity>('GET', 'getIP4Address', {
      containerId: net,
      address: '10.20.1.6',
    })
    assert.equal(gone.status, 200)
    assert.equal(gone.body.id, 0)
    assert.equal((await v1.call('DELETE', 'delete', { objectId: id })).status, 500)
  })

  test('customSearch finds addresses by user-defined field', async () => {
    const reply = await v1.call<V1Entity[]>('GET', 'customSearch', {
      filters: 'NeutronPortId=p-1|',
      type: 'IP4Address',
      options: '',
      start: 0,
      count: 10,
    })
    assert.equal(reply.body.length, 1)
    assert.equal(reply.body[0]?.name, 'port-1')
  })

  test('getEntities pages with start/count, and a missing count reads as 0', async () => {
    const all = await v1.call<V1Entity[]>('GET', 'getEntities', {
      parentId: net,
      type: 'IP4Address',
      start: 0,
      count: 100,
    })
    assert.ok(all.body.length >= 3)
    const one = await v1.call<V1Entity[]>('GET', 'getEntities', {
      parentId: net,
      type: 'IP4Address',
      start: 1,
      count: 1,
    })
    assert.equal(one.body.length, 1)
    assert.equal(one.body[0]?.id, all.body[1]?.id)
    const none = await v1.call<V1Entity[]>('GET', 'getEntities', {
      parentId: net,
      type: 'IP4Address',
      start: 0,
    })
    assert.deepEqual(none.body, [])
  })

  test('update replaces name and user-defined fields', async () => {
    const entity = (
      await v1.call<V1Entity>('GET', 'getIP4Address', { containerId: net, address: '10.20.1.5' })
    ).body
    const put = await v1.call(
      'PUT',
      'update',
      {},
      { ...entity, name: 'renamed', properties: 'owner=me|' },
    )
    assert.equal(put.status, 200)
    const after = (await v1.call<V1Entity>('GET', 'getEntityById', { id: entity.id })).body
    assert.equal(after.name, 'renamed')
    assert.equal(props(after.properties).owner, 'me')
    assert.equal(props(after.properties).address, '10.20.1.5')
  })

  test('next available runs out with a 500, and getNextIP4Address answers null', async () => {
    const small = em.state.addNetwork('10.20.2.0/30')
    const first = await v1.call<V1Entity>('POST', 'assignNextAvailableIP4Address', {
      configurationId: cfg,
      parentId: small,
      action: 'MAKE_STATIC',
    })
    assert.equal(props(first.body.properties).address, '10.20.2.2')
    const probe = await v1.call<string | null>('GET', 'getNextIP4Address', { parentId: small })
    assert.equal(probe.body, null)
    const full = await v1.call<string>('POST', 'assignNextAvailableIP4Address', {
      configurationId: cfg,
      parentId: small,
      action: 'MAKE_STATIC',
    })
    assert.equal(full.status, 500)
    assert.match(full.body, /no available address/i)
  })

  test('addZone and addHostRecord create DNS objects; an unknown zone fails with 500', async () => {
    const zoneId = await v1.call<number>('POST', 'addZone', {
      parentId: view,
      absoluteName: 'lab.example.com',
    })
    assert.equal(zoneId.status, 200)
    const zone = await v1.call<V1Entity>('GET', 'getEntityByName', {
      parentId: view,
      name: 'com',
      type: 'Zone',
    })
    assert.equal(zone.body.type, 'Zone', 'zones nest by label under the view')
    assert.equal(props(zone.body.properties).absoluteName, 'com')
    const record = await v1.call<number>('POST', 'addHostRecord', {
      viewId: view,
      absoluteName: 'db.lab.example.com',
      addresses: '10.20.1.3',
      ttl: 300,
      properties: 'reverseRecord=true|',
    })
    assert.equal(record.status, 200)
    const entity = await v1.call<V1Entity>('GET', 'getEntityById', { id: record.body })
    assert.deepEqual(props(entity.body.properties), {
      ttl: '300',
      absoluteName: 'db.lab.example.com',
      addresses: '10.20.1.3',
      reverseRecord: 'true',
    })
    assert.equal(em.state.address('10.20.1.3')?.state, 'STATIC')
    const noZone = await v1.call('POST', 'addHostRecord', {
      viewId: view,
      absoluteName: 'x.other.org',
      addresses: '10.20.1.4',
    })
    assert.equal(noZone.status, 500)
  })

  test('addIP4Network creates a network with properties and answers its id', async () => {
    const reply = await v1.call<number>('POST', 'addIP4Network', {
      blockId: block,
      CIDR: '10.20.3.0/24',
      properties: 'name=neutron-net|',
    })
    assert.equal(reply.status, 200)
    const entity = (await v1.call<V1Entity>('GET', 'getEntityById', { id: reply.body })).body
    assert.equal(entity.name, 'neutron-net')
    const overlap = await v1.call('POST', 'addIP4Network', { blockId: block, CIDR: '10.20.3.0/25' })
    assert.equal(overlap.status, 500)
  })
})

describe('BlueCat v2 (RESTful)', () => {
  let em: BluecatEmulator
  let v2: V2
  let cfg: number
  let block: number
  let zone: number

  before(async () => {
    em = await emulator()
    cfg = em.state.configurationId
    block = em.state.addBlock('10.30.0.0/16', { name: 'pool' })
    const view = em.state.addView('default')
    zone = em.state.addZone('example.com', view)
    v2 = new V2(em)
    await v2.login()
  })
  after(() => em.close())

  test('POST /sessions answers 201 with Basic credentials = base64(user:apiToken); unknown fields ignored', async () => {
    const s = new V2(em)
    const reply = await s.login({ somethingNew: true })
    assert.equal(reply.status, 201)
    assert.equal(reply.body.type, 'UserSession')
    assert.equal(reply.body.state, 'LOGGED_IN')
    const token = String(reply.body.apiToken)
    assert.equal(
      Buffer.from(String(reply.body.basicAuthenticationCredentials), 'base64').toString(),
      `${USER}:${token}`,
    )
    assert.ok(Date.parse(String(reply.body.apiTokenExpirationDateTime)) > Date.now())
    assert.equal((await s.call('GET', '/configurations')).status, 200)
  })

  test('authentication failures are 401 with their codes', async () => {
    const bad = await send<V2Error>(`${em.url}/api/v2/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: 'nope' }),
    })
    assert.equal(bad.status, 401)
    assert.deepEqual(Object.keys(bad.body).sort(), ['code', 'message', 'reason', 'status'])
    assert.equal(bad.body.code, 'InvalidUsernameOrPassword')
    const none = await send<V2Error>(`${em.url}/api/v2/configurations`)
    assert.equal(none.status, 401)
    assert.equal(none.body.code, 'InvalidAuthorizationCredentials')
    const password = Buffer.from(`${USER}:${PASS}`).toString('base64')
    const notToken = await send<V2Error>(`${em.url}/api/v2/configurations`, {
      headers: { authorization: `Basic ${password}` },
    })
    assert.equal(notToken.status, 401)
    assert.equal(notToken.body.code, 'InvalidAuthorizationToken')
    assert.equal(notToken.body.message, 'The provided authorization token is invalid')
  })

  test('logout (PATCH state LOGGED_OUT) and expiry make the token invalid', async () => {
    const s = new V2(em)
    await s.login()
    const out = await s.call('PATCH', '/sessions/current', { state: 'LOGGED_OUT' })
    assert.equal(out.status, 200)
    assert.equal(out.body.state, 'LOGGED_OUT')
    assert.equal(
      (await s.call<V2Error>('GET', '/configurations')).body.code,
      'InvalidAuthorizationToken',
    )
    const t = new V2(em)
    await t.login()
    em.state.expireSessions()
    assert.equal((await t.call('GET', '/configurations')).status, 401)
    await v2.login()
  })

  test('a read-only session may read but not write (403 ReadOnlySession)', async () => {
    const ro = new V2(em)
    await ro.login({ readOnly: true })
    assert.equal((await ro.call('GET', '/blocks')).status, 200)
    const write = await ro.call<V2Error>('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.99.0/24',
    })
    assert.equal(write.status, 403)
    assert.equal(write.body.code, 'ReadOnlySession')
  })

  test('the default configuration exists, empty; HAL by default and plain JSON on request', async () => {
    const hal = await v2.call<Collection>('GET', "/configurations?filter=name:eq('default')")
    assert.equal(hal.headers.get('content-type')?.split(';')[0], 'application/hal+json')
    assert.equal(hal.body.count, 1)
    assert.equal(hal.body.data[0]?.id, cfg)
    assert.ok('_links' in (hal.body.data[0] ?? {}))
    const plain = await v2.call<Collection>('GET', `/configurations/${cfg}`, undefined, {
      accept: 'application/json',
    })
    assert.equal(plain.headers.get('content-type')?.split(';')[0], 'application/json')
    assert.equal('_links' in plain.body, false)
  })

  test('blocks are found by configuration and range filters', async () => {
    const found = await v2.call<Collection>(
      'GET',
      `/blocks?filter=configuration.id:${cfg} and range:'10.30.0.0/16'`,
    )
    assert.equal(found.status, 200)
    assert.equal(found.body.count, 1)
    assert.equal(found.body.data[0]?.id, block)
    assert.equal(found.body.data[0]?.type, 'IPv4Block')
    const miss = await v2.call<Collection>('GET', "/blocks?filter=range:eq('10.31.0.0/16')")
    assert.deepEqual([miss.status, miss.body.count, miss.body.data], [200, 0, []])
  })

  test('POST /blocks/{id}/networks creates a network with a gateway unless x-bcn-no-gateway', async () => {
    const created = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      name: 'neutron-a',
      range: '10.30.1.0/24',
      futureField: 1,
    })
    assert.equal(created.status, 201)
    assert.equal(created.headers.get('location'), `/api/v2/networks/${String(created.body.id)}`)
    assert.equal(created.body.range, '10.30.1.0/24')
    assert.equal(created.body.gateway, '10.30.1.1')
    const bare = await v2.call(
      'POST',
      `/blocks/${block}/networks`,
      { type: 'IPv4Network', range: '10.30.2.0/24' },
      { 'x-bcn-no-gateway': 'true' },
    )
    assert.equal(bare.status, 201)
    assert.equal(bare.body.gateway, null)
    const addresses = await v2.call<Collection>(
      'GET',
      `/networks/${String(bare.body.id)}/addresses?limit=1`,
    )
    assert.equal(addresses.body.data[0]?.state, 'UNASSIGNED')
    assert.equal(addresses.body.data[0]?.address, '10.30.2.1')
  })

  test('"range":"/24" takes the next free /24 of the block', async () => {
    const next = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '/24',
    })
    assert.equal(next.status, 201)
    assert.equal(next.body.range, '10.30.0.0/24')
    const again = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '/24',
    })
    assert.equal(again.body.range, '10.30.3.0/24')
  })

  test('overlapping and duplicate networks are refused', async () => {
    const dup = await v2.call<V2Error>('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.1.0/24',
    })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.code, 'ResourceConflictsWithOther')
    const overlap = await v2.call<V2Error>('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.1.128/25',
    })
    assert.equal(overlap.status, 400)
    assert.equal(overlap.body.code, 'IpRangeOverlapsSiblings')
    const outside = await v2.call<V2Error>('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.40.0.0/24',
    })
    assert.equal(outside.status, 400)
  })

  test('networks are found by exact range, by containing address, and by configuration name', async () => {
    const exact = await v2.call<Collection>(
      'GET',
      "/networks?filter=configuration.name:'default' and range:eq('10.30.1.0/24')",
    )
    assert.equal(exact.body.count, 1)
    assert.equal(exact.body.data[0]?.name, 'neutron-a')
    const containing = await v2.call<Collection>(
      'GET',
      "/networks?filter=range:contains('10.30.1.77')",
    )
    assert.deepEqual(
      containing.body.data.map((n) => n.range),
      ['10.30.1.0/24'],
    )
    const either = await v2.call<Collection>(
      'GET',
      "/networks?filter=range:eq('10.30.1.0/24') or range:eq('10.30.2.0/24')",
    )
    assert.equal(either.body.count, 2)
  })

  test('an unsupported filter field is 400 InvalidFilterField listing the allowed fields; unknown params are ignored', async () => {
    const bad = await v2.call<V2Error>(
      'GET',
      "/networks?filter=userDefinedFields.NeutronPortId:eq('x')",
    )
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'InvalidFilterField')
    assert.match(bad.body.message, /range/)
    const ignored = await v2.call<Collection>('GET', '/networks?colour=blue')
    assert.equal(ignored.status, 200)
  })

  test('count is the number of items returned; totalCount and next/prev links page the rest', async () => {
    const page = await v2.call<Collection>('GET', '/networks?limit=2&total=true')
    assert.equal(page.body.count, 2)
    assert.equal(page.body.data.length, 2)
    assert.ok((page.body.totalCount ?? 0) > 2)
    assert.match(page.body._links?.next?.href ?? '', /offset=2/)
    const second = await v2.call<Collection>('GET', '/networks?limit=2&offset=2')
    assert.match(second.body._links?.prev?.href ?? '', /offset=0/)
    assert.notEqual(second.body.data[0]?.id, page.body.data[0]?.id)
    const plain = await v2.call<Collection>('GET', '/networks?limit=2', undefined, {
      accept: 'application/json',
    })
    assert.equal(plain.body._links, undefined)
  })

  test('next available address in one call with MAC, name, UDFs and a host record', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const reply = await v2.call(
      'POST',
      `/networks/${net}/addresses`,
      {
        type: 'IPv4Address',
        state: 'STATIC',
        name: 'port-123',
        macAddress: { type: 'MACAddress', address: 'FA-16-3E-11-22-33' },
        userDefinedFields: { NeutronPortId: '123' },
        resourceRecords: [{ type: 'HostRecord', absoluteName: 'vm1.example.com' }],
      },
      { 'x-bcn-create-reverse-record': 'true' },
    )
    assert.equal(reply.status, 201)
    assert.equal(reply.body.address, '10.30.1.2')
    assert.equal(reply.body.state, 'STATIC')
    assert.deepEqual(reply.body.macAddress, { type: 'MACAddress', address: 'FA-16-3E-11-22-33' })
    assert.deepEqual(reply.body.userDefinedFields, { NeutronPortId: '123' })
    const record = em.state.hostRecords().find((h) => h.absoluteName === 'vm1.example.com')
    assert.deepEqual(record?.addresses, ['10.30.1.2'])
    assert.equal(record.reverseRecord, true)
    const byName = await v2.call<Collection>('GET', "/addresses?filter=name:eq('port-123')")
    assert.equal(byName.body.count, 1)
    assert.equal(byName.body.data[0]?.id, reply.body.id)
  })

  test('a network listing includes UNASSIGNED rows; the probe does not reserve', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const rows = await v2.call<Collection>('GET', `/networks/${net}/addresses?limit=4`)
    assert.deepEqual(
      rows.body.data.map((r) => [r.address, r.state]),
      [
        ['10.30.1.1', 'GATEWAY'],
        ['10.30.1.2', 'STATIC'],
        ['10.30.1.3', 'UNASSIGNED'],
        ['10.30.1.4', 'UNASSIGNED'],
      ],
    )
    const probe = await v2.call<Collection>(
      'GET',
      `/networks/${net}/addresses?filter=state:'UNASSIGNED'&limit=1`,
    )
    assert.equal(probe.body.data[0]?.address, '10.30.1.3')
    const again = await v2.call<Collection>(
      'GET',
      `/networks/${net}/addresses?filter=state:'UNASSIGNED'&limit=1`,
    )
    assert.equal(again.body.data[0]?.address, '10.30.1.3')
  })

  test('a specific address is assigned once; taken, network id, broadcast and outside are refused', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const path = `/networks/${net}/addresses`
    const ok = await v2.call('POST', path, {
      type: 'IPv4Address',
      address: '10.30.1.7',
      state: 'RESERVED',
    })
    assert.equal(ok.status, 201)
    assert.equal(ok.body.state, 'RESERVED')
    const cases: [string, number, string][] = [
      ['10.30.1.7', 409, 'ResourceAlreadyExists'],
      ['10.30.1.0', 400, 'AddressIsNetworkId'],
      ['10.30.1.255', 400, 'AddressIsBroadcastAddress'],
      ['10.30.2.9', 400, 'AddressNotInNetwork'],
    ]
    for (const [address, status, code] of cases) {
      const r = await v2.call<V2Error>('POST', path, { type: 'IPv4Address', address })
      assert.deepEqual([r.status, r.body.code], [status, code], address)
      assert.equal(r.body.status, status)
    }
    const lookup = await v2.call<Collection>('GET', `${path}?filter=address:eq('10.30.1.7')`)
    assert.equal(lookup.body.data[0]?.id, ok.body.id)
    const global = await v2.call<Collection>(
      'GET',
      `/addresses?filter=configuration.id:${cfg} and address:'10.30.1.7'`,
    )
    assert.equal(global.body.count, 1)
  })

  test('DHCP_RESERVED needs a MAC address', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const missing = await v2.call<V2Error>('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
      state: 'DHCP_RESERVED',
    })
    assert.equal(missing.status, 400)
    const ok = await v2.call('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
      state: 'DHCP_RESERVED',
      address: '10.30.1.9',
      macAddress: { address: 'fa:16:3e:00:00:09' },
    })
    assert.equal(ok.status, 201)
    assert.equal(ok.body.state, 'DHCP_RESERVED')
    assert.deepEqual(ok.body.macAddress, { type: 'MACAddress', address: 'FA-16-3E-00-00-09' })
  })

  test('a full network answers 400 NoSpaceForAddress', async () => {
    const created = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.200.0/29',
    })
    const net = String(created.body.id)
    const got: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await v2.call('POST', `/networks/${net}/addresses`, { type: 'IPv4Address' })
      assert.equal(r.status, 201)
      got.push(String(r.body.address))
    }
    assert.deepEqual(got, [
      '10.30.200.2',
      '10.30.200.3',
      '10.30.200.4',
      '10.30.200.5',
      '10.30.200.6',
    ])
    const full = await v2.call<V2Error>('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
    })
    assert.equal(full.status, 400)
    assert.equal(full.body.code, 'NoSpaceForAddress')
    assert.equal(full.body.reason, 'Bad Request')
  })

  test('fillNetwork exhausts a network for the next call', async () => {
    const net = em.state.addNetwork('10.30.201.0/28')
    assert.equal(em.state.fillNetwork(net), 13)
    const full = await v2.call<V2Error>('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
    })
    assert.equal(full.body.code, 'NoSpaceForAddress')
    assert.equal(em.state.removeAddress('10.30.201.9'), true)
    const one = await v2.call('POST', `/networks/${net}/addresses`, { type: 'IPv4Address' })
    assert.equal(one.body.address, '10.30.201.9')
  })

  test('host records are created in zones and found again', async () => {
    const created = await v2.call('POST', `/zones/${zone}/resourceRecords`, {
      type: 'HostRecord',
      name: 'vm2',
      addresses: [{ address: '10.30.1.20' }],
      reverseRecord: true,
    })
    assert.equal(created.status, 201)
    assert.equal(created.body.absoluteName, 'vm2.example.com')
    assert.equal(em.state.address('10.30.1.20')?.state, 'STATIC', 'BAM assigns the address')
    const listed = await v2.call<Collection>(
      'GET',
      `/zones/${zone}/resourceRecords?filter=name:eq('vm2')`,
    )
    assert.equal(listed.body.count, 1)
    const dup = await v2.call<V2Error>('POST', `/zones/${zone}/resourceRecords`, {
      type: 'HostRecord',
      name: 'vm2',
      addresses: [{ address: '10.30.1.21' }],
    })
    assert.equal(dup.status, 409)
    const zones = await v2.call<Collection>('GET', "/zones?filter=absoluteName:eq('example.com')")
    assert.equal(zones.body.data[0]?.id, zone)
  })

  test('delete address → 204, then 404 ResourceNotFound; its host record goes with it', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const created = await v2.call('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
      name: 'to-delete',
      resourceRecords: [{ type: 'HostRecord', absoluteName: 'gone.example.com' }],
    })
    const id = String(created.body.id)
    const records = await v2.call<Collection>('GET', `/addresses/${id}/resourceRecords`)
    assert.equal(records.body.count, 1)
    const del = await v2.call('DELETE', `/addresses/${id}`)
    assert.equal(del.status, 204)
    assert.equal(del.text, '')
    const again = await v2.call<V2Error>('GET', `/addresses/${id}`)
    assert.equal(again.status, 404)
    assert.equal(again.body.code, 'ResourceNotFound')
    assert.equal(
      em.state.hostRecords().some((h) => h.absoluteName === 'gone.example.com'),
      false,
    )
  })

  test('delete network → 204 with its addresses', async () => {
    const created = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.50.0/24',
    })
    const id = String(created.body.id)
    await v2.call('POST', `/networks/${id}/addresses`, { type: 'IPv4Address' })
    assert.equal((await v2.call('DELETE', `/networks/${id}`)).status, 204)
    assert.equal((await v2.call('GET', `/networks/${id}`)).status, 404)
    assert.equal(em.state.address('10.30.50.2'), undefined)
  })

  test('PUT /addresses/{id} updates name, MAC and user-defined fields', async () => {
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const created = await v2.call('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
      name: 'a',
    })
    const put = await v2.call('PUT', `/addresses/${String(created.body.id)}`, {
      type: 'IPv4Address',
      name: 'b',
      state: 'STATIC',
      macAddress: { address: '02:00:00:00:00:01' },
      userDefinedFields: { k: 'v' },
    })
    assert.equal(put.status, 200)
    assert.equal(put.body.name, 'b')
    assert.equal(em.state.address(String(created.body.address))?.macAddress, '02-00-00-00-00-01')
  })

  test('concurrent next-available calls get distinct addresses', async () => {
    const created = await v2.call('POST', `/blocks/${block}/networks`, {
      type: 'IPv4Network',
      range: '10.30.210.0/27',
    })
    const net = String(created.body.id)
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        v2.call('POST', `/networks/${net}/addresses`, { type: 'IPv4Address' }),
      ),
    )
    assert.ok(replies.every((r) => r.status === 201))
    const addresses = replies.map((r) => String(r.body.address))
    assert.equal(new Set(addresses).size, 20)
  })

  test('both API generations see one state', async () => {
    const v1 = new V1(em)
    await v1.login()
    const net = em.state.networkId('10.30.1.0/24') ?? 0
    const assigned = await v1.call<V1Entity>('POST', 'assignNextAvailableIP4Address', {
      configurationId: cfg,
      parentId: net,
      action: 'MAKE_STATIC',
      properties: 'name=from-v1|',
    })
    const viaV2 = await v2.call('GET', `/addresses/${assigned.body.id}`)
    assert.equal(viaV2.body.name, 'from-v1')
    assert.equal(viaV2.body.address, props(assigned.body.properties).address)
  })
})

describe('BlueCat faults, call counting and lifecycle', () => {
  let em: BluecatEmulator
  let v2: V2

  before(async () => {
    em = await emulator()
    em.state.addBlock('10.40.0.0/16')
    em.state.addNetwork('10.40.1.0/24')
    v2 = new V2(em)
    await v2.login()
  })
  after(() => em.close())

  test('a hanging emulator makes the client time out; it answers again once released', async () => {
    em.faults.hang(true)
    await assert.rejects(
      fetch(`${em.url}/api/v2/configurations`, { signal: AbortSignal.timeout(300) }),
      (e: Error) => e.name === 'TimeoutError',
    )
    em.faults.hang(false)
    assert.equal((await v2.call('GET', '/configurations')).status, 200)
  })

  test('fail next N: the next calls fail in the shape of the API called, then calls succeed', async () => {
    em.faults.failNext(2, 503)
    const a = await v2.call<V2Error>('GET', '/configurations')
    assert.equal(a.status, 503)
    assert.equal(a.body.status, 503)
    assert.equal(a.body.code, 'ServiceUnavailable')
    const b = await send<string>(
      `${em.url}/Services/REST/v1/login?username=${USER}&password=${PASS}`,
    )
    assert.equal(b.status, 503)
    assert.equal(typeof b.body, 'string', 'v1 failures are JSON strings')
    assert.equal((await v2.call('GET', '/configurations')).status, 200)
  })

  test('the N-th call from now fails, the others do not', async () => {
    em.faults.failNth(2, 500)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await v2.call('GET', '/configurations')).status)
    assert.deepEqual(statuses, [200, 500, 200])
  })

  test('reset connections make fetch fail without an answer', async () => {
    em.faults.resetNext(1)
    await assert.rejects(fetch(`${em.url}/api/v2/configurations`))
    assert.equal((await v2.call('GET', '/configurations')).status, 200)
  })

  test('pause refuses connections; resume serves the same state and sessions on the same port', async () => {
    const net = em.state.networkId('10.40.1.0/24') ?? 0
    const before = await v2.call('POST', `/networks/${net}/addresses`, {
      type: 'IPv4Address',
      name: 'kept',
    })
    await em.pause()
    await assert.rejects(fetch(`${em.url}/api/v2/configurations`))
    assert.equal(await connectError(em.port), 'ECONNREFUSED')
    await em.resume()
    const after = await v2.call('GET', `/addresses/${String(before.body.id)}`)
    assert.equal(after.status, 200, 'the v2 session survived')
    assert.equal(after.body.name, 'kept')
  })

  test('calls are counted by method and path; control routes are not', async () => {
    em.calls.reset()
    const net = em.state.networkId('10.40.1.0/24') ?? 0
    await v2.call('POST', `/networks/${net}/addresses`, { type: 'IPv4Address' })
    await v2.call('GET', '/configurations')
    await send(`${em.url}/__emulator/calls`)
    assert.equal(em.calls.total, 2)
    assert.equal(em.calls.count('POST', '/addresses'), 1)
    assert.equal(em.calls.count('GET'), 1)
    const remote = await send<{ total: number }>(`${em.url}/__emulator/calls`)
    assert.equal(remote.body.total, 2)
  })

  test('faults can be set over HTTP for an emulator in another process', async () => {
    const set = await send(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fail_next: 1, status: 429 }),
    })
    assert.equal(set.status, 200)
    const limited = await v2.call<V2Error>('GET', '/configurations')
    assert.deepEqual([limited.status, limited.body.code], [429, 'TooManyRequests'])
    await send(`${em.url}/__emulator/reset`, { method: 'POST' })
    assert.equal((await v2.call('GET', '/configurations')).status, 200)
  })
})

describe('BlueCat over TLS and from the command line', () => {
  test('serves HTTPS with the given key and certificate', async (t) => {
    let key: Buffer
    let cert: Buffer
    try {
      const dir = mkdtempSync(join(tmpdir(), 'bam-tls-'))
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
        ],
        { stdio: 'ignore' },
      )
      key = readFileSync(join(dir, 'k.pem'))
      cert = readFileSync(join(dir, 'c.pem'))
    } catch {
      t.skip('openssl is not available')
      return
    }
    const em = await emulator({ tls: { key, cert } })
    try {
      assert.match(em.url, /^https:\/\/127\.0\.0\.1:\d+$/)
      const body = await new Promise<string>((done, fail) => {
        const req = httpsRequest(
          `${em.url}/Services/REST/v1/login?username=${USER}&password=${PASS}`,
          { ca: cert },
          (res) => {
            let text = ''
            res.on('data', (c: Buffer) => (text += c.toString()))
            res.on('end', () => {
              done(text)
            })
          },
        )
        req.on('error', fail)
        req.end()
      })
      assert.match(body, /BAMAuthToken/)
    } finally {
      await em.close()
    }
  })

  test('npm run emulator -- bluecat serves until SIGTERM and prints where', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulators/cli.ts',
        'bluecat',
        '--port',
        '0',
        '--username',
        'u',
        '--password',
        'p',
        '--block',
        '10.0.0.0/8',
        '--network',
        '10.1.0.0/24',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const url = await new Promise<string>((done, fail) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (m?.[1] !== undefined) done(m[1])
      })
      child.on('exit', (code) => {
        fail(new Error(`exited ${String(code)}: ${out}`))
      })
    })
    const login = await send<string>(`${url}/Services/REST/v1/login?username=u&password=p`)
    assert.match(login.body, /BAMAuthToken/)
    const token = /BAMAuthToken: \S+/.exec(login.body)?.[0] ?? ''
    const cfg = await send<V1Entity>(
      `${url}/Services/REST/v1/getEntityByName?parentId=0&name=default&type=Configuration`,
      { headers: { authorization: token } },
    )
    const nets = await send<V1Entity>(
      `${url}/Services/REST/v1/getIPRangedByIP?containerId=${cfg.body.id}&type=IP4Network&address=10.1.0.9`,
      { headers: { authorization: token } },
    )
    assert.equal(props(nets.body.properties).CIDR, '10.1.0.0/24')
    const exited = new Promise<number | null>((done) => child.on('exit', done))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  })
})
