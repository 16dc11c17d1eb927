/**
 * The Infoblox NIOS WAPI emulator over real HTTP: authentication, object rules, next-available
 * functions, search / return-field / paging semantics, fault injection and concurrency, as the
 * contract (docs: shared/contracts/external-apis.md §1) describes the appliance.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
  type InfobloxEmulatorOptions,
} from '../../emulators/infoblox/infoblox-emulator.ts'

const USER = 'admin'
const PASS = 'infoblox-secret'

function basic(user = USER, password = PASS): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

interface Reply<T = unknown> {
  readonly status: number
  readonly body: T
  readonly text: string
  readonly headers: Headers
}

interface CallOptions {
  readonly body?: unknown
  readonly headers?: Record<string, string>
  /** Send Basic credentials (default true). */
  readonly auth?: boolean
  readonly version?: string
  readonly signal?: AbortSignal
}

async function call<T = unknown>(
  em: InfobloxEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {
    ...(options.auth === false ? {} : { authorization: basic() }),
    ...options.headers,
  }
  const init: RequestInit = { method, headers }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    init.body = JSON.stringify(options.body)
  }
  if (options.signal !== undefined) init.signal = options.signal
  const res = await fetch(`${em.wapiUrl(options.version)}/${path}`, init)
  const text = await res.text()
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, body: body as T, text, headers: res.headers }
}

type Obj = Record<string, unknown> & { _ref: string }
interface WapiErrorBody {
  Error: string
  code: string
  text: string
}

const get = <T = Obj[]>(em: InfobloxEmulator, path: string, o: CallOptions = {}) =>
  call<T>(em, 'GET', path, o)
const post = <T = string>(em: InfobloxEmulator, path: string, body: unknown, o: CallOptions = {}) =>
  call<T>(em, 'POST', path, { ...o, body })
const put = <T = string>(em: InfobloxEmulator, path: string, body: unknown) =>
  call<T>(em, 'PUT', path, { body })
const del = <T = string>(em: InfobloxEmulator, path: string) => call<T>(em, 'DELETE', path)

function q(params: Record<string, string | number>): string {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString()
}

function assertWapiError(
  reply: Reply,
  status: number,
  code: string,
  textPart?: string,
): WapiErrorBody {
  assert.equal(reply.status, status, reply.text)
  const body = reply.body as WapiErrorBody
  assert.equal(body.code, code, reply.text)
  assert.equal(typeof body.Error, 'string')
  assert.ok(body.Error.includes(body.text), 'Error wraps text')
  if (textPart !== undefined) assert.ok(body.text.includes(textPart), `${body.text} ⊄ ${textPart}`)
  return body
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0)
}

async function start(options: Partial<InfobloxEmulatorOptions> = {}): Promise<InfobloxEmulator> {
  return startInfobloxEmulator({ username: USER, password: PASS, ...options })
}

describe('authentication', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start({ sessionTimeoutSeconds: 1 })
    em.auth.addUser('noapi', 'pw', { apiAccess: false })
  })
  after(() => em.close())

  test('Basic credentials answer and set the ibapauth session cookie', async () => {
    const r = await get(em, 'networkview')
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type')?.startsWith('application/json'), true)
    const cookie = r.headers.get('set-cookie') ?? ''
    assert.match(cookie, /^ibapauth="[^"]*ctime=\d+,timeout=1,[^"]*user=admin,[A-Za-z0-9_-]+"/)
    assert.deepEqual(
      r.body.map((v) => [v.name, v.is_default]),
      [['default', true]],
    )
    assert.match(r.body[0]?._ref ?? '', /^networkview\/[A-Za-z0-9_-]+:default\/true$/)
  })

  test('bad or missing credentials get the HTML 401 page, not JSON', async () => {
    for (const headers of [{ authorization: basic(USER, 'wrong') }, {}]) {
      const r = await get(em, 'network', { auth: false, headers })
      assert.equal(r.status, 401)
      assert.match(r.headers.get('content-type') ?? '', /text\/html/)
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm=/)
      assert.equal(typeof r.body, 'string')
      assert.match(r.text, /<title>401 Authorization Required<\/title>/)
      assert.equal(r.headers.get('set-cookie'), null)
    }
  })

  test('bad Basic credentials are refused even with a valid cookie', async () => {
    const cookie = (await get(em, 'networkview')).headers.get('set-cookie') ?? ''
    const r = await get(em, 'networkview', {
      auth: false,
      headers: { cookie: cookie.split(';')[0] ?? '', authorization: basic(USER, 'nope') },
    })
    assert.equal(r.status, 401)
  })

  test('the cookie alone authenticates until it is idle longer than the timeout', async () => {
    const first = await get(em, 'networkview')
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const withCookie = () => get(em, 'networkview', { auth: false, headers: { cookie } })
    // Used every 0.6 s the session outlives its 1 s timeout: the timeout is idle time.
    for (let i = 0; i < 3; i++) {
      assert.equal((await withCookie()).status, 200)
      await new Promise((r) => setTimeout(r, 600))
    }
    await new Promise((r) => setTimeout(r, 700))
    const expired = await withCookie()
    assert.equal(expired.status, 401)
    assert.match(expired.text, /Authorization Required/)
    // Basic credentials open a new session.
    const again = await get(em, 'networkview', { headers: { cookie } })
    assert.equal(again.status, 200)
    assert.notEqual(again.headers.get('set-cookie'), null)
  })

  test('logout invalidates the cookie', async () => {
    const cookie =
      ((await get(em, 'networkview')).headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    assert.equal((await get(em, 'networkview', { auth: false, headers: { cookie } })).status, 200)
    const out = await call(em, 'POST', 'logout', { auth: false, headers: { cookie } })
    assert.equal(out.status, 200)
    assert.equal((await get(em, 'networkview', { auth: false, headers: { cookie } })).status, 401)
  })

  test('an account without API permission gets the HTML 403 page', async () => {
    const r = await get(em, 'network', {
      auth: false,
      headers: { authorization: basic('noapi', 'pw') },
    })
    assert.equal(r.status, 403)
    assert.match(r.headers.get('content-type') ?? '', /text\/html/)
    assert.match(r.text, /You don't have permission to access \/wapi\/v2\.10\/network/)
  })

  test('any v<major>.<minor>[.<patch>] version is served; a malformed one is a 400', async () => {
    for (const version of ['1.4', '2.10', '2.12.3', '2.13.1']) {
      assert.equal((await get(em, 'networkview', { version })).status, 200, version)
    }
    const bad = await get(em, 'networkview', { version: 'x' })
    assertWapiError(bad, 400, 'Client.Ibap.Proto')
  })
})

