import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import {
  create,
  ensureDashboardBuilt,
  launchChromium,
  newUserPage,
  screenshot,
  signIn,
  startDashboardServer,
  type DashboardServer,
} from './browser-harness.ts'

describe('dashboard: creating a port with automatic addresses', { timeout: 120_000 }, () => {
  let app: DashboardServer
  let browser: Browser
  let context: BrowserContext | undefined
  let token = ''
  let networkId = ''

  before(async () => {
    ensureDashboardBuilt()
    app = await startDashboardServer()
    token = app.token('demo', 'alice', ['member'])
    const { network } = await create<{ network: { id: string } }>(
      app.url,
      token,
      '/v2.0/networks',
      { network: { name: 'many-subnets' } },
    )
    networkId = network.id
    // Six subnets: two IPv4, two DHCPv6-stateful, two SLAAC. An automatic port gets four
    // addresses, not six.
    const subnets = [
      { ip_version: 4, cidr: '10.80.0.0/24' },
      { ip_version: 4, cidr: '10.81.0.0/24' },
      { ip_version: 6, cidr: 'fd00:80::/64', ipv6_address_mode: 'dhcpv6-stateful' },
      { ip_version: 6, cidr: 'fd00:81::/64', ipv6_address_mode: 'dhcpv6-stateful' },
      { ip_version: 6, cidr: 'fd00:82::/64', ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' },
      { ip_version: 6, cidr: 'fd00:83::/64', ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' },
    ]
    for (const subnet of subnets) {
      await create(app.url, token, '/v2.0/subnets', {
        subnet: { network_id: networkId, ...subnet },
      })
    }
    browser = await launchChromium()
  })

  after(async () => {
    await context?.close()
    await browser?.close()
    await app?.close()
  })

  test('the automatic choice says what the server allocates: one IPv4, one IPv6, one per SLAAC subnet', async () => {
    const opened = await newUserPage(browser)
    context = opened.context
    const page = opened.page
    await signIn(page, app.url, token)
    await page.goto(`${app.url}/dashboard/networks/${networkId}`)
    await page.getByRole('heading', { level: 1, name: 'many-subnets' }).waitFor()
    await page.getByRole('button', { name: 'Create port' }).click()
    const dialog = page.getByRole('dialog', { name: /Create port/ })
    await dialog.waitFor()

    const automatic = dialog.getByRole('radio', { name: /^Automatic/ })
    assert.equal(await automatic.isChecked(), true)
    // NOTE: `has` is looked for inside each label, so it must not start from the dialog again.
    const wrapping = dialog.locator('label', {
      has: page.getByRole('radio', { name: /^Automatic/ }),
    })
    const label = (await wrapping.textContent()) ?? ''
    assert.doesNotMatch(label, /each subnet/, 'the old, untrue label')
    assert.match(label, /one IPv4, one IPv6, plus one per SLAAC subnet/)
    const help = dialog.getByTestId('port-auto-help')
    await help.waitFor()
    assert.equal(
      await help.textContent(),
      'On this network (6 subnets) the port gets 4 addresses: one IPv4, one stateful IPv6 and one on each of 2 SLAAC subnets.',
    )
    assert.equal(await automatic.getAttribute('aria-describedby'), 'port-auto-help')
    await screenshot(page, 'create-port', false)

    // What the server then does agrees with what the dialog said.
    await dialog.getByLabel('Name', { exact: true }).fill('auto-port')
    await dialog.getByRole('button', { name: 'Create port' }).click()
    await dialog.waitFor({ state: 'detached' })
    const row = page.getByRole('row', { name: /auto-port/ })
    await row.waitFor()
    const addresses = await row.getByTestId('port-address').allTextContents()
    assert.equal(addresses.length, 4, addresses.join(', '))
    assert.equal(addresses.filter((a) => a.startsWith('10.8')).length, 1)
    assert.equal(addresses.filter((a) => /^fd00:8[01]:/.test(a)).length, 1)
    assert.equal(addresses.filter((a) => /^fd00:8[23]:/.test(a)).length, 2)
  })
})
