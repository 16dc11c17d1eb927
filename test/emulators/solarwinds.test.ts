/**
 * The SolarWinds IPAM (SWIS REST/JSON) emulator over real HTTP: Basic auth, SWQL queries with
 * parameters, verbs with positional arguments, two-phase reservations and their expiry, IPNode
 * updates through swis:// URIs, subnets placed twice in the tree, faults and call counting, as
 * shared/contracts/external-apis.md §5 describes the product.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  NODE_STATUS,
  startSolarwindsEmulator,
  type SolarwindsEmulator,
  type SolarwindsEmulatorOptions,
} from '../../emulators/solarwinds/index.ts'

const USER = 'admin'
const PASS = 'orion-secret'
const ROOT = resolve(import.meta.dirname, '../..')
const JSON_PATH = '/SolarWinds/InformationService/v3/Json'

type Row = Record<string, unknown>
interface QueryBody {
  totalRows?: number
  results: Row[]
}
interface SwisErrorBody {
  Message: string
}
interface Reply<T> {
  readonly status: number
  readonly body: T
  readonly text: string
  readonly headers: Headers
}

function basic(user = USER, password = PASS): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
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

/** A SWIS client as orionsdk-python talks: Basic auth on every call, JSON bodies. */
function swis(em: SolarwindsEmulator, authorization = basic()) {
  const call = <T>(method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization }
    const init: RequestInit = { method, headers }
    if (body !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    return send<T>(`${em.url}${JSON_PATH}/${path}`, init)
  }
  return {
    query: (query: string, parameters: Record<string, unknown> = {}) =>
      call<QueryBody>('POST', 'Query', { query, parameters }),
    invoke: <T = unknown>(entity: string, verb: string, args: unknown) =>
      call<T>('POST', `Invoke/${entity}/${verb}`, args),
    verb: <T = unknown>(verb: string, args: unknown[]) =>
      call<T>('POST', `Invoke/IPAM.SubnetManagement/${verb}`, args),
    read: (uri: string) => call<Row>('GET', uri),
    update: (uri: string, props: Record<string, unknown>) => call<unknown>('POST', uri, props),
    remove: (uri: string) => call<unknown>('DELETE', uri),
    call,
  }
}

async function emulator(options: Partial<SolarwindsEmulatorOptions> = {}) {
  return startSolarwindsEmulator({ username: USER, password: PASS, ...options })
}

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