describe('network views, containers and networks', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
  })
  after(() => em.close())

  test('network views: create, search, their DNS view, duplicates', async () => {
    const created = await post(em, 'networkview', { name: 'blue', comment: 'tenant blue' })
    assert.equal(created.status, 201)
    assert.match(created.body, /^networkview\/[A-Za-z0-9_-]+:blue\/false$/)
    const found = await get(em, `networkview?${q({ name: 'blue' })}`)
    assert.deepEqual(found.body, [
      { _ref: created.body, comment: 'tenant blue', is_default: false, name: 'blue' },
    ])
    const dnsView = await get(em, `view?${q({ name: 'default.blue' })}&_return_fields=network_view`)
    assert.deepEqual(
      dnsView.body.map((v) => v.network_view),
      ['blue'],
    )
    const dup = await post(em, 'networkview', { name: 'blue' })
    assertWapiError(dup, 400, 'Client.Ibap.Data.Conflict', "Duplicate object 'blue'")
  })

  test('searches that match nothing answer 200 []', async () => {
    const r = await get(em, `network?${q({ network: '192.0.2.0/24', network_view: 'default' })}`)
    assert.equal(r.status, 200)
    assert.deepEqual(r.body, [])
  })

  test('a network created inside a container is nested; a new inner container re-parents it', async () => {
    const c = await post(em, 'networkcontainer', {
      network: '10.20.0.0/16',
      network_view: 'default',
    })
    assert.equal(c.status, 201)
    assert.match(c.body, /^networkcontainer\/[A-Za-z0-9_-]+:10\.20\.0\.0\/16\/default$/)
    const n = await post<Obj>(em, 'network?_return_fields=network,network_view,network_container', {
      network: '10.20.1.0/24',
    })
    assert.equal(n.status, 201)
    assert.equal(n.body.network_container, '10.20.0.0/16')
    assert.match(n.body._ref, /^network\/[A-Za-z0-9_-]+:10\.20\.1\.0\/24\/default$/)
    const top = await post<Obj>(em, 'network?_return_fields+=network_container', {
      network: '172.16.0.0/24',
    })
    assert.equal(top.body.network_container, '/')

    const children = await get(
      em,
      `network?${q({ network_container: '10.20.0.0/16', network_view: 'default' })}`,
    )
    assert.deepEqual(
      children.body.map((x) => x.network),
      ['10.20.1.0/24'],
    )

    assert.equal((await post(em, 'networkcontainer', { network: '10.20.0.0/20' })).status, 201)
    const after = await get(
      em,
      `network?${q({ network: '10.20.1.0/24' })}&_return_fields=network_container`,
    )
    assert.equal(after.body[0]?.network_container, '10.20.0.0/20')
    const inner = await get(
      em,
      `networkcontainer?${q({ network: '10.20.0.0/20' })}&_return_fields=network_container`,
    )
    assert.equal(inner.body[0]?.network_container, '10.20.0.0/16')
  })

  test('networks must not duplicate or overlap other networks', async () => {
    await post(em, 'network', { network: '10.30.0.0/24' })
    assertWapiError(
      await post(em, 'network', { network: '10.30.0.0/24' }),
      400,
      'Client.Ibap.Data.Conflict',
      'Duplicate object',
    )
    assertWapiError(
      await post(em, 'network', { network: '10.30.0.0/25' }),
      400,
      'Client.Ibap.Data.Conflict',
    )
    assertWapiError(
      await post(em, 'network', { network: '10.30.0.0/16' }),
      400,
      'Client.Ibap.Data.Conflict',
    )
    assertWapiError(await post(em, 'network', { network: '10.30.5.1/24' }), 400, 'Client.Ibap.Data')
    // Same CIDR in another network view is fine.
    await post(em, 'networkview', { name: 'green' })
    assert.equal(
      (await post(em, 'network', { network: '10.30.0.0/24', network_view: 'green' })).status,
      201,
    )
  })

  test('a network in a view that does not exist is refused', async () => {
    const r = await post(em, 'network', { network: '10.31.0.0/24', network_view: 'nowhere' })
    assertWapiError(r, 404, 'Client.Ibap.Data.NotFound', 'nowhere')
  })

  test('search modifiers, contains_address, and the Proto error for unknown fields', async () => {
    const regex = await get(
      em,
      `network?${q({ 'network~': '^10\\.20\\.', network_view: 'default' })}`,
    )
    assert.deepEqual(
      regex.body.map((x) => x.network),
      ['10.20.1.0/24'],
    )
    const holder = await get(em, `network?${q({ contains_address: '10.20.1.77' })}`)
    assert.deepEqual(
      holder.body.map((x) => x.network),
      ['10.20.1.0/24'],
    )
    const unknown = await get(em, 'network?foo=bar')
    const body = assertWapiError(unknown, 400, 'Client.Ibap.Proto')
    assert.equal(body.text, 'Field is not searchable: foo')
    assert.equal(body.Error, 'AdmConProtoError: Field is not searchable: foo')
    assertWapiError(await get(em, 'nosuchtype'), 400, 'Client.Ibap.Proto', 'Unknown object type')
    assertWapiError(await get(em, 'network?_bogus=1'), 400, 'Client.Ibap.Proto')
  })

  test('deleting a container removes its subnets unless remove_subnets=false', async () => {
    const c = await post(em, 'networkcontainer', { network: '10.40.0.0/16' })
    await post(em, 'network', { network: '10.40.1.0/24' })
    const c2 = await post(em, 'networkcontainer', { network: '10.41.0.0/16' })
    await post(em, 'network', { network: '10.41.1.0/24' })
    assert.equal((await del(em, c.body)).status, 200)
    assert.deepEqual((await get(em, `network?${q({ network: '10.40.1.0/24' })}`)).body, [])
    assert.equal((await call(em, 'DELETE', `${c2.body}?remove_subnets=false`)).status, 200)
    const kept = await get(
      em,
      `network?${q({ network: '10.41.1.0/24' })}&_return_fields=network_container`,
    )
    assert.equal(kept.body[0]?.network_container, '/')
  })

  test('next_available_network on a container, and func:nextavailablenetwork in a create', async () => {
    await post(em, 'networkcontainer', { network: '10.50.0.0/22' })
    await post(em, 'network', { network: '10.50.0.0/24' })
    const container = (await get(em, `networkcontainer?${q({ network: '10.50.0.0/22' })}`)).body
    const ref = container[0]?._ref ?? ''
    const probe = await post<{ networks: string[] }>(
      em,
      `${ref}?_function=next_available_network`,
      {
        cidr: 24,
        num: 2,
      },
    )
    assert.equal(probe.status, 200)
    assert.deepEqual(probe.body.networks, ['10.50.1.0/24', '10.50.2.0/24'])
    const made = await post<Obj>(em, 'network?_return_fields=network,network_container', {
      network: 'func:nextavailablenetwork:10.50.0.0/22,default,24',
    })
    assert.equal(made.status, 201)
    assert.equal(made.body.network, '10.50.1.0/24')
    assert.equal(made.body.network_container, '10.50.0.0/22')
  })
})

