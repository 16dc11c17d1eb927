/**
 * Neutron's dns-integration, which /v2.0/extensions announces: a port's dns_assignment (generated
 * host names under the default dns_domain, the port's dns_name under a configured one) and a
 * network's dns_domain, validated as neutron-lib does.
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
interface Assigned {
  hostname: string
  ip_address: string
  fqdn: string
}
interface PortBody {
  port: { id: string; dns_name: string; dns_assignment: Assigned[] }
}

async function networkWithSubnets(api: Client, v4: string, v6: string): Promise<string> {
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `dns-${v4}` },
  })
  const id = net.body.network.id
  for (const [version, cidr] of [
    [4, v4],
    [6, v6],
  ] as const) {
    const s = await api.post('/v2.0/subnets', {
      subnet: { network_id: id, ip_version: version, cidr },
    })
    assert.equal(s.status, 201, s.text)
  }
  return id
}

for (const backend of selectedBackends()) {
  describe(`dns-integration (${backend})`, () => {
    let db: TestDatabase
    let plain: RunningServer
    let named: RunningServer
    let api: Client
    let apiNamed: Client

    before(async () => {
      db = await freshDatabase(backend)
      plain = await startTestServer(db.url)
      // NOTE: a second server on the same database, with a dns_domain of its own.
      named = await startTestServer(db.url, '[DEFAULT]\ndns_domain = example.org\n')
      api = client(plain.url)
      apiNamed = client(named.url)
    })
    after(async () => {
      await plain.close()
      await named.close()
      await db.drop()
    })

    test('under the default dns_domain, names are generated from the addresses', async () => {
      const net = await networkWithSubnets(api, '10.93.0.0/24', 'fd00:93::/64')
      const p = await api.post<PortBody>('/v2.0/ports', {
        port: { network_id: net, dns_name: 'vm1' },
      })
      assert.equal(p.status, 201, p.text)
      assert.deepEqual(p.body.port.dns_assignment, [
        {
          hostname: 'host-10-93-0-2',
          ip_address: '10.93.0.2',
          fqdn: 'host-10-93-0-2.openstacklocal.',
        },
        {
          hostname: 'host-fd00-93--1',
          ip_address: 'fd00:93::1',
          fqdn: 'host-fd00-93--1.openstacklocal.',
        },
      ])
      // Substring filters on addresses match whatever the case (addresses are stored canonical).
      for (const substring of ['10.93.0', 'FD00:93', '%']) {
        const found = await api.get<{ ports: { id: string }[] }>(
          `/v2.0/ports?fixed_ips=ip_address_substr%3D${encodeURIComponent(substring)}&fields=id`,
        )
        const expected = substring === '%' ? [] : [p.body.port.id]
        assert.deepEqual(
          found.body.ports.map((x) => x.id),
          expected,
          substring,
        )
      }
      const shown = await api.get<PortBody>(`/v2.0/ports/${p.body.port.id}?fields=dns_assignment`)
      assert.deepEqual(shown.body.port, { dns_assignment: p.body.port.dns_assignment })
    })

    test('under a configured dns_domain, the port’s dns_name is used; an FQDN as written', async () => {
      const net = await networkWithSubnets(apiNamed, '10.94.0.0/24', 'fd00:94::/64')
      const p = await apiNamed.post<PortBody>('/v2.0/ports', {
        port: { network_id: net, dns_name: 'vm2', fixed_ips: [{ ip_address: '10.94.0.7' }] },
      })
      assert.deepEqual(p.body.port.dns_assignment, [
        { hostname: 'vm2', ip_address: '10.94.0.7', fqdn: 'vm2.example.org.' },
      ])
      const fqdn = await apiNamed.put<PortBody>(`/v2.0/ports/${p.body.port.id}`, {
        port: { dns_name: 'web.example.org.' },
      })
      assert.deepEqual(fqdn.body.port.dns_assignment, [
        { hostname: 'web.example.org.', ip_address: '10.94.0.7', fqdn: 'web.example.org.' },
      ])
      const unnamed = await apiNamed.post<PortBody>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ ip_address: '10.94.0.8' }] },
      })
      assert.equal(unnamed.body.port.dns_assignment[0]?.fqdn, 'host-10-94-0-8.example.org.')
    })

    test('a network’s dns_domain: lower-cased, an FQDN, updatable, filterable', async () => {
      const made = await api.post<{ network: { id: string; dns_domain: string } }>(
        '/v2.0/networks',
        { network: { name: 'dd', dns_domain: 'Corp.Example.ORG.' } },
      )
      assert.equal(made.status, 201, made.text)
      assert.equal(made.body.network.dns_domain, 'corp.example.org.')
      const plainNet = await api.post<{ network: { dns_domain: string } }>('/v2.0/networks', {
        network: { name: 'no-dd' },
      })
      assert.equal(plainNet.body.network.dns_domain, '')
      const bad = await api.post<Err>('/v2.0/networks', { network: { dns_domain: 'example.org' } })
      assert.equal(bad.status, 400)
      assert.equal(
        bad.body.NeutronError.message,
        "Invalid input for dns_domain. Reason: 'example.org' is not a FQDN.",
      )
      const labels = await api.post<Err>('/v2.0/networks', {
        network: { dns_domain: 'a..example.' },
      })
      assert.match(labels.body.NeutronError.message, /Encountered an empty component/)
      const updated = await api.put<{ network: { dns_domain: string } }>(
        `/v2.0/networks/${made.body.network.id}`,
        { network: { dns_domain: 'lab.example.org.' } },
      )
      assert.equal(updated.body.network.dns_domain, 'lab.example.org.')
      const found = await api.get<{ networks: { id: string }[] }>(
        '/v2.0/networks?dns_domain=lab.example.org.',
      )
      assert.deepEqual(
        found.body.networks.map((n) => n.id),
        [made.body.network.id],
      )
    })
  })
}
