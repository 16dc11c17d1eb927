/**
 * Reconcile when a subnet's range was deleted in Infoblox (network), NetBox (prefix) or
 * SolarWinds (subnet): one `missing_ranges` finding for the subnet, never each of its addresses
 * as "missing". Each backend's listing first looks the subnet's object up once (only reconcile
 * pays that call; port create and delete keep theirs), and an intact subnet is compared as
 * before. With repair, the range is re-linked where the enclosing range is still defined (its
 * addresses reserved again); where it is not, the finding stays unrepaired and nothing is
 * reported missing address by address.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  startInfobloxEmulator,
  type InfobloxEmulator,
} from '../../emulators/infoblox/infoblox-emulator.ts'
import { startNetboxEmulator, type NetboxEmulatorHandle } from '../../emulators/netbox/index.ts'
import {
  NODE_STATUS,
  startSolarwindsEmulator,
  type SolarwindsEmulator,
} from '../../emulators/solarwinds/index.ts'
import { freshDatabase, selectedBackends, type TestDatabase } from '../support/backends.ts'
import { client, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

/** No background maintenance: the reconciles are the only thing calling the IPAM. */
const NO_BACKGROUND = '[ipam]\nmaintenance_interval = 3600\n'

interface Report {
  repair: boolean
  orphans: { subnet_id: string; ip_address: string }[]
  missing: { subnet_id: string; ip_address: string; repaired: boolean }[]
  stale: { subnet_id: string }[]
  missing_ranges: {
    subnet_id: string
    cidr: string
    external_ref: string | null
    detail: string
    repaired: boolean
  }[]
  errors: string[]
}

interface Rig {
  readonly api: Client
  close(): Promise<void>
}

async function rigOn(db: TestDatabase, sections: string): Promise<Rig> {
  const server = await startTestServer(db.url, `${sections}${NO_BACKGROUND}`)
  return {
    api: client(server.url),
    close: async () => {
      await server.close()
      await db.drop()
    },
  }
}

/** A network with one IPv4 subnet on `cidr` and `ports` ports on it; their addresses. */
async function subnetWithPorts(
  api: Client,
  cidr: string,
  ports = 2,
): Promise<{ subnet: string; addresses: string[] }> {
  const net = await api.post<{ network: { id: string } }>('/v2.0/networks', {
    network: { name: `n-${cidr}` },
  })
  assert.equal(net.status, 201, net.text)
  const sub = await api.post<{ subnet: { id: string } }>('/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, ip_version: 4, cidr },
  })
  assert.equal(sub.status, 201, sub.text)
  const addresses: string[] = []
  for (let i = 0; i < ports; i++) {
    const port = await api.post<{ port: { fixed_ips: { ip_address: string }[] } }>('/v2.0/ports', {
      port: { network_id: net.body.network.id, name: `p${i}` },
    })
    assert.equal(port.status, 201, port.text)
    addresses.push(port.body.port.fixed_ips[0]?.ip_address ?? '')
  }
  return { subnet: sub.body.subnet.id, addresses }
}

async function reconcile(api: Client, repair: boolean): Promise<Report> {
  const res = await api.post<{ reconcile: Report }>('/v2.0/ipam/reconcile', { repair })
  assert.equal(res.status, 200, res.text)
  return res.body.reconcile
}

const of = <T extends { subnet_id: string }>(entries: T[], subnet: string): T[] =>
  entries.filter((e) => e.subnet_id === subnet)

/** An intact subnet: compared as usual, no finding of any kind. */
function assertInSync(report: Report, subnet: string): void {
  assert.deepEqual(
    [
      of(report.missing_ranges, subnet),
      of(report.missing, subnet),
      of(report.orphans, subnet),
      of(report.stale, subnet),
      report.errors,
    ],
    [[], [], [], [], []],
    JSON.stringify(report),
  )
}