describe('extensible attributes', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
  })
  after(() => em.close())

  test('an EA without a definition is refused; with the standard set defined it is stored', async () => {
    const body = {
      network: '10.60.0.0/24',
      extattrs: { 'Subnet ID': { value: 'sub-1' }, 'CMP Type': { value: 'OpenStack' } },
    }
    const refused = await post(em, 'network', body)
    const err = assertWapiError(refused, 400, 'Client.Ibap.Proto')
    assert.equal(err.text, 'Unknown extensible attribute: Subnet ID')
    assert.deepEqual((await get(em, `network?${q({ network: '10.60.0.0/24' })}`)).body, [])

    const refs = em.state.addStandardEaDefinitions()
    assert.equal(refs.length, 10)
    const defs = await get(em, 'extensibleattributedef')
    assert.deepEqual(defs.body.map((d) => d.name).sort(), [
      'Account',
      'CMP Type',
      'Cloud API Owned',
      'Network ID',
      'Port Attached Device - Device ID',
      'Port Attached Device - Device Owner',
      'Port ID',
      'Subnet ID',
      'Tenant ID',
      'VM ID',
    ])
    const created = await post<Obj>(em, 'network?_return_fields=network,extattrs', body)
    assert.equal(created.status, 201)
    assert.deepEqual(created.body.extattrs, body.extattrs)
  })

  test('*EA=value searches, and undefined EAs in a search are a 400', async () => {
    await post(em, 'network', {
      network: '10.61.0.0/24',
      extattrs: { 'Subnet ID': { value: 'sub-2' } },
    })
    const hit = await get(em, `network?${q({ '*Subnet ID': 'sub-2' })}&_return_fields%2B=extattrs`)
    assert.deepEqual(
      hit.body.map((n) => [n.network, n.extattrs]),
      [['10.61.0.0/24', { 'Subnet ID': { value: 'sub-2' } }]],
    )
    // `+` typed unencoded in the query (what curl users do) works too.
    const plus = await get(em, `network?${q({ '*Subnet ID': 'sub-2' })}&_return_fields+=extattrs`)
    assert.deepEqual(plus.body, hit.body)
    assert.deepEqual((await get(em, `network?${q({ '*Subnet ID': 'none' })}`)).body, [])
    const regex = await get(em, `network?${q({ '*Subnet ID~': '^sub-' })}`)
    assert.equal(regex.body.length, 2)
    assertWapiError(
      await get(em, `network?${q({ '*Nope': 'x' })}`),
      400,
      'Client.Ibap.Proto',
      'Unknown extensible attribute: Nope',
    )
  })

  test('EA values must be wrapped in {"value": …}; PUT extattrs+ and extattrs- edit them', async () => {
    const bad = await post(em, 'network', {
      network: '10.62.0.0/24',
      extattrs: { 'Subnet ID': 'raw' },
    })
    assertWapiError(bad, 400, 'Client.Ibap.Proto')
    const ref = (
      await post(em, 'network', {
        network: '10.62.0.0/24',
        extattrs: { 'Subnet ID': { value: 's' } },
      })
    ).body
    const updated = await call<Obj>(em, 'PUT', `${ref}?_return_fields=extattrs`, {
      body: { 'extattrs+': { 'Tenant ID': { value: 't' } }, 'extattrs-': { 'Subnet ID': {} } },
    })
    assert.equal(updated.status, 200)
    assert.deepEqual(updated.body.extattrs, { 'Tenant ID': { value: 't' } })
    assertWapiError(
      await put(em, ref, { extattrs: { Unknown: { value: 'x' } } }),
      400,
      'Client.Ibap.Proto',
    )
  })
})

