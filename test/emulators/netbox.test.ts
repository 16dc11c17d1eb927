/**
 * The NetBox emulator over real HTTP: every exchange recorded from NetBox 3.1.11
 * (/work/shared/contracts/recorded/netbox-3.1.11.md) with its status, body shape and types,
 * the 4.x token format, pagination with the page cap, filters, the usable-span rules, the
 * recorded concurrency behaviour (serialised available-ips, racing plain creates), faults,
 * call counting, TLS and the CLI.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startNetboxEmulator, type NetboxEmulatorHandle } from '../../emulators/netbox/index.ts'

const TOKEN = '0123456789abcdef0123456789abcdef01234567'
const V2_TOKEN = 'nbt_4k9x2p7q1m3z.Jm3Qv8rT2wXy6Zp1Lk9Hn4Bc7Df0Gs5Ae2Ru8Ty3'

interface Res<T = unknown> {
  readonly status: number
  readonly body: T
  readonly text: string
  readonly headers: Headers
}

interface NbObject {
  readonly id: number
  readonly url: string
  readonly display: string
  readonly [key: string]: unknown
}

interface NbIp extends NbObject {
  readonly address: string
  readonly vrf: { readonly id: number; readonly name: string } | null
  readonly dns_name: string
  readonly description: string
  readonly status: { readonly value: string; readonly label: string }
  readonly tags: readonly { readonly slug: string }[]
  readonly custom_fields: Record<string, unknown>
  readonly last_updated: string
}

interface Page<T> {
  readonly count: number
  readonly next: string | null
  readonly previous: string | null
  readonly results: T[]
}

interface Available {
  readonly family: number
  readonly address: string
  readonly vrf: unknown
}

type Detail = { readonly detail: string }

/** Key order of a prefix in the recorded 3.1.11 answers. */
// prettier-ignore
const PREFIX_KEYS = [
  'id', 'url', 'display', 'family', 'prefix', 'site', 'vrf', 'tenant', 'vlan', 'status', 'role',
  'is_pool', 'mark_utilized', 'description', 'tags', 'custom_fields', 'created', 'last_updated',
  'children', '_depth',
]
/** Key order of an IP address in the recorded 3.1.11 answers. */
// prettier-ignore
const IP_KEYS = [
  'id', 'url', 'display', 'family', 'address', 'vrf', 'tenant', 'status', 'role',
  'assigned_object_type', 'assigned_object_id', 'assigned_object', 'nat_inside', 'nat_outside',
  'dns_name', 'description', 'tags', 'custom_fields', 'created', 'last_updated',
]

/** One HTTP call; JSON bodies are sent as application/json; redirects are not followed. */
async function http<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: {
    body?: unknown
    auth?: string | null
    headers?: Record<string, string>
    signal?: AbortSignal
  } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  const auth = options.auth === undefined ? `Token ${TOKEN}` : options.auth
  if (auth !== null) headers.authorization = auth
  const init: RequestInit = { method, headers, redirect: 'manual' }
  if (options.signal !== undefined) init.signal = options.signal
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, body: body as T, text, headers: res.headers }
}

function client(handle: NetboxEmulatorHandle, auth?: string | null) {
  const opts = (body?: unknown) => ({
    ...(body === undefined ? {} : { body }),
    ...(auth === undefined ? {} : { auth }),
  })
  return {
    get: <T = unknown>(path: string) => http<T>(handle.url, 'GET', path, opts()),
    post: <T = unknown>(path: string, body: unknown) =>
      http<T>(handle.url, 'POST', path, opts(body)),
    patch: <T = unknown>(path: string, body: unknown) =>
      http<T>(handle.url, 'PATCH', path, opts(body)),
    delete: <T = unknown>(path: string, body?: unknown) =>
      http<T>(handle.url, 'DELETE', path, opts(body)),
  }
}

/** The error code of a fresh TCP connection to the port (`ECONNREFUSED` when closed), or `connected`. */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (e: Error & { code?: string }) => {
      resolve(e.code ?? e.message)
    })
  })
}

/** Every page of a list, following `next` links. */
async function allPages<T>(
  handle: NetboxEmulatorHandle,
  path: string,
): Promise<{ items: T[]; pages: Page<T>[] }> {
  const pages: Page<T>[] = []
  let url: string | null = `${handle.url}${path}`
  while (url !== null) {
    assert.ok(url.startsWith(handle.url), `absolute link: ${url}`)
    const res: Res<Page<T>> = await http<Page<T>>(handle.url, 'GET', url.slice(handle.url.length))
    assert.equal(res.status, 200)
    pages.push(res.body)
    url = res.body.next
  }
  return { items: pages.flatMap((p) => p.results), pages }
}

