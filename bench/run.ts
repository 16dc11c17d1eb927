/**
 * `npm run bench`: port-create throughput and allocation latency, printed with their ratio to
 * baselines measured in the same run. Figures only; nothing here is asserted.
 *
 *   npm run bench                 every section
 *   npm run bench -- core         throughput and allocation latency on SQLite
 *   npm run bench -- scale-out    1–3 API nodes on PostgreSQL and MariaDB
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { freshDatabase } from '../test/support/backends.ts'
import { configText, freePort, ROOT, spawnServer } from '../test/support/server.ts'
import { allocationLatency } from './allocation-latency.ts'
import { runLoad, type LoadResult } from './load.ts'
import { scaleOut } from './scale-out.ts'
import { printTable } from './report.ts'

const sections = process.argv.slice(2)
const want = (name: string): boolean => sections.length === 0 || sections.includes(name)

async function baseline(): Promise<LoadResult> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/baseline-server.ts'), String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  await new Promise<void>((ready) =>
    child.stdout?.once('data', () => {
      ready()
    }),
  )
  const body = JSON.stringify({ port: { network_id: '00000000-0000-4000-8000-000000000000' } })
  await runLoad(`http://127.0.0.1:${port}`, '/echo', 8, 2000, () => body)
  const result = await runLoad(`http://127.0.0.1:${port}`, '/echo', 8, 20000, () => body)
  child.kill()
  return result
}

async function post(
  url: string,
  path: string,
  body: unknown,
): Promise<Record<string, Record<string, string>>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, Record<string, string>>
}

async function core(): Promise<void> {
  process.stdout.write(
    '\n== Port creation on SQLite (one API process, real HTTP over loopback, internal IPAM)\n',
  )
  const base = await baseline()
  const db = await freshDatabase('sqlite')
  const server = await spawnServer(configText(db.url), await freePort())
  try {
    const network = async (cidr: string): Promise<string> => {
      const net =
        (await post(server.url, '/v2.0/networks', { network: { name: cidr } })).network?.id ?? ''
      await post(server.url, '/v2.0/subnets', { subnet: { network_id: net, ip_version: 4, cidr } })
      return net
    }
    const warm = await network('10.250.0.0/16')
    await runLoad(server.url, '/v2.0/ports', 8, 1000, () =>
      JSON.stringify({ port: { network_id: warm } }),
    )
    const seqNet = await network('10.1.0.0/16')
    const sequential = await runLoad(server.url, '/v2.0/ports', 1, 2000, () =>
      JSON.stringify({ port: { network_id: seqNet } }),
    )
    const parNet = await network('10.2.0.0/16')
    const concurrent = await runLoad(server.url, '/v2.0/ports', 8, 10000, () =>
      JSON.stringify({ port: { network_id: parNet } }),
    )
    const bulkTimes: number[] = []
    for (let run = 0; run < 3; run++) {
      const net = await network(`10.${10 + run}.0.0/20`)
      const body = { ports: Array.from({ length: 1000 }, () => ({ network_id: net })) }
      const t0 = performance.now()
      const res = await post(server.url, '/v2.0/ports', body)
      bulkTimes.push((performance.now() - t0) / 1000)
      if (!Array.isArray(res.ports) || res.ports.length !== 1000)
        throw new Error('bulk create did not create 1000 ports')
    }
    bulkTimes.sort((a, b) => a - b)
    const bulk = bulkTimes[1] ?? 0
    printTable(
      ['measure', 'ports/s', 'p50 ms', 'p99 ms', 'errors', 'vs bare Fastify POST'],
      [
        [
          'bare Fastify POST (baseline), 8 clients',
          base.perSecond.toFixed(0),
          base.p50ms.toFixed(2),
          base.p99ms.toFixed(2),
          String(base.errors),
          '1.00',
        ],
        [
          'port create, 1 client (sequential)',
          sequential.perSecond.toFixed(0),
          sequential.p50ms.toFixed(2),
          sequential.p99ms.toFixed(2),
          String(sequential.errors),
          (sequential.perSecond / base.perSecond).toFixed(2),
        ],
        [
          'port create, 8 concurrent clients',
          concurrent.perSecond.toFixed(0),
          concurrent.p50ms.toFixed(2),
          concurrent.p99ms.toFixed(2),
          String(concurrent.errors),
          (concurrent.perSecond / base.perSecond).toFixed(2),
        ],
        [
          'bulk POST of 1,000 ports (median of 3)',
          (1000 / bulk).toFixed(0),
          (bulk * 1000).toFixed(0),
          '',
          '0',
          `${bulk.toFixed(3)} s for 1,000`,
        ],
      ],
    )
    process.stdout.write(
      'Reference on the same kind of machine: the real Neutron does about 5-7 ports/s (FINDINGS.md §6); run shared/tools/bench_ports.py on both to compare in one sitting.\n',
    )
  } finally {
    await server.stop()
    await db.drop()
  }
  await allocationLatency('sqlite')
}

if (want('core')) await core()
if (want('scale-out')) await scaleOut()