describe('fixed addresses and host records', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
    em.state.addStandardEaDefinitions()
    em.state.addNetworkContainer('10.70.0.0/16')
    em.state.addNetwork('10.70.1.0/24')
    em.state.addNetwork('10.70.2.0/24')
    em.state.addNetwork('10.70.3.0/28')
    em.state.addRange('10.70.3.1', '10.70.3.10')
  })
  after(() => em.close())

  test('exhaustion of a /29: exactly the six usable addresses, then the appliance error', async () => {
    em.state.addNetwork('10.71.0.0/29')
    const got: string[] = []
    for (let i = 0; i < 6; i++) {
      const r = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr,mac,network_view', {
        ipv4addr: 'func:nextavailableip:10.71.0.0/29,default',
        mac: `fa:16:3e:00:00:0${i}`,
        network_view: 'default',
      })
      assert.equal(r.status, 201, r.text)
      got.push(String(r.body.ipv4addr))
    }
    assert.deepEqual(got, [
      '10.71.0.1',
      '10.71.0.2',
      '10.71.0.3',
      '10.71.0.4',
      '10.71.0.5',
      '10.71.0.6',
    ])
    const full = await post(em, 'fixedaddress', {
      ipv4addr: 'func:nextavailableip:10.71.0.0/29,default',
      mac: 'fa:16:3e:00:00:99',
    })
    assert.equal(full.status, 400)
    assert.deepEqual(full.body, {
      Error:
        'AdmConDataError: None (IBDataError: IB.Data:Cannot find 1 available IP address(es) in this network.)',
      code: 'Client.Ibap.Data',
      text: 'Cannot find 1 available IP address(es) in this network.',
    })
    // Freeing one address makes exactly that one available again.
    assert.equal(em.state.removeFixedAddress('10.71.0.4'), true)
    const again = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.71.0.0/29',
      mac: 'fa:16:3e:00:00:98',
    })
    assert.equal(again.body.ipv4addr, '10.71.0.4')
  })

  test('the cidr form skips DHCP ranges; the range form allocates inside its span', async () => {
    const ips: string[] = []
    for (let i = 0; i < 4; i++) {
      const r = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
        ipv4addr: 'func:nextavailableip:10.70.3.0/28,default',
        mac: `fa:16:3e:00:03:0${i}`,
      })
      assert.equal(r.status, 201, r.text)
      ips.push(String(r.body.ipv4addr))
    }
    assert.deepEqual(ips, ['10.70.3.11', '10.70.3.12', '10.70.3.13', '10.70.3.14'])
    assertWapiError(
      await post(em, 'fixedaddress', {
        ipv4addr: 'func:nextavailableip:10.70.3.0/28',
        mac: 'fa:16:3e:00:03:09',
      }),
      400,
      'Client.Ibap.Data',
      'Cannot find 1 available IP address(es)',
    )
    const inRange = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr,extattrs', {
      ipv4addr: 'func:nextavailableip:10.70.3.5-10.70.3.10,default',
      mac: 'fa:16:3e:00:03:0a',
      extattrs: { 'Port ID': { value: 'port-range' } },
    })
    assert.equal(inRange.status, 201, inRange.text)
    assert.equal(inRange.body.ipv4addr, '10.70.3.5')
    assert.deepEqual(inRange.body.extattrs, { 'Port ID': { value: 'port-range' } })
  })

  test('ranges: created as networking-infoblox does, searched by bounds, no overlaps', async () => {
    em.state.addNetwork('10.74.0.0/24')
    const body = {
      start_addr: '10.74.0.2',
      end_addr: '10.74.0.100',
      network_view: 'default',
      network: '10.74.0.0/24',
      disable: true,
      extattrs: { 'Subnet ID': { value: 'sub-r' } },
    }
    const r = await post<Obj>(
      em,
      'range?_return_fields=start_addr,end_addr,network_view,extattrs,disable',
      body,
    )
    assert.equal(r.status, 201, r.text)
    assert.match(r.body._ref, /^range\/[A-Za-z0-9_-]+:10\.74\.0\.2\/10\.74\.0\.100\/default$/)
    assert.equal(r.body.disable, true)
    const found = await get(
      em,
      `range?${q({ network_view: 'default', network: '10.74.0.0/24', start_addr: '10.74.0.2', end_addr: '10.74.0.100' })}`,
    )
    assert.deepEqual(
      found.body.map((x) => x._ref),
      [r.body._ref],
    )
    assertWapiError(
      await post(em, 'range', { start_addr: '10.74.0.50', end_addr: '10.74.0.150' }),
      400,
      'Client.Ibap.Data.Conflict',
      'overlaps',
    )
    assertWapiError(
      await post(em, 'range', { start_addr: '10.74.0.200', end_addr: '10.74.0.255' }),
      400,
      'Client.Ibap.Data',
      'broadcast',
    )
    // The range form allocates inside the (disabled) range; the cidr form stays out of it.
    const inside = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.74.0.2-10.74.0.100,default',
      mac: 'fa:16:3e:74:00:01',
    })
    assert.equal(inside.body.ipv4addr, '10.74.0.2')
    const outside = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.74.0.0/24,default',
      mac: 'fa:16:3e:74:00:02',
    })
    assert.equal(outside.body.ipv4addr, '10.74.0.1')
    const next = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.74.0.0/24,default',
      mac: 'fa:16:3e:74:00:03',
    })
    assert.equal(next.body.ipv4addr, '10.74.0.101')
  })

  test('computed objects: ipv4address and host-address refs read back; member is served', async () => {
    const addr = await get(em, `ipv4address?${q({ ip_address: '10.70.3.11' })}`)
    const ref = addr.body[0]?._ref ?? ''
    assert.match(ref, /^ipv4address\/[A-Za-z0-9_-]+:10\.70\.3\.11$/)
    const again = await get<{ result: Obj }>(em, `${ref}?_return_as_object=1&_return_fields=status`)
    assert.deepEqual(again.body, { result: { _ref: ref, status: 'USED' } })
    assertWapiError(await del(em, ref), 400, 'Client.Ibap.Proto')
    const member = await get(em, `member?${q({ host_name: 'infoblox.localdomain' })}`)
    assert.equal(member.body.length, 1)
  })

  test('a specific address is reserved once; a second reservation conflicts', async () => {
    const r = await post(em, 'fixedaddress', { ipv4addr: '10.70.1.7', mac: 'fa:16:3e:11:22:33' })
    assert.equal(r.status, 201)
    assert.match(r.body, /^fixedaddress\/[A-Za-z0-9_-]+:10\.70\.1\.7\/default$/)
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: '10.70.1.7', mac: 'fa:16:3e:11:22:34' }),
      400,
      'Client.Ibap.Data.Conflict',
    )
    // nextavailableip skips it.
    const next = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.70.1.6-10.70.1.8',
      mac: 'fa:16:3e:11:22:35',
    })
    assert.equal(next.body.ipv4addr, '10.70.1.6')
    const after = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.70.1.6-10.70.1.8',
      mac: 'fa:16:3e:11:22:36',
    })
    assert.equal(after.body.ipv4addr, '10.70.1.8')
  })

  test('the same MAC twice in one network is refused, in two networks allowed', async () => {
    await post(em, 'fixedaddress', { ipv4addr: '10.70.1.20', mac: 'fa:16:3e:aa:aa:aa' })
    const dup = await post(em, 'fixedaddress', { ipv4addr: '10.70.1.21', mac: 'FA:16:3E:AA:AA:AA' })
    assertWapiError(dup, 400, 'Client.Ibap.Data.Conflict', 'is used in two fixed addresses')
    const other = await post(em, 'fixedaddress', {
      ipv4addr: '10.70.2.21',
      mac: 'fa:16:3e:aa:aa:aa',
    })
    assert.equal(other.status, 201)
    const found = await get(
      em,
      `fixedaddress?${q({ mac: 'fa:16:3e:aa:aa:aa', network_view: 'default' })}`,
    )
    assert.deepEqual(found.body.map((f) => f.ipv4addr).sort(), ['10.70.1.20', '10.70.2.21'])
  })

  test('a fixed address outside any network, or on the network address, is refused', async () => {
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: '192.0.2.5', mac: 'fa:16:3e:00:00:01' }),
      400,
      'Client.Ibap.Data',
    )
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: '10.70.1.0', mac: 'fa:16:3e:00:00:02' }),
      400,
      'Client.Ibap.Data',
    )
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: '10.70.1.30' }),
      400,
      'Client.Ibap.Proto',
      'mac',
    )
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: 'not-an-ip', mac: 'fa:16:3e:00:00:03' }),
      400,
      'Client.Ibap.Proto',
    )
    assertWapiError(
      await post(em, 'fixedaddress', { ipv4addr: '10.70.1.31', mac: 'x', bogus: 1 }),
      400,
      'Client.Ibap.Proto',
      'bogus',
    )
  })

  test('lookups by address, MAC and *Port ID, and ipv4address status', async () => {
    await post(em, 'fixedaddress', {
      ipv4addr: '10.70.2.50',
      mac: 'fa:16:3e:50:50:50',
      extattrs: { 'Port ID': { value: 'port-50' }, 'Tenant ID': { value: 'proj' } },
    })
    const byEa = await get(
      em,
      `fixedaddress?${q({ '*Port ID': 'port-50', network_view: 'default', _max_results: -1000 })}`,
    )
    assert.deepEqual(byEa.body, [
      {
        _ref: byEa.body[0]?._ref ?? '',
        ipv4addr: '10.70.2.50',
        network_view: 'default',
      },
    ])
    const byIp = await get(
      em,
      `fixedaddress?${q({ ipv4addr: '10.70.2.50' })}&_return_fields=mac,network`,
    )
    assert.deepEqual(
      byIp.body.map((f) => [f.mac, f.network]),
      [['fa:16:3e:50:50:50', '10.70.2.0/24']],
    )
    const used = await get(
      em,
      `ipv4address?${q({ ip_address: '10.70.2.50', network_view: 'default' })}`,
    )
    const info = used.body[0]
    assert.equal(info?.status, 'USED')
    assert.deepEqual(info?.types, ['FA'])
    assert.deepEqual(info?.objects, [(byEa.body as Obj[])[0]?._ref])
    const free = await get(
      em,
      `ipv4address?${q({ ip_address: '10.70.2.51' })}&_return_fields=status,network`,
    )
    assert.deepEqual(
      free.body.map((a) => [a.status, a.network]),
      [['UNUSED', '10.70.2.0/24']],
    )
  })

  test('host records need their zone; duplicates conflict; addresses come from nextavailableip', async () => {
    const body = {
      name: 'host-a.cloud.example.com',
      view: 'default',
      configure_for_dns: true,
      ipv4addrs: [
        {
          ipv4addr: 'func:nextavailableip:10.70.2.100-10.70.2.110,default',
          mac: 'fa:16:3e:0a:0a:0a',
          configure_for_dhcp: true,
        },
      ],
      extattrs: { 'Port ID': { value: 'host-port' } },
    }
    const orphan = await post(em, 'record:host', body)
    const err = assertWapiError(orphan, 400, 'Client.Ibap.Data.Conflict')
    assert.equal(err.text, 'The action is not allowed. A parent was not found.')

    em.state.addZone('cloud.example.com')
    const created = await post<Obj>(
      em,
      'record:host?_return_fields=ipv4addrs,name,view,extattrs',
      body,
    )
    assert.equal(created.status, 201, created.text)
    assert.match(
      created.body._ref,
      /^record:host\/[A-Za-z0-9_-]+:host-a\.cloud\.example\.com\/default$/,
    )
    const addrs = created.body.ipv4addrs as Obj[]
    assert.equal(addrs.length, 1)
    assert.equal(addrs[0]?.ipv4addr, '10.70.2.100')
    assert.equal(addrs[0]?.host, 'host-a.cloud.example.com')
    assert.equal(addrs[0]?.configure_for_dhcp, true)
    assert.match(
      addrs[0]?._ref ?? '',
      /^record:host_ipv4addr\/[A-Za-z0-9_-]+:10\.70\.2\.100\/host-a\.cloud\.example\.com\/default$/,
    )

    const dup = await post(em, 'record:host', { ...body, name: 'HOST-A.cloud.example.com' })
    assertWapiError(
      dup,
      400,
      'Client.Ibap.Data.Conflict',
      "The record 'HOST-A.cloud.example.com' already exists.",
    )

    // The host's address is skipped by fixed-address allocation, and searchable.
    const fixed = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      ipv4addr: 'func:nextavailableip:10.70.2.100-10.70.2.110',
      mac: 'fa:16:3e:0b:0b:0b',
    })
    assert.equal(fixed.body.ipv4addr, '10.70.2.101')
    const byIp = await get(em, `record:host?${q({ ipv4addr: '10.70.2.100', view: 'default' })}`)
    assert.deepEqual(
      byIp.body.map((h) => h.name),
      ['host-a.cloud.example.com'],
    )
    const byMac = await get(em, `record:host?${q({ mac: 'fa:16:3e:0a:0a:0a', view: 'default' })}`)
    assert.equal(byMac.body.length, 1)
    const sub = await get<Obj>(em, addrs[0]?._ref ?? '')
    assert.equal(sub.body.ipv4addr, '10.70.2.100')
    const ipInfo = await get(
      em,
      `ipv4address?${q({ ip_address: '10.70.2.100' })}&_return_fields=types,names,usage`,
    )
    assert.deepEqual(ipInfo.body[0], {
      _ref: ipInfo.body[0]?._ref,
      types: ['HOST'],
      names: ['host-a.cloud.example.com'],
      usage: ['DNS', 'DHCP'],
    })
  })

  test('host records: DHCP MAC clash, zone-less hosts without DNS, ipv4addrs+ on update', async () => {
    em.state.addZone('more.example.com')
    const clash = await post(em, 'record:host', {
      name: 'h2.more.example.com',
      ipv4addrs: [{ ipv4addr: '10.70.2.120', mac: 'fa:16:3e:0a:0a:0a', configure_for_dhcp: true }],
    })
    assertWapiError(clash, 400, 'Client.Ibap.Data.Conflict', 'is used in two')
    const noDns = await post(em, 'record:host', {
      name: 'nodns.nowhere.test',
      configure_for_dns: false,
      ipv4addrs: [{ ipv4addr: 'func:nextavailableip:10.70.2.0/24,default' }],
    })
    assert.equal(noDns.status, 201, noDns.text)
    const ref = (
      await post(em, 'record:host', {
        name: 'multi.more.example.com',
        ipv4addrs: [{ ipv4addr: '10.70.2.130' }],
      })
    ).body
    const upd = await call<Obj>(em, 'PUT', `${ref}?_return_fields=ipv4addrs`, {
      body: { 'ipv4addrs+': [{ ipv4addr: 'func:nextavailableip:10.70.2.130-10.70.2.140' }] },
    })
    assert.equal(upd.status, 200, upd.text)
    assert.deepEqual(
      (upd.body.ipv4addrs as Obj[]).map((a) => a.ipv4addr),
      ['10.70.2.130', '10.70.2.131'],
    )
    const removed = await call<Obj>(em, 'PUT', `${ref}?_return_fields=ipv4addrs`, {
      body: { 'ipv4addrs-': [{ ipv4addr: '10.70.2.130' }] },
    })
    assert.deepEqual(
      (removed.body.ipv4addrs as Obj[]).map((a) => a.ipv4addr),
      ['10.70.2.131'],
    )
  })

  test('record:a and record:ptr need their zones', async () => {
    em.state.addZone('dns.example.com')
    assertWapiError(
      await post(em, 'record:a', { name: 'www.elsewhere.org', ipv4addr: '10.70.1.90' }),
      400,
      'Client.Ibap.Data.Conflict',
      'A parent was not found',
    )
    const a = await post<Obj>(em, 'record:a?_return_fields=name,ipv4addr,zone', {
      name: 'www.dns.example.com',
      ipv4addr: '10.70.1.90',
    })
    assert.equal(a.status, 201)
    assert.equal(a.body.zone, 'dns.example.com')
    assertWapiError(
      await post(em, 'record:ptr', { ptrdname: 'www.dns.example.com', ipv4addr: '10.70.1.90' }),
      400,
      'Client.Ibap.Data.Conflict',
    )
    em.state.addZone('10.70.1.0/24')
    const ptr = await post<Obj>(em, 'record:ptr?_return_fields=name,ptrdname,ipv4addr', {
      ptrdname: 'www.dns.example.com',
      ipv4addr: '10.70.1.90',
    })
    assert.equal(ptr.status, 201, ptr.text)
    assert.equal(ptr.body.name, '90.1.70.10.in-addr.arpa')
  })

  test('the _object_function form allocates from the network its parameters select', async () => {
    em.state.addNetwork('10.72.0.0/29', 'default', { 'Subnet ID': 'objfn' })
    const r = await post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
      mac: 'fa:16:3e:72:72:72',
      ipv4addr: {
        _object_function: 'next_available_ip',
        _object: 'network',
        _object_parameters: { '*Subnet ID': 'objfn', network_view: 'default' },
        _result_field: 'ips',
        _parameters: { exclude: ['10.72.0.1', '10.72.0.2'] },
      },
    })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.body.ipv4addr, '10.72.0.3')
  })

  test('next_available_ip on a network probes without reserving', async () => {
    const net = (await get(em, `network?${q({ network: '10.70.2.0/24' })}`)).body
    const before = em.state.count('fixedaddress')
    const probe = await post<{ ips: string[] }>(
      em,
      `${net[0]?._ref ?? ''}?_function=next_available_ip`,
      { num: 3, exclude: ['10.70.2.1'] },
    )
    assert.equal(probe.status, 200)
    assert.equal(probe.body.ips.length, 3)
    assert.ok(!probe.body.ips.includes('10.70.2.1'))
    assert.equal(em.state.count('fixedaddress'), before)
    assertWapiError(
      await post(em, `${net[0]?._ref ?? ''}?_function=next_available_ip`, { num: 21 }),
      400,
      'Client.Ibap.Proto',
    )
  })

  test('PUT updates a fixed address; DELETE returns the ref; the ref then 404s', async () => {
    const ref = (
      await post(em, 'fixedaddress', { ipv4addr: '10.70.1.200', mac: 'fa:16:3e:c8:c8:c8' })
    ).body
    const upd = await call<Obj>(em, 'PUT', `${ref}?_return_fields=mac,comment`, {
      body: { mac: 'fa:16:3e:c8:c8:c9', comment: 'moved' },
    })
    assert.equal(upd.status, 200)
    assert.deepEqual([upd.body.mac, upd.body.comment], ['fa:16:3e:c8:c8:c9', 'moved'])
    assertWapiError(
      await put(em, ref, { network_view: 'other' }),
      400,
      'Client.Ibap.Proto',
      'not writable',
    )
    const gone = await del(em, ref)
    assert.equal(gone.status, 200)
    assert.equal(gone.body, ref)
    const missing = await get(em, ref)
    assertWapiError(missing, 404, 'Client.Ibap.Data.NotFound', `Reference ${ref} not found`)
    assertWapiError(await del(em, ref), 404, 'Client.Ibap.Data.NotFound')
    assertWapiError(
      await get(em, 'fixedaddress/garbage:1.2.3.4/default'),
      404,
      'Client.Ibap.Data.NotFound',
    )
    assertWapiError(
      await get(em, 'network/ZG5zLm5ldHdvcmskOTk5OTk:10.0.0.0/8/default'),
      404,
      'Client.Ibap.Data.NotFound',
    )
  })

  test('deleting a network deletes its fixed addresses; an operator removal is seen by the API', async () => {
    const netRef = em.state.addNetwork('10.73.0.0/28')
    const fa = (await post(em, 'fixedaddress', { ipv4addr: '10.73.0.3', mac: 'fa:16:3e:73:73:73' }))
      .body
    const fa2 = (
      await post(em, 'fixedaddress', { ipv4addr: '10.73.0.4', mac: 'fa:16:3e:73:73:74' })
    ).body
    assert.ok(
      em.state
        .listFixedAddresses()
        .some((f) => f.address === '10.73.0.3' && f.mac === 'fa:16:3e:73:73:73'),
    )
    em.state.removeByRef(fa2)
    assertWapiError(await get(em, fa2), 404, 'Client.Ibap.Data.NotFound')
    assert.equal((await del(em, netRef)).status, 200)
    assertWapiError(await get(em, fa), 404, 'Client.Ibap.Data.NotFound')
    assert.ok(!em.state.listFixedAddresses().some((f) => f.address.startsWith('10.73.')))
  })
})