describe('NetBox emulator: recorded 3.1.11 exchanges', () => {
  let nb: NetboxEmulatorHandle
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN })
  })
  after(async () => nb.close())

  test('authentication failures are 403 with the recorded detail, and API-Version is set', async () => {
    const bogus = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth: 'Token bogus' })
    assert.equal(bogus.status, 403)
    assert.deepEqual(bogus.body, { detail: 'Invalid token' })
    assert.equal(bogus.headers.get('api-version'), '3.1')
    const none = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth: null })
    assert.equal(none.status, 403)
    assert.deepEqual(none.body, { detail: 'Authentication credentials were not provided.' })
    // NetBox 3 ignores the Bearer scheme: no credentials at all.
    const bearer = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', {
      auth: `Bearer ${TOKEN}`,
    })
    assert.deepEqual(
      [bearer.status, bearer.body],
      [403, { detail: 'Authentication credentials were not provided.' }],
    )
    const bare = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth: 'Token' })
    assert.deepEqual(bare.body, { detail: 'Invalid token header. No credentials provided.' })
    const spaces = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth: 'Token a b' })
    assert.deepEqual(spaces.body, {
      detail: 'Invalid token header. Token string should not contain spaces.',
    })
    const ok = await http(nb.url, 'GET', '/api/ipam/prefixes/')
    assert.equal(ok.status, 200)
  })

  test('expired and read-only tokens', async () => {
    const expired = 'ffffffffffffffffffffffffffffffffffffff01'
    nb.state.addToken(expired, { expires: new Date(Date.now() - 1000) })
    const e = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth: `Token ${expired}` })
    assert.deepEqual([e.status, e.body], [403, { detail: 'Token expired' }])
    const readOnly = 'ffffffffffffffffffffffffffffffffffffff02'
    nb.state.addToken(readOnly, { writeEnabled: false })
    const read = await http(nb.url, 'GET', '/api/ipam/prefixes/', { auth: `Token ${readOnly}` })
    assert.equal(read.status, 200)
    const write = await http<Detail>(nb.url, 'POST', '/api/ipam/prefixes/', {
      auth: `Token ${readOnly}`,
      body: { prefix: '10.250.0.0/24' },
    })
    assert.deepEqual(
      [write.status, write.body],
      [403, { detail: 'You do not have permission to perform this action.' }],
    )
  })

  test('the recorded prefix, available-ips and ip-address sequence', async () => {
    const api = client(nb)
    const created = await api.post<NbObject>('/api/ipam/prefixes/', {
      prefix: '10.60.0.0/24',
      status: 'active',
      description: 'xloud test net',
    })
    assert.equal(created.status, 201)
    assert.deepEqual(Object.keys(created.body), PREFIX_KEYS)
    const p = created.body
    assert.equal(typeof p.id, 'number')
    assert.equal(p.url, `${nb.url}/api/ipam/prefixes/${p.id}/`)
    assert.equal(p.display, '10.60.0.0/24')
    assert.deepEqual(p.family, { value: 4, label: 'IPv4' })
    assert.deepEqual(p.status, { value: 'active', label: 'Active' })
    assert.deepEqual(
      [
        p.site,
        p.vrf,
        p.tenant,
        p.vlan,
        p.role,
        p.is_pool,
        p.mark_utilized,
        p.tags,
        p.custom_fields,
        p.children,
        p._depth,
      ],
      [null, null, null, null, null, false, false, [], {}, 0, 0],
    )
    assert.match(String(p.created), /^\d{4}-\d{2}-\d{2}$/)
    assert.match(String(p.last_updated), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)

    const byPrefix = await api.get<Page<NbObject>>('/api/ipam/prefixes/?prefix=10.60.0.0/24')
    assert.equal(byPrefix.status, 200)
    assert.deepEqual(byPrefix.body, {
      count: 1,
      next: null,
      previous: null,
      results: [created.body],
    })
    const none = await api.get('/api/ipam/prefixes/?prefix=10.99.0.0/24')
    assert.equal(none.text, '{"count":0,"next":null,"previous":null,"results":[]}')

    const peek = await api.get<Available[]>(`/api/ipam/prefixes/${p.id}/available-ips/?limit=3`)
    assert.equal(peek.status, 200)
    assert.equal(
      peek.text,
      '[{"family":4,"address":"10.60.0.1/24","vrf":null},{"family":4,"address":"10.60.0.2/24","vrf":null},{"family":4,"address":"10.60.0.3/24","vrf":null}]',
    )

    const one = await api.post<NbIp>(`/api/ipam/prefixes/${p.id}/available-ips/`, {
      dns_name: 'vm-port-1.xloud.local',
      description: 'xloud port 1111-aaaa',
      status: 'active',
    })
    assert.equal(one.status, 201)
    assert.deepEqual(Object.keys(one.body), IP_KEYS)
    assert.equal(one.body.address, '10.60.0.1/24')
    assert.equal(one.body.display, '10.60.0.1/24')
    assert.equal(one.body.url, `${nb.url}/api/ipam/ip-addresses/${one.body.id}/`)
    assert.deepEqual(one.body.status, { value: 'active', label: 'Active' })
    assert.equal(one.body.dns_name, 'vm-port-1.xloud.local')
    assert.equal(one.body.description, 'xloud port 1111-aaaa')
    assert.deepEqual(
      [
        one.body.vrf,
        one.body.tenant,
        one.body.role,
        one.body.assigned_object,
        one.body.nat_inside,
        one.body.nat_outside,
      ],
      [null, null, null, null, null, null],
    )

    const bulk = await api.post<NbIp[]>(`/api/ipam/prefixes/${p.id}/available-ips/`, [
      { description: 'bulk1' },
      { description: 'bulk2' },
    ])
    assert.equal(bulk.status, 201)
    assert.ok(Array.isArray(bulk.body))
    assert.deepEqual(
      bulk.body.map((ip) => [ip.address, ip.description]),
      [
        ['10.60.0.2/24', 'bulk1'],
        ['10.60.0.3/24', 'bulk2'],
      ],
    )

    const missing = await api.post<Detail>('/api/ipam/prefixes/999/available-ips/', {
      description: 'x',
    })
    assert.deepEqual([missing.status, missing.body], [404, { detail: 'Not found.' }])

    const bad = await api.post(`/api/ipam/prefixes/${p.id}/available-ips/`, {
      description: 'badstatus',
      status: 'nope',
    })
    assert.equal(bad.status, 400)
    assert.equal(bad.text, '{"status":["nope is not a valid choice."]}')
    const next = await api.get<Available[]>(`/api/ipam/prefixes/${p.id}/available-ips/?limit=1`)
    assert.equal(next.body[0]?.address, '10.60.0.4/24', 'a refused request consumes nothing')

    // Plain create of an address that exists: accepted (ENFORCE_GLOBAL_UNIQUE = False).
    const dup = await api.post<NbIp>('/api/ipam/ip-addresses/', {
      address: '10.60.0.1/24',
      description: 'dup',
    })
    assert.equal(dup.status, 201)
    assert.equal(dup.body.address, '10.60.0.1/24')
    assert.notEqual(dup.body.id, one.body.id)
    const both = await api.get<Page<NbIp>>(
      '/api/ipam/ip-addresses/?address=10.60.0.1&parent=10.60.0.0/24',
    )
    assert.equal(both.body.count, 2)
    assert.deepEqual(
      both.body.results.map((r) => r.id),
      [one.body.id, dup.body.id],
    )

    const read = await api.get<NbIp>(`/api/ipam/ip-addresses/${one.body.id}/`)
    assert.equal(read.status, 200)
    assert.equal(read.body.dns_name, 'vm-port-1.xloud.local')
    const renamed = await api.patch<NbIp>(`/api/ipam/ip-addresses/${one.body.id}/`, {
      dns_name: 'renamed.xloud.local',
    })
    assert.equal(renamed.status, 200)
    assert.equal(renamed.body.dns_name, 'renamed.xloud.local')
    assert.equal(renamed.body.address, '10.60.0.1/24')
    assert.ok(renamed.body.last_updated > one.body.last_updated)

    const del = await api.delete(`/api/ipam/ip-addresses/${dup.body.id}/`)
    assert.equal(del.status, 204)
    assert.equal(del.text, '')
    const again = await api.delete<Detail>(`/api/ipam/ip-addresses/${dup.body.id}/`)
    assert.deepEqual([again.status, again.body], [404, { detail: 'Not found.' }])
  })

  test('a full prefix: 409 with the recorded message, and the probe is an empty list', async () => {
    const api = client(nb)
    const small = nb.state.addPrefix({ prefix: '10.60.1.0/30' })
    for (const d of ['a', 'b']) {
      const r = await api.post(`/api/ipam/prefixes/${small.id}/available-ips/`, { description: d })
      assert.equal(r.status, 201)
    }
    const full = await api.post(`/api/ipam/prefixes/${small.id}/available-ips/`, {
      description: 'c',
    })
    assert.equal(full.status, 409)
    assert.equal(
      full.text,
      '{"detail":"An insufficient number of IP addresses are available within 10.60.1.0/30 (1 requested, 0 available)"}',
    )
    const probe = await api.get(`/api/ipam/prefixes/${small.id}/available-ips/`)
    assert.deepEqual([probe.status, probe.text], [200, '[]'])
    const tooMany = await api.post<Detail>(
      `/api/ipam/prefixes/${nb.state.addPrefix({ prefix: '10.60.2.0/30' }).id}/available-ips/`,
      [{}, {}, {}],
    )
    assert.equal(tooMany.status, 409)
    assert.match(tooMany.body.detail, /\(3 requested, 2 available\)$/)
  })

  test('with ENFORCE_GLOBAL_UNIQUE a sequential duplicate is refused, whatever its mask', async () => {
    const strict = await startNetboxEmulator({ token: TOKEN, enforceUnique: true })
    try {
      const api = client(strict)
      assert.equal(
        (
          await api.post('/api/ipam/ip-addresses/', {
            address: '10.60.0.1/24',
            description: 'first',
          })
        ).status,
        201,
      )
      const same = await api.post('/api/ipam/ip-addresses/', {
        address: '10.60.0.1/24',
        description: 'dup',
      })
      assert.equal(same.status, 400)
      assert.equal(
        same.text,
        '{"address":["Duplicate IP address found in global table: 10.60.0.1/24"]}',
      )
      const other = await api.post('/api/ipam/ip-addresses/', {
        address: '10.60.0.1/32',
        description: 'dup, other mask',
      })
      assert.equal(
        other.text,
        '{"address":["Duplicate IP address found in global table: 10.60.0.1/24"]}',
      )
      // VRFs enforce uniqueness by default, and say which VRF.
      const vrf = strict.state.addVrf({ name: 'blue', rd: '65000:1' })
      assert.equal(
        (await api.post('/api/ipam/ip-addresses/', { address: '10.60.0.1/24', vrf: vrf.id }))
          .status,
        201,
      )
      const inVrf = await api.post('/api/ipam/ip-addresses/', {
        address: '10.60.0.1/24',
        vrf: vrf.id,
      })
      assert.equal(
        inVrf.text,
        '{"address":["Duplicate IP address found in VRF blue (65000:1): 10.60.0.1/24"]}',
      )
      // A VRF without enforce_unique accepts duplicates even here.
      const loose = strict.state.addVrf({ name: 'loose', enforceUnique: false })
      for (let i = 0; i < 2; i++) {
        assert.equal(
          (await api.post('/api/ipam/ip-addresses/', { address: '10.60.0.1/24', vrf: loose.id }))
            .status,
          201,
        )
      }
    } finally {
      await strict.close()
    }
  })

  test('a missing trailing slash is a 301 to the same path with a slash, query kept', async () => {
    const get = await http(nb.url, 'GET', '/api/ipam/prefixes?prefix=10.60.0.0/24')
    assert.equal(get.status, 301)
    assert.equal(get.headers.get('location'), '/api/ipam/prefixes/?prefix=10.60.0.0/24')
    const post = await http(nb.url, 'POST', '/api/ipam/ip-addresses', {
      body: { address: '10.1.1.1/24' },
    })
    assert.equal(post.status, 301)
    assert.equal(post.headers.get('location'), '/api/ipam/ip-addresses/')
    const byId = await http(nb.url, 'GET', '/api/ipam/prefixes/1/available-ips')
    assert.deepEqual(
      [byId.status, byId.headers.get('location')],
      [301, '/api/ipam/prefixes/1/available-ips/'],
    )
    const unknown = await http(nb.url, 'GET', '/api/ipam/nothing/')
    assert.equal(unknown.status, 404)
  })

  test('validation errors: host bits, unknown relations, methods, bodies', async () => {
    const api = client(nb)
    const host = await api.post('/api/ipam/prefixes/', { prefix: '10.61.0.1/24' })
    assert.equal(
      host.text,
      '{"prefix":["10.61.0.1/24 is not a valid prefix. Did you mean 10.61.0.0/24?"]}',
    )
    const garbage = await api.post('/api/ipam/ip-addresses/', { address: 'not-an-ip' })
    assert.equal(garbage.text, '{"address":["Invalid IP address format: not-an-ip"]}')
    const missing = await api.post('/api/ipam/ip-addresses/', { description: 'no address' })
    assert.equal(missing.text, '{"address":["This field is required."]}')
    const vrf = await api.post('/api/ipam/ip-addresses/', { address: '10.61.0.5/24', vrf: 999 })
    assert.equal(
      vrf.text,
      '{"vrf":["Related object not found using the provided numeric ID: 999"]}',
    )
    const list = await api.post<unknown[]>('/api/ipam/ip-addresses/', [
      { address: '10.61.0.6/24' },
      { address: 'x' },
    ])
    assert.equal(list.status, 400)
    assert.deepEqual(list.body, [{}, { address: ['Invalid IP address format: x'] }])
    assert.equal(
      nb.state.listIpAddresses().filter((ip) => ip.address === '10.61.0.6/24').length,
      0,
      'all or nothing',
    )
    const put = await http<Detail>(nb.url, 'PUT', '/api/ipam/prefixes/1/available-ips/', {
      body: {},
    })
    assert.deepEqual([put.status, put.body], [405, { detail: 'Method "PUT" not allowed.' }])
    const empty = await http(nb.url, 'POST', '/api/ipam/ip-addresses/', {
      headers: { 'content-type': 'text/plain' },
    })
    assert.deepEqual(
      [empty.status, empty.text],
      [400, '{"address":["This field is required."]}'],
      'no body reads as {}',
    )
    const broken = await fetch(`${nb.url}/api/ipam/ip-addresses/`, {
      method: 'POST',
      headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"address": ',
    })
    assert.equal(broken.status, 400)
    assert.match(((await broken.json()) as Detail).detail, /^JSON parse error - /)
    const plain = await fetch(`${nb.url}/api/ipam/ip-addresses/`, {
      method: 'POST',
      headers: { authorization: `Token ${TOKEN}`, 'content-type': 'text/plain' },
      body: 'address=10.0.0.1/24',
    })
    assert.equal(plain.status, 415)
    assert.deepEqual(await plain.json(), {
      detail: 'Unsupported media type "text/plain" in request.',
    })
  })

  test('deleting a VRF that prefixes use is a 409 (PROTECT); deleting a prefix keeps its addresses', async () => {
    const api = client(nb)
    const vrf = nb.state.addVrf({ name: 'red' })
    const prefix = nb.state.addPrefix({ prefix: '10.62.0.0/24', vrfId: vrf.id })
    const ip = await api.post<NbIp>(`/api/ipam/prefixes/${prefix.id}/available-ips/`, {})
    assert.deepEqual(ip.body.vrf?.id, vrf.id)
    const protectedDelete = await api.delete<Detail>(`/api/ipam/vrfs/${vrf.id}/`)
    assert.equal(protectedDelete.status, 409)
    assert.equal(
      protectedDelete.body.detail,
      `Unable to delete object. 2 dependent objects were found: 10.62.0.0/24 (${prefix.id}), 10.62.0.1/24 (${ip.body.id})`,
    )
    assert.equal((await api.delete(`/api/ipam/prefixes/${prefix.id}/`)).status, 204)
    assert.equal((await api.get(`/api/ipam/ip-addresses/${ip.body.id}/`)).status, 200)
    assert.equal(
      (await api.delete('/api/ipam/ip-addresses/', [{ id: ip.body.id }, { id: 99999 }])).status,
      204,
    )
    assert.equal((await api.get(`/api/ipam/ip-addresses/${ip.body.id}/`)).status, 404)
  })
})

