/**
 * The IPAM driver contract, as the API shows it: run against every driver on every backend
 * (DRIVERS=…, BACKENDS=… narrow it). A driver is done when it passes this suite.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { client, type Client } from '../support/http.ts'
import { selectedFixtures, type DriverUnderTest, type ExternalSide } from './driver-fixtures.ts'

interface FixedIp {
  subnet_id: string
  ip_address: string
}
interface Port {
  id: string
  fixed_ips: FixedIp[]
  mac_address: string
}
interface Err {
  NeutronError: { type: string; message: string }
}

for (const fixture of await selectedFixtures()) {
  describe(`IPAM conformance: ${fixture.name}`, () => {
    let sut: DriverUnderTest
    let api: Client
    let cidrCounter = 0

    before(async () => {
      sut = await fixture.start()
      api = client(sut.url)
    })
    after(async () => {
      await sut.close()
    })

    /** A network with one IPv4 subnet whose range the external system knows. */
    async function network(
      prefixLength = 24,
      body: Record<string, unknown> = {},
    ): Promise<{ net: string; subnet: string; cidr: string }> {
      const cidr = `10.${100 + Math.floor(cidrCounter / 200)}.${cidrCounter++ % 200}.0/${prefixLength}`
      await sut.defineRange(cidr)
      const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
        network: { name: `n-${cidrCounter}` },
      })
      assert.equal(net.status, 201)
      const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
        subnet: { network_id: net.body.network.id, ip_version: 4, cidr, ...body },
      })
      assert.equal(sub.status, 201, sub.text)
      return { net: net.body.network.id, subnet: sub.body.subnet.id, cidr }
    }

    async function used(net: string): Promise<number> {
      const r = await api.get<{ network_ip_availability: { used_ips: number } }>(
        `/v2.0/network-ip-availabilities/${net}`,
      )
      return r.body.network_ip_availability.used_ips
    }

    test('seed flow: a port gets an address from the pool, and gives it back on delete', async () => {
      const { net, subnet, cidr } = await network()
      const prefix = cidr.split('.').slice(0, 3).join('.')
      const port = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(port.status, 201)
      const [ip] = port.body.port.fixed_ips
      assert.equal(ip?.subnet_id, subnet)
      const last = Number(ip?.ip_address.split('.')[3])
      assert.ok(ip?.ip_address.startsWith(`${prefix}.`) && last >= 2 && last <= 254, ip?.ip_address)
      assert.equal(await used(net), 1)
      const shown = await api.get<{ port: Port }>(`/v2.0/ports/${port.body.port.id}`)
      assert.deepEqual(shown.body.port.fixed_ips, port.body.port.fixed_ips)
      assert.equal((await api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
      assert.equal(await used(net), 0)
      // The released address can be had again.
      const again = await api.post<{ port: Port }>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: ip?.ip_address }] },
      })
      assert.equal(again.status, 201, again.text)
    })

    test('exhaustion: a /29 gives five ports, then 409 at once; a bulk that does not fit creates nothing', async () => {
      const { net } = await network(29)
      const got = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const r = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
        assert.equal(r.status, 201)
        got.add(r.body.port.fixed_ips[0]?.ip_address ?? '')
      }
      assert.equal(got.size, 5)
      const full = await api.post<Err>('/v2.0/ports', { port: { network_id: net } })
      assert.equal(full.status, 409)
      assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure')
      assert.equal(
        full.body.NeutronError.message,
        `No more IP addresses available on network ${net}.`,
      )

      const { net: net2 } = await network(29)
      const bulk = await api.post<Err>('/v2.0/ports', {
        ports: Array.from({ length: 6 }, () => ({ network_id: net2 })),
      })
      assert.equal(bulk.status, 409)
      assert.equal(bulk.body.NeutronError.type, 'IpAddressGenerationFailure')
      const ports = await api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net2}`)
      assert.equal(ports.body.ports.length, 0)
      assert.equal(await used(net2), 0)
    })

    test('specific addresses: taken once, then 409 naming the address; outside the pools allowed; network/broadcast refused', async () => {
      const { net, subnet, cidr } = await network(24, { allocation_pools: [] })
      const prefix = cidr.split('.').slice(0, 3).join('.')
      const first = await api.post<{ port: Port }>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: `${prefix}.77` }] },
      })
      assert.equal(first.status, 201, first.text)
      const second = await api.post<Err>('/v2.0/ports', {
        port: { network_id: net, fixed_ips: [{ ip_address: `${prefix}.77` }] },
      })
      assert.equal(second.status, 409)
      assert.equal(second.body.NeutronError.type, 'IpAddressAlreadyAllocated')
      assert.match(
        second.body.NeutronError.message,
        new RegExp(`${prefix.replaceAll('.', '\\.')}\\.77`),
      )
      for (const bad of ['0', '255']) {
        const r = await api.post<Err>('/v2.0/ports', {
          port: {
            network_id: net,
            fixed_ips: [{ subnet_id: subnet, ip_address: `${prefix}.${bad}` }],
          },
        })
        assert.equal(r.status, 400)
        assert.equal(r.body.NeutronError.type, 'InvalidIpForSubnet')
      }
    })

    test('bulk: all ports get distinct addresses in one request', async () => {
      const { net } = await network(24)
      const r = await api.post<{ ports: Port[] }>('/v2.0/ports', {
        ports: Array.from({ length: 50 }, (_, i) => ({ network_id: net, name: `b${i}` })),
      })
      assert.equal(r.status, 201)
      const ips = r.body.ports.map((p) => p.fixed_ips[0]?.ip_address)
      assert.equal(new Set(ips).size, 50)
      assert.equal(await used(net), 50)
    })

    test(
      'IPv6: DHCPv6-stateful allocates from the pool, SLAAC gives the EUI-64 of the MAC',
      { skip: fixture.unsupported.ipv6 },
      async () => {
        const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
          network: { name: 'v6' },
        })
        const id = net.body.network.id
        const n = cidrCounter++
        const stateful = `2001:db8:${(0x100 + n).toString(16)}::/64`
        const slaac = `2001:db8:${(0x200 + n).toString(16)}::/64`
        await sut.defineRange(stateful)
        await sut.defineRange(slaac)
        assert.equal(
          (
            await api.post('/v2.0/subnets', {
              subnet: {
                network_id: id,
                ip_version: 6,
                cidr: stateful,
                ipv6_address_mode: 'dhcpv6-stateful',
                ipv6_ra_mode: 'dhcpv6-stateful',
              },
            })
          ).status,
          201,
        )
        assert.equal(
          (
            await api.post('/v2.0/subnets', {
              subnet: {
                network_id: id,
                ip_version: 6,
                cidr: slaac,
                ipv6_address_mode: 'slaac',
                ipv6_ra_mode: 'slaac',
              },
            })
          ).status,
          201,
        )
        const port = await api.post<{ port: Port }>('/v2.0/ports', {
          port: { network_id: id, mac_address: 'fa:16:3e:2c:0d:62' },
        })
        assert.equal(port.status, 201, port.text)
        const addresses = port.body.port.fixed_ips.map((f) => f.ip_address).sort()
        assert.equal(addresses.length, 2)
        assert.ok(
          addresses.includes(`${slaac.split('::')[0] ?? ''}:0:f816:3eff:fe2c:d62`),
          addresses.join(' '),
        )
      },
    )

    test('64 parallel port creates on one subnet: 64 distinct addresses, no error', async () => {
      const { net } = await network(24)
      const results = await Promise.all(
        Array.from({ length: 64 }, () =>
          api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
        ),
      )
      assert.deepEqual(
        results.map((r) => r.status).filter((s) => s !== 201),
        [],
      )
      const ips = results.map((r) => r.body.port.fixed_ips[0]?.ip_address)
      assert.equal(new Set(ips).size, 64)
      assert.equal(await used(net), 64)
    })

    test(
      'round trips: one external call per port create and one per delete in steady state',
      { skip: fixture.roundTrips === undefined ? 'internal driver: no external system' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net } = await network(24)
        // Warm up: sessions, caches.
        const warm = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
        await api.delete(`/v2.0/ports/${warm.body.port.id}`)
        ext.resetCalls()
        const port = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
        assert.equal(port.status, 201)
        assert.equal(ext.calls(), fixture.roundTrips?.create, 'calls per create')
        ext.resetCalls()
        assert.equal((await api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
        assert.equal(ext.calls(), fixture.roundTrips?.delete, 'calls per delete')
      },
    )

    test(
      'the external system holds exactly our addresses, and gets them back on delete',
      { skip: fixture.roundTrips === undefined ? 'internal driver' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net, cidr } = await network(24)
        const ports = await Promise.all(
          Array.from({ length: 10 }, () =>
            api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
          ),
        )
        const ours = ports.map((p) => p.body.port.fixed_ips[0]?.ip_address ?? '').sort()
        assert.deepEqual((await ext.reservations(cidr)).sort(), ours)
        for (const p of ports.slice(0, 5)) await api.delete(`/v2.0/ports/${p.body.port.id}`)
        assert.deepEqual(
          (await ext.reservations(cidr)).sort(),
          ours
            .slice()
            .sort()
            .filter(
              (ip) => !ports.slice(0, 5).some((p) => p.body.port.fixed_ips[0]?.ip_address === ip),
            ),
        )
      },
    )

    test(
      'outage: creates fail fast with 503 and leave nothing; deletes succeed and their releases drain afterwards',
      { skip: fixture.roundTrips === undefined ? 'internal driver' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net, cidr } = await network(24)
        const keep = await Promise.all(
          Array.from({ length: 3 }, () =>
            api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
          ),
        )
        await ext.pause()
        try {
          const failed = await Promise.all(
            Array.from({ length: 6 }, () =>
              api.post<Err>('/v2.0/ports', { port: { network_id: net } }),
            ),
          )
          for (const f of failed) {
            assert.equal(f.status, 503, f.text)
            assert.equal(f.body.NeutronError.type, 'IpamDriverError')
            assert.match(f.body.NeutronError.message, /^IPAM driver error: /)
          }
          for (const p of keep)
            assert.equal((await api.delete(`/v2.0/ports/${p.body.port.id}`)).status, 204)
          const pending = await api.get<{ releases: unknown[] }>('/v2.0/ipam/releases')
          assert.ok(pending.body.releases.length >= 3, 'releases wait in the queue')
          const ports = await api.get<{ ports: unknown[] }>(`/v2.0/ports?network_id=${net}`)
          assert.deepEqual(ports.body.ports, [], 'no port left behind by the failed creates')
        } finally {
          await ext.resume()
        }
        const deadline = Date.now() + 15_000
        while ((await ext.reservations(cidr)).length > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 200))
        assert.deepEqual(
          await ext.reservations(cidr),
          [],
          'the queue drained once the system was back',
        )
        const after = await api.post('/v2.0/ports', { port: { network_id: net } })
        assert.equal(after.status, 201, 'creates work again')
      },
    )

    test(
      'a reservation removed by hand does not block our delete',
      { skip: fixture.roundTrips === undefined ? 'internal driver' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net } = await network(24)
        const port = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
        await ext.removeByHand(port.body.port.fixed_ips[0]?.ip_address ?? '')
        assert.equal((await api.delete(`/v2.0/ports/${port.body.port.id}`)).status, 204)
        const pending = await api.get<{ releases: { port_id: string }[] }>('/v2.0/ipam/releases')
        assert.ok(
          !pending.body.releases.some((r) => r.port_id === port.body.port.id),
          'already gone counts as released',
        )
      },
    )

    test(
      'session expiry: parallel creates after the sessions ended all succeed',
      { skip: fixture.roundTrips === undefined ? 'internal driver' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net } = await network(24)
        ext.expireSessions()
        const results = await Promise.all(
          Array.from({ length: 20 }, () => api.post('/v2.0/ports', { port: { network_id: net } })),
        )
        assert.deepEqual(
          results.filter((r) => r.status !== 201).map((r) => r.text),
          [],
        )
      },
    )

    test(
      'drift: reconcile reports an orphan and a missing reservation, repairs them, then reports nothing',
      { skip: fixture.roundTrips === undefined ? 'internal driver' : false },
      async () => {
        const ext = sut.external as ExternalSide
        const { net, subnet, cidr } = await network(24)
        const ports = await Promise.all(
          Array.from({ length: 4 }, () =>
            api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } }),
          ),
        )
        const gone = ports[0]?.body.port.fixed_ips[0]?.ip_address ?? ''
        await ext.removeByHand(gone)
        const prefix = cidr.split('.').slice(0, 3).join('.')
        await ext.plantOrphan(cidr, `${prefix}.200`, subnet)
        interface Report {
          orphans: { ip_address: string; repaired: boolean }[]
          missing: { ip_address: string; repaired: boolean }[]
          stale: unknown[]
        }
        const first = await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {
          repair: false,
        })
        assert.equal(first.status, 200, first.text)
        assert.ok(
          first.body.reconcile.orphans.some((o) => o.ip_address === `${prefix}.200`),
          JSON.stringify(first.body),
        )
        assert.ok(first.body.reconcile.missing.some((m) => m.ip_address === gone))
        const repaired = await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {
          repair: true,
        })
        assert.ok(
          repaired.body.reconcile.orphans.every((o) => o.repaired) &&
            repaired.body.reconcile.missing.every((m) => m.repaired),
        )
        const clean = await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', {
          repair: false,
        })
        assert.deepEqual(
          [clean.body.reconcile.orphans, clean.body.reconcile.missing, clean.body.reconcile.stale],
          [[], [], []],
        )
        assert.ok((await ext.reservations(cidr)).includes(gone), 'the missing reservation is back')
      },
    )

    test('audit: every allocate and release is recorded, newest first, filterable by port', async () => {
      const { net } = await network(24)
      const port = await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })
      await api.delete(`/v2.0/ports/${port.body.port.id}`)
      const deadline = Date.now() + 5000
      let actions: string[] = []
      while (Date.now() < deadline) {
        const audit = await api.get<{
          audit: { action: string; outcome: string; ip_address: string }[]
        }>(`/v2.0/ipam/audit?port_id=${port.body.port.id}`)
        actions = audit.body.audit.map((a) => `${a.action}:${a.outcome}`)
        if (actions[0] === 'release:ok') break
        await new Promise((r) => setTimeout(r, 100))
      }
      assert.equal(actions[0], 'release:ok', actions.join(' '))
      assert.ok(actions.includes('allocate:ok'))
    })
  })
}
