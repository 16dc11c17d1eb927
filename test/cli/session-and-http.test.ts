/**
 * Endpoint and credential resolution (flags over OS_* variables) and what goes over the wire,
 * against a fake API that records requests and answers what each test needs.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { UsageError } from '../../src/cli/client/errors.ts'
import { openSession } from '../../src/cli/client/session.ts'
import { runXloud } from './cli-harness.ts'

interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

const NETWORK = {
  id: '11111111-2222-3333-4444-555555555555',
  name: 'fake-net',
  subnets: [],
  admin_state_up: true,
}

describe('xloud sessions and HTTP', () => {
  let server: Server
  let url = ''
  const requests: Recorded[] = []
  let reply: (r: Recorded) => { status: number; body: string } = () => ({
    status: 200,
    body: JSON.stringify({ networks: [NETWORK] }),
  })

  before(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        }
        requests.push(recorded)
        const answer = reply(recorded)
        res.writeHead(answer.status, { 'content-type': 'application/json' })
        res.end(answer.body)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })
  after(() => {
    server.close()
  })

  const last = (): Recorded => {
    const r = requests.at(-1)
    assert.ok(r !== undefined, 'no request reached the server')
    return r
  }

  test('OS_TOKEN is sent as X-Auth-Token to <endpoint>/v2.0/...', async () => {
    const out = await runXloud(['network', 'list', '-f', 'value'], {
      OS_ENDPOINT: url,
      OS_TOKEN: 'tok-env',
    })
    assert.equal(out.code, 0, out.stderr)
    assert.equal(out.stdout, `${NETWORK.id} fake-net []\n`)
    assert.equal(last().method, 'GET')
    assert.equal(last().url, '/v2.0/networks')
    assert.equal(last().headers['x-auth-token'], 'tok-env')
    assert.equal(last().headers.accept, 'application/json')
  })

  test('flags win over the environment; OS_URL is an alias; a /v2.0 suffix is tolerated', async () => {
    const out = await runXloud(
      [
        '--os-endpoint',
        `${url}/v2.0/`,
        'network',
        'list',
        '--os-token',
        'tok-flag',
        '--os-project-id',
        'proj-1',
        '--os-roles',
        'member,reader',
      ],
      { OS_URL: 'http://127.0.0.1:9/', OS_TOKEN: 'tok-env', OS_PROJECT_ID: 'proj-env' },
    )
    assert.equal(out.code, 0, out.stderr)
    assert.equal(last().url, '/v2.0/networks')
    assert.equal(last().headers['x-auth-token'], 'tok-flag')
    assert.equal(last().headers['x-project-id'], 'proj-1')
    assert.equal(last().headers['x-roles'], 'member,reader')

    const alias = await runXloud(['network', 'list'], { OS_URL: url, OS_PROJECT_ID: 'proj-env' })
    assert.equal(alias.code, 0, alias.stderr)
    assert.equal(last().headers['x-project-id'], 'proj-env')
    assert.equal(last().headers['x-auth-token'], undefined)
  })

  test('--os-auth-type none sends no token even when one is set', async () => {
    const out = await runXloud(['network', 'list', '--os-auth-type', 'none'], {
      OS_ENDPOINT: url,
      OS_TOKEN: 'secret',
    })
    assert.equal(out.code, 0, out.stderr)
    assert.equal(last().headers['x-auth-token'], undefined)
  })

  test('create sends the openstack body; name-or-id lookups go id first, then ?name=', async () => {
    requests.length = 0
    reply = (r) => {
      if (r.method === 'GET' && r.url === '/v2.0/networks/fake-net') {
        return {
          status: 404,
          body: '{"NeutronError": {"type": "NetworkNotFound", "message": "x", "detail": ""}}',
        }
      }
      if (r.method === 'GET') return { status: 200, body: JSON.stringify({ networks: [NETWORK] }) }
      return { status: 201, body: JSON.stringify({ port: { id: 'p', name: 'p1', fixed_ips: [] } }) }
    }
    const out = await runXloud(
      [
        'port',
        'create',
        '--network',
        'fake-net',
        '--no-fixed-ip',
        '--device-owner',
        'compute:nova',
        'p1',
        '-f',
        'value',
        '-c',
        'name',
      ],
      { OS_ENDPOINT: url },
    )
    assert.equal(out.code, 0, out.stderr)
    assert.equal(out.stdout, 'p1\n')
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.url}`),
      ['GET /v2.0/networks/fake-net', 'GET /v2.0/networks?name=fake-net', 'POST /v2.0/ports'],
    )
    assert.equal(last().headers['content-type'], 'application/json')
    assert.deepEqual(JSON.parse(last().body), {
      port: {
        network_id: NETWORK.id,
        device_owner: 'compute:nova',
        name: 'p1',
        admin_state_up: true,
        fixed_ips: [],
      },
    })
  })

  test('error bodies: NeutronError envelope, webob message, or plain text, each on one line', async () => {
    reply = () => ({
      status: 409,
      body: '{"NeutronError": {"type": "IpAddressGenerationFailure", "message": "No more IP addresses available on network n1.", "detail": ""}}',
    })
    const neutron = await runXloud(['network', 'list'], { OS_ENDPOINT: url })
    assert.equal(neutron.code, 1)
    assert.equal(
      neutron.stderr,
      'Error: IpAddressGenerationFailure (HTTP 409): No more IP addresses available on network n1.\n',
    )

    reply = () => ({
      status: 404,
      body: '{"message": "The resource could not be found.<br /><br />\\nnope\\n\\n", "code": "404 Not Found", "title": "Not Found"}',
    })
    const webob = await runXloud(['network', 'list'], { OS_ENDPOINT: url })
    assert.equal(webob.code, 1)
    assert.equal(webob.stderr, 'Error: HTTP 404: The resource could not be found. nope\n')

    reply = () => ({
      status: 401,
      body: '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}',
    })
    const unauthorized = await runXloud(['network', 'list'], { OS_ENDPOINT: url, OS_TOKEN: 'bad' })
    assert.equal(unauthorized.code, 1)
    assert.equal(
      unauthorized.stderr,
      'Error: Unauthorized (HTTP 401): The request you have made requires authentication.\n',
    )

    reply = () => ({ status: 503, body: 'upstream down\n  retry later' })
    const plain = await runXloud(['network', 'list'], { OS_ENDPOINT: url })
    assert.equal(plain.code, 1)
    assert.equal(plain.stderr, 'Error: HTTP 503: upstream down retry later\n')
  })

  test('openSession: defaults, precedence and unsupported auth types', async () => {
    const none = await openSession({}, { OS_ENDPOINT: 'http://h:9696/' })
    assert.deepEqual(none, { endpoint: 'http://h:9696', headers: {} })
    const token = await openSession({}, { OS_URL: 'http://h:9696/v2.0', OS_TOKEN: 't' })
    assert.deepEqual(token, { endpoint: 'http://h:9696', headers: { 'X-Auth-Token': 't' } })
    const flags = await openSession(
      { osEndpoint: 'https://api/', osAuthType: 'token', osToken: 'f' },
      { OS_ENDPOINT: 'http://env', OS_TOKEN: 'e', OS_AUTH_TYPE: 'none' },
    )
    assert.deepEqual(flags, { endpoint: 'https://api', headers: { 'X-Auth-Token': 'f' } })

    await assert.rejects(
      openSession({}, {}),
      (e: unknown) => e instanceof UsageError && /OS_ENDPOINT/.test(e.message),
    )
    await assert.rejects(
      openSession({}, { OS_ENDPOINT: 'http://h', OS_AUTH_TYPE: 'password' }),
      (e: unknown) =>
        e instanceof UsageError && /needs an auth URL: set OS_AUTH_URL/.test(e.message),
    )
    await assert.rejects(
      openSession({}, { OS_ENDPOINT: 'http://h', OS_AUTH_TYPE: 'v3oidcpassword' }),
      (e: unknown) =>
        e instanceof UsageError && /'v3oidcpassword' is not supported/.test(e.message),
    )
    await assert.rejects(
      openSession({ osAuthType: 'admin_token' }, { OS_ENDPOINT: 'http://h' }),
      (e: unknown) => e instanceof UsageError && /OS_TOKEN/.test(e.message),
    )
    await assert.rejects(openSession({}, { OS_ENDPOINT: 'ftp://h' }), UsageError)
  })

  test('an unsupported auth type is a usage error (exit 2) before any request', async () => {
    const count = requests.length
    const out = await runXloud(['network', 'list'], {
      OS_ENDPOINT: url,
      OS_AUTH_TYPE: 'v3oidcpassword',
    })
    assert.equal(out.code, 2)
    assert.match(out.stderr, /^Error: Auth type 'v3oidcpassword' is not supported yet/)
    assert.equal(requests.length, count)
  })
})