describe('NetBox emulator: 4.x tokens', () => {
  let nb: NetboxEmulatorHandle
  before(async () => {
    nb = await startNetboxEmulator({ token: V2_TOKEN })
  })
  after(async () => nb.close())

  test('Bearer nbt_<key>.<token> works and every failure is a 403 with 4.x texts', async () => {
    const ok = await http(nb.url, 'GET', '/api/ipam/prefixes/', { auth: `Bearer ${V2_TOKEN}` })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('api-version'), '4.6')
    const cases: [string | null, string][] = [
      [`Bearer ${V2_TOKEN}x`, 'Invalid v2 token'],
      [
        'Bearer nbt_abcdef',
        "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?",
      ],
      [`Token ${TOKEN}`, 'Invalid v1 token'],
      [
        'Bearer a b',
        'Invalid authorization header: Must be in the form "Bearer <key>.<token>" or "Token <token>"',
      ],
      [null, 'Authentication credentials were not provided.'],
    ]
    for (const [auth, detail] of cases) {
      const res = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', { auth })
      assert.deepEqual([res.status, res.body], [403, { detail }], String(auth))
    }
    nb.state.addToken(TOKEN)
    assert.equal(
      (await http(nb.url, 'GET', '/api/ipam/prefixes/', { auth: `Token ${TOKEN}` })).status,
      200,
      'v1 tokens still work',
    )
    const disabled = 'nbt_disabled00001.secretsecretsecret'
    nb.state.addToken(disabled, { enabled: false })
    const d = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', {
      auth: `Bearer ${disabled}`,
    })
    assert.deepEqual(d.body, { detail: 'Token disabled' })
    const pinned = 'nbt_pinned0000001.secretsecretsecret'
    nb.state.addToken(pinned, { allowedIps: ['192.0.2.1'] })
    const ip = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/', {
      auth: `Bearer ${pinned}`,
    })
    assert.equal(
      ip.body.detail,
      'Source IP 127.0.0.1 is not permitted to authenticate using this token.',
    )
  })
})