/** A report-mode reconcile: the subnet is one missing range, none of its addresses "missing". */
async function assertMissingRange(
  api: Client,
  subnet: string,
  cidr: string,
  addresses: readonly string[],
  gone: RegExp,
): Promise<void> {
  const report = await reconcile(api, false)
  const what = JSON.stringify(report)
  const ranges = of(report.missing_ranges, subnet)
  assert.equal(ranges.length, 1, what)
  assert.equal(ranges[0]?.cidr, cidr, what)
  assert.equal(ranges[0]?.repaired, false, what)
  assert.notEqual(ranges[0]?.external_ref, null, what)
  assert.match(ranges[0]?.detail ?? '', gone, what)
  assert.deepEqual(
    report.missing.filter((m) => m.subnet_id === subnet || addresses.includes(m.ip_address)),
    [],
    `no address of a gone range is "missing": ${what}`,
  )
  assert.deepEqual(of(report.orphans, subnet), [], what)
  assert.deepEqual(report.errors, [], what)
}

/** Repair re-links the range (its enclosing range is still there): addresses held again, then in sync. */
async function assertRelinked(
  api: Client,
  subnet: string,
  addresses: readonly string[],
  held: () => string[],
): Promise<void> {
  const repaired = await reconcile(api, true)
  const what = JSON.stringify(repaired)
  const ranges = of(repaired.missing_ranges, subnet)
  assert.equal(ranges.length, 1, what)
  assert.equal(ranges[0]?.repaired, true, what)
  assert.match(ranges[0]?.detail ?? '', /re-linked to/, what)
  assert.ok(
    of(repaired.missing, subnet).every((m) => m.repaired),
    `every address reserved again: ${what}`,
  )
  assert.deepEqual(repaired.errors, [], what)
  for (const a of addresses) assert.ok(held().includes(a), `${a} is held again: ${what}`)
  assertInSync(await reconcile(api, false), subnet)
}

/**
 * Repair cannot re-link the range (its enclosing range is gone too): the finding stays
 * unrepaired with why, and no address is reported (or re-reserved) one by one.
 */
async function assertStaysMissing(
  api: Client,
  subnet: string,
  cidr: string,
  addresses: readonly string[],
): Promise<void> {
  const report = await reconcile(api, true)
  const what = JSON.stringify(report)
  const ranges = of(report.missing_ranges, subnet)
  assert.equal(ranges.length, 1, what)
  assert.equal(ranges[0]?.repaired, false, what)
  assert.deepEqual(
    report.missing.filter((m) => m.subnet_id === subnet || addresses.includes(m.ip_address)),
    [],
    what,
  )
  assert.deepEqual(
    report.errors.filter((e) => e.startsWith(cidr)).map((e) => e.split(':')[1]?.trim()),
    ['range not re-linked'],
    what,
  )
}

