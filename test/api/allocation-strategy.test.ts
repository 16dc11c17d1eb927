/**
 * `[ipam] allocation_strategy`: lowest free address first (the default), or Neutron's random
 * pick among the first `random_window` free addresses.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

interface Port {
  fixed_ips: { ip_address: string }[]
}

async function network(api: Client, cidr: string): Promise<string> {
  const net = (
    await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: cidr } })
  ).body.network.id
  await api.post('/v2.0/subnets', { subnet: { network_id: net, ip_version: 4, cidr } })
  return net
}

const last = (p: Port): number => Number(p.fixed_ips[0]?.ip_address.split('.')[3])

describe('allocation strategies', () => {
  let db: TestDatabase
  let lowest: RunningServer
  let random: RunningServer

  before(async () => {
    db = await freshDatabase('sqlite')
    lowest = await startTestServer(db.url)
    random = await startTestServer(
      db.url,
      '[ipam]\nallocation_strategy = random\nrandom_window = 20\n',
    )
  })
  after(async () => {
    await lowest.close()
    await random.close()
    await db.drop()
  })

  test('lowest: addresses come in order, and a released one is the next given', async () => {
    const api = client(lowest.url)
    const net = await network(api, '10.20.0.0/24')
    const ports = []
    for (let i = 0; i < 5; i++)
      ports.push(
        (
          await api.post<{ port: Port & { id: string } }>('/v2.0/ports', {
            port: { network_id: net },
          })
        ).body.port,
      )
    assert.deepEqual(ports.map(last), [2, 3, 4, 5, 6])
    await api.delete(`/v2.0/ports/${ports[1]?.id ?? ''}`)
    const next = (await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })).body
      .port
    assert.equal(last(next), 3)
  })

  test('random: distinct addresses, each among the first 20 free, not simply in order', async () => {
    const api = client(random.url)
    const net = await network(api, '10.21.0.0/24')
    const got: number[] = []
    for (let i = 0; i < 15; i++) {
      const p = (await api.post<{ port: Port }>('/v2.0/ports', { port: { network_id: net } })).body
        .port
      const free = Array.from({ length: 253 }, (_, k) => k + 2).filter((a) => !got.includes(a))
      assert.ok(free.slice(0, 20).includes(last(p)), `${last(p)} is among the first 20 free`)
      got.push(last(p))
    }
    assert.equal(new Set(got).size, 15)
    assert.notDeepEqual(
      got,
      [...got].sort((a, b) => a - b),
      'random order (chance of sorted order: 1 in 15!)',
    )
    // prefer-next (DHCP ports) still take the lowest free address.
    const dhcp = (
      await api.post<{ port: Port }>('/v2.0/ports', {
        port: { network_id: net, device_owner: 'network:dhcp' },
      })
    ).body.port
    const lowestFree = Array.from({ length: 253 }, (_, k) => k + 2).find((a) => !got.includes(a))
    assert.equal(last(dhcp), lowestFree)
  })
})
