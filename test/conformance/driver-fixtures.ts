import { startInfobloxEmulator } from '../../emulators/infoblox/infoblox-emulator.ts'
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

/** Options every external driver test server gets: quick recovery and background work. */
export const EXTERNAL_IPAM_OPTIONS =
  '[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 1\n'

async function serverWith(db: TestDatabase, sections: string): Promise<RunningServer> {
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

const infoblox: DriverFixture = {
  name: 'infoblox',
  unsupported: {},
  roundTrips: { create: 1, delete: 1 },
  async start() {
    const ib = await startInfobloxEmulator({ username: 'neutron-svc', password: 'Sw0rd#fish;' })
    ib.state.addStandardEaDefinitions()
    ib.state.addZone('cloud.example.com')
    const db = await freshDatabase('sqlite')
    const server = await serverWith(
      db,
      `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = neutron-svc\npassword = Sw0rd#fish;\ndns_zone = cloud.example.com\npage_size = 50\nretries = 2\ncircuit_reset_seconds = 0.5\nrequest_timeout = 2\n${EXTERNAL_IPAM_OPTIONS}`,
    )
    const inCidr = (cidr: string, ip: string): boolean =>
      ip.startsWith(cidr.split('.').slice(0, 3).join('.'))
    return {
      url: server.url,
      server,
      defineRange: (cidr) => {
        if (cidr.includes(':')) ib.state.addNetworkContainer(cidr)
        else ib.state.addNetworkContainer(cidr)
        return Promise.resolve()
      },
      external: {
        reservations: (cidr) =>
          Promise.resolve(
            [
              ...ib.state.listHostRecords().flatMap((h) => h.addresses.map((a) => a.address)),
              ...ib.state.listFixedAddresses().map((f) => f.address),
            ].filter((ip) => inCidr(cidr, ip)),
          ),
        removeByHand: (address) => {
          const host = ib.state
            .listHostRecords()
            .find((h) => h.addresses.some((a) => a.address === address))
          if (host !== undefined) ib.state.removeByRef(host.ref)
          else ib.state.removeFixedAddress(address)
          return Promise.resolve()
        },
        plantOrphan: (_cidr, address, subnetId) => {
          ib.state.addFixedAddress(address, 'fa:16:3e:00:99:99', 'default', {
            'Port ID': '00000000-0000-4000-8000-00000000beef',
            'Subnet ID': subnetId,
            'CMP Type': 'Xloud',
            'Cloud API Owned': 'True',
          })
          return Promise.resolve()
        },
        expireSessions: () => {
          ib.auth.expireAllSessions()
        },
        pause: () => ib.pause(),
        resume: () => ib.resume(),
        calls: () => ib.calls.total,
        resetCalls: () => {
          ib.calls.reset()
        },
      },
      close: async () => {
        await server.close()
        await ib.close()
        await db.drop()
      },
    }
  },
}

/** Every fixture, narrowed by DRIVERS=internal,infoblox,… and BACKENDS=sqlite,postgres,mariadb. */
export function selectedFixtures(): DriverFixture[] {
  const drivers = (process.env.DRIVERS ?? 'internal,infoblox').split(',').map((d) => d.trim())
  const out: DriverFixture[] = []
  if (drivers.includes('internal')) out.push(...selectedBackends().map(internalOn))
  if (drivers.includes('infoblox')) out.push(infoblox)
  return out
}
