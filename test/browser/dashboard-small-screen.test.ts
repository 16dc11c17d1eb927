import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  create,
  ensureDashboardBuilt,
  launchChromium,
  newUserPage,
  PHONE_VIEWPORT,
  screenshot,
  signIn,
  startDashboardServer,
  type DashboardServer,
} from './browser-harness.ts'

const NAME = 'a-network-with-a-name-too-long-for-a-phone'

/** Asserts that the page does not scroll sideways, and that Sign out is on screen. */
async function fitsTheScreen(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
  assert.ok(scrollWidth <= clientWidth, `${what}: page is ${scrollWidth} px wide in ${clientWidth}`)
  const signOut = page.getByRole('button', { name: 'Sign out' })
  assert.equal(await signOut.isVisible(), true, `${what}: Sign out is visible`)
  const box = await signOut.boundingBox()
  assert.ok(box !== null)
  assert.ok(
    box.x >= 0 && box.x + box.width <= PHONE_VIEWPORT.width && box.y >= 0,
    `${what}: Sign out at ${JSON.stringify(box)} is on screen`,
  )
}

describe('dashboard on a phone (390 × 844)', { timeout: 120_000 }, () => {
  let app: DashboardServer
  let browser: Browser
  let context: BrowserContext | undefined
  let networkId = ''

  before(async () => {
    ensureDashboardBuilt()
    app = await startDashboardServer()
    const { network } = await create<{ network: { id: string } }>(
      app.url,
      app.adminToken,
      '/v2.0/networks',
      { network: { name: NAME } },
    )
    networkId = network.id
    for (const subnet of [
      { ip_version: 4, cidr: '10.60.0.0/24' },
      { ip_version: 6, cidr: 'fd00:60::/64' },
    ]) {
      await create(app.url, app.adminToken, '/v2.0/subnets', {
        subnet: { network_id: networkId, ...subnet },
      })
    }
    await create(app.url, app.adminToken, '/v2.0/ports', {
      port: { network_id: networkId, name: 'phone-port', device_id: 'instance-0123456789abcdef' },
    })
    browser = await launchChromium()
  })

  after(async () => {
    await context?.close()
    await browser?.close()
    await app?.close()
  })

  test('every page fits the width: no sideways scroll, Sign out visible, tables scroll in place', async () => {
    const opened = await newUserPage(browser, PHONE_VIEWPORT)
    context = opened.context
    const page = opened.page

    await page.goto(`${app.url}/dashboard/`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    const signInPage = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(signInPage <= PHONE_VIEWPORT.width, `sign-in page is ${signInPage} px wide`)

    await signIn(page, app.url, app.adminToken)
    await page.getByRole('link', { name: NAME }).waitFor()
    await fitsTheScreen(page, 'networks')
    await screenshot(page, 'phone-networks')

    await page.getByRole('link', { name: NAME }).click()
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor()
    await page.getByRole('row', { name: /phone-port/ }).waitFor()
    await page.getByTestId('network-usage').waitFor()
    await fitsTheScreen(page, 'network detail')
    // The ports table is wider than the screen: it scrolls inside its own frame.
    const frame = await page
      .locator('.table-wrap', { has: page.locator('table.ports-table') })
      .evaluate((el) => ({
        overflowX: getComputedStyle(el).overflowX,
        scrolls: el.scrollWidth > el.clientWidth,
        right: el.getBoundingClientRect().right,
      }))
    assert.deepEqual(
      { overflowX: frame.overflowX, scrolls: frame.scrolls },
      { overflowX: 'auto', scrolls: true },
    )
    assert.ok(frame.right <= PHONE_VIEWPORT.width, `table frame ends at ${frame.right}`)
    await screenshot(page, 'phone-network-detail')

    // Dialog forms stack in one column and stay on screen.
    await page.getByRole('button', { name: 'Create port' }).click()
    const dialog = page.getByRole('dialog', { name: /Create port/ })
    await dialog.waitFor()
    const name = await dialog.getByLabel('Name', { exact: true }).boundingBox()
    const dns = await dialog.getByLabel('DNS name').boundingBox()
    assert.ok(name !== null && dns !== null)
    assert.ok(Math.abs(name.x - dns.x) < 1 && dns.y > name.y, 'fields are stacked')
    const dialogBox = await dialog.boundingBox()
    assert.ok(dialogBox !== null)
    assert.ok(dialogBox.x >= 0 && dialogBox.x + dialogBox.width <= PHONE_VIEWPORT.width)
    await screenshot(page, 'phone-create-port', false)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await page.getByRole('link', { name: 'phone-port', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Port phone-port' }).waitFor()
    await page.getByRole('row', { name: /10\.60\.0\./ }).waitFor()
    await fitsTheScreen(page, 'port detail')

    const nav = page.getByRole('navigation', { name: 'Main' })
    const pages = [
      { link: 'Ports', heading: 'Ports', ready: page.locator('table.ports-table tbody tr') },
      {
        link: 'IP availability',
        heading: 'IP availability',
        ready: page.locator('tr[data-subnet-cidr="fd00:60::/64"]'),
      },
      { link: 'IPAM', heading: 'IPAM', ready: page.getByTestId('ipam-state') },
    ]
    for (const p of pages) {
      await nav.getByRole('link', { name: p.link }).click()
      await page.getByRole('heading', { level: 1, name: p.heading }).waitFor()
      await p.ready.first().waitFor()
      await fitsTheScreen(page, p.heading)
    }
    await page.getByRole('button', { name: 'Run connectivity check' }).click()
    await page.getByTestId('ipam-check-result').waitFor()
    await fitsTheScreen(page, 'IPAM with the check result')
    await screenshot(page, 'phone-ipam')
  })
})