describe('SolarWinds SWIS: authentication and queries', () => {
  let em: SolarwindsEmulator
  let api: ReturnType<typeof swis>
  let subnet: number
  let supernet: number

  before(async () => {
    em = await emulator()
    supernet = em.state.addSupernet('10.20.0.0/16', { name: 'neutron pool' })
    subnet = em.state.addSubnet('10.20.1.0/28', { parentId: supernet, comments: 'lab' })
    api = swis(em)
  })
  after(() => em.close())

  test('Basic auth on every call: none → 401 with a challenge, wrong → 403, right → 200', async () => {
    const none = await send<SwisErrorBody>(
      `${em.url}${JSON_PATH}/Query?query=SELECT+SubnetId+FROM+IPAM.Subnet`,
    )
    assert.equal(none.status, 401)
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic/)
    const wrong = await swis(em, basic(USER, 'nope')).query('SELECT SubnetId FROM IPAM.Subnet')
    assert.equal(wrong.status, 403)
    assert.equal(typeof (wrong.body as unknown as SwisErrorBody).Message, 'string')
    assert.equal((await api.query('SELECT SubnetId FROM IPAM.Subnet')).status, 200)
  })

  test('IPAM.Subnet by Address and CIDR with parameters (CIDR as number or string)', async () => {
    const q =
      'SELECT SubnetId, ParentId, Address, CIDR, GroupType, FriendlyName, Uri FROM IPAM.Subnet WHERE Address=@a AND CIDR=@c'
    for (const c of [28, '28']) {
      const reply = await api.query(q, { a: '10.20.1.0', c })
      assert.equal(reply.status, 200)
      assert.deepEqual(reply.body.results, [
        {
          SubnetId: subnet,
          ParentId: supernet,
          Address: '10.20.1.0',
          CIDR: 28,
          GroupType: 8,
          FriendlyName: '10.20.1.0 /28',
          Uri: `swis://orion/Orion/IPAM.Subnet/SubnetId=${subnet},ParentId=${supernet}`,
        },
      ])
    }
    const sup = await api.query(q, { a: '10.20.0.0', c: 16 })
    assert.equal(sup.body.results[0]?.GroupType, 4)
    const miss = await api.query(q, { a: '10.99.0.0', c: 24 })
    assert.deepEqual([miss.status, miss.body.results], [200, []])
  })

  test('GET Query?query= works too', async () => {
    const q = encodeURIComponent(
      `SELECT TotalCount, AvailableCount, Comments FROM IPAM.Subnet WHERE SubnetId=${subnet}`,
    )
    const reply = await api.call<QueryBody>('GET', `Query?query=${q}`)
    assert.deepEqual(reply.body.results, [{ TotalCount: 14, AvailableCount: 14, Comments: 'lab' }])
  })

  test('IPNode rows exist for every host address, Available (2), with ordinals', async () => {
    const reply = await api.query(
      'SELECT IpNodeId, IPOrdinal, IPAddress, Status, Uri FROM IPAM.IPNode WHERE SubnetId=@s ORDER BY IPOrdinal',
      { s: subnet },
    )
    assert.equal(reply.body.results.length, 14)
    assert.deepEqual(reply.body.results[0], {
      IpNodeId: reply.body.results[0]?.IpNodeId,
      IPOrdinal: 1,
      IPAddress: '10.20.1.1',
      Status: 2,
      Uri: `swis://orion/Orion/IPAM.IPNode/IpNodeId=${String(reply.body.results[0]?.IpNodeId)}`,
    })
    assert.equal(reply.body.results.at(-1)?.IPAddress, '10.20.1.14')
    assert.ok(reply.body.results.every((r) => r.Status === NODE_STATUS.Available))
  })

  test('TOP, ORDER BY DESC, aliases, WITH ROWS and WITH TOTALROWS', async () => {
    const top = await api.query(
      'SELECT TOP 2 n.IPAddress AS ip FROM IPAM.IPNode n WHERE n.SubnetId=@s AND n.Status=2 ORDER BY n.IPOrdinal DESC',
      { s: subnet },
    )
    assert.deepEqual(top.body.results, [{ ip: '10.20.1.14' }, { ip: '10.20.1.13' }])
    const rows = await api.query(
      'SELECT IPAddress FROM IPAM.IPNode WHERE SubnetId=@s ORDER BY IPOrdinal WITH ROWS 3 TO 4 WITH TOTALROWS',
      { s: subnet },
    )
    assert.deepEqual(rows.body, {
      totalRows: 14,
      results: [{ IPAddress: '10.20.1.3' }, { IPAddress: '10.20.1.4' }],
    })
  })

  test('LIKE, IN (list and parameter), IS NULL, NOT and OR', async () => {
    const like = await api.query(
      "SELECT IPAddress FROM IPAM.IPNode WHERE IPAddress LIKE '10.20.1.1_' AND SubnetId=@s",
      { s: subnet },
    )
    assert.deepEqual(
      like.body.results.map((r) => r.IPAddress),
      ['10.20.1.10', '10.20.1.11', '10.20.1.12', '10.20.1.13', '10.20.1.14'],
    )
    const inList = await api.query(
      "SELECT IPAddress FROM IPAM.IPNode WHERE IPAddress IN ('10.20.1.2', '10.20.1.9')",
    )
    assert.equal(inList.body.results.length, 2)
    const inParam = await api.query(
      'SELECT IPAddress FROM IPAM.IPNode WHERE IPOrdinal IN @ids AND SubnetId=@s',
      { ids: [1, 3], s: subnet },
    )
    assert.deepEqual(
      inParam.body.results.map((r) => r.IPAddress),
      ['10.20.1.1', '10.20.1.3'],
    )
    const nulls = await api.query(
      'SELECT IPAddress FROM IPAM.IPNode WHERE MAC IS NULL AND NOT (IPOrdinal > 2) AND SubnetId=@s',
      { s: subnet },
    )
    assert.equal(nulls.body.results.length, 2)
    const either = await api.query(
      "SELECT IPAddress FROM IPAM.IPNode WHERE IPAddress='10.20.1.1' OR IPAddress='10.20.1.2'",
    )
    assert.equal(either.body.results.length, 2)
  })

  test('query errors are 400 with a Message', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['SELECT * FROM IPAM.IPNode', {}, /SELECT \*/],
      ['SELECT Foo FROM IPAM.IPNode', {}, /Foo/],
      ['SELECT SubnetId FROM IPAM.Nope', {}, /IPAM\.Nope/],
      ['SELECT SubnetId FROM IPAM.Subnet WHERE SubnetId=@missing', {}, /@missing/],
      ['SELECT SubnetId FROM IPAM.Subnet WHERE', {}, /Syntax error/],
    ]
    for (const [query, params, message] of cases) {
      const reply = await api.query(query, params)
      assert.equal(reply.status, 400, query)
      assert.match((reply.body as unknown as SwisErrorBody).Message, message, query)
    }
  })
})