describe('return fields, result limits and paging', () => {
  let em: InfobloxEmulator
  let small: InfobloxEmulator
  before(async () => {
    em = await start()
    small = await start({ maxResultsCap: 3 })
    em.state.addNetwork('10.80.0.0/24')
    for (let i = 1; i <= 7; i++) em.state.addFixedAddress(`10.80.0.${i}`, `fa:16:3e:80:00:0${i}`)
    for (let i = 1; i <= 4; i++) small.state.addNetwork(`10.81.${i}.0/24`)
  })
  after(async () => {
    await em.close()
    await small.close()
  })

  test('POST answers the ref string, or the object when _return_fields is given', async () => {
    const plain = await post(em, 'network', { network: '10.82.0.0/24', comment: 'c' })
    assert.equal(plain.status, 201)
    assert.equal(typeof plain.body, 'string')
    const obj = await post<Obj>(em, 'network?_return_fields=comment', {
      network: '10.83.0.0/24',
      comment: 'c',
    })
    assert.deepEqual(Object.keys(obj.body).sort(), ['_ref', 'comment'])
    const wrapped = await post<{ result: string }>(em, 'network?_return_as_object=1', {
      network: '10.84.0.0/24',
    })
    assert.match(wrapped.body.result, /^network\//)
  })

  test('_return_fields replaces the defaults and _return_fields+ adds to them', async () => {
    const defaults = await get(em, `fixedaddress?${q({ ipv4addr: '10.80.0.1' })}`)
    assert.deepEqual(Object.keys(defaults.body[0] ?? {}).sort(), [
      '_ref',
      'ipv4addr',
      'network_view',
    ])
    const replaced = await get(
      em,
      `fixedaddress?${q({ ipv4addr: '10.80.0.1', _return_fields: 'mac' })}`,
    )
    assert.deepEqual(Object.keys(replaced.body[0] ?? {}).sort(), ['_ref', 'mac'])
    const added = await get(
      em,
      `fixedaddress?${q({ ipv4addr: '10.80.0.1', '_return_fields+': 'mac,extattrs' })}`,
    )
    assert.deepEqual(Object.keys(added.body[0] ?? {}).sort(), [
      '_ref',
      'extattrs',
      'ipv4addr',
      'mac',
      'network_view',
    ])
    assertWapiError(
      await get(em, `fixedaddress?${q({ _return_fields: 'nope' })}`),
      400,
      'Client.Ibap.Proto',
      'nope',
    )
  })

  test('_max_results: negative fails when exceeded, positive truncates, default is -cap', async () => {
    const tooMany = await get(em, `fixedaddress?${q({ _max_results: -5 })}`)
    assertWapiError(tooMany, 400, 'Client.Ibap.Proto', 'Result set too large (> 5)')
    const enough = await get(em, `fixedaddress?${q({ _max_results: -7 })}`)
    assert.equal(enough.body.length, 7)
    const truncated = await get(em, `fixedaddress?${q({ _max_results: 5 })}`)
    assert.deepEqual(
      truncated.body.map((f) => f.ipv4addr),
      ['10.80.0.1', '10.80.0.2', '10.80.0.3', '10.80.0.4', '10.80.0.5'],
    )
    assertWapiError(
      await get(small, 'network'),
      400,
      'Client.Ibap.Proto',
      'Result set too large (> 3)',
    )
    assert.equal((await get(small, 'network?_max_results=10')).body.length, 4)
    const wrapped = await get<{ result: Obj[] }>(
      em,
      `fixedaddress?${q({ _return_as_object: 1, _max_results: 2 })}`,
    )
    assert.equal(wrapped.body.result.length, 2)
  })

  test('paging walks every page to the end, then the page id is spent', async () => {
    const seen: string[] = []
    let page = await get<{ result: Obj[]; next_page_id?: string }>(
      em,
      `fixedaddress?${q({ _paging: 1, _return_as_object: 1, _max_results: 3, _return_fields: 'ipv4addr' })}`,
    )
    const sizes: number[] = []
    const ids: string[] = []
    for (;;) {
      assert.equal(page.status, 200, page.text)
      sizes.push(page.body.result.length)
      seen.push(...page.body.result.map((f) => String(f.ipv4addr)))
      const next = page.body.next_page_id
      if (next === undefined) break
      ids.push(next)
      page = await get(
        em,
        `fixedaddress?${q({ _paging: 1, _return_as_object: 1, _max_results: 3, _page_id: next })}`,
      )
    }
    assert.deepEqual(sizes, [3, 3, 1])
    assert.deepEqual(
      seen,
      [1, 2, 3, 4, 5, 6, 7].map((i) => `10.80.0.${i}`),
    )
    assertWapiError(
      await get(
        em,
        `fixedaddress?${q({ _paging: 1, _return_as_object: 1, _page_id: ids[0] ?? '' })}`,
      ),
      400,
      'Client.Ibap.Proto',
    )
    assertWapiError(
      await get(em, `fixedaddress?${q({ _paging: 1, _max_results: 3 })}`),
      400,
      'Client.Ibap.Proto',
      '_return_as_object',
    )
  })

  test('ipv4address lists a network address by address, with types for network and broadcast', async () => {
    const r = await get(
      em,
      `ipv4address?${q({ network: '10.80.0.0/24', network_view: 'default', _return_fields: 'ip_address,status,types', _max_results: 9 })}`,
    )
    const rows = r.body.map((a) => [a.ip_address, a.status, a.types])
    assert.deepEqual(rows.slice(0, 3), [
      ['10.80.0.0', 'USED', ['NETWORK']],
      ['10.80.0.1', 'USED', ['FA']],
      ['10.80.0.2', 'USED', ['FA']],
    ])
    assert.deepEqual(rows[8], ['10.80.0.8', 'UNUSED', []])
    const unused = await get(
      em,
      `ipv4address?${q({ network: '10.80.0.0/24', status: 'UNUSED', _max_results: 1, _return_fields: 'ip_address' })}`,
    )
    assert.deepEqual(
      unused.body.map((a) => a.ip_address),
      ['10.80.0.8'],
    )
    assertWapiError(await get(em, 'ipv4address'), 400, 'Client.Ibap.Proto')
  })
})

describe('IPv6', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
  })
  after(() => em.close())

  test('ipv6 networks and fixed addresses: create, nextavailableip, search by duid, delete', async () => {
    const c = await post(em, 'ipv6networkcontainer', { network: '2001:db8::/48' })
    assert.equal(c.status, 201)
    const n = await post<Obj>(em, 'ipv6network?_return_fields=network,network_container', {
      network: '2001:db8:0:1::/64',
    })
    assert.equal(n.status, 201, n.text)
    assert.equal(n.body.network_container, '2001:db8::/48')
    const mac = 'fa:16:3e:11:22:33'
    const duid = `00:${mac.slice(9)}:${mac}`
    const fixed = await post<Obj>(
      em,
      'ipv6fixedaddress?_return_fields=ipv6addr,duid,network_view',
      {
        ipv6addr: '2001:db8:0:1::10',
        duid,
        network_view: 'default',
      },
    )
    assert.equal(fixed.status, 201, fixed.text)
    assert.match(fixed.body._ref, /^ipv6fixedaddress\/[A-Za-z0-9_-]+:2001:db8:0:1::10\/default$/)
    const next = await post<Obj>(em, 'ipv6fixedaddress?_return_fields=ipv6addr', {
      ipv6addr: 'func:nextavailableip:2001:db8:0:1::/64,default',
      duid: '00:01:02:03',
    })
    assert.equal(next.body.ipv6addr, '2001:db8:0:1::1')
    assertWapiError(
      await post(em, 'ipv6fixedaddress', { ipv6addr: '2001:db8:0:1::10', duid: '00:09' }),
      400,
      'Client.Ibap.Data.Conflict',
    )
    assertWapiError(
      await post(em, 'ipv6fixedaddress', { ipv6addr: '2001:db8:0:1::11', duid }),
      400,
      'Client.Ibap.Data.Conflict',
      'DUID',
    )
    const byDuid = await get(em, `ipv6fixedaddress?${q({ duid, network_view: 'default' })}`)
    assert.deepEqual(
      byDuid.body.map((f) => f.ipv6addr),
      ['2001:db8:0:1::10'],
    )
    assert.equal((await del(em, fixed.body._ref)).status, 200)
    assert.deepEqual((await get(em, `ipv6fixedaddress?${q({ duid })}`)).body, [])
    assertWapiError(
      await post(em, 'ipv6network', { network: '10.0.0.0/24' }),
      400,
      'Client.Ibap.Proto',
    )
  })
})

