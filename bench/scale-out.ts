/**
 * Scale-out: port-create throughput and latency with 1, 2 and 3 API nodes (separate processes)
 * on one PostgreSQL and one MariaDB database, 16 concurrent clients spread over the nodes; peak
 * RSS per node; then allocation latency by subnet size on PostgreSQL.
 */
import { readFileSync } from 'node:fs'
import { Pool } from 'undici'
import { freshDatabase, type Backend } from '../test/support/backends.ts'
import { configText, freePort, spawnServer, type ServerProcess } from '../test/support/server.ts'
import { allocationLatency } from './allocation-latency.ts'
import { percentile } from './load.ts'
import { printTable } from './report.ts'

const CLIENTS = 16
const PORTS = 6000

/** Peak resident set of a process in MiB (VmHWM). */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) / 1024
}

async function load(
  nodes: readonly ServerProcess[],
  networkId: string,
  total: number,
): Promise<{ perSecond: number; p50: number; p99: number; errors: number }> {
  const pools = nodes.map((n) => new Pool(n.url, { connections: CLIENTS }))
  const latencies: number[] = []
  let next = 0
  let errors = 0
  const body = JSON.stringify({ port: { network_id: networkId } })
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const pool = pools[client % pools.length] as Pool
      for (;;) {
        if (next++ >= total) return
        const start = performance.now()
        const res = await pool.request({
          method: 'POST',
          path: '/v2.0/ports',
          body,
          headers: { 'content-type': 'application/json' },
        })
        await res.body.text()
        latencies.push(performance.now() - start)
        if (res.statusCode !== 201) errors++
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(pools.map((p) => p.close()))
  latencies.sort((a, b) => a - b)
  return {
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  }
}

async function post(url: string, path: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await res.json()) as Record<string, { id: string }>
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`)
  return Object.values(json)[0]?.id ?? ''
}

async function backendRun(backend: Backend): Promise<string[][]> {
  const rows: string[][] = []
  const db = await freshDatabase(backend)
  const conf = configText(db.url)
  let single = 0
  try {
    for (let count = 1; count <= 3; count++) {
      const nodes: ServerProcess[] = []
      for (let i = 0; i < count; i++) nodes.push(await spawnServer(conf, await freePort()))
      try {
        const first = nodes[0] as ServerProcess
        const net = await post(first.url, '/v2.0/networks', { network: { name: `n${count}` } })
        await post(first.url, '/v2.0/subnets', {
          subnet: { network_id: net, ip_version: 4, cidr: `10.${count}.0.0/16` },
        })
        await load(nodes, net, 1000)
        const r = await load(nodes, net, PORTS)
        if (count === 1) single = r.perSecond
        rows.push([
          backend,
          String(count),
          r.perSecond.toFixed(0),
          (r.perSecond / single).toFixed(2),
          r.p50.toFixed(1),
          r.p99.toFixed(1),
          String(r.errors),
          nodes.map((n) => peakRssMiB(n.child.pid).toFixed(0)).join(' / '),
        ])
      } finally {
        await Promise.all(nodes.map((n) => n.stop()))
      }
    }
  } finally {
    await db.drop()
  }
  return rows
}

export async function scaleOut(): Promise<void> {
  process.stdout.write(
    `\n== Scale-out: API nodes on one database, ${CLIENTS} concurrent clients, ${PORTS} port creates per run, load generator on the same machine\n`,
  )
  const rows = [...(await backendRun('postgres')), ...(await backendRun('mariadb'))]
  printTable(
    [
      'database',
      'nodes',
      'ports/s',
      'vs 1 node',
      'p50 ms',
      'p99 ms',
      'errors',
      'peak RSS MiB per node',
    ],
    rows,
  )
  process.stdout.write(
    'References: go-ipam about 330 acquisitions/s on PostgreSQL (its README); the real Neutron about 7 ports/s on this machine.\n',
  )
  await allocationLatency('postgres')
}
