import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import {
  ensureDashboardBuilt,
  eventually,
  launchChromium,
  newUserPage,
  screenshot,
  signIn,
  startDashboardServer,
  type DashboardServer,
} from './browser-harness.ts'

interface NeutronErrorBody {
  NeutronError: { type: string; message: string }
}

/** The text of a subnet row's used / total counts on the network page. */
async function subnetUsage(page: Page, cidr: string): Promise<{ used: string; total: string }> {
  const row = page.locator(`tr[data-subnet-cidr="${cidr}"]`)
  return {
    used: (await row.getByTestId('used').textContent()) ?? '',
    total: (await row.getByTestId('total').textContent()) ?? '',
  }
}

async function expectUsage(page: Page, cidr: string, used: string, total: string): Promise<void> {
  await eventually(async () => {
    assert.deepEqual(await subnetUsage(page, cidr), { used, total })
  })
}

describe('dashboard in Chromium', { timeout: 180_000 }, () => {
  let app: DashboardServer
  let browser: Browser
  let tenantToken = ''
  const contexts: BrowserContext[] = []
  /** What the tenant did, for the admin's audit checks. */
  const tenant = { networkId: '', subnetId: '', portId: '', address: '' }

  const userPage = async (): Promise<Page> => {
    const { context, page } = await newUserPage(browser)
    contexts.push(context)
    return page
  }

  before(async () => {
    ensureDashboardBuilt()
    app = await startDashboardServer()
    tenantToken = app.token('demo', 'alice', ['member'])
    browser = await launchChromium()
  })

  after(async () => {
    for (const c of contexts) await c.close()
    await browser?.close()
    await app?.close()
  })

  test('the server serves the app under /dashboard/ and keeps / as the version document', async () => {
    const index = await fetch(`${app.url}/dashboard/`)
    assert.equal(index.status, 200)
    assert.match(await index.text(), /<div id="root">/)
    const deep = await fetch(`${app.url}/dashboard/networks/some-id`)
    assert.equal(deep.status, 200, 'client routes fall back to index.html')
    const root = (await (await fetch(`${app.url}/`)).json()) as { versions: unknown[] }
    assert.ok(Array.isArray(root.versions))
  })

  test('sign-in refuses a wrong token with a readable message', async () => {
    const page = await userPage()
    await page.goto(`${app.url}/dashboard/`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await screenshot(page, 'sign-in')
    await page.getByLabel('API token').fill('xl-not-a-real-token')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await alert.waitFor()
    const text = (await alert.textContent()) ?? ''
    assert.match(text, /not accepted/)
    assert.ok(!text.includes('{'), `no raw JSON: ${text}`)
  })

  test("the seed's Create Subnet path, as a tenant", async () => {
    const page = await userPage()
    await signIn(page, app.url, tenantToken)
    assert.equal(await page.getByTestId('project').textContent(), 'demo')
    assert.equal(await page.getByRole('link', { name: 'IPAM' }).count(), 0)

    // Create a network and open it.
    await page.getByRole('button', { name: 'Create network' }).click()
    const networkDialog = page.getByRole('dialog', { name: 'Create network' })
    await networkDialog.getByLabel('Name', { exact: true }).fill('seed-net')
    await networkDialog.getByRole('button', { name: 'Create network' }).click()
    await page.getByRole('link', { name: 'seed-net' }).waitFor()
    await screenshot(page, 'networks')
    await page.getByRole('link', { name: 'seed-net' }).click()
    await page.getByRole('heading', { level: 1, name: 'seed-net' }).waitFor()
    tenant.networkId = page.url().split('/').at(-1) ?? ''

    // Create Subnet: as-you-type checks, then 10.50.0.0/24.
    await page.getByRole('button', { name: 'Create subnet' }).click()
    const dialog = page.getByRole('dialog', { name: /Create subnet/ })
    await dialog.waitFor()
    const cidr = dialog.getByLabel('CIDR', { exact: true })
    const cidrError = dialog.locator('#subnet-cidr-error')
    await cidr.pressSequentially('10.50.0.0')
    await eventually(async () => {
      assert.match((await cidrError.textContent()) ?? '', /Add a prefix length/)
    })
    await cidr.fill('10.50.0.1/24')
    await eventually(async () => {
      assert.match(
        (await cidrError.textContent()) ?? '',
        /host bits set; the network is 10\.50\.0\.0\/24/,
      )
    })
    assert.equal(await cidr.getAttribute('aria-invalid'), 'true')
    await cidr.fill('10.50.0.0/24')
    await eventually(async () => {
      assert.equal((await cidrError.textContent()) ?? '', '')
    })
    // A pool outside the CIDR is flagged while typing.
    await dialog.getByRole('button', { name: 'Add pool' }).click()
    await dialog.getByLabel('Pool 1 first address').fill('10.50.0.10')
    await dialog.getByLabel('Pool 1 last address').fill('10.50.1.20')
    await eventually(async () => {
      assert.match(
        (await dialog.locator('#subnet-pool-error-0').textContent()) ?? '',
        /must lie inside 10\.50\.0\.0\/24/,
      )
    })
    await dialog.getByRole('button', { name: 'Remove pool 1' }).click()
    await dialog.getByRole('button', { name: 'Create subnet' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('tr[data-subnet-cidr="10.50.0.0/24"]').waitFor()
    await expectUsage(page, '10.50.0.0/24', '0', '253')

    // An overlapping CIDR: the server's refusal appears beside the field, in its own words.
    await page.getByRole('button', { name: 'Create subnet' }).click()
    await dialog.waitFor()
    await dialog.getByLabel('CIDR', { exact: true }).fill('10.50.0.0/25')
    await dialog.getByRole('button', { name: 'Create subnet' }).click()
    const refusal = dialog.locator('#subnet-cidr-error[role="alert"]')
    await refusal.waitFor()
    const shown = ((await refusal.textContent()) ?? '').replace(/^Refused:\s*/, '')
    const direct = await fetch(`${app.url}/v2.0/subnets`, {
      method: 'POST',
      headers: { 'X-Auth-Token': tenantToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        subnet: { network_id: tenant.networkId, ip_version: 4, cidr: '10.50.0.0/25' },
      }),
    })
    const refused = (await direct.json()) as NeutronErrorBody
    assert.equal(direct.status, 400)
    assert.equal(shown, refused.NeutronError.message)
    assert.match(shown, /overlaps with another subnet/)
    assert.equal(
      await dialog.getByLabel('CIDR', { exact: true }).getAttribute('aria-invalid'),
      'true',
    )
    await screenshot(page, 'create-subnet', false)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    // An IPv6 /64: the totals are exact integers beyond 2^53.
    await page.getByRole('button', { name: 'Create subnet' }).click()
    await dialog.waitFor()
    await dialog.getByLabel('CIDR', { exact: true }).fill('fd00:50::/64')
    assert.equal(await dialog.getByRole('radio', { name: 'IPv6' }).isChecked(), true)
    await dialog.getByRole('button', { name: 'Create subnet' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expectUsage(page, 'fd00:50::/64', '0', '18446744073709551615')
    await eventually(async () => {
      assert.equal(
        await page.getByTestId('network-usage').getByTestId('total').textContent(),
        '18446744073709551868',
      )
    })

    // Create a port with an automatic address and see it.
    await page.getByRole('button', { name: 'Create port' }).click()
    const portDialog = page.getByRole('dialog', { name: /Create port/ })
    await portDialog.waitFor()
    await portDialog.getByLabel('Name', { exact: true }).fill('vm-port-1')
    await portDialog.getByLabel('DNS name').fill('vm1')
    await portDialog.getByLabel('Device ID').fill('vm-0001')
    await portDialog.getByRole('button', { name: 'Create port' }).click()
    await portDialog.waitFor({ state: 'detached' })
    const row = page.getByRole('row', { name: /vm-port-1/ })
    await row.waitFor()
    const addresses = await row.getByTestId('port-address').allTextContents()
    const v4 = addresses.find((a) => a.startsWith('10.50.0.'))
    assert.ok(v4 !== undefined, `an IPv4 address in ${addresses.join(', ')}`)
    assert.ok(addresses.some((a) => a.startsWith('fd00:50::')))
    tenant.address = v4
    assert.match((await row.textContent()) ?? '', /fa:16:3e(:[0-9a-f]{2}){3}/)
    assert.match((await row.textContent()) ?? '', /vm1/)
    assert.match((await row.textContent()) ?? '', /vm-0001/)
    await expectUsage(page, '10.50.0.0/24', '1', '253')
    await expectUsage(page, 'fd00:50::/64', '1', '18446744073709551615')
    await screenshot(page, 'network-detail')

    // A port on a chosen subnet with a chosen address (checked as typed).
    await page.getByRole('button', { name: 'Create port' }).click()
    await portDialog.waitFor()
    await portDialog.getByLabel('Name', { exact: true }).fill('fixed-port')
    await portDialog.getByRole('radio', { name: 'On a chosen subnet' }).check()
    await portDialog.getByLabel('Subnet', { exact: true }).selectOption({ label: '10.50.0.0/24' })
    await portDialog.getByLabel('IP address (optional)').fill('10.60.0.5')
    await eventually(async () => {
      assert.match(
        (await portDialog.locator('#port-address-error').textContent()) ?? '',
        /outside the subnet/,
      )
    })
    await portDialog.getByLabel('IP address (optional)').fill('10.50.0.77')
    await portDialog.getByRole('button', { name: 'Create port' }).click()
    await portDialog.waitFor({ state: 'detached' })
    const fixedRow = page.getByRole('row', { name: /fixed-port/ })
    await fixedRow.waitFor()
    assert.deepEqual(await fixedRow.getByTestId('port-address').allTextContents(), ['10.50.0.77'])
    await expectUsage(page, '10.50.0.0/24', '2', '253')

    // Port detail: address, MAC, DNS name, device.
    await page.getByRole('link', { name: 'vm-port-1' }).click()
    await page.getByRole('heading', { level: 1, name: 'Port vm-port-1' }).waitFor()
    tenant.portId = page.url().split('/').at(-1) ?? ''
    const detailAddresses = await page.getByTestId('port-address').allTextContents()
    assert.ok(detailAddresses.includes(tenant.address))
    assert.match((await page.getByTestId('port-mac').textContent()) ?? '', /^fa:16:3e/)
    await screenshot(page, 'port-detail')
    await page
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: 'seed-net' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'seed-net' }).waitFor()

    // A readable refusal, never raw JSON: the network still has ports.
    await page.getByRole('button', { name: 'Delete network' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete network' })
    await confirm.getByRole('button', { name: 'Delete network' }).click()
    const inUse = confirm.getByRole('alert')
    await inUse.waitFor()
    const inUseText = (await inUse.textContent()) ?? ''
    assert.match(inUseText, /in use/i)
    assert.ok(!inUseText.includes('{'), `no raw JSON: ${inUseText}`)
    await confirm.getByRole('button', { name: 'Cancel' }).click()

    // Delete both ports; availability goes back.
    for (const name of ['vm-port-1', 'fixed-port']) {
      await page.getByRole('button', { name: `Delete port ${name}` }).click()
      const del = page.getByRole('dialog', { name: 'Delete port' })
      await del.getByRole('button', { name: 'Delete port' }).click()
      await del.waitFor({ state: 'detached' })
      await page.getByRole('row', { name: new RegExp(name) }).waitFor({ state: 'detached' })
    }
    await expectUsage(page, '10.50.0.0/24', '0', '253')
    await expectUsage(page, 'fd00:50::/64', '0', '18446744073709551615')
    const subnets = (await (
      await fetch(`${app.url}/v2.0/subnets?network_id=${tenant.networkId}&cidr=10.50.0.0/24`, {
        headers: { 'X-Auth-Token': tenantToken },
      })
    ).json()) as { subnets: { id: string }[] }
    tenant.subnetId = subnets.subnets[0]?.id ?? ''

    // Subnets from a subnet pool, with a prefix length.
    const pool = await fetch(`${app.url}/v2.0/subnetpools`, {
      method: 'POST',
      headers: { 'X-Auth-Token': tenantToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        subnetpool: { name: 'lab-pool', prefixes: ['10.100.0.0/16'], default_prefixlen: 26 },
      }),
    })
    assert.equal(pool.status, 201, await pool.clone().text())
    const fromPool = async (prefixLength: string): Promise<void> => {
      await page.getByRole('button', { name: 'Create subnet' }).click()
      await dialog.waitFor()
      await dialog.getByRole('radio', { name: 'Take a prefix from a subnet pool' }).check()
      await dialog
        .getByLabel('Subnet pool', { exact: true })
        .selectOption({ label: 'lab-pool (IPv4: 10.100.0.0/16)' })
      await dialog.getByLabel('Prefix length', { exact: true }).fill('33')
      await eventually(async () => {
        assert.match(
          (await dialog.locator('#subnet-prefixLength-error').textContent()) ?? '',
          /from 8 to 32/,
        )
      })
      await dialog.getByLabel('Prefix length', { exact: true }).fill(prefixLength)
      await dialog.getByRole('button', { name: 'Create subnet' }).click()
    }
    // On seed-net (whose subnets are not from the pool) the server refuses, beside the pool.
    await fromPool('28')
    const poolRefusal = dialog.locator('#subnet-subnetpool-error[role="alert"]')
    await poolRefusal.waitFor()
    assert.match((await poolRefusal.textContent()) ?? '', /same subnet pool/)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    // On a network of its own it works.
    await page.getByRole('link', { name: 'Networks' }).first().click()
    await page.getByRole('button', { name: 'Create network' }).click()
    await networkDialog.getByLabel('Name', { exact: true }).fill('pool-net')
    await networkDialog.getByRole('button', { name: 'Create network' }).click()
    await page.getByRole('link', { name: 'pool-net' }).click()
    await page.getByRole('heading', { level: 1, name: 'pool-net' }).waitFor()
    await fromPool('28')
    await dialog.waitFor({ state: 'detached' })
    await expectUsage(page, '10.100.0.0/28', '0', '13')

    // The IP availability page: exact, per network and subnet.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'IP availability' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'IP availability' }).waitFor()
    const v6 = page.locator('tr[data-subnet-cidr="fd00:50::/64"]')
    await v6.waitFor()
    assert.equal(await v6.getByTestId('total').textContent(), '18446744073709551615')
    await screenshot(page, 'availability')

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Ports' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Ports' }).waitFor()
    await page.getByRole('table').waitFor()
  })

  test('an admin sees the IPAM page: driver status, the check, and the audit of what the tenant did', async () => {
    assert.notEqual(tenant.address, '', 'the tenant test ran first')
    const page = await userPage()
    await signIn(page, app.url, app.adminToken)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPAM' }).click()
    await page.getByRole('heading', { level: 1, name: 'IPAM' }).waitFor()

    await eventually(async () => {
      assert.equal(await page.getByTestId('ipam-driver').textContent(), 'internal')
    })
    assert.equal(await page.getByTestId('ipam-state').textContent(), 'ok')

    await page.getByRole('button', { name: 'Run connectivity check' }).click()
    const result = page.getByTestId('ipam-check-result')
    await result.waitFor()
    assert.match((await result.textContent()) ?? '', /All checks passed/)
    const steps = await result.locator('li.step').allTextContents()
    assert.ok(steps.length >= 1)
    assert.ok(
      steps.every((s) => s.startsWith('Pass')),
      steps.join(' | '),
    )

    // The audit trail holds the tenant's allocation and release of its address.
    const audit = page.getByTestId('audit-table')
    await eventually(async () => {
      const text = (await audit.textContent()) ?? ''
      assert.ok(text.includes(tenant.address), `audit lists ${tenant.address}`)
    })
    const rowsFor = audit.locator('tbody tr', { hasText: tenant.address })
    const actions = await rowsFor.locator('td:nth-child(2)').allTextContents()
    assert.ok(actions.includes('allocate'), actions.join(','))
    assert.ok(actions.includes('release'), actions.join(','))
    assert.match((await rowsFor.first().textContent()) ?? '', /demo \/ alice/)

    // Filters: by address, then by action.
    await page.getByLabel('IP address', { exact: true }).fill(tenant.address)
    await page.getByRole('checkbox', { name: 'release' }).check()
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await eventually(async () => {
      const rows = await audit.locator('tbody tr').allTextContents()
      assert.equal(rows.length, 1, rows.join('\n'))
      assert.match(rows[0] ?? '', /release/)
      assert.ok(rows[0]?.includes(tenant.address))
    })
    await page.getByRole('button', { name: 'Clear' }).click()

    // A reconcile from the page; the internal driver has nothing to differ from.
    await page.getByRole('button', { name: 'Run reconcile (report only)' }).click()
    await eventually(async () => {
      assert.match(
        (await page.getByTestId('reconcile-report').textContent()) ?? '',
        /Report only[\s\S]*No differences/,
      )
    })
    await page.getByRole('table', { name: /Releases waiting/ }).waitFor()
    await screenshot(page, 'ipam-admin')
  })

  test('a tenant gets no IPAM page and no audit data', async () => {
    assert.notEqual(tenant.address, '', 'the tenant test ran first')
    const page = await userPage()
    const ipamResponses: Response[] = []
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v2.0/ipam')) ipamResponses.push(r)
    })
    await signIn(page, app.url, tenantToken)
    const nav = page.getByRole('navigation', { name: 'Main' })
    assert.equal(await nav.getByRole('link', { name: 'IPAM' }).count(), 0)
    assert.equal(await nav.getByRole('heading', { name: 'Admin' }).count(), 0)

    await page.goto(`${app.url}/dashboard/admin/ipam`)
    await page.getByRole('heading', { level: 1, name: 'Not available' }).waitFor()
    assert.equal(await page.getByTestId('audit-table').count(), 0)
    assert.equal(await page.getByTestId('ipam-status').count(), 0)
    const body = (await page.locator('body').textContent()) ?? ''
    assert.ok(!body.includes(tenant.address), 'no audit data on the page')
    assert.deepEqual(
      ipamResponses.map((r) => r.url()),
      [],
      "the tenant's browser does not even ask",
    )
    await screenshot(page, 'tenant-no-ipam')

    // And if it asked, the server would refuse it, with no data.
    const asked = await page.evaluate(async (token) => {
      const r = await fetch('/v2.0/ipam/audit', { headers: { 'X-Auth-Token': token } })
      return { status: r.status, text: await r.text() }
    }, tenantToken)
    assert.equal(asked.status, 403)
    assert.ok(!asked.text.includes(tenant.address))
    assert.match(asked.text, /PolicyNotAuthorized/)
  })

  test('thousands of ports: one server-side page at a time, filtered on the server', async () => {
    const headers = { 'X-Auth-Token': tenantToken, 'content-type': 'application/json' }
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const r = await fetch(`${app.url}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      })
      assert.equal(r.status, 201, await r.clone().text())
      return (await r.json()) as T
    }
    const { network } = await post<{ network: { id: string } }>('/v2.0/networks', {
      network: { name: 'big-net' },
    })
    await post('/v2.0/subnets', {
      subnet: { network_id: network.id, ip_version: 4, cidr: '10.90.0.0/20' },
    })
    const total = 2000
    for (let i = 0; i < total; i += 250) {
      await post('/v2.0/ports', {
        ports: Array.from({ length: 250 }, (_, k) => ({
          network_id: network.id,
          name: `bulk-${String(i + k).padStart(4, '0')}`,
        })),
      })
    }

    const page = await userPage()
    await signIn(page, app.url, tenantToken)
    const portRequests: string[] = []
    page.on('request', (r) => {
      const u = new URL(r.url())
      if (u.pathname === '/v2.0/ports') portRequests.push(u.search)
    })
    const started = Date.now()
    await page.goto(`${app.url}/dashboard/networks/${network.id}`)
    const table = page.locator('table.ports-table')
    await eventually(async () => {
      assert.equal(await table.locator('tbody tr').count(), 20)
    })
    const elapsed = Date.now() - started
    assert.ok(elapsed < 5000, `first page of ${total} ports shown in ${elapsed} ms`)
    assert.ok(
      portRequests.every((q) => q.includes('limit=20')),
      portRequests.join('\n'),
    )
    await expectUsage(page, '10.90.0.0/20', String(total), '4093')

    await page.getByRole('button', { name: 'Next ›' }).click()
    await eventually(async () => {
      assert.match((await table.locator('caption').textContent()) ?? '', /page 2/)
      assert.equal(await table.locator('tbody tr').count(), 20)
    })

    // Find one port by its address, on the server.
    const one = (await (
      await fetch(`${app.url}/v2.0/ports?network_id=${network.id}&name=bulk-1234`, { headers })
    ).json()) as { ports: { fixed_ips: { ip_address: string }[] }[] }
    const address = one.ports[0]?.fixed_ips[0]?.ip_address ?? ''
    await page.getByRole('search', { name: 'Filter ports' }).getByLabel('IP address').fill(address)
    await page.getByRole('button', { name: 'Filter', exact: true }).click()
    await eventually(async () => {
      const rows = await table.locator('tbody tr').allTextContents()
      assert.equal(rows.length, 1)
      assert.match(rows[0] ?? '', /bulk-1234/)
    })
    assert.ok(
      portRequests.some((q) => q.includes(`fixed_ips=ip_address%3D${address}`)),
      portRequests.join('\n'),
    )

    // The all-ports page pages the same way.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Ports' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Ports' }).waitFor()
    await eventually(async () => {
      assert.equal(await table.locator('tbody tr').count(), 20)
    })
    await screenshot(page, 'ports')
  })

  test('usable by keyboard: dialogs take focus, Escape closes them, focus returns', async () => {
    const page = await userPage()
    await signIn(page, app.url, tenantToken)
    await page.getByRole('link', { name: 'seed-net' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'seed-net' }).waitFor()
    // Focus moved to the new page's heading.
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1')
    const open = page.getByRole('button', { name: 'Create subnet' })
    await open.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: /Create subnet/ })
    await dialog.waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'subnet-name')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Create subnet')
    // Visible focus: the focused button has an outline.
    await page.keyboard.press('Tab')
    await page.keyboard.press('Shift+Tab')
    const outline = await page.evaluate(() => {
      const el = document.activeElement
      return el === null ? '' : getComputedStyle(el).outlineStyle
    })
    assert.equal(outline, 'solid')
  })
})