describe('multi-call request', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
  })
  after(() => em.close())

  test('runs calls in order with state substitution, and rolls all back on an error', async () => {
    const ok = await post<unknown[]>(em, 'request', [
      {
        method: 'POST',
        object: 'network',
        data: { network: '10.90.0.0/24' },
        assign_state: { net: '_ref' },
      },
      {
        method: 'GET',
        object: '##STATE:net:##',
        enable_substitution: true,
        args: { _return_fields: 'network' },
      },
      {
        method: 'POST',
        object: 'fixedaddress',
        data: { ipv4addr: 'func:nextavailableip:10.90.0.0/24', mac: 'fa:16:3e:90:90:90' },
        discard: true,
      },
    ])
    assert.equal(ok.status, 200, ok.text)
    assert.equal(ok.body.length, 2)
    assert.equal((ok.body[1] as Obj).network, '10.90.0.0/24')
    assert.equal(em.state.count('fixedaddress'), 1)

    const failed = await post(em, 'request', [
      { method: 'POST', object: 'network', data: { network: '10.91.0.0/24' } },
      { method: 'POST', object: 'network', data: { network: '10.90.0.0/24' } },
    ])
    assertWapiError(failed, 400, 'Client.Ibap.Data.Conflict')
    assert.deepEqual((await get(em, `network?${q({ network: '10.91.0.0/24' })}`)).body, [])
  })
})