describe('NetBox emulator: pagination', () => {
  let nb: NetboxEmulatorHandle
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN, maxPageSize: 10 })
    for (let i = 1; i <= 25; i++)
      nb.state.addIpAddress({ address: `10.70.0.${i}/24`, description: `ip ${i}` })
  })
  after(async () => nb.close())

  test('larger limits are silently capped at MAX_PAGE_SIZE; next links are absolute and walk to the end', async () => {
    const first = await http<Page<NbIp>>(nb.url, 'GET', '/api/ipam/ip-addresses/?limit=100')
    assert.equal(first.body.count, 25)
    assert.equal(first.body.results.length, 10)
    assert.equal(first.body.next, `${nb.url}/api/ipam/ip-addresses/?limit=10&offset=10`)
    assert.equal(first.body.previous, null)
    const { items, pages } = await allPages<NbIp>(nb, '/api/ipam/ip-addresses/?limit=100')
    assert.equal(pages.length, 3)
    assert.deepEqual(
      pages.map((p) => p.results.length),
      [10, 10, 5],
    )
    assert.equal(new Set(items.map((i) => i.id)).size, 25)
    assert.deepEqual(
      items.map((i) => i.address),
      Array.from({ length: 25 }, (_, i) => `10.70.0.${i + 1}/24`),
    )
    assert.equal(
      pages[1]?.previous,
      `${nb.url}/api/ipam/ip-addresses/?limit=10`,
      'the first page drops offset',
    )
    assert.equal(pages[2]?.previous, `${nb.url}/api/ipam/ip-addresses/?limit=10&offset=10`)
    assert.equal(pages[2]?.next, null)
  })

  test('limit=0 means the cap; no limit means PAGINATE_COUNT; links list parameters in key order', async () => {
    const zero = await http<Page<NbIp>>(nb.url, 'GET', '/api/ipam/ip-addresses/?limit=0')
    assert.equal(zero.body.results.length, 10)
    const noLimit = await http<Page<NbIp>>(nb.url, 'GET', '/api/ipam/ip-addresses/')
    assert.equal(noLimit.body.results.length, 25)
    assert.equal(noLimit.body.next, null)
    const sorted = await http<Page<NbIp>>(
      nb.url,
      'GET',
      '/api/ipam/ip-addresses/?parent=10.70.0.0/24&limit=5&offset=5',
    )
    assert.equal(
      sorted.body.next,
      `${nb.url}/api/ipam/ip-addresses/?limit=5&offset=10&parent=10.70.0.0%2F24`,
    )
    assert.equal(
      sorted.body.previous,
      `${nb.url}/api/ipam/ip-addresses/?limit=5&parent=10.70.0.0%2F24`,
    )
    const beyond = await http<Page<NbIp>>(nb.url, 'GET', '/api/ipam/ip-addresses/?offset=500')
    assert.deepEqual([beyond.body.count, beyond.body.results], [25, []])
  })

  test('the available-ips probe is capped too', async () => {
    const prefix = nb.state.addPrefix({ prefix: '10.71.0.0/24' })
    const probe = await http<Available[]>(
      nb.url,
      'GET',
      `/api/ipam/prefixes/${prefix.id}/available-ips/?limit=500`,
    )
    assert.equal(probe.body.length, 10)
    const defaultProbe = await http<Available[]>(
      nb.url,
      'GET',
      `/api/ipam/prefixes/${prefix.id}/available-ips/`,
    )
    assert.equal(defaultProbe.body.length, 10)
  })
})

