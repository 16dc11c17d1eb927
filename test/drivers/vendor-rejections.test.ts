/**
 * A vendor that refuses one request (HTTP 400 with its own validation message) is not down:
 * every external driver answers the tenant 400 IpamRequestRejected with the vendor's reason (no
 * endpoint, no secret), does not retry, leaves nothing reserved or open, and keeps its circuit
 * closed however many refusals come in a row.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startBluecatEmulator } from '../../emulators/bluecat/index.ts'
import { startInfobloxEmulator } from '../../emulators/infoblox/infoblox-emulator.ts'
import { startNetboxEmulator } from '../../emulators/netbox/index.ts'
import { startPhpipamEmulator } from '../../emulators/phpipam/index.ts'
import type { EmulatorHandle } from '../../emulators/shared/emulator-handle.ts'
import { NODE_STATUS, startSolarwindsEmulator } from '../../emulators/solarwinds/index.ts'
import {
  ExternalIpamError,
  toNeutronError,
} from '../../src/ipam/drivers/external/external-errors.ts'
import { freshDatabase } from '../support/backends.ts'
import { client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

const PASSWORD = 'Rej#ect;pa55-xloud'
/** The breaker opens after this many consecutive outages… */
const BREAK_AFTER = 2
/** …and the vendor refuses more requests than that in a row. */
const REFUSALS = BREAK_AFTER + 3

interface Port {
  id: string
  fixed_ips: { subnet_id: string; ip_address: string }[]
}
interface Err {
  NeutronError: { type: string; message: string }
}
interface Status {
  ipam: {
    circuit: string
    last_error: unknown
    pending_releases: number
    journal_open: number
  }
}

/** One vendor's emulator, set up for a subnet, and how to make it refuse. */
interface Vendor {
  readonly em: EmulatorHandle
  /** The driver's `[section]` (url and credentials). */
  readonly section: string
  readonly cidr: string
  /** Addresses of `cidr` the vendor holds for our ports. */
  reservations(): string[]
  /** The next `count` calls are refused the way the vendor refuses a request it finds invalid. */
  refuse(count: number): Promise<void>
  /** The vendor's own text, as the tenant must see it. */
  readonly reason: string
}

interface Case {
  readonly driver: string
  readonly label: string
  start(): Promise<Vendor>
}

const common = `retries = 3\ncircuit_break_after = ${BREAK_AFTER}\ncircuit_reset_seconds = 30\nrequest_timeout = 5\n`