for (const backend of selectedBackends()) {
  describe(`reconcile, network deleted in Infoblox (${backend})`, () => {
    const PASSWORD = 'ib-pa55'
    let ib: InfobloxEmulator

    const sections = (extra = '') =>
      `[DEFAULT]\nipam_driver = infoblox\n[infoblox]\nwapi_url = ${ib.url}\nusername = svc\npassword = ${PASSWORD}\nretries = 1\n${extra}\n`

    before(async () => {
      ib = await startInfobloxEmulator({ username: 'svc', password: PASSWORD })
      ib.state.addStandardEaDefinitions()
      ib.state.addZone('cloud.example.com')
      ib.state.addNetworkContainer('10.71.0.0/16')
    })
    after(async () => {
      await ib.close()
    })

    const removeNetwork = (cidr: string): void => {
      const network = ib.state
        .listNetworks()
        .find((n) => n.type === 'network' && n.network === cidr)
      assert.ok(network !== undefined, `network ${cidr} in the emulator`)
      ib.state.removeByRef(network.ref)
    }
    const held = (): string[] => [
      ...ib.state.listFixedAddresses().map((f) => f.address),
      ...ib.state.listHostRecords().flatMap((h) => h.addresses.map((a) => a.address)),
    ]
    const gone = (cidr: string) =>
      new RegExp(
        `network ${cidr.replace(/\./g, '\\.')} \\(network view default\\) no longer exists in Infoblox`,
      )

    for (const [mode, extra, base] of [
      ['fixed addresses', '', 1],
      ['host records', 'dns_zone = cloud.example.com', 11],
    ] as const) {
      test(`${mode}: an intact network is looked up once; a deleted one is a missing range, re-linked by repair`, async () => {
        const rig = await rigOn(await freshDatabase(backend), sections(extra))
        try {
          const kept = `10.71.${base}.0/24`
          const deleted = `10.71.${base + 1}.0/24`
          const intact = await subnetWithPorts(rig.api, kept)
          const doomed = await subnetWithPorts(rig.api, deleted)

          ib.calls.reset()
          const clean = await reconcile(rig.api, false)
          assertInSync(clean, intact.subnet)
          assertInSync(clean, doomed.subnet)
          const lookups = ib.calls.log.filter(
            (c) => c.method === 'GET' && /\/network\//.test(c.path),
          )
          assert.equal(lookups.length, 2, `one lookup per subnet: ${JSON.stringify(ib.calls.log)}`)

          removeNetwork(deleted)
          await assertMissingRange(rig.api, doomed.subnet, deleted, doomed.addresses, gone(deleted))
          assertInSync(await reconcile(rig.api, false), intact.subnet)
          await assertRelinked(rig.api, doomed.subnet, doomed.addresses, held)
        } finally {
          await rig.close()
        }
      })
    }

    test('network and its container deleted: repair leaves the range missing, no address missing', async () => {
      const container = ib.state.addNetworkContainer('10.74.0.0/16')
      const rig = await rigOn(await freshDatabase(backend), sections())
      try {
        const doomed = await subnetWithPorts(rig.api, '10.74.1.0/24')
        // NOTE: deleting a container deletes the networks in it.
        ib.state.removeByRef(container)
        assert.equal(
          ib.state.listNetworks().some((n) => n.network.startsWith('10.74.')),
          false,
        )
        await assertMissingRange(
          rig.api,
          doomed.subnet,
          '10.74.1.0/24',
          doomed.addresses,
          gone('10.74.1.0/24'),
        )
        await assertStaysMissing(rig.api, doomed.subnet, '10.74.1.0/24', doomed.addresses)
      } finally {
        await rig.close()
      }
    })

    test('a grid answering the deleted reference with 400 AdmConDataNotFoundError: a missing range too', async () => {
      const rig = await rigOn(await freshDatabase(backend), sections())
      try {
        const cidr = '10.71.30.0/24'
        const { subnet, addresses } = await subnetWithPorts(rig.api, cidr, 1)
        const ref = ib.state.listNetworks().find((n) => n.network === cidr)?.ref ?? ''
        // NOTE: the next call is the lookup of the network (the session is open already).
        ib.faults.failNext(
          1,
          400,
          JSON.stringify({
            Error: `AdmConDataNotFoundError: Reference ${ref} not found`,
            code: 'Client.Ibap.Data.NotFound',
            text: `Reference ${ref} not found`,
          }),
        )
        await assertMissingRange(rig.api, subnet, cidr, addresses, gone(cidr))
      } finally {
        ib.faults.reset()
        await rig.close()
      }
    })
  })

  describe(`reconcile, prefix deleted in NetBox (${backend})`, () => {
    const TOKEN = '0123456789abcdef0123456789abcdef01234567'
    let nb: NetboxEmulatorHandle
    let vrfId: number

    before(async () => {
      nb = await startNetboxEmulator({ token: TOKEN })
      vrfId = nb.state.addVrf({ name: 'cloud' }).id
      nb.state.addPrefix({ prefix: '10.72.0.0/16', vrfId: null, status: 'container' })
      nb.state.addPrefix({ prefix: '10.72.0.0/16', vrfId, status: 'container' })
    })
    after(async () => {
      await nb.close()
    })

    const sections = (extra = '') =>
      `[DEFAULT]\nipam_driver = netbox\n[netbox]\nurl = ${nb.url}\ntoken = ${TOKEN}\nretries = 1\n${extra}`

    /** An operator deletes a prefix in NetBox (its IP addresses stay: they are not children). */
    const removePrefix = async (cidr: string, vrf: number | null): Promise<void> => {
      const prefix = nb.state.listPrefixes().find((p) => p.prefix === cidr && p.vrfId === vrf)
      assert.ok(prefix !== undefined, `prefix ${cidr} in the emulator`)
      const res = await fetch(`${nb.url}/api/ipam/prefixes/${prefix.id}/`, {
        method: 'DELETE',
        headers: { authorization: `Token ${TOKEN}` },
      })
      assert.equal(res.status, 204)
      const again = await fetch(`${nb.url}/api/ipam/prefixes/${prefix.id}/`, {
        headers: { authorization: `Token ${TOKEN}` },
      })
      assert.equal(again.status, 404)
      assert.deepEqual(await again.json(), { detail: 'Not found.' })
    }
    const held = (vrf: number | null) => (): string[] =>
      nb.state.listIpAddresses({ vrfId: vrf }).map((ip) => ip.address.split('/')[0] ?? '')

    test('an intact prefix is looked up once; a deleted one is a missing range, re-linked by repair', async () => {
      const rig = await rigOn(await freshDatabase(backend), sections())
      try {
        const intact = await subnetWithPorts(rig.api, '10.72.1.0/24')
        const doomed = await subnetWithPorts(rig.api, '10.72.2.0/24')

        nb.calls.reset()
        const clean = await reconcile(rig.api, false)
        assertInSync(clean, intact.subnet)
        assertInSync(clean, doomed.subnet)
        assert.deepEqual(
          nb.calls.log
            .filter((c) => c.path.startsWith('/api/ipam/prefixes/'))
            .map((c) => `${c.method} ${c.path.replace(/\d+/g, 'N')} ${c.status}`),
          ['GET /api/ipam/prefixes/N/ 200', 'GET /api/ipam/prefixes/N/ 200'],
          'one lookup per subnet',
        )

        await removePrefix('10.72.2.0/24', null)
        await assertMissingRange(
          rig.api,
          doomed.subnet,
          '10.72.2.0/24',
          doomed.addresses,
          /prefix 10\.72\.2\.0\/24 \(id \d+, global table\) no longer exists in NetBox/,
        )
        assertInSync(await reconcile(rig.api, false), intact.subnet)
        await assertRelinked(rig.api, doomed.subnet, doomed.addresses, held(null))
      } finally {
        await rig.close()
      }
    })

    test('in a VRF, prefix and its container deleted: named with its VRF; repair leaves it missing', async () => {
      nb.state.addPrefix({ prefix: '10.75.0.0/16', vrfId, status: 'container' })
      const rig = await rigOn(await freshDatabase(backend), sections('vrf = cloud\n'))
      try {
        const doomed = await subnetWithPorts(rig.api, '10.75.9.0/24', 1)
        await removePrefix('10.75.9.0/24', vrfId)
        await removePrefix('10.75.0.0/16', vrfId)
        await assertMissingRange(
          rig.api,
          doomed.subnet,
          '10.75.9.0/24',
          doomed.addresses,
          /prefix 10\.75\.9\.0\/24 \(id \d+, VRF cloud\) no longer exists in NetBox/,
        )
        await assertStaysMissing(rig.api, doomed.subnet, '10.75.9.0/24', doomed.addresses)
      } finally {
        await rig.close()
      }
    })
  })

  describe(`reconcile, subnet deleted in SolarWinds (${backend})`, () => {
    const USER = 'svc-xloud'
    const PASS = 'Or:ion#pw'
    let em: SolarwindsEmulator

    before(async () => {
      em = await startSolarwindsEmulator({ username: USER, password: PASS })
      em.state.addSupernet('10.73.0.0/16')
      em.state.addSubnet('10.73.5.0/24')
    })
    after(async () => {
      await em.close()
    })

    const sections = () =>
      `[DEFAULT]\nipam_driver = solarwinds\n[solarwinds]\nurl = ${em.url}\nusername = ${USER}\npassword = ${PASS}\nretries = 1\n`

    /** An operator deletes a subnet or supernet in IPAM (with what is in it), through SWIS. */
    const remove = async (cidr: string): Promise<void> => {
      const found = em.state.subnets().find((s) => s.range === cidr)
      assert.ok(found !== undefined, `${cidr} in the emulator`)
      const uri = `swis://orion/Orion/IPAM.Subnet/SubnetId=${found.subnetId},ParentId=${found.parentIds[0] ?? 0}`
      const res = await fetch(`${em.url}/SolarWinds/InformationService/v3/Json/${uri}`, {
        method: 'DELETE',
        headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` },
      })
      assert.equal(res.status, 200, await res.text())
      assert.equal(
        em.state.subnets().find((s) => s.subnetId === found.subnetId),
        undefined,
      )
    }
    const held = (cidr: string) => (): string[] =>
      em.state
        .nodes(cidr)
        .filter((n) => n.status === NODE_STATUS.Used)
        .map((n) => n.address)
    const gone = (cidr: string) =>
      new RegExp(
        `subnet ${cidr.replace(/\./g, '\\.')} \\(SubnetId \\d+\\) no longer exists in SolarWinds`,
      )

    test('an intact subnet is looked up once; a deleted one (created or adopted) is a missing range, re-linked by repair', async () => {
      const rig = await rigOn(await freshDatabase(backend), sections())
      try {
        const intact = await subnetWithPorts(rig.api, '10.73.1.0/24')
        const created = await subnetWithPorts(rig.api, '10.73.2.0/24')
        const adopted = await subnetWithPorts(rig.api, '10.73.5.0/24')

        em.calls.reset()
        const clean = await reconcile(rig.api, false)
        for (const s of [intact, created, adopted]) assertInSync(clean, s.subnet)
        // Per subnet: the lookup of its IPAM.Subnet row, and one page of its nodes.
        assert.equal(em.calls.count('POST', '/Query'), 6, JSON.stringify(em.calls.log))
        assert.equal(em.calls.total, 6, JSON.stringify(em.calls.log))

        await remove('10.73.2.0/24')
        await remove('10.73.5.0/24')
        for (const [s, cidr] of [
          [created, '10.73.2.0/24'],
          [adopted, '10.73.5.0/24'],
        ] as const)
          await assertMissingRange(rig.api, s.subnet, cidr, s.addresses, gone(cidr))
        assertInSync(await reconcile(rig.api, false), intact.subnet)
        // Both are created again in the supernet, their addresses reserved again.
        await assertRelinked(rig.api, created.subnet, created.addresses, held('10.73.2.0/24'))
        for (const a of adopted.addresses) assert.ok(held('10.73.5.0/24')().includes(a), a)
        assertInSync(await reconcile(rig.api, false), adopted.subnet)
      } finally {
        await rig.close()
      }
    })

    test('subnet and its supernet deleted: repair leaves the range missing, no address missing', async () => {
      em.state.addSupernet('10.76.0.0/16')
      const rig = await rigOn(await freshDatabase(backend), sections())
      try {
        const doomed = await subnetWithPorts(rig.api, '10.76.1.0/24')
        await remove('10.76.0.0/16')
        assert.equal(
          em.state.subnets().some((s) => s.range === '10.76.1.0/24'),
          false,
        )
        await assertMissingRange(
          rig.api,
          doomed.subnet,
          '10.76.1.0/24',
          doomed.addresses,
          gone('10.76.1.0/24'),
        )
        await assertStaysMissing(rig.api, doomed.subnet, '10.76.1.0/24', doomed.addresses)
      } finally {
        await rig.close()
      }
    })
  })
}