describe('NetBox emulator: filters and lookups', () => {
  let nb: NetboxEmulatorHandle
  let vrfId = 0
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN })
    const s = nb.state
    s.addTag({ name: 'neutron' })
    s.addCustomField({ name: 'neutron_port_id', contentTypes: ['ipam.ipaddress'] })
    s.addCustomField({
      name: 'neutron_subnet_id',
      contentTypes: ['ipam.prefix'],
      filterLogic: 'exact',
    })
    vrfId = s.addVrf({ name: 'tenant-a', rd: '65000:7' }).id
    s.addPrefix({ prefix: '10.20.0.0/16', status: 'container' })
    s.addPrefix({
      prefix: '10.20.1.0/24',
      tags: ['neutron'],
      customFields: { neutron_subnet_id: 'sub-1' },
    })
    s.addPrefix({ prefix: '10.20.0.0/16', status: 'container', vrfId })
    s.addPrefix({ prefix: '10.20.1.0/24', vrfId })
    s.addPrefix({ prefix: '10.20.2.0/25', status: 'reserved' })
    s.addIpAddress({
      address: '10.20.1.7/24',
      dnsName: 'vm1.example.com',
      description: 'port p-1',
      tags: ['neutron'],
      customFields: { neutron_port_id: 'p-1' },
    })
    s.addIpAddress({ address: '10.20.1.7/32', description: 'loopback-ish' })
    s.addIpAddress({
      address: '10.20.1.8/24',
      vrfId,
      description: 'port p-2',
      customFields: { neutron_port_id: 'p-2' },
    })
  })
  after(async () => nb.close())

  const prefixes = async (q: string): Promise<string[]> => {
    const res = await http<Page<NbObject & { prefix: string; vrf: { id: number } | null }>>(
      nb.url,
      'GET',
      `/api/ipam/prefixes/?${q}`,
    )
    assert.equal(res.status, 200, `${q}: ${res.text}`)
    return res.body.results.map((p) => `${p.prefix}@${p.vrf?.id ?? 'global'}`)
  }
  const ips = async (q: string): Promise<string[]> => {
    const res = await http<Page<NbIp>>(nb.url, 'GET', `/api/ipam/ip-addresses/?${q}`)
    assert.equal(res.status, 200, `${q}: ${res.text}`)
    return res.body.results.map((p) => p.address)
  }

  test('prefix filters: exact, VRF/global, containment, status, mask length, tag, custom field, q', async () => {
    assert.deepEqual(await prefixes('prefix=10.20.1.0/24&vrf_id=null'), ['10.20.1.0/24@global'])
    assert.deepEqual(await prefixes(`prefix=10.20.1.0/24&vrf_id=${vrfId}`), [
      `10.20.1.0/24@${vrfId}`,
    ])
    assert.deepEqual(
      await prefixes('prefix=10.20.1.9/24&vrf_id=null'),
      ['10.20.1.0/24@global'],
      'host bits cleared',
    )
    assert.deepEqual(await prefixes('contains=10.20.1.0/24&vrf_id=null&status=container'), [
      '10.20.0.0/16@global',
    ])
    assert.deepEqual(await prefixes('contains=10.20.2.5&vrf_id=null'), [
      '10.20.0.0/16@global',
      '10.20.2.0/25@global',
    ])
    assert.deepEqual(await prefixes('within=10.20.0.0/16&vrf_id=null'), [
      '10.20.1.0/24@global',
      '10.20.2.0/25@global',
    ])
    assert.deepEqual(await prefixes('within_include=10.20.1.0/24&vrf_id=null'), [
      '10.20.1.0/24@global',
    ])
    assert.deepEqual(await prefixes('mask_length=25'), ['10.20.2.0/25@global'])
    assert.deepEqual(await prefixes('mask_length__gte=24&vrf_id=null'), [
      '10.20.1.0/24@global',
      '10.20.2.0/25@global',
    ])
    assert.deepEqual(await prefixes('status=reserved&status=container&vrf_id=null'), [
      '10.20.0.0/16@global',
      '10.20.2.0/25@global',
    ])
    assert.deepEqual(await prefixes('tag=neutron'), ['10.20.1.0/24@global'])
    assert.deepEqual(await prefixes('cf_neutron_subnet_id=sub-1'), ['10.20.1.0/24@global'])
    assert.deepEqual(await prefixes('cf_neutron_subnet_id=sub'), [], 'exact filter logic')
    assert.deepEqual(await prefixes('vrf=65000:7'), [
      `10.20.0.0/16@${vrfId}`,
      `10.20.1.0/24@${vrfId}`,
    ])
    assert.deepEqual(await prefixes('q=10.20.2.0/25'), [
      '10.20.0.0/16@global',
      '10.20.2.0/25@global',
      `10.20.0.0/16@${vrfId}`,
    ])
    assert.deepEqual(await prefixes('prefix=garbage'), [], 'a malformed prefix matches nothing')
    assert.deepEqual(
      await prefixes('unknown_param=1&prefix=10.20.2.0/25'),
      ['10.20.2.0/25@global'],
      'unknown params ignored',
    )
  })

  test('invalid filter values are 400 with the choice message', async () => {
    const tag = await http(nb.url, 'GET', '/api/ipam/prefixes/?tag=nope')
    assert.equal(tag.status, 400)
    assert.equal(
      tag.text,
      '{"tag":["Select a valid choice. nope is not one of the available choices."]}',
    )
    const vrf = await http(nb.url, 'GET', '/api/ipam/ip-addresses/?vrf_id=999')
    assert.equal(
      vrf.text,
      '{"vrf_id":["Select a valid choice. 999 is not one of the available choices."]}',
    )
    const status = await http(nb.url, 'GET', '/api/ipam/prefixes/?status=bogus')
    assert.equal(
      status.text,
      '{"status":["Select a valid choice. bogus is not one of the available choices."]}',
    )
  })

  test('IP address lookups: address with and without mask, parent, custom field, tag, description, dns_name, VRF', async () => {
    assert.deepEqual(
      await ips('address=10.20.1.7'),
      ['10.20.1.7/24', '10.20.1.7/32'],
      'without a mask: any mask',
    )
    assert.deepEqual(await ips('address=10.20.1.7/32'), ['10.20.1.7/32'])
    assert.deepEqual(await ips('parent=10.20.1.0/24&vrf_id=null'), ['10.20.1.7/24', '10.20.1.7/32'])
    assert.deepEqual(await ips(`parent=10.20.1.0/24&vrf_id=${vrfId}`), ['10.20.1.8/24'])
    assert.deepEqual(await ips('cf_neutron_port_id=p-2'), ['10.20.1.8/24'])
    assert.deepEqual(await ips('tag=neutron'), ['10.20.1.7/24'])
    assert.deepEqual(await ips('description=port%20p-1'), ['10.20.1.7/24'])
    assert.deepEqual(await ips('description__ic=PORT'), ['10.20.1.7/24', '10.20.1.8/24'])
    assert.deepEqual(await ips('dns_name=vm1.example.com'), ['10.20.1.7/24'])
    assert.deepEqual(await ips('q=vm1'), ['10.20.1.7/24'])
    assert.deepEqual(await ips('mask_length=32'), ['10.20.1.7/32'])
  })

  test('tags and custom fields must exist; defined custom fields show as null when unset', async () => {
    const api = client(nb)
    const unknownTag = await api.post('/api/ipam/ip-addresses/', {
      address: '10.20.9.1/24',
      tags: [{ slug: 'nope' }],
    })
    assert.equal(unknownTag.status, 400)
    assert.equal(
      unknownTag.text,
      `{"tags":[["Related object not found using the provided attributes: {'slug': 'nope'}"]]}`,
    )
    const unknownCf = await api.post('/api/ipam/ip-addresses/', {
      address: '10.20.9.1/24',
      custom_fields: { nope: 'x' },
    })
    assert.equal(
      unknownCf.text,
      `{"non_field_errors":["Unknown field name 'nope' in custom field data."]}`,
    )
    const good = await api.post<NbIp>('/api/ipam/ip-addresses/', {
      address: '10.20.9.1/24',
      dns_name: 'VM9.Example.COM',
      tags: [{ slug: 'neutron' }],
      custom_fields: { neutron_port_id: 'p-9' },
    })
    assert.equal(good.status, 201)
    assert.equal(good.body.dns_name, 'vm9.example.com', 'dns_name is lowercased')
    assert.deepEqual(
      good.body.tags.map((t) => t.slug),
      ['neutron'],
    )
    assert.deepEqual(good.body.custom_fields, { neutron_port_id: 'p-9' })
    const plain = await api.post<NbIp>('/api/ipam/ip-addresses/', { address: '10.20.9.2/24' })
    assert.deepEqual(plain.body.custom_fields, { neutron_port_id: null })
    const viaApi = await api.post<NbObject>('/api/extras/tags/', { name: 'xloud', slug: 'xloud' })
    assert.equal(viaApi.status, 201)
    const dupTag = await api.post('/api/extras/tags/', { name: 'xloud', slug: 'xloud' })
    assert.equal(dupTag.status, 400)
  })
})

