/**
 * Huge subnets cost the same as small ones: nothing enumerates a subnet, counts are exact.
 * The proof here is structural (no timing thresholds): the free-space index stays a handful of
 * rows whatever the subnet size, and availability totals are exact integers in the JSON text.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { freshDatabase, selectedBackends, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'
import type { RunningServer } from '../../src/server/server.ts'

for (const backend of selectedBackends()) {
  describe(`huge subnets on ${backend}`, () => {
    let db: TestDatabase
    let server: RunningServer
    let api: Client

    before(async () => {
      db = await freshDatabase(backend)
      server = await startTestServer(db.url)
      api = client(server.url)
    })
    after(async () => {
      await server.close()
      await db.drop()
    })

    async function freeRows(subnetId: string): Promise<number> {
      const rows = await server.db.kysely
        .selectFrom('ipam_free_ranges')
        .select('start_key')
        .where('subnet_id', '=', subnetId)
        .execute()
      return rows.length
    }

    test('10.0.0.0/8: allocations at both ends, exact totals, a constant-size index', async () => {
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'eight' },
        })
      ).body.network.id
      const sub = await api.post<{ subnet: { id: string; allocation_pools: unknown } }>(
        '/v2.0/subnets',
        { subnet: { network_id: net, ip_version: 4, cidr: '10.0.0.0/8' } },
      )
      assert.equal(sub.status, 201)
      assert.deepEqual(sub.body.subnet.allocation_pools, [
        { start: '10.0.0.2', end: '10.255.255.254' },
      ])
      const ports = await api.post<{ ports: { fixed_ips: { ip_address: string }[] }[] }>(
        '/v2.0/ports',
        { ports: Array.from({ length: 100 }, () => ({ network_id: net })) },
      )
      assert.equal(ports.status, 201)
      assert.equal(ports.body.ports[99]?.fixed_ips[0]?.ip_address, '10.0.0.101')
      const top = await api.post('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ ip_address: '10.255.255.254' }] },
      })
      assert.equal(top.status, 201)
      const middle = await api.post('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ ip_address: '10.128.0.1' }] },
      })
      assert.equal(middle.status, 201)
      assert.ok(
        (await freeRows(sub.body.subnet.id)) <= 6,
        'the index must not grow with the subnet',
      )
      const avail = await api.get(`/v2.0/network-ip-availabilities/${net}`)
      assert.match(avail.text, /"used_ips":102/)
      assert.match(avail.text, /"total_ips":16777213\b/)
    })

    test('2001:db8:1::/64: the exact 20-digit total appears in the JSON text; allocation works at the top', async () => {
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'sixty-four' },
        })
      ).body.network.id
      const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
        subnet: {
          network_id: net,
          ip_version: 6,
          cidr: '2001:db8:1::/64',
          ipv6_address_mode: 'dhcpv6-stateful',
          ipv6_ra_mode: 'dhcpv6-stateful',
        },
      })
      assert.equal(sub.status, 201)
      const p = await api.post<{ port: { fixed_ips: { ip_address: string }[] } }>('/v2.0/ports', {
        port: { network_id: net },
      })
      assert.equal(p.body.port.fixed_ips[0]?.ip_address, '2001:db8:1::1')
      const top = await api.post('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ ip_address: '2001:db8:1:0:ffff:ffff:ffff:ffff' }] },
      })
      assert.equal(top.status, 201)
      assert.ok((await freeRows(sub.body.subnet.id)) <= 4)
      const avail = await api.get(`/v2.0/network-ip-availabilities/${net}`)
      assert.match(avail.text, /"total_ips":18446744073709551615[,}]/)
      assert.match(avail.text, /"used_ips":2[,}]/)
      const listed = await api.get('/v2.0/network-ip-availabilities?ip_version=6')
      assert.match(listed.text, /"total_ips":18446744073709551615[,}]/)
    })

    test('a /48 with DHCPv6-stateful pools: totals above 2^64, exact', async () => {
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'forty-eight' },
        })
      ).body.network.id
      const sub = await api.post('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 6, cidr: '2001:db8:2::/48' },
      })
      assert.equal(sub.status, 201)
      const avail = await api.get(`/v2.0/network-ip-availabilities/${net}`)
      // 2^80 - 1 addresses (the subnet-router anycast address is not in the pool).
      assert.match(avail.text, new RegExp(`"total_ips":${(2n ** 80n - 1n).toString()}[,}]`))
    })
  })
}