describe('SolarWinds SWIS: verbs, reservations and node updates', () => {
  let em: SolarwindsEmulator
  let api: ReturnType<typeof swis>
  let subnet: number

  before(async () => {
    em = await emulator()
    subnet = em.state.addSubnet('10.30.1.0/29')
    api = swis(em)
  })
  after(() => em.close())

  const status = async (ip: string) =>
    (await api.query('SELECT Status FROM IPAM.IPNode WHERE IPAddress=@ip', { ip })).body.results[0]
      ?.Status

  test('StartIpReservation answers a JSON string and holds the node; Finish makes it Used', async () => {
    const start = await api.verb<string>('StartIpReservation', ['10.30.1.0', '29', 10])
    assert.equal(start.status, 200)
    assert.equal(start.text, '"10.30.1.1"')
    assert.equal(await status('10.30.1.1'), NODE_STATUS.Transient)
    const second = await api.verb<string>('StartIpReservation', ['10.30.1.0', 29, '10'])
    assert.equal(second.body, '10.30.1.2', 'a held node is not handed out twice')
    const finish = await api.verb('FinishIpReservation', ['10.30.1.1', 'Used'])
    assert.equal(finish.status, 200)
    assert.equal(await status('10.30.1.1'), NODE_STATUS.Used)
    const twice = await api.verb<SwisErrorBody>('FinishIpReservation', ['10.30.1.1', 'Used'])
    assert.equal(twice.status, 400)
    assert.match(twice.body.Message, /not reserved/)
  })

  test('concurrent StartIpReservation calls hold distinct nodes', async () => {
    em.state.addSubnet('10.30.7.0/27')
    const replies = await Promise.all(
      Array.from({ length: 12 }, () =>
        api.verb<string>('StartIpReservation', ['10.30.7.0', '27', 10]),
      ),
    )
    assert.ok(replies.every((r) => r.status === 200))
    assert.equal(new Set(replies.map((r) => r.body)).size, 12)
  })

  test('CancelIpReservation returns the node to Available; cancelling a free node is refused', async () => {
    assert.equal(await status('10.30.1.2'), NODE_STATUS.Transient)
    assert.equal((await api.verb('CancelIpReservation', ['10.30.1.2'])).status, 200)
    assert.equal(await status('10.30.1.2'), NODE_STATUS.Available)
    assert.equal((await api.verb('CancelIpReservation', ['10.30.1.2'])).status, 400)
  })

  test('the optional 4th argument starts the search at an address', async () => {
    const r = await api.verb<string>('StartIpReservation', ['10.30.1.0', '29', '10', '10.30.1.5'])
    assert.equal(r.body, '10.30.1.5')
    await api.verb('CancelIpReservation', ['10.30.1.5'])
    const outside = await api.verb('StartIpReservation', ['10.30.1.0', '29', '10', '10.31.0.1'])
    assert.equal(outside.status, 400)
  })

  test('a specific address: query the node (Status 2), ChangeIpStatus Used, then release', async () => {
    const node = await api.query(
      'SELECT IpNodeId, Status, Uri FROM IPAM.IPNode WHERE IPAddress=@ip AND SubnetId=@s',
      { ip: '10.30.1.4', s: subnet },
    )
    assert.equal(node.body.results[0]?.Status, 2)
    const uri = String(node.body.results[0]?.Uri)
    assert.equal((await api.verb('ChangeIpStatus', ['10.30.1.4', 'Used'])).status, 200)
    const upd = await api.update(uri, {
      MAC: 'FA:16:3E:00:00:04',
      Comments: 'port p-4',
      DnsBackward: 'vm4.example.com',
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.text, '', 'update answers 200 with an empty body')
    const read = await api.read(uri)
    assert.deepEqual(
      [read.body.Status, read.body.MAC, read.body.Comments],
      [1, 'FA:16:3E:00:00:04', 'port p-4'],
    )
    const byTag = await api.query(
      'SELECT IPAddress FROM IPAM.IPNode WHERE Comments=@tag AND SubnetId=@s',
      { tag: 'port p-4', s: subnet },
    )
    assert.deepEqual(byTag.body.results, [{ IPAddress: '10.30.1.4' }])
    await api.verb('ChangeIpStatus', ['10.30.1.4', 'Available'])
    assert.equal(
      (await api.read(uri)).body.MAC,
      'FA:16:3E:00:00:04',
      'ChangeIpStatus keeps MAC and Comments',
    )
    await api.update(uri, { MAC: null, Comments: null })
    const cleared = await api.read(uri)
    assert.deepEqual(
      [cleared.body.Status, cleared.body.MAC, cleared.body.Comments],
      [2, null, null],
    )
  })

  test('ChangeIpStatus names are checked and verb names are case-insensitive', async () => {
    assert.equal((await api.verb('ChangeIPStatus', ['10.30.1.6', 'blocked'])).status, 200)
    assert.equal(em.state.node('10.30.1.6')?.status, NODE_STATUS.Blocked)
    const bad = await api.verb<SwisErrorBody>('ChangeIpStatus', ['10.30.1.6', 'Gone'])
    assert.equal(bad.status, 400)
    assert.match(bad.body.Message, /Possible values/)
    const unknown = await api.verb<SwisErrorBody>('ChangeIpStatus', ['10.99.0.1', 'Used'])
    assert.equal(unknown.status, 400)
    em.state.setNodeStatus('10.30.1.6', 'Available')
  })

  test('verb arguments are a positional JSON array; wrong shapes are 400', async () => {
    const named = await api.verb<SwisErrorBody>('ChangeIpStatus', {
      ipAddress: '10.30.1.6',
      status: 'Used',
    } as unknown as unknown[])
    assert.equal(named.status, 400)
    assert.match(named.body.Message, /array/)
    const short = await api.verb<SwisErrorBody>('StartIpReservation', ['10.30.1.0'])
    assert.equal(short.status, 400)
    assert.match(short.body.Message, /cannot unpackage parameter/)
    const verb = await api.verb<SwisErrorBody>('NoSuchVerb', [])
    assert.equal(verb.status, 400)
  })

  test('GetFirstAvailableIp does not change status; an unknown subnet is an error', async () => {
    const first = await api.verb<string>('GetFirstAvailableIp', ['10.30.1.0', '29'])
    assert.equal(first.body, '10.30.1.2')
    assert.equal(await status('10.30.1.2'), NODE_STATUS.Available)
    assert.equal((await api.verb('GetFirstAvailableIp', ['10.99.1.0', '24'])).status, 400)
  })

  test('node updates refuse unknown properties and custom-property navigation', async () => {
    const uri = `swis://orion/Orion/IPAM.IPNode/IpNodeId=${String(em.state.node('10.30.1.3')?.ipNodeId)}`
    const bad = await api.update(uri, { Nope: 1 })
    assert.equal(bad.status, 400)
    const custom = await api.read(`${uri}/Custom`)
    assert.equal(custom.status, 400)
    assert.match(
      (custom.body as unknown as SwisErrorBody).Message,
      /Invalid key properties specified for entity IPAM\.IPNode/,
    )
    const missing = await api.read('swis://orion/Orion/IPAM.IPNode/IpNodeId=999999')
    assert.equal(missing.status, 400)
  })

  test('a full subnet: reservation and first-available fail with 400', async () => {
    const tiny = em.state.addSubnet('10.30.9.0/30')
    assert.equal(em.state.fillSubnet(tiny), 2)
    const r = await api.verb<SwisErrorBody>('StartIpReservation', ['10.30.9.0', '30', 10])
    assert.equal(r.status, 400)
    assert.match(r.body.Message, /No available IP address/)
    assert.equal((await api.verb('GetFirstAvailableIp', ['10.30.9.0', '30'])).status, 400)
  })

  test('CreateSubnet places a subnet under the root with its nodes; overlaps are refused', async () => {
    const created = await api.verb('CreateSubnet', ['10.30.20.0', '24'])
    assert.deepEqual([created.status, created.text], [200, 'null'])
    const found = await api.query(
      'SELECT SubnetId, ParentId, TotalCount FROM IPAM.Subnet WHERE Address=@a AND CIDR=@c',
      { a: '10.30.20.0', c: 24 },
    )
    assert.equal(found.body.results[0]?.ParentId, 0)
    assert.equal(found.body.results[0]?.TotalCount, 254)
    const overlap = await api.verb<SwisErrorBody>('CreateSubnet', ['10.30.20.128', '25'])
    assert.equal(overlap.status, 400)
    assert.match(overlap.body.Message, /overlaps/)
    const sup = em.state.addSupernet('10.50.0.0/16')
    assert.equal(
      (await api.verb('CreateSubnetForGivenParentNode', ['10.50.1.0', '24', sup])).status,
      200,
    )
    assert.equal(
      (await api.verb('CreateSubnetForGivenParentNode', ['10.60.1.0', '24', sup])).status,
      400,
    )
  })

  test('adopting a subnet (POST its Uri) and deleting it by the composite URI', async () => {
    const row = (
      await api.query(
        "SELECT SubnetId, ParentId, Uri FROM IPAM.Subnet WHERE Address='10.30.20.0' AND CIDR=24",
      )
    ).body.results[0]
    const uri = String(row?.Uri)
    assert.equal((await api.update(uri, { Comments: 'neutron 1234' })).status, 200)
    assert.equal((await api.read(uri)).body.Comments, 'neutron 1234')
    const onlyId = await api.remove(
      `swis://orion/Orion/IPAM.Subnet/SubnetId=${String(row?.SubnetId)}`,
    )
    assert.equal(onlyId.status, 400)
    const del = await api.remove(uri)
    assert.deepEqual([del.status, del.text], [200, ''])
    const gone = await api.query("SELECT SubnetId FROM IPAM.Subnet WHERE Address='10.30.20.0'")
    assert.deepEqual(gone.body.results, [])
    const nodes = await api.query("SELECT IpNodeId FROM IPAM.IPNode WHERE IPAddress='10.30.20.1'")
    assert.deepEqual(nodes.body.results, [])
  })

  test('BulkUpdate writes several nodes; bad URIs are refused', async () => {
    const uris = ['10.30.1.5', '10.30.1.6'].map(
      (ip) => `swis://orion/Orion/IPAM.IPNode/IpNodeId=${String(em.state.node(ip)?.ipNodeId)}`,
    )
    const bulk = await api.call('POST', 'BulkUpdate', { uris, properties: { Comments: 'bulk' } })
    assert.deepEqual([bulk.status, bulk.text], [200, ''])
    assert.deepEqual(
      ['10.30.1.5', '10.30.1.6'].map((ip) => em.state.node(ip)?.comments),
      ['bulk', 'bulk'],
    )
    const bad = await api.call('POST', 'BulkUpdate', {
      uris: ['swis://orion/Orion/IPAM.Nope/Id=1'],
      properties: {},
    })
    assert.equal(bad.status, 400)
  })

  test('DNS verbs are accepted and recorded', async () => {
    const add = await api.invoke('IPAM.IPAddressManagement', 'AddDnsARecordWithPtr', [
      'vm1.zone.',
      '10.30.1.3',
      '10.0.0.53',
      'zone',
    ])
    assert.equal(add.status, 200)
    assert.deepEqual(em.state.dnsRecords(), [
      { name: 'vm1.zone.', address: '10.30.1.3', dnsServer: '10.0.0.53', zone: 'zone', ptr: true },
    ])
    await api.invoke('IPAM.IPAddressManagement', 'RemoveDnsARecord', [
      'vm1.zone.',
      '10.30.1.3',
      '10.0.0.53',
      'zone',
    ])
    assert.deepEqual(em.state.dnsRecords(), [])
  })
})

describe('SolarWinds SWIS: reservation expiry', () => {
  test('a reservation lapses back to Available after reservationTtlSeconds; Finish then fails', async () => {
    const em = await emulator({ reservationTtlSeconds: 1 })
    try {
      em.state.addSubnet('10.40.1.0/29')
      const api = swis(em)
      const ip = (await api.verb<string>('StartIpReservation', ['10.40.1.0', '29', 10])).body
      assert.equal(em.state.node(ip)?.statusName, 'Transient')
      await new Promise((r) => setTimeout(r, 1200))
      const row = await api.query('SELECT Status FROM IPAM.IPNode WHERE IPAddress=@ip', { ip })
      assert.equal(row.body.results[0]?.Status, NODE_STATUS.Available)
      assert.equal((await api.verb('FinishIpReservation', [ip, 'Used'])).status, 400)
      assert.equal(
        (await api.verb<string>('StartIpReservation', ['10.40.1.0', '29'])).body,
        ip,
        'handed out again',
      )
    } finally {
      await em.close()
    }
  })

  test("without the override the verb's minutes hold the node", async () => {
    const em = await emulator()
    try {
      em.state.addSubnet('10.40.2.0/29')
      const ip = (await swis(em).verb<string>('StartIpReservation', ['10.40.2.0', '29', 1])).body
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(em.state.node(ip)?.reserved, true)
      assert.equal((await swis(em).verb('FinishIpReservation', [ip, 'Reserved'])).status, 200)
      assert.equal(em.state.node(ip)?.statusName, 'Reserved')
    } finally {
      await em.close()
    }
  })
})

describe('SolarWinds SWIS: a subnet twice in the hierarchy', () => {
  let em: SolarwindsEmulator
  let api: ReturnType<typeof swis>

  before(async () => {
    em = await emulator()
    api = swis(em)
  })
  after(() => em.close())

  test('one subnet under two parents: two IPAM.Subnet rows, one set of nodes', async () => {
    const folder = em.state.addGroup('Datacenter A')
    const id = em.state.addSubnet('10.70.1.0/29', { alsoUnder: [folder] })
    const rows = await api.query(
      "SELECT SubnetId, ParentId, Uri FROM IPAM.Subnet WHERE Address='10.70.1.0' AND CIDR=29 ORDER BY ParentId",
    )
    assert.deepEqual(
      rows.body.results.map((r) => [r.SubnetId, r.ParentId]),
      [
        [id, 0],
        [id, folder],
      ],
    )
    assert.notEqual(rows.body.results[0]?.Uri, rows.body.results[1]?.Uri)
    const nodes = await api.query("SELECT IpNodeId FROM IPAM.IPNode WHERE IPAddress='10.70.1.1'")
    assert.equal(nodes.body.results.length, 1)
    await api.remove(String(rows.body.results[1]?.Uri))
    const left = await api.query("SELECT ParentId FROM IPAM.Subnet WHERE Address='10.70.1.0'")
    assert.deepEqual(left.body.results, [{ ParentId: 0 }])
    assert.equal(em.state.nodes(id).length, 6, 'the nodes stay with the remaining placement')
  })

  test('the same CIDR in two hierarchies: plain verbs use the default one, *ForGroup verbs the group', async () => {
    const other = em.state.addGroup('Lab', { hierarchy: true })
    const main = em.state.addSubnet('10.80.1.0/29')
    const lab = em.state.addSubnet('10.80.1.0/29', { parentId: other })
    const rows = await api.query(
      "SELECT SubnetId FROM IPAM.Subnet WHERE Address='10.80.1.0' AND CIDR=29",
    )
    assert.equal(rows.body.results.length, 2)
    const a = await api.verb<string>('StartIpReservation', ['10.80.1.0', '29'])
    assert.equal(a.body, '10.80.1.1')
    assert.equal(em.state.node('10.80.1.1', main)?.statusName, 'Transient')
    assert.equal(em.state.node('10.80.1.1', lab)?.statusName, 'Available')
    const b = await api.verb<string>('StartIpReservationForGroup', ['10.80.1.0', '29', 'Lab'])
    assert.equal(b.body, '10.80.1.1')
    assert.equal(
      (await api.verb('FinishIpReservationForGroup', ['10.80.1.1', 'Used', 'Lab'])).status,
      200,
    )
    assert.equal(em.state.node('10.80.1.1', lab)?.statusName, 'Used')
    assert.equal(em.state.node('10.80.1.1', main)?.statusName, 'Transient')
    const nodes = await api.query(
      "SELECT SubnetId, Status FROM IPAM.IPNode WHERE IPAddress='10.80.1.1' ORDER BY SubnetId",
    )
    assert.deepEqual(nodes.body.results, [
      { SubnetId: main, Status: NODE_STATUS.Transient },
      { SubnetId: lab, Status: NODE_STATUS.Used },
    ])
    assert.equal(
      (await api.verb('StartIpReservationForGroup', ['10.80.1.0', '29', 'Nope'])).status,
      400,
    )
  })
})

describe('SolarWinds faults, call counting and lifecycle', () => {
  let em: SolarwindsEmulator
  let api: ReturnType<typeof swis>

  before(async () => {
    em = await emulator()
    em.state.addSubnet('10.90.1.0/28')
    api = swis(em)
  })
  after(() => em.close())

  test('a hanging server makes the client time out', async () => {
    em.faults.hang(true)
    await assert.rejects(
      fetch(`${em.url}${JSON_PATH}/Query?query=x`, {
        headers: { authorization: basic() },
        signal: AbortSignal.timeout(300),
      }),
      (e: Error) => e.name === 'TimeoutError',
    )
    em.faults.hang(false)
    assert.equal((await api.query('SELECT SubnetId FROM IPAM.Subnet')).status, 200)
  })

  test('fail next N answers the SWIS error shape, then calls succeed', async () => {
    em.faults.failNext(2, 500)
    for (let i = 0; i < 2; i++) {
      const r = await api.verb<SwisErrorBody>('GetFirstAvailableIp', ['10.90.1.0', '28'])
      assert.equal(r.status, 500)
      assert.equal(typeof r.body.Message, 'string')
    }
    assert.equal(
      (await api.verb<string>('GetFirstAvailableIp', ['10.90.1.0', '28'])).body,
      '10.90.1.1',
    )
  })

  test('pause refuses connections; resume keeps nodes and reservations', async () => {
    const ip = (await api.verb<string>('StartIpReservation', ['10.90.1.0', '28', 10])).body
    await em.pause()
    await assert.rejects(fetch(`${em.url}${JSON_PATH}/Query?query=x`))
    assert.equal(await connectError(em.port), 'ECONNREFUSED')
    await em.resume()
    assert.equal((await api.verb('FinishIpReservation', [ip, 'Used'])).status, 200)
    assert.equal(em.state.node(ip)?.statusName, 'Used')
  })

  test('calls are counted; control routes are not', async () => {
    em.calls.reset()
    await api.verb('StartIpReservation', ['10.90.1.0', '28'])
    await api.query('SELECT SubnetId FROM IPAM.Subnet')
    await api.query('SELECT SubnetId FROM IPAM.Subnet')
    await send(`${em.url}/__emulator/calls`)
    assert.equal(em.calls.total, 3)
    assert.equal(em.calls.count('POST', '/Invoke/IPAM.SubnetManagement/StartIpReservation'), 1)
    assert.equal(em.calls.count('POST', '/Query'), 2)
  })

  test('npm run emulator -- solarwinds serves until SIGTERM and prints where', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulators/cli.ts',
        'solarwinds',
        '--port',
        '0',
        '--username',
        'u',
        '--password',
        'p',
        '--subnet',
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
    const reply = await send<string>(
      `${url}${JSON_PATH}/Invoke/IPAM.SubnetManagement/GetFirstAvailableIp`,
      {
        method: 'POST',
        headers: { authorization: basic('u', 'p'), 'content-type': 'application/json' },
        body: JSON.stringify(['10.1.0.0', '24']),
      },
    )
    assert.equal(reply.body, '10.1.0.1')
    const exited = new Promise<number | null>((done) => child.on('exit', done))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  })
})
