import type { RunningServer } from '../../src/server/server.ts'
import {
  freshDatabase,
  selectedBackends,
  type Backend,
  type TestDatabase,
} from '../support/backends.ts'
import { startTestServer } from '../support/server.ts'

/** The external system behind a driver, as the conformance suite drives it. */
export interface ExternalSide {
  /** Addresses the system holds for us in a CIDR (reservations carrying our tag). */
  reservations(cidr: string): Promise<string[]>
  /** Removes a reservation by hand, as an operator would in the system's UI. */
  removeByHand(address: string): Promise<void>
  /** Creates, by hand, a reservation carrying our tag for a port that does not exist. */
  plantOrphan(cidr: string, address: string, subnetId: string): Promise<void>
  /** Ends every session, as an idle timeout would. */
  expireSessions(): void
  /** Stops answering (connections refused) / answers again with the same state. */
  pause(): Promise<void>
  resume(): Promise<void>
  /** Calls the system received since the last reset (for round-trip counts). */
  calls(): number
  resetCalls(): void
}

/** A server running one IPAM driver, with whatever the driver's external system needs. */
export interface DriverUnderTest {
  readonly url: string
  readonly server: RunningServer
  /** Makes a CIDR usable for a subnet (external systems: pre-define the range). */
  defineRange(cidr: string): Promise<void>
  /** Undefined for the internal driver. */
  readonly external: ExternalSide | undefined
  close(): Promise<void>
}

/** One way of running the conformance suite: a driver on a backend. */
export interface DriverFixture {
  readonly name: string
  /** What the driver cannot do, said explicitly; the suite skips those cases with this reason. */
  readonly unsupported: Partial<Record<Capability, string>>
  /** Round trips to the external system per port create and per delete in steady state. */
  readonly roundTrips?: { readonly create: number; readonly delete: number }
  start(): Promise<DriverUnderTest>
}

export type Capability = 'ipv6' | 'slaac' | 'mac' | 'dns'

/**
 * Options every external driver test server gets: background work every 0.2 s, so a process
 * silent for 1 s counts as dead and its intents are recovered at once.
 */
export const EXTERNAL_IPAM_OPTIONS = '[ipam]\nmaintenance_interval = 0.2\n'

export async function serverWith(db: TestDatabase, sections: string): Promise<RunningServer> {
  return startTestServer(db.url, sections)
}

function internalOn(backend: Backend): DriverFixture {
  return {
    name: `internal/${backend}`,
    unsupported: {},
    async start() {
      const db = await freshDatabase(backend)
      const server = await serverWith(db, '')
      return {
        url: server.url,
        server,
        external: undefined,
        defineRange: () => Promise.resolve(),
        close: async () => {
          await server.close()
          await db.drop()
        },
      }
    },
  }
}

const ALL_DRIVERS = ['internal', 'infoblox', 'netbox', 'phpipam', 'bluecat', 'solarwinds']

/**
 * Every fixture, narrowed by DRIVERS=internal,infoblox,… and BACKENDS=sqlite,postgres,mariadb.
 * Vendor fixtures live in ./fixtures/<vendor>.ts (a fixture name starts with its driver name).
 */
export async function selectedFixtures(): Promise<DriverFixture[]> {
  const drivers = (process.env.DRIVERS ?? ALL_DRIVERS.join(',')).split(',').map((d) => d.trim())
  const out: DriverFixture[] = []
  if (drivers.includes('internal')) out.push(...selectedBackends().map(internalOn))
  for (const vendor of ALL_DRIVERS.slice(1)) {
    if (!drivers.includes(vendor)) continue
    const mod = (await import(`./fixtures/${vendor}.ts`)) as { fixtures: DriverFixture[] }
    out.push(...mod.fixtures)
  }
  return out
}