describe('fault injection, call counting and lifecycle', () => {
  let em: InfobloxEmulator
  before(async () => {
    em = await start()
    em.state.addNetwork('10.100.0.0/24')
  })
  after(() => em.close())

  test('hang: the call never answers and the client times out; then calls resume', async () => {
    em.faults.hang(true)
    await assert.rejects(
      get(em, 'network', { signal: AbortSignal.timeout(300) }),
      (e: Error) => e.name === 'TimeoutError',
    )
    em.faults.hang(false)
    assert.equal((await get(em, 'network')).status, 200)
  })

  test('fail next N with a status, in the WAPI error shape', async () => {
    em.faults.failNext(2, 503)
    for (let i = 0; i < 2; i++) {
      const r = await get<WapiErrorBody>(em, 'network')
      assert.equal(r.status, 503)
      assert.match(r.headers.get('content-type') ?? '', /application\/json/)
      assert.match(r.body.code, /^Server/)
      assert.ok(r.body.Error.endsWith(r.body.text), r.text)
    }
    assert.equal((await get(em, 'network')).status, 200)
    em.faults.failNext(1, 500)
    const internal = await get<WapiErrorBody>(em, 'network')
    assert.equal(internal.status, 500)
    assert.equal(internal.body.code, 'Server')
    em.faults.failNext(1, 401)
    const unauthorized = await get(em, 'network')
    assert.equal(unauthorized.status, 401)
    assert.match(unauthorized.text, /Authorization Required/)
  })

  test('fail the N-th call from now', async () => {
    em.faults.failNth(2, 500)
    assert.equal((await get(em, 'network')).status, 200)
    assert.equal((await get(em, 'network')).status, 500)
    assert.equal((await get(em, 'network')).status, 200)
  })

  test('reset: the connection is dropped without an answer', async () => {
    em.faults.resetNext(1)
    await assert.rejects(get(em, 'network'), (e: Error) => e instanceof TypeError)
    assert.equal((await get(em, 'network')).status, 200)
  })

  test('control routes drive the same faults over HTTP', async () => {
    const set = await fetch(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fail_next: 1, status: 503 }),
    })
    assert.equal(set.status, 200)
    assert.equal((await get(em, 'network')).status, 503)
    assert.equal((await get(em, 'network')).status, 200)
  })

  test('calls are counted per method and path', async () => {
    em.calls.reset()
    await get(em, 'network')
    await get(em, `fixedaddress?${q({ ipv4addr: '10.100.0.5' })}`)
    await post(em, 'fixedaddress', {
      ipv4addr: 'func:nextavailableip:10.100.0.0/24',
      mac: 'fa:16:3e:01:00:01',
    })
    await get(em, 'network', { auth: false })
    assert.equal(em.calls.total, 4)
    assert.equal(em.calls.count('GET'), 3)
    assert.equal(em.calls.count('POST', '/fixedaddress'), 1)
    assert.equal(em.calls.count(undefined, '/fixedaddress'), 2)
    assert.deepEqual(
      em.calls.log.map((c) => c.status),
      [200, 200, 201, 401],
    )
    const remote = (await (await fetch(`${em.url}/__emulator/calls`)).json()) as { total: number }
    assert.equal(remote.total, 4)
  })

  test('pause refuses connections; resume serves the same state on the same port', async () => {
    const before = (await get(em, `network?${q({ network: '10.100.0.0/24' })}`)).body
    assert.equal(before.length, 1)
    const port = em.port
    await em.pause()
    // NOTE: let the client see its pooled keep-alive sockets close, so the next call dials anew.
    await new Promise((r) => setTimeout(r, 50))
    await assert.rejects(
      get(em, 'network'),
      (e: Error & { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED',
    )
    await em.resume()
    assert.equal(em.port, port)
    const after = (await get(em, `network?${q({ network: '10.100.0.0/24' })}`)).body
    assert.deepEqual(after, before)
  })

  test('20 concurrent nextavailableip creates on a /27 get 20 distinct addresses', async () => {
    em.state.addNetwork('10.110.0.0/27')
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post<Obj>(em, 'fixedaddress?_return_fields=ipv4addr', {
          ipv4addr: 'func:nextavailableip:10.110.0.0/27,default',
          mac: `fa:16:3e:27:00:${i.toString(16).padStart(2, '0')}`,
        }),
      ),
    )
    assert.deepEqual(
      replies.map((r) => r.status),
      Array<number>(20).fill(201),
    )
    const ips = replies.map((r) => String(r.body.ipv4addr))
    assert.equal(new Set(ips).size, 20)
    for (const ip of ips) {
      const n = ipNumber(ip) - ipNumber('10.110.0.0')
      assert.ok(n >= 1 && n <= 30, ip)
    }
    assert.equal(
      em.state.listFixedAddresses().filter((f) => f.address.startsWith('10.110.0.')).length,
      20,
    )
  })
})