describe('NetBox emulator: usable span of available-ips', () => {
  let nb: NetboxEmulatorHandle
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN })
  })
  after(async () => nb.close())

  const probe = async (id: number, limit = 5): Promise<string[]> => {
    const res = await http<Available[]>(
      nb.url,
      'GET',
      `/api/ipam/prefixes/${id}/available-ips/?limit=${limit}`,
    )
    return res.body.map((a) => a.address)
  }

  test('IPv4 skips network and broadcast; /31, /32 and pools are whole; IPv6 skips only the first', async () => {
    const v4 = nb.state.addPrefix({ prefix: '192.0.2.0/30' })
    assert.deepEqual(await probe(v4.id), ['192.0.2.1/30', '192.0.2.2/30'])
    const p31 = nb.state.addPrefix({ prefix: '192.0.2.8/31' })
    assert.deepEqual(await probe(p31.id), ['192.0.2.8/31', '192.0.2.9/31'])
    const p32 = nb.state.addPrefix({ prefix: '192.0.2.12/32' })
    assert.deepEqual(await probe(p32.id), ['192.0.2.12/32'])
    const pool = nb.state.addPrefix({ prefix: '192.0.2.16/30', isPool: true })
    assert.deepEqual(await probe(pool.id), [
      '192.0.2.16/30',
      '192.0.2.17/30',
      '192.0.2.18/30',
      '192.0.2.19/30',
    ])
    const v6 = nb.state.addPrefix({ prefix: '2001:db8::/64' })
    assert.deepEqual(await probe(v6.id, 2), ['2001:db8::1/64', '2001:db8::2/64'])
    const v6last = await http<NbIp>(nb.url, 'POST', `/api/ipam/prefixes/${v6.id}/available-ips/`, {
      body: {},
    })
    assert.equal(v6last.body.address, '2001:db8::1/64')
    assert.deepEqual(
      (await http<Available[]>(nb.url, 'GET', `/api/ipam/prefixes/${v6.id}/available-ips/?limit=1`))
        .body,
      [{ family: 6, address: '2001:db8::2/64', vrf: null }],
    )
    const p127 = nb.state.addPrefix({ prefix: '2001:db8:1::/127' })
    assert.deepEqual(await probe(p127.id), ['2001:db8:1::/127', '2001:db8:1::1/127'])
  })

  test('addresses count by host, whatever their mask; a global container counts every VRF', async () => {
    const vrf = nb.state.addVrf({ name: 'green' })
    const active = nb.state.addPrefix({ prefix: '198.51.100.0/29' })
    nb.state.addIpAddress({ address: '198.51.100.1/32' })
    nb.state.addIpAddress({ address: '198.51.100.2/29', vrfId: vrf.id })
    assert.deepEqual(await probe(active.id, 3), [
      '198.51.100.2/29',
      '198.51.100.3/29',
      '198.51.100.4/29',
    ])
    const container = nb.state.addPrefix({ prefix: '198.51.100.0/29', status: 'container' })
    assert.deepEqual(await probe(container.id, 2), ['198.51.100.3/29', '198.51.100.4/29'])
    const inVrf = nb.state.addPrefix({ prefix: '198.51.100.0/29', vrfId: vrf.id })
    const vrfProbe = await http<Available[]>(
      nb.url,
      'GET',
      `/api/ipam/prefixes/${inVrf.id}/available-ips/?limit=1`,
    )
    assert.deepEqual(vrfProbe.body[0], {
      family: 4,
      address: '198.51.100.1/29',
      vrf: {
        id: vrf.id,
        url: `${nb.url}/api/ipam/vrfs/${vrf.id}/`,
        display: 'green',
        name: 'green',
        rd: null,
      },
    })
    const forced = await http<NbIp>(
      nb.url,
      'POST',
      `/api/ipam/prefixes/${inVrf.id}/available-ips/`,
      {
        body: { vrf: null, address: '1.2.3.4/8' },
      },
    )
    assert.equal(forced.body.address, '198.51.100.1/29', 'address and VRF come from the prefix')
    assert.equal(forced.body.vrf?.id, vrf.id)
  })
})

