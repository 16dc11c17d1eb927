/**
 * Allocation latency by subnet size, in-process (no HTTP): a port create through the service on
 * a fresh /24, on a 10.0.0.0/8 already holding 1,000,000 allocations, and on fresh /64 and /48
 * subnets. The /8's million rows are written straight into the database first.
 */
import BetterSqlite3 from 'better-sqlite3'
import { parseConnectionUrl } from '../src/db/connection-url.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { ipKey } from '../src/domain/ip-address.ts'
import { parseMac, type MacOctets } from '../src/domain/mac-address.ts'
import { createInternalDriver } from '../src/ipam/drivers/internal/internal-driver.ts'
import { createServices } from '../src/services/app-services.ts'
import { adminContext } from '../src/services/request-context.ts'
import { freshDatabase } from '../test/support/backends.ts'
import { percentile } from './load.ts'
import { printTable } from './report.ts'

const SAMPLES = 200
const MILLION = 1_000_000

/** Writes `count` ports holding the lowest addresses of the subnet's pool, and fixes the index. */
function populate(
  path: string,
  networkId: string,
  subnetId: string,
  first: bigint,
  count: number,
): void {
  const raw = new BetterSqlite3(path)
  raw.pragma('journal_mode = WAL')
  const port = raw.prepare(
    `insert into ports (id, project_id, name, description, created_at, updated_at, revision_number, tags, network_id, mac_address, admin_state_up, status, device_id, device_owner, port_security_enabled, binding_host_id, binding_vnic_type, binding_profile, dns_name)
     values (?, 'admin', '', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, '[]', ?, ?, 1, 'DOWN', '', '', 1, '', 'normal', '{}', '')`,
  )
  const alloc = raw.prepare(
    'insert into ip_allocations (subnet_id, address_key, ip_address, port_id, network_id) values (?, ?, ?, ?, ?)',
  )
  raw.transaction(() => {
    for (let i = 0; i < count; i++) {
      const value = first + BigInt(i)
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`
      const mac = `fa:16:3e:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`
      port.run(id, networkId, mac)
      alloc.run(
        subnetId,
        ipKey(value),
        `10.${Number((value >> 16n) & 0xffn)}.${Number((value >> 8n) & 0xffn)}.${Number(value & 0xffn)}`,
        id,
        networkId,
      )
    }
    raw.prepare('delete from ipam_free_ranges where subnet_id = ?').run(subnetId)
    raw
      .prepare('insert into ipam_free_ranges (subnet_id, start_key, end_key) values (?, ?, ?)')
      .run(subnetId, ipKey(first + BigInt(count)), ipKey(0x0afffffen))
    raw
      .prepare('update ipam_counters set used = ? where subnet_id = ? and shard = 0')
      .run(count, subnetId)
  })()
  raw.close()
}

export async function allocationLatency(): Promise<void> {
  process.stdout.write(
    '\n== Allocation latency by subnet size (SQLite, in-process port create through the service, no HTTP)\n',
  )
  const t = await freshDatabase('sqlite')
  const db = openDatabase(parseConnectionUrl(t.url))
  await migrateToLatest(db)
  const ipam = createInternalDriver('sqlite', { strategy: 'lowest', randomWindow: 1000 })
  const s = createServices(db, ipam, {
    baseMac: parseMac('fa:16:3e:00:00:00') as MacOctets,
    physnetMtu: 1500,
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
      populate(
        parseConnectionUrl(t.url).dialect === 'sqlite' ? t.url.replace('sqlite:///', '') : '',
        id,
        subnet,
        0x0a000002n,
        MILLION,
      )
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