function makeCertificate(): { key: string; cert: string } | undefined {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'ib-tls-'))
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
        '/CN=www.infoblox.com',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  } catch {
    return undefined
  }
}

describe('TLS', () => {
  const tls = makeCertificate()
  test(
    'serves HTTPS with the given self-signed certificate',
    { skip: tls === undefined ? 'openssl unavailable' : false },
    async () => {
      if (tls === undefined) return
      const em = await start({ tls })
      try {
        assert.match(em.url, /^https:\/\//)
        const { status, cookie } = await new Promise<{ status: number; cookie: string }>(
          (resolve, reject) => {
            const req = httpsRequest(
              `${em.wapiUrl()}/networkview`,
              { rejectUnauthorized: false, headers: { authorization: basic() } },
              (res) => {
                res.resume()
                res.on('end', () => {
                  resolve({
                    status: res.statusCode ?? 0,
                    cookie: String(res.headers['set-cookie'] ?? ''),
                  })
                })
              },
            )
            req.on('error', reject)
            req.end()
          },
        )
        assert.equal(status, 200)
        assert.match(cookie, /Secure/)
      } finally {
        await em.close()
      }
    },
  )
})

describe('command line', () => {
  test('npm run emulator -- infoblox serves until SIGTERM and prints where', async () => {
    const root = resolve(import.meta.dirname, '../..')
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulators/cli.ts',
        'infoblox',
        '--port',
        '0',
        '--username',
        'ops',
        '--password',
        'pw',
        '--session-timeout',
        '30',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (code) => {
        r(code)
      }),
    )
    try {
      const deadline = Date.now() + 20_000
      while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no start line:\n${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      assert.match(out.split('\n')[0] ?? '', /listening on http:\/\/127\.0\.0\.1:\d+$/, out)
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? ''
      const auth = { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` }
      const res = await fetch(`${url}/wapi/v2.12/networkview`, { headers: auth })
      assert.equal(res.status, 200)
      assert.match(res.headers.get('set-cookie') ?? '', /timeout=30,/)
      const bad = await fetch(`${url}/wapi/v2.12/networkview`)
      assert.equal(bad.status, 401)
    } finally {
      child.kill('SIGTERM')
    }
    assert.equal(await exited, 0)
  })
})