const cases: Case[] = [
  {
    driver: 'infoblox',
    label: 'Infoblox: 400 Client.Ibap.Data',
    async start() {
      const em = await startInfobloxEmulator({ username: 'neutron-svc', password: PASSWORD })
      em.state.addStandardEaDefinitions()
      em.state.addNetworkContainer('10.81.0.0/24')
      const text =
        "Invalid value for host name 'vm_1.cloud.example.com': the name contains characters that are not allowed"
      return {
        em,
        section: `[infoblox]\nwapi_url = ${em.url}\nusername = neutron-svc\npassword = ${PASSWORD}\n`,
        cidr: '10.81.0.0/24',
        reservations: () =>
          [
            ...em.state.listHostRecords().flatMap((h) => h.addresses.map((a) => a.address)),
            ...em.state.listFixedAddresses().map((f) => f.address),
          ].filter((a) => a.startsWith('10.81.0.')),
        refuse: (count) => {
          em.faults.failNext(
            count,
            400,
            JSON.stringify({
              Error: `AdmConDataError: None (IBDataError: IB.Data:${text})`,
              code: 'Client.Ibap.Data',
              text,
            }),
          )
          return Promise.resolve()
        },
        reason: text,
      }
    },
  },
  {
    driver: 'netbox',
    label: 'NetBox: 400 field errors (as recorded from NetBox 3.1)',
    async start() {
      const token = '0123456789abcdef0123456789abcdef01234567'
      const em = await startNetboxEmulator({ token })
      em.state.addPrefix({ prefix: '10.82.0.0/16', vrfId: null, status: 'container' })
      return {
        em,
        section: `[netbox]\nurl = ${em.url}\ntoken = ${token}\n`,
        cidr: '10.82.1.0/24',
        reservations: () =>
          em.state
            .listIpAddresses({ vrfId: null, parent: '10.82.1.0/24' })
            .filter((ip) => ip.description.startsWith('xloud port='))
            .map((ip) => ip.address.split('/')[0] ?? ''),
        refuse: (count) => {
          em.faults.failNext(count, 400, '{"status":["nope is not a valid choice."]}')
          return Promise.resolve()
        },
        reason: 'status: nope is not a valid choice.',
      }
    },
  },
  {
    driver: 'phpipam',
    label: 'phpIPAM: 400 envelope (as recorded from phpIPAM 1.8.2), injected over HTTP',
    async start() {
      const em = await startPhpipamEmulator({
        appId: 'xloud',
        username: 'xloud-svc',
        password: PASSWORD,
        section: { name: 'cloud' },
      })
      em.state.addSubnet({ cidr: '10.83.0.0/16', sectionId: em.sectionId, description: 'cloud' })
      return {
        em,
        section: `[phpipam]\nurl = ${em.url}\napp_id = xloud\nusername = xloud-svc\npassword = ${PASSWORD}\nsection = cloud\n`,
        cidr: '10.83.1.0/24',
        reservations: () =>
          em.state
            .listAddresses()
            .filter((a) => a.ip.startsWith('10.83.1.'))
            .filter((a) => (a.description ?? '').startsWith('xloud port '))
            .map((a) => a.ip),
        refuse: async (count) => {
          // NOTE: through the control route, as for an emulator run as its own process.
          const res = await fetch(`${em.url}/__emulator/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              fail_next: count,
              status: 400,
              body: { code: 400, success: false, message: 'Invalid MAC address', time: 0.004 },
            }),
          })
          assert.equal(res.status, 200, await res.text())
        },
        reason: 'Invalid MAC address',
      }
    },
  },
  ...(['v2', 'v1'] as const).map((version): Case => ({
    driver: 'bluecat',
    label:
      version === 'v2'
        ? 'BlueCat v2: 400 InvalidFieldValue'
        : 'BlueCat v1: 500 carrying an "invalid" message (how v1 refuses)',
    async start() {
      const em = await startBluecatEmulator({ username: 'api', password: PASSWORD })
      em.state.addBlock('10.84.0.0/16')
      const text = "The value 'zz-zz-zz' of field macAddress is invalid"
      return {
        em,
        section: `[bluecat]\nurl = ${em.url}\napi_version = ${version}\nusername = api\npassword = ${PASSWORD}\n`,
        cidr: '10.84.1.0/24',
        reservations: () =>
          em.state.networkId('10.84.1.0/24') === undefined
            ? []
            : em.state
                .listAddresses('10.84.1.0/24')
                .filter((a) => a.userDefinedFields.XloudPortId !== undefined)
                .map((a) => a.address),
        refuse: (count) => {
          if (version === 'v2') {
            em.faults.failNext(
              count,
              400,
              JSON.stringify({
                status: 400,
                reason: 'Bad Request',
                code: 'InvalidFieldValue',
                message: text,
              }),
            )
          } else {
            em.faults.failNext(count, 500, JSON.stringify(text))
          }
          return Promise.resolve()
        },
        reason: text,
      }
    },
  })),
  {
    driver: 'solarwinds',
    label: 'SolarWinds: 400 {"Message": …} from a verb',
    async start() {
      const em = await startSolarwindsEmulator({ username: 'svc-xloud', password: PASSWORD })
      em.state.addSubnet('10.85.1.0/24')
      const text =
        'Verb IPAM.SubnetManagement.StartIpReservation cannot unpackage parameter 2 with type System.Int32'
      return {
        em,
        section: `[solarwinds]\nurl = ${em.url}\nusername = svc-xloud\npassword = ${PASSWORD}\n`,
        cidr: '10.85.1.0/24',
        reservations: () =>
          em.state
            .nodes('10.85.1.0/24')
            .filter((n) => n.status === NODE_STATUS.Used && n.comments?.startsWith('xloud '))
            .map((n) => n.address),
        refuse: (count) => {
          em.faults.failNext(
            count,
            400,
            JSON.stringify({
              Message: text,
              ExceptionType: 'SolarWinds.InformationService.Verb.VerbExecutorException',
              FullException: `SolarWinds.InformationService.Verb.VerbExecutorException: ${text}\r\n   at SolarWinds.InformationService.Verb.VerbExecutor.UnpackageParameters(…)`,
            }),
          )
          return Promise.resolve()
        },
        reason: text,
      }
    },
  },
]

describe('vendor refusals (HTTP 400) are answers, not outages', () => {
  for (const c of cases) {
    test(`${c.label}: ${REFUSALS} refused creates in a row give 400 IpamRequestRejected, no retry, nothing left behind, circuit closed`, async () => {
      const vendor = await c.start()
      const db = await freshDatabase('sqlite')
      const server = await startTestServer(
        db.url,
        `[DEFAULT]\nipam_driver = ${c.driver}\n${vendor.section}${common}[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 30\n`,
      )
      try {
        const api = client(server.url)
        const net = (
          await api.post<{ network: { id: string } }>('/v2.0/networks', {
            network: { name: c.driver },
          })
        ).body.network.id
        const sub = await api.post('/v2.0/subnets', {
          subnet: { network_id: net, ip_version: 4, cidr: vendor.cidr },
        })
        assert.equal(sub.status, 201, sub.text)
        const create = () =>
          api.post<{ port: Port } & Err>('/v2.0/ports', { port: { network_id: net } })
        const first = await create()
        assert.equal(first.status, 201, first.text)

        vendor.em.calls.reset()
        await vendor.refuse(REFUSALS)
        for (let i = 0; i < REFUSALS; i++) {
          const refused = await create()
          assert.equal(refused.status, 400, refused.text)
          assert.equal(refused.body.NeutronError.type, 'IpamRequestRejected')
          assert.equal(
            refused.body.NeutronError.message,
            `${c.driver} refused the request: ${vendor.reason}`,
          )
          for (const secret of [vendor.em.url, '127.0.0.1', PASSWORD])
            assert.ok(!refused.text.includes(secret), `the answer does not show ${secret}`)
        }
        assert.equal(
          vendor.em.calls.total,
          REFUSALS,
          `one call per refused create, none retried: ${JSON.stringify(vendor.em.calls.log)}`,
        )

        const status = (await api.get<Status>('/v2.0/ipam/status')).body.ipam
        assert.deepEqual(
          {
            circuit: status.circuit,
            last_error: status.last_error,
            pending_releases: status.pending_releases,
            journal_open: status.journal_open,
          },
          { circuit: 'closed', last_error: null, pending_releases: 0, journal_open: 0 },
        )

        const after = await create()
        assert.equal(after.status, 201, after.text)
        const ours = [first, after].map((p) => p.body.port.fixed_ips[0]?.ip_address ?? '').sort()
        assert.deepEqual(vendor.reservations().sort(), ours, 'no address leaked')
        const ports = await api.get<{ ports: Port[] }>(`/v2.0/ports?network_id=${net}`)
        assert.equal(ports.body.ports.length, 2, 'the refused creates left no port')
        const audit = await api.get<{ audit: { outcome: string; detail: string }[] }>(
          '/v2.0/ipam/audit?action=allocate',
        )
        assert.equal(
          audit.body.audit.filter((e) => e.outcome === 'failed').length,
          REFUSALS,
          'each refusal is in the audit trail',
        )
      } finally {
        await server.close()
        await vendor.em.close()
        await db.drop()
      }
    })
  }

  test(`control: ${REFUSALS} outages (503) in a row do open the circuit at this threshold`, async () => {
    const vendor = await (cases.find((c) => c.driver === 'netbox') as Case).start()
    const db = await freshDatabase('sqlite')
    const server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = netbox\n${vendor.section}${common}[ipam]\nmaintenance_interval = 0.2\nrecovery_age_seconds = 30\n`,
    )
    try {
      const api = client(server.url)
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'o' } })
      ).body.network.id
      const sub = await api.post('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr: vendor.cidr },
      })
      assert.equal(sub.status, 201, sub.text)
      vendor.em.faults.failNext(REFUSALS, 503)
      for (let i = 0; i < REFUSALS; i++) {
        const failed = await api.post<Err>('/v2.0/ports', { port: { network_id: net } })
        assert.equal(failed.status, 503, failed.text)
      }
      const status = (await api.get<Status>('/v2.0/ipam/status')).body.ipam
      assert.equal(status.circuit, 'open')
    } finally {
      await server.close()
      await vendor.em.close()
      await db.drop()
    }
  })

  test('phpIPAM refusing our app id (400 "Invalid application id") is our configuration: 503, not a refusal', async () => {
    const em = await startPhpipamEmulator({
      appId: 'xloud',
      username: 'xloud-svc',
      password: PASSWORD,
      section: { name: 'cloud' },
    })
    em.state.addSubnet({ cidr: '10.86.0.0/16', sectionId: em.sectionId, description: 'cloud' })
    const db = await freshDatabase('sqlite')
    const server = await startTestServer(
      db.url,
      `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\nurl = ${em.url}\napp_id = not-xloud\napp_token = ${PASSWORD}\nsection = cloud\n${common}[ipam]\nmaintenance_interval = 0.2\n`,
    )
    try {
      const api = client(server.url)
      const net = (
        await api.post<{ network: { id: string } }>('/v2.0/networks', { network: { name: 'a' } })
      ).body.network.id
      const sub = await api.post<Err>('/v2.0/subnets', {
        subnet: { network_id: net, ip_version: 4, cidr: '10.86.1.0/24' },
      })
      assert.equal(sub.status, 503, sub.text)
      assert.equal(sub.body.NeutronError.type, 'IpamDriverError')
      assert.match(
        sub.body.NeutronError.message,
        /app not-xloud refused \(HTTP 400: Invalid application id\)/,
      )
      assert.ok(!sub.text.includes(PASSWORD))
    } finally {
      await server.close()
      await em.close()
      await db.drop()
    }
  })

  test('a refusal is not an outage, and what the tenant reads is short and names no endpoint', () => {
    const endpoint = 'https://ipam.internal.example:8443/api'
    const long = `${'x'.repeat(400)} see ${endpoint}/objects/7`
    const error = new ExternalIpamError('rejected', 'netbox', endpoint, long)
    assert.equal(error.isOutage, false)
    const neutron = toNeutronError(error, { networkId: 'n', subnetId: 's', scope: 'global' })
    assert.equal(neutron.type, 'IpamRequestRejected')
    assert.equal(neutron.status, 400)
    assert.match(neutron.message, /^netbox refused the request: x+/)
    assert.ok(!neutron.message.includes('ipam.internal.example'), neutron.message)
    assert.ok(neutron.message.length <= 'netbox refused the request: '.length + 301)
  })
})
