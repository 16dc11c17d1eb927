/**
 * Input that once answered 500, leaked data or was silently dropped (found by a newcomer trying
 * to break the API), on every SQL backend: out-of-range integers, NUL characters, huge limits,
 * a MAC repeated in one bulk create, list markers of hidden rows, admin-only port attributes,
 * DNS names, allowed address pairs and extra DHCP options.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, selectedBackends, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

interface Err {
  NeutronError: { type: string; message: string }
}
interface PortBody {
  port: {
    id: string
    mac_address: string
    dns_name: string
    fixed_ips: { ip_address: string }[]
    allowed_address_pairs: { ip_address: string; mac_address: string }[]
    extra_dhcp_opts: { opt_name: string; opt_value: string; ip_version: number }[]
  }
}

for (const backend of selectedBackends()) {
  describe(`input hardening (${backend})`, () => {
    let db: TestDatabase
    let server: RunningServer
    let admin: Client
    let member: Client
    let other: Client
    let net = ''
    let memberNet = ''

    before(async () => {
      db = await freshDatabase(backend)
      server = await startTestServer(db.url)
      admin = client(server.url)
      member = client(server.url, { 'X-Project-Id': 'project-m', 'X-Roles': 'member' })
      other = client(server.url, { 'X-Project-Id': 'project-o', 'X-Roles': 'member' })
      net = (
        await admin.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'hidden-admin-net' },
        })
      ).body.network.id
      await admin.post('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr: '10.90.0.0/24' },
      })
      memberNet = (
        await member.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'member-net' },
        })
      ).body.network.id
      await member.post('/v2.0/subnets', {
        subnet: { network_id: memberNet, ip_version: 4, cidr: '10.91.0.0/24' },
      })
    })
    after(async () => {
      await server.close()
      await db.drop()
    })

    test('MTU: negative refused, 0 means the default, above the maximum refused, huge refused; never 500', async () => {
      const cases: [unknown, number, RegExp][] = [
        [-1, 400, /Invalid input for mtu\. Reason: '-1' should be non-negative\./],
        [9001, 400, /Requested MTU is too big, maximum is 1450/],
        [3000000000, 400, /mtu|MTU/],
        [1e23, 400, /mtu|MTU/],
      ]
      for (const [mtu, status, message] of cases) {
        const r = await admin.post<Err>('/v2.0/networks', { network: { mtu } })
        assert.equal(r.status, status, `${String(mtu)}: ${r.text}`)
        assert.match(r.body.NeutronError.message, message)
        const u = await admin.put<Err>(`/v2.0/networks/${net}`, { network: { mtu } })
        assert.equal(u.status, status, `update ${String(mtu)}: ${u.text}`)
      }
      const zero = await admin.post<{ network: { mtu: number } }>('/v2.0/networks', {
        network: { mtu: 0 },
      })
      assert.equal(zero.status, 201)
      assert.equal(zero.body.network.mtu, 1450)
      const ok = await admin.post<{ network: { mtu: number } }>('/v2.0/networks', {
        network: { mtu: 1400 },
      })
      assert.equal(ok.body.network.mtu, 1400)
    })

    test('integers beyond what the database holds are refused, not stored or answered with 500', async () => {
      const pool = await admin.post<Err>('/v2.0/subnetpools', {
        subnetpool: { name: 'q', prefixes: ['10.200.0.0/16'], default_quota: 1e23 },
      })
      assert.equal(pool.status, 400, pool.text)
      const negative = await admin.post<Err>('/v2.0/subnetpools', {
        subnetpool: { name: 'q', prefixes: ['10.200.0.0/16'], default_quota: -5 },
      })
      assert.equal(negative.status, 400)
      assert.match(
        negative.body.NeutronError.message,
        /Invalid input for default_quota\. Reason: '-5' should be non-negative\./,
      )
      const seg = await admin.post<Err>('/v2.0/networks', {
        network: { 'provider:network_type': 'vlan', 'provider:segmentation_id': 1e23 },
      })
      assert.equal(seg.status, 400, seg.text)
    })

    test('a huge limit is read as "everything", never a database error', async () => {
      const r = await admin.get<{ networks: { id: string }[] }>(
        '/v2.0/networks?limit=99999999999999999999&fields=id',
      )
      assert.equal(r.status, 200, r.text)
      assert.ok(r.body.networks.some((n) => n.id === net))
    })

    test('NUL characters and lone surrogates are refused with 400 in bodies, filters and paths', async () => {
      for (const name of ['x\u0000y', 'x\ud800y']) {
        const r = await admin.post<Err>('/v2.0/networks', { network: { name } })
        assert.equal(r.status, 400, r.text)
        assert.equal(r.body.NeutronError.type, 'HTTPBadRequest')
        const p = await admin.post<Err>('/v2.0/ports', {
          port: { network_id: net, device_id: name },
        })
        assert.equal(p.status, 400, p.text)
      }
      for (const path of [
        '/v2.0/networks?name=%00',
        '/v2.0/networks/%00',
        '/v2.0/ports?name=a%00',
      ]) {
        const r = await admin.get<Err>(path)
        assert.equal(r.status, 400, `${path}: ${r.text}`)
        assert.equal(r.body.NeutronError.type, 'HTTPBadRequest')
      }
    })

    test('a MAC given twice in one bulk create is MacAddressInUse (409), and nothing is created', async () => {
      const mac = 'fa:16:3e:aa:aa:aa'
      const before = await admin.get<{ ports: unknown[] }>(`/v2.0/ports?network_id=${net}`)
      const r = await admin.post<Err>('/v2.0/ports', {
        ports: [
          { network_id: net, mac_address: mac },
          { network_id: net, mac_address: mac },
        ],
      })
      assert.equal(r.status, 409, r.text)
      assert.equal(r.body.NeutronError.type, 'MacAddressInUse')
      const after = await admin.get<{ ports: unknown[] }>(`/v2.0/ports?network_id=${net}`)
      assert.equal(after.body.ports.length, before.body.ports.length)
    })

    test('a list marker naming a row the caller cannot see is 404, as an unknown one', async () => {
      const port = await admin.post<PortBody>('/v2.0/ports', { port: { network_id: net } })
      const pool = await admin.post<{ subnetpool: { id: string } }>('/v2.0/subnetpools', {
        subnetpool: { name: 'hidden-pool', prefixes: ['10.201.0.0/16'] },
      })
      const subnet = (
        await admin.get<{ subnets: { id: string }[] }>(`/v2.0/subnets?network_id=${net}`)
      ).body.subnets[0]?.id
      for (const [collection, id] of [
        ['networks', net],
        ['ports', port.body.port.id],
        ['subnets', subnet ?? ''],
        ['subnetpools', pool.body.subnetpool.id],
      ] as const) {
        const r = await member.get<Err>(
          `/v2.0/${collection}?marker=${id}&sort_key=name&sort_dir=asc&limit=5`,
        )
        assert.equal(r.status, 404, `${collection}: ${r.text}`)
        assert.ok(!r.text.includes('hidden'), collection)
        // The owner pages from it as usual.
        assert.equal((await admin.get(`/v2.0/${collection}?marker=${id}&limit=5`)).status, 200)
      }
    })

    test('binding:host_id, binding:profile and a MAC change are for admins only', async () => {
      const own = await member.post<PortBody>('/v2.0/ports', { port: { network_id: memberNet } })
      assert.equal(own.status, 201)
      const refused: [string, Promise<{ status: number; body: Err }>][] = [
        [
          'create host',
          member.post<Err>('/v2.0/ports', {
            port: { network_id: memberNet, 'binding:host_id': 'compute-1' },
          }),
        ],
        [
          'create profile',
          member.post<Err>('/v2.0/ports', {
            port: { network_id: memberNet, 'binding:profile': { a: 1 } },
          }),
        ],
        [
          'update host',
          member.put<Err>(`/v2.0/ports/${own.body.port.id}`, {
            port: { 'binding:host_id': 'compute-1' },
          }),
        ],
        [
          'update profile',
          member.put<Err>(`/v2.0/ports/${own.body.port.id}`, {
            port: { 'binding:profile': { a: 1 } },
          }),
        ],
        [
          'update mac',
          member.put<Err>(`/v2.0/ports/${own.body.port.id}`, {
            port: { mac_address: 'fa:16:3e:12:34:56' },
          }),
        ],
      ]
      for (const [what, pending] of refused) {
        const r = await pending
        assert.equal(r.status, 403, what)
        assert.equal(r.body.NeutronError.type, 'PolicyNotAuthorized', what)
      }
      const shown = await member.get<PortBody>(`/v2.0/ports/${own.body.port.id}`)
      assert.equal(shown.body.port.mac_address, own.body.port.mac_address)
      // The network owner may still choose the MAC of a new port; an admin may do all of it.
      const chosen = await member.post<PortBody>('/v2.0/ports', {
        port: { network_id: memberNet, mac_address: 'fa:16:3e:12:34:57' },
      })
      assert.equal(chosen.status, 201)
      const byAdmin = await admin.put<{ port: Record<string, unknown> }>(
        `/v2.0/ports/${own.body.port.id}`,
        {
          port: {
            'binding:host_id': 'compute-1',
            'binding:profile': { a: 1 },
            mac_address: 'fa:16:3e:12:34:58',
          },
        },
      )
      assert.equal(byAdmin.status, 200)
      assert.equal(byAdmin.body.port['binding:host_id'], 'compute-1')
      assert.equal(byAdmin.body.port.mac_address, 'fa:16:3e:12:34:58')
    })

    test('dns_name is checked as Neutron does and lower-cased', async () => {
      const bad: [string, RegExp][] = [
        ['a..b', /Encountered an empty component/],
        ['-ab', /must not start or end with a hyphen/],
        ['Bad_Name!', /must be 1-63 characters long/],
        ['a'.repeat(64), /must be 1-63 characters long/],
        ['ab.123', /TLD '123' must not be all numeric/],
        [`${'a.'.repeat(130)}b`, /exceeds the 255 character FQDN limit/],
      ]
      for (const [name, reason] of bad) {
        const r = await admin.post<Err>('/v2.0/ports', {
          port: { network_id: net, dns_name: name },
        })
        assert.equal(r.status, 400, `${name}: ${r.text}`)
        assert.match(
          r.body.NeutronError.message,
          new RegExp(
            `^Invalid input for dns_name\\. Reason: '.*' not a valid PQDN or FQDN\\. Reason: `,
          ),
        )
        assert.match(r.body.NeutronError.message, reason)
      }
      const upper = await admin.post<PortBody>('/v2.0/ports', {
        port: { network_id: net, dns_name: 'Web-01' },
      })
      assert.equal(upper.status, 201)
      assert.equal(upper.body.port.dns_name, 'web-01')
      const fqdn = await admin.put<PortBody>(`/v2.0/ports/${upper.body.port.id}`, {
        port: { dns_name: 'web-02.example.org.' },
      })
      assert.equal(fqdn.status, 200)
      assert.equal(fqdn.body.port.dns_name, 'web-02.example.org.')
    })

    test('the same address twice in fixed_ips is 400 "Duplicate IP address"; a dict is reported as Python prints it', async () => {
      const r = await admin.post<Err>('/v2.0/ports', {
        port: {
          network_id: net,
          fixed_ips: [{ ip_address: '10.90.0.9' }, { ip_address: '10.90.0.9' }],
        },
      })
      assert.equal(r.status, 400)
      assert.equal(
        r.body.NeutronError.message,
        "Invalid input for fixed_ips. Reason: Duplicate IP address '10.90.0.9'.",
      )
      const d = await admin.post<Err>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: { ip_address: '10.90.0.9' } },
      })
      assert.equal(
        d.body.NeutronError.message,
        "Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '{'ip_address': '10.90.0.9'}'.",
      )
    })

    test('allowed_address_pairs: stored, shown with the port’s MAC by default, replaced on update, validated as Neutron does', async () => {
      const p = await admin.post<PortBody>('/v2.0/ports', {
        port: {
          network_id: net,
          allowed_address_pairs: [
            { ip_address: '10.0.0.0/24' },
            { ip_address: '192.0.2.7', mac_address: 'FA:16:3E:00:00:01' },
          ],
        },
      })
      assert.equal(p.status, 201, p.text)
      const mac = p.body.port.mac_address
      assert.deepEqual(p.body.port.allowed_address_pairs, [
        { ip_address: '10.0.0.0/24', mac_address: mac },
        { ip_address: '192.0.2.7', mac_address: 'fa:16:3e:00:00:01' },
      ])
      const shown = await admin.get<PortBody>(`/v2.0/ports/${p.body.port.id}`)
      assert.deepEqual(shown.body.port.allowed_address_pairs, p.body.port.allowed_address_pairs)
      const replaced = await admin.put<PortBody>(`/v2.0/ports/${p.body.port.id}`, {
        port: { allowed_address_pairs: [{ ip_address: '10.1.1.1' }] },
      })
      assert.deepEqual(replaced.body.port.allowed_address_pairs, [
        { ip_address: '10.1.1.1', mac_address: mac },
      ])
      const noSecurity = await admin.put<Err>(`/v2.0/ports/${p.body.port.id}`, {
        port: { port_security_enabled: false },
      })
      assert.equal(noSecurity.status, 409)
      assert.equal(noSecurity.body.NeutronError.type, 'AddressPairAndPortSecurityRequired')
      const cleared = await admin.put<PortBody>(`/v2.0/ports/${p.body.port.id}`, {
        port: { allowed_address_pairs: null },
      })
      assert.deepEqual(cleared.body.port.allowed_address_pairs, [])

      const cases: [unknown, string, string][] = [
        [{ ip_address: '10.0.0.1' }, 'HTTPBadRequest', 'Allowed address pairs must be a list.'],
        [
          ['10.0.0.1'],
          'HTTPBadRequest',
          "Invalid input for allowed_address_pairs. Reason: '10.0.0.1' is not a dictionary.",
        ],
        [
          [{ mac_address: 'fa:16:3e:00:00:01' }],
          'AllowedAddressPairsMissingIP',
          'AllowedAddressPair must contain ip_address',
        ],
        [[{ ip_address: '10.0.0.1', foo: 1 }], 'HTTPBadRequest', "Unrecognized attribute(s) 'foo'"],
        [
          [{ ip_address: '10.0.0.1' }, { ip_address: '10.0.0.1' }],
          'DuplicateAddressPairInRequest',
          'Request contains duplicate address pair: mac_address None ip_address 10.0.0.1.',
        ],
        [
          [{ ip_address: '10.0.0.1', mac_address: 'zz' }],
          'HTTPBadRequest',
          "'zz' is not a valid MAC address",
        ],
        [
          [{ ip_address: '010.0.0.1' }],
          'HTTPBadRequest',
          "'010.0.0.1' is not an accepted IP address, '10.0.0.1' is recommended",
        ],
        [
          [{ ip_address: '10.0.0.1/33' }],
          'HTTPBadRequest',
          "'10.0.0.1/33' is not a valid IP subnet",
        ],
        [[{ ip_address: 5 }], 'HTTPBadRequest', "'5' is not a valid IP address"],
        [
          Array.from({ length: 11 }, (_, i) => ({ ip_address: `10.0.0.${String(i + 1)}` })),
          'AllowedAddressPairExhausted',
          'The number of allowed address pair exceeds the maximum 10.',
        ],
      ]
      for (const [pairs, type, message] of cases) {
        const r = await admin.post<Err>('/v2.0/ports', {
          port: { network_id: net, allowed_address_pairs: pairs },
        })
        assert.equal(r.body.NeutronError.type, type, JSON.stringify(pairs))
        assert.equal(r.body.NeutronError.message, message)
        assert.equal(r.status, 400)
      }
      const insecure = await admin.post<Err>('/v2.0/ports', {
        port: {
          network_id: net,
          port_security_enabled: false,
          allowed_address_pairs: [{ ip_address: '10.0.0.1' }],
        },
      })
      assert.equal(insecure.status, 409)
      assert.equal(insecure.body.NeutronError.type, 'AddressPairAndPortSecurityRequired')
    })

    test('extra_dhcp_opts: stored with ip_version 4 by default, merged on update (null value removes), validated', async () => {
      const p = await admin.post<PortBody>('/v2.0/ports', {
        port: {
          network_id: net,
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: 'pxelinux.0' },
            { opt_name: 'tftp-server', opt_value: '192.0.2.1', ip_version: '6' },
            { opt_name: 'router', opt_value: '' },
            { opt_name: 'skipped', opt_value: null },
          ],
        },
      })
      assert.equal(p.status, 201, p.text)
      assert.deepEqual(p.body.port.extra_dhcp_opts, [
        { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
        { opt_name: 'router', opt_value: '', ip_version: 4 },
        { opt_name: 'tftp-server', opt_value: '192.0.2.1', ip_version: 6 },
      ])
      const merged = await admin.put<PortBody>(`/v2.0/ports/${p.body.port.id}`, {
        port: {
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: null },
            { opt_name: 'router', opt_value: '10.90.0.1' },
            { opt_name: 'domain-search', opt_value: 'example.org' },
          ],
        },
      })
      assert.equal(merged.status, 200, merged.text)
      assert.deepEqual(merged.body.port.extra_dhcp_opts, [
        { opt_name: 'domain-search', opt_value: 'example.org', ip_version: 4 },
        { opt_name: 'router', opt_value: '10.90.0.1', ip_version: 4 },
        { opt_name: 'tftp-server', opt_value: '192.0.2.1', ip_version: 6 },
      ])
      const unchanged = await admin.put<PortBody>(`/v2.0/ports/${p.body.port.id}`, {
        port: { extra_dhcp_opts: [] },
      })
      assert.deepEqual(unchanged.body.port.extra_dhcp_opts, merged.body.port.extra_dhcp_opts)

      const cases: [unknown, string, string | RegExp][] = [
        [
          { opt_name: 'a', opt_value: 'b' },
          'InvalidInput',
          "Invalid input for operation: '{'opt_name': 'a', 'opt_value': 'b'}' is not a list.",
        ],
        [
          [{ opt_name: 'a' }],
          'InvalidInput',
          "Invalid input for operation: No valid key specs matched for: {'opt_name': 'a'}.",
        ],
        [
          [{ opt_name: 'a', opt_value: '' }],
          'InvalidInput',
          "Invalid input for operation: No valid key specs matched for: {'opt_name': 'a', 'opt_value': ''}.",
        ],
        [
          [{ opt_name: 'a', opt_value: 'b', ip_version: 5 }],
          'InvalidInput',
          "Invalid input for operation: No valid key specs matched for: {'opt_name': 'a', 'opt_value': 'b', 'ip_version': 5}.",
        ],
        [['a'], 'InvalidInput', 'Invalid input for operation: No valid key specs matched for: a.'],
        [
          [
            { opt_name: 'a', opt_value: 'b' },
            { opt_name: 'a', opt_value: 'c' },
          ],
          'NeutronDbObjectDuplicateEntry',
          /^Failed to create a duplicate ExtraDhcpOpt: for attribute\(s\) \['portid', 'optname', 'ipversion'\] with value\(s\) [0-9a-f-]{36}-a-4$/,
        ],
      ]
      for (const [opts, type, message] of cases) {
        const r = await admin.post<Err>('/v2.0/ports', {
          port: { network_id: net, extra_dhcp_opts: opts },
        })
        assert.equal(r.body.NeutronError.type, type, JSON.stringify(opts))
        if (typeof message === 'string') assert.equal(r.body.NeutronError.message, message)
        else assert.match(r.body.NeutronError.message, message)
        assert.equal(r.status, type === 'InvalidInput' ? 400 : 409)
      }
    })

    test('allowed-address-pairs and extra_dhcp_opt are listed as extensions; filtering on them is refused', async () => {
      const ext = await other.get<{ extensions: { alias: string }[] }>('/v2.0/extensions')
      const aliases = ext.body.extensions.map((e) => e.alias)
      assert.ok(aliases.includes('allowed-address-pairs'))
      assert.ok(aliases.includes('extra_dhcp_opt'))
      const f = await admin.get<Err>('/v2.0/ports?allowed_address_pairs=10.0.0.1')
      assert.equal(f.status, 400)
      assert.equal(
        f.body.NeutronError.message,
        "['allowed_address_pairs'] is invalid attribute for filtering",
      )
    })

    test('deep nesting, bytes that are not UTF-8, long ids and malformed URLs: 4xx in Neutron’s envelope', async () => {
      // NOTE: written as text: JSON.stringify itself overflows the stack on this.
      const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`
      const nested = await admin.post<Err>(
        '/v2.0/networks',
        `{"network": {"description": ${deep}}}`,
      )
      assert.equal(nested.status, 400, nested.text)
      assert.match(nested.body.NeutronError.message, /nested deeper than/)
      const profile = await admin.post<Err>(
        '/v2.0/ports',
        `{"port": {"network_id": "${net}", "binding:profile": {"a": ${deep}}}}`,
      )
      assert.equal(profile.status, 400, profile.text)
      const bytes = Buffer.concat([
        Buffer.from('{"network": {"name": "'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}}'),
      ])
      const raw = await fetch(`${server.url}/v2.0/networks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bytes,
      })
      assert.equal(raw.status, 400)
      assert.match(await raw.text(), /not UTF-8/)
      const long = await admin.get<Err>(`/v2.0/ports/${'a'.repeat(5000)}`)
      assert.equal(long.status, 404, long.text)
      assert.equal(long.body.NeutronError.type, 'PortNotFound')
      const malformed = await admin.get<Err>('/v2.0/network-ip-availabilities/%E0%A4%A')
      assert.equal(malformed.status, 400, malformed.text)
      assert.equal(malformed.body.NeutronError.type, 'HTTPBadRequest')
      const broadcast = await admin.post<Err>('/v2.0/ports', {
        port: { network_id: net, mac_address: 'ff:ff:ff:ff:ff:ff' },
      })
      assert.equal(broadcast.status, 400)
      assert.match(
        broadcast.body.NeutronError.message,
        /'ff:ff:ff:ff:ff:ff' is not a valid MAC address/,
      )
    })

    test('bulk creates of thousands fit every database’s limit on bound values', async () => {
      const networks = await admin.post<{ networks: unknown[] }>('/v2.0/networks', {
        networks: Array.from({ length: 2000 }, (_, i) => ({ name: `bulk-${String(i)}` })),
      })
      assert.equal(networks.status, 201, networks.text.slice(0, 300))
      assert.equal(networks.body.networks.length, 2000)
      const big = await admin.post<{ network: { id: string } }>('/v2.0/networks', {
        network: { name: 'bulk-ports' },
      })
      await admin.post('/v2.0/subnets', {
        subnet: { network_id: big.body.network.id, ip_version: 4, cidr: '10.92.0.0/20' },
      })
      const ports = await admin.post<{ ports: unknown[] }>('/v2.0/ports', {
        ports: Array.from({ length: 2000 }, () => ({ network_id: big.body.network.id })),
      })
      assert.equal(ports.status, 201, ports.text.slice(0, 300))
      assert.equal(ports.body.ports.length, 2000)
    })

    test('updates racing tag changes on one network lose nothing (the row is locked)', async () => {
      const made = await admin.post<{ network: { id: string } }>('/v2.0/networks', {
        network: { name: 'race' },
      })
      const id = made.body.network.id
      const n = 20
      const answers = await Promise.all([
        ...Array.from({ length: n }, (_, i) =>
          admin.put(`/v2.0/networks/${id}/tags/u${String(i)}`, undefined),
        ),
        ...Array.from({ length: n }, (_, i) =>
          admin.put(`/v2.0/networks/${id}`, { network: { description: `d${String(i)}` } }),
        ),
      ])
      assert.deepEqual(
        answers.map((a) => a.status).filter((s) => s >= 300),
        [],
      )
      const after = await admin.get<{ network: { tags: string[]; revision_number: number } }>(
        `/v2.0/networks/${id}`,
      )
      assert.equal(after.body.network.tags.length, n, JSON.stringify(after.body.network.tags))
      assert.equal(after.body.network.revision_number, 1 + 2 * n)
    })

    test('values a row cannot hold, and Neutron’s per-subnet limits, are 400 on every database', async () => {
      const fqdn = await admin.post<Err>('/v2.0/ports', {
        port: { network_id: net, dns_name: `${'a'.repeat(63)}.`.repeat(4) },
      })
      assert.equal(fqdn.status, 400, fqdn.text)
      assert.match(fqdn.body.NeutronError.message, /exceeds the 255 character FQDN limit/)
      const profile = await admin.post<Err>('/v2.0/ports', {
        port: { network_id: net, 'binding:profile': { blob: 'x'.repeat(100_000) } },
      })
      assert.equal(profile.status, 400, profile.text.slice(0, 200))
      assert.match(profile.body.NeutronError.message, /binding:profile.*more than the 65535/)
      const made = await admin.post<{ network: { id: string } }>('/v2.0/networks', {
        network: { name: 'many-tags' },
      })
      const tags = await admin.put<Err>(`/v2.0/networks/${made.body.network.id}/tags`, {
        tags: Array.from({ length: 10_000 }, (_, i) => `tag-${String(i)}`),
      })
      assert.equal(tags.status, 400, tags.text.slice(0, 200))
      const servers = await admin.post<Err>('/v2.0/subnets', {
        subnet: {
          network_id: made.body.network.id,
          ip_version: 4,
          cidr: '10.95.0.0/24',
          dns_nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'],
        },
      })
      assert.equal(servers.status, 400)
      assert.equal(servers.body.NeutronError.type, 'DNSNameServersExhausted')
      assert.equal(
        servers.body.NeutronError.message,
        'Unable to complete operation for new subnet. The number of DNS nameservers exceeds the limit 5.',
      )
      const routes = await admin.post<Err>('/v2.0/subnets', {
        subnet: {
          network_id: made.body.network.id,
          ip_version: 4,
          cidr: '10.95.0.0/24',
          host_routes: Array.from({ length: 21 }, (_, i) => ({
            destination: `192.168.${String(i)}.0/24`,
            nexthop: '10.95.0.1',
          })),
        },
      })
      assert.equal(routes.body.NeutronError.type, 'HostRoutesExhausted')
    })

    test('lengths count characters, not UTF-16 units; tag filters are exact names and exact case', async () => {
      const emoji = await admin.post<{ network: { name: string } }>('/v2.0/networks', {
        network: { name: '😀'.repeat(200) },
      })
      assert.equal(emoji.status, 201, emoji.text.slice(0, 200))
      const tagged = await admin.post<{ network: { id: string } }>('/v2.0/networks', {
        network: { name: 'cased' },
      })
      const id = tagged.body.network.id
      await admin.put(`/v2.0/networks/${id}/tags`, { tags: ['Red'] })
      const ids = async (query: string): Promise<string[]> =>
        (
          await admin.get<{ networks: { id: string }[] }>(`/v2.0/networks?${query}&fields=id`)
        ).body.networks.map((n) => n.id)
      assert.deepEqual(await ids('tags=Red'), [id])
      // NOTE: MariaDB compares in its case-insensitive collation (docs/neutron-compatibility.md).
      assert.deepEqual(await ids('tags=red'), backend === 'mariadb' ? [id] : [])
      for (const wrong of ['tagsfoo=x', 'tags-all=x', 'tags%5B%5D=x']) {
        const r = await admin.get<Err>(`/v2.0/networks?${wrong}`)
        assert.equal(r.status, 400, `${wrong}: ${r.text.slice(0, 200)}`)
        assert.match(r.body.NeutronError.message, /is invalid attribute for filtering/)
      }
    })

    test('filters, sort keys and fields named after Object’s own properties are unknown, not 500', async () => {
      for (const query of ['constructor=1', '__proto__=1', 'toString=1', 'hasOwnProperty=1']) {
        const r = await admin.get<Err>(`/v2.0/networks?${query}`)
        assert.equal(r.status, 400, `${query}: ${r.text.slice(0, 200)}`)
        assert.match(r.body.NeutronError.message, /is invalid attribute for filtering/)
      }
      for (const key of ['__proto__', 'constructor']) {
        const r = await admin.get<Err>(`/v2.0/ports?sort_key=${key}&sort_dir=asc`)
        assert.equal(r.status, 400, `${key}: ${r.text.slice(0, 200)}`)
      }
      const fields = await admin.get<{ networks: Record<string, unknown>[] }>(
        '/v2.0/networks?fields=constructor&fields=id',
      )
      assert.equal(fields.status, 200)
      assert.ok(fields.body.networks.every((n) => Object.keys(n).join() === 'id'))
    })

    test('integer filters: not an integer is 400 InvalidInput; beyond 32 bits matches nothing', async () => {
      const bad = await admin.get<Err>('/v2.0/networks?mtu=abc')
      assert.equal(bad.status, 400, bad.text)
      assert.equal(bad.body.NeutronError.type, 'InvalidInput')
      assert.equal(
        bad.body.NeutronError.message,
        "Invalid input for operation: 'abc' is not an integer.",
      )
      const huge = await admin.get<{ networks: unknown[] }>(
        '/v2.0/networks?mtu=99999999999999999999',
      )
      assert.equal(huge.status, 200, huge.text)
      assert.deepEqual(huge.body.networks, [])
      const ok = await admin.get<{ networks: unknown[] }>('/v2.0/networks?mtu=1450')
      assert.ok(ok.body.networks.length > 0)
    })
  })
}
