import { freshDatabase, selectedBackends, type Backend } from '../support/backends.ts'
import { startTestServer } from '../support/server.ts'

/** A server running one IPAM driver, with whatever the driver's external system needs. */
export interface DriverUnderTest {
  readonly url: string
  /** Makes a CIDR usable for a subnet (external systems: pre-define the range). */
  defineRange(cidr: string): Promise<void>
  close(): Promise<void>
}

/** One way of running the conformance suite: a driver on a backend. */
export interface DriverFixture {
  readonly name: string
  /** What the driver cannot do, said explicitly; the suite skips those cases with this reason. */
  readonly unsupported: Partial<Record<Capability, string>>
  start(): Promise<DriverUnderTest>
}

export type Capability = 'ipv6' | 'slaac' | 'mac'

function internalOn(backend: Backend): DriverFixture {
  return {
    name: `internal/${backend}`,
    unsupported: {},
    async start() {
      const db = await freshDatabase(backend)
      const server = await startTestServer(db.url)
      return {
        url: server.url,
        defineRange: () => Promise.resolve(),
        close: async () => {
          await server.close()
          await db.drop()
        },
      }
    },
  }
}

/** Every fixture, narrowed by DRIVERS=internal,infoblox,… and BACKENDS=sqlite,postgres,mariadb. */
export function selectedFixtures(): DriverFixture[] {
  const drivers = (process.env.DRIVERS ?? 'internal').split(',').map((d) => d.trim())
  const out: DriverFixture[] = []
  if (drivers.includes('internal')) out.push(...selectedBackends().map(internalOn))
  return out
}