describe('NetBox emulator: concurrency as recorded', () => {
  test('20 concurrent available-ips calls on a /27 get 20 distinct addresses', async () => {
    const nb = await startNetboxEmulator({ token: TOKEN })
    try {
      const prefix = nb.state.addPrefix({ prefix: '10.80.0.0/27' })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http<NbIp>(nb.url, 'POST', `/api/ipam/prefixes/${prefix.id}/available-ips/`, {
            body: { description: `c${i}` },
          }),
        ),
      )
      assert.deepEqual(
        results.map((r) => r.status),
        Array<number>(20).fill(201),
      )
      assert.equal(new Set(results.map((r) => r.body.address)).size, 20)
      assert.equal(new Set(nb.state.listIpAddresses().map((ip) => ip.address)).size, 20)
    } finally {
      await nb.close()
    }
  })

  test('40 concurrent calls on a /27: 30 × 201 and 10 × 409, no duplicates', async () => {
    const nb = await startNetboxEmulator({ token: TOKEN })
    try {
      const prefix = nb.state.addPrefix({ prefix: '10.80.1.0/27' })
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          http<NbIp | Detail>(nb.url, 'POST', `/api/ipam/prefixes/${prefix.id}/available-ips/`, {
            body: {},
          }),
        ),
      )
      const created = results.filter((r) => r.status === 201)
      const refused = results.filter((r) => r.status === 409)
      assert.equal(created.length, 30)
      assert.equal(refused.length, 10)
      for (const r of refused) {
        assert.deepEqual(r.body, {
          detail:
            'An insufficient number of IP addresses are available within 10.80.1.0/27 (1 requested, 0 available)',
        })
      }
      const addresses = created.map((r) => (r.body as NbIp).address)
      assert.equal(new Set(addresses).size, 30)
      assert.equal(nb.state.listIpAddresses().length, 30)
    } finally {
      await nb.close()
    }
  })

  test('plain creates: duplicates accepted by default; with enforce_unique concurrent ones still slip through', async () => {
    const loose = await startNetboxEmulator({ token: TOKEN })
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          http(loose.url, 'POST', '/api/ipam/ip-addresses/', { body: { address: '10.60.0.1/24' } }),
        ),
      )
      assert.deepEqual(
        results.map((r) => r.status),
        [201, 201, 201, 201, 201],
      )
      assert.equal(loose.state.listIpAddresses().length, 5)
    } finally {
      await loose.close()
    }
    const strict = await startNetboxEmulator({ token: TOKEN, enforceUnique: true })
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          http(strict.url, 'POST', '/api/ipam/ip-addresses/', {
            body: { address: '10.60.0.1/24' },
          }),
        ),
      )
      const created = results.filter((r) => r.status === 201).length
      assert.ok(
        created > 1,
        `duplicates slipped past the application-level check (${created} created)`,
      )
      for (const r of results.filter((x) => x.status !== 201)) {
        assert.equal(r.status, 400)
        assert.equal(
          r.text,
          '{"address":["Duplicate IP address found in global table: 10.60.0.1/24"]}',
        )
      }
      assert.equal(strict.state.listIpAddresses().length, created)
      // Sequentially the check holds.
      assert.equal(
        (
          await http(strict.url, 'POST', '/api/ipam/ip-addresses/', {
            body: { address: '10.60.0.1/24' },
          })
        ).status,
        400,
      )
    } finally {
      await strict.close()
    }
  })

  test('with plain writes under the lock (NetBox ≥ 3.3, the 4.x default) enforce_unique holds under concurrency', async () => {
    const nb = await startNetboxEmulator({
      token: TOKEN,
      enforceUnique: true,
      lockPlainWrites: true,
    })
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          http(nb.url, 'POST', '/api/ipam/ip-addresses/', { body: { address: '10.60.0.1/24' } }),
        ),
      )
      assert.equal(results.filter((r) => r.status === 201).length, 1)
      assert.equal(results.filter((r) => r.status === 400).length, 9)
    } finally {
      await nb.close()
    }
  })

  test('state helpers: slip in a duplicate, list, delete by hand', async () => {
    const nb = await startNetboxEmulator({ token: TOKEN, enforceUnique: true })
    try {
      const a = nb.state.addIpAddress({ address: '10.90.0.5/24', description: 'by hand' })
      const b = nb.state.addIpAddress({ address: '10.90.0.5/24', description: 'duplicate' })
      const listed = await http<Page<NbIp>>(
        nb.url,
        'GET',
        '/api/ipam/ip-addresses/?address=10.90.0.5',
      )
      assert.deepEqual(
        listed.body.results.map((r) => r.id),
        [a.id, b.id],
      )
      assert.ok(nb.state.deleteIpAddress(a.id))
      assert.equal(nb.state.deleteIpAddress(a.id), false)
      assert.deepEqual(
        nb.state.listIpAddresses().map((ip) => ip.id),
        [b.id],
      )
      assert.equal((await http(nb.url, 'GET', `/api/ipam/ip-addresses/${a.id}/`)).status, 404)
    } finally {
      await nb.close()
    }
  })
})

