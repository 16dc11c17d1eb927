/**
 * Allocation latency by subnet size, in-process (no HTTP): a port create through the service on
 * a fresh /24, on a 10.0.0.0/8 already holding 1,000,000 allocations, and on fresh /64 and /48
 * subnets. The /8's million rows are written straight into the database first.
 */
import type { Insertable } from 'kysely'
import { parseConnectionUrl } from '../src/db/connection-url.ts'
import type { IpAllocationTable, PortTable } from '../src/db/schema.ts'
import { openDatabase, type Db } from '../src/db/database.ts'
import { inTransaction } from '../src/db/transaction.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { formatIp, ipKey } from '../src/domain/ip-address.ts'
import { parseMac, type MacOctets } from '../src/domain/mac-address.ts'
import { createInternalDriver } from '../src/ipam/drivers/internal/internal-driver.ts'
import { createServices } from '../src/services/app-services.ts'
import { adminContext } from '../src/services/request-context.ts'
import { freshDatabase, type Backend } from '../test/support/backends.ts'
import { percentile } from './load.ts'
import { printTable } from './report.ts'
import { chunks } from '../src/db/chunks.ts'

const SAMPLES = 200
const MILLION = 1_000_000

/** Writes `count` ports holding the lowest addresses of the subnet's pool, and fixes the index. */
async function populate(
  db: Db,
  networkId: string,
  subnetId: string,
  first: bigint,
  count: number,
): Promise<void> {
  const BATCH = 2000
  for (let done = 0; done < count; done += BATCH) {
    const n = Math.min(BATCH, count - done)
    const ports: Insertable<PortTable>[] = []
    const allocations: Insertable<IpAllocationTable>[] = []
    for (let k = 0; k < n; k++) {
      const i = done + k
      const value = first + BigInt(i)
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`
      ports.push({
        id,
        project_id: 'admin',
        name: '',
        description: '',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        revision_number: 1,
        tags: '[]',
        network_id: networkId,
        mac_address: `fa:16:3e:${[16, 8, 0].map((sh) => ((i >> sh) & 0xff).toString(16).padStart(2, '0')).join(':')}`,
        admin_state_up: 1,
        status: 'DOWN',
        device_id: '',
        device_owner: '',
        port_security_enabled: 1,
        binding_host_id: '',
        binding_vnic_type: 'normal',
        binding_profile: '{}',
        dns_name: '',
      })
      allocations.push({
        subnet_id: subnetId,
        address_key: ipKey(value),
        ip_address: formatIp({ version: 4, value }),
        port_id: id,
        network_id: networkId,
      })
    }
    await inTransaction(db, async (tx) => {
      for (const chunk of chunks(ports)) await tx.insertInto('ports').values(chunk).execute()
      for (const chunk of chunks(allocations)) {
        await tx.insertInto('ip_allocations').values(chunk).execute()
      }
    })
  }
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('ipam_free_ranges').where('subnet_id', '=', subnetId).execute()
    await tx
      .insertInto('ipam_free_ranges')
      .values({
        subnet_id: subnetId,
        start_key: ipKey(first + BigInt(count)),
        end_key: ipKey(0x0afffffen),
      })
      .execute()
    await tx
      .updateTable('ipam_counters')
      .set({ used: count })
      .where('subnet_id', '=', subnetId)
      .where('shard', '=', 0)
      .execute()
  })
}

export async function allocationLatency(backend: Backend): Promise<void> {
  process.stdout.write(
    `\n== Allocation latency by subnet size (${backend}, in-process port create through the service, no HTTP)\n`,
  )
  const t = await freshDatabase(backend)
  const db = openDatabase(parseConnectionUrl(t.url))
  await migrateToLatest(db)
  const ipam = createInternalDriver(db.dialect, { strategy: 'lowest', randomWindow: 1000 })
  const s = createServices(db, ipam, {
    baseMac: parseMac('fa:16:3e:00:00:00') as MacOctets,
    physnetMtu: 1500,
    dnsDomain: 'openstacklocal',
  })
  const ctx = adminContext()
  const net = async (cidr: string, version: 4 | 6): Promise<{ net: string; subnet: string }> => {
    const n = await s.networks.create(ctx, { name: cidr })
    const sub = await s.subnets.create(ctx, {
      network_id: n.id,
      ip_version: version,
      cidr,
      ...(version === 6
        ? { ipv6_address_mode: 'dhcpv6-stateful', ipv6_ra_mode: 'dhcpv6-stateful' }
        : {}),
    })
    return { net: n.id, subnet: sub.id }
  }
  const cases: [string, string, 4 | 6][] = [
    ['fresh /24', '192.168.0.0/24', 4],
    ['/8 holding 1,000,000 allocations', '10.0.0.0/8', 4],
    ['fresh /64', '2001:db8:1::/64', 6],
    ['fresh /48', '2001:db8:2::/48', 6],
  ]
  const made = new Map<string, string>()
  for (const [label, cidr, version] of cases) {
    const { net: id, subnet } = await net(cidr, version)
    made.set(label, id)
    if (cidr === '10.0.0.0/8') {
      const t0 = performance.now()
      await populate(db, id, subnet, 0x0a000002n, MILLION)
      process.stdout.write(
        `(wrote 1,000,000 ports and allocations into the /8 in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      )
    }
  }
  const rows: string[][] = []
  let reference = 0
  for (const [label] of cases) {
    const id = made.get(label) ?? ''
    const times: number[] = []
    // Interleave nothing: each case gets its samples back to back after a short warm-up.
    for (let i = 0; i < 20; i++) await s.ports.create(ctx, { network_id: id })
    const rss0 = process.memoryUsage().rss
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now()
      await s.ports.create(ctx, { network_id: id })
      times.push((performance.now() - t0) * 1000)
    }
    times.sort((a, b) => a - b)
    const p50 = percentile(times, 50)
    if (reference === 0) reference = p50
    rows.push([
      label,
      p50.toFixed(0),
      percentile(times, 99).toFixed(0),
      (p50 / reference).toFixed(2),
      ((process.memoryUsage().rss - rss0) / 1048576).toFixed(1),
    ])
  }
  const avail = await s.availability.get(ctx, made.get('/8 holding 1,000,000 allocations') ?? '')
  const t0 = performance.now()
  for (let i = 0; i < 100; i++)
    await s.availability.get(ctx, made.get('/8 holding 1,000,000 allocations') ?? '')
  const availUs = ((performance.now() - t0) * 1000) / 100
  printTable(['subnet', 'p50 µs', 'p99 µs', 'p50 vs /24', 'RSS growth MiB'], rows)
  process.stdout.write(
    `availability of the /8 (used ${avail.used_ips.toString()} of ${avail.total_ips.toString()}): ${availUs.toFixed(0)} µs per call\n`,
  )
  await db.close()
  await t.drop()
}