describe('NetBox emulator: faults, call counting, pause/resume', () => {
  let nb: NetboxEmulatorHandle
  before(async () => {
    nb = await startNetboxEmulator({ token: TOKEN })
    nb.state.addPrefix({ prefix: '10.100.0.0/24' })
  })
  after(async () => nb.close())

  test('a hanging server makes the client time out; then it answers again', async () => {
    nb.faults.hang(true)
    await assert.rejects(
      http(nb.url, 'GET', '/api/ipam/prefixes/', { signal: AbortSignal.timeout(200) }),
      (e: Error) => e.name === 'TimeoutError',
    )
    nb.faults.hang(false)
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
  })

  test('fail next N and the N-th call, in NetBox error shapes', async () => {
    nb.faults.failNext(2, 503)
    for (let i = 0; i < 2; i++) {
      const r = await http<Detail>(nb.url, 'GET', '/api/ipam/prefixes/')
      assert.equal(r.status, 503)
      assert.equal(typeof r.body.detail, 'string')
    }
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
    nb.faults.failNth(2, 500)
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
    const boom = await http<Record<string, string>>(nb.url, 'GET', '/api/ipam/prefixes/')
    assert.equal(boom.status, 500)
    assert.deepEqual(Object.keys(boom.body), [
      'error',
      'exception',
      'netbox_version',
      'python_version',
    ])
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
  })

  test('reset connections, and faults set through the control route', async () => {
    nb.faults.resetNext(1)
    await assert.rejects(http(nb.url, 'GET', '/api/ipam/prefixes/'))
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
    const ctl = await http(nb.url, 'POST', '/__emulator/faults', {
      body: { fail_next: 1, status: 502 },
      auth: null,
    })
    assert.equal(ctl.status, 200)
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 502)
    assert.equal((await http(nb.url, 'GET', '/api/ipam/prefixes/')).status, 200)
  })

  test('calls are counted by method and path; control routes are not', async () => {
    nb.calls.reset()
    const prefix = nb.state.addPrefix({ prefix: '10.101.0.0/24' })
    for (let i = 0; i < 3; i++)
      await http(nb.url, 'POST', `/api/ipam/prefixes/${prefix.id}/available-ips/`, { body: {} })
    await http(nb.url, 'GET', '/api/ipam/ip-addresses/')
    await http(nb.url, 'GET', '/__emulator/calls', { auth: null })
    assert.equal(nb.calls.count('POST', '/available-ips/'), 3)
    assert.equal(nb.calls.count('GET'), 1)
    assert.equal(nb.calls.total, 4)
    assert.deepEqual(
      nb.calls.log.map((c) => c.status),
      [201, 201, 201, 200],
    )
    const viaHttp = await http<{ total: number }>(nb.url, 'GET', '/__emulator/calls', {
      auth: null,
    })
    assert.equal(viaHttp.body.total, 4)
  })

  test('pause refuses connections; resume serves the same state on the same port', async () => {
    const before = await http<Page<NbObject>>(nb.url, 'GET', '/api/ipam/prefixes/')
    const port = nb.port
    assert.equal(await connectError(port), 'connected')
    await nb.pause()
    await assert.rejects(fetch(`${nb.url}/api/ipam/prefixes/`))
    assert.equal(await connectError(port), 'ECONNREFUSED')
    await nb.resume()
    assert.equal(nb.port, port)
    const afterResume = await http<Page<NbObject>>(nb.url, 'GET', '/api/ipam/prefixes/')
    assert.deepEqual(afterResume.body, before.body)
  })
})

describe('NetBox emulator: TLS and CLI', () => {
  test('serves HTTPS when given a key and certificate', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'nb-tls-'))
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      )
    } catch {
      t.skip('openssl not available')
      return
    }
    const nb = await startNetboxEmulator({
      token: TOKEN,
      tls: { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
    })
    try {
      assert.ok(nb.url.startsWith('https://'))
      const { status, body } = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          const req = httpsRequest(
            `${nb.url}/api/status/`,
            { rejectUnauthorized: false, headers: { authorization: `Token ${TOKEN}` } },
            (res) => {
              let text = ''
              res.on('data', (c: Buffer) => (text += c.toString()))
              res.on('end', () => {
                resolve({ status: res.statusCode ?? 0, body: text })
              })
            },
          )
          req.on('error', reject)
          req.end()
        },
      )
      assert.equal(status, 200)
      assert.equal((JSON.parse(body) as Record<string, unknown>)['netbox-version'], '3.1.11')
    } finally {
      await nb.close()
    }
  })

  test('npm run emulator -- netbox serves until SIGTERM, printing where', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulators/cli.ts', 'netbox', '--port', '0', '--token', TOKEN],
      {
        cwd: join(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          if (out.includes('\n')) resolve(out.trim())
        })
        child.on('exit', (code) => {
          reject(new Error(`exited ${String(code)}`))
        })
      })
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]
      assert.ok(url !== undefined, line)
      assert.equal((await http(url, 'GET', '/api/ipam/prefixes/')).status, 200)
      assert.equal(
        (await http(url, 'GET', '/api/ipam/prefixes/', { auth: 'Token nope' })).status,
        403,
      )
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => {
          resolve(code)
        }),
      )
      child.kill('SIGTERM')
      assert.equal(await exited, 0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
