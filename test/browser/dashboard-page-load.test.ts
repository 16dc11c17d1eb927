import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  ensureDashboardBuilt,
  launchChromium,
  newUserPage,
  signIn,
  startDashboardServer,
  type DashboardServer,
} from './browser-harness.ts'

/**
 * Everything that went wrong while the page loaded: console errors (where Chromium reports a
 * refused favicon, which Playwright's request events do not show), uncaught exceptions, and
 * answers of 400 and above.
 */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`))
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`))
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`)
  })
  return problems
}

/** Waits until the page is quiet, and a little longer for the favicon, fetched after load. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(500)
}

describe('dashboard: page loads', { timeout: 60_000 }, () => {
  let app: DashboardServer
  let browser: Browser
  let context: BrowserContext | undefined

  before(async () => {
    ensureDashboardBuilt()
    app = await startDashboardServer()
    browser = await launchChromium()
  })

  after(async () => {
    await context?.close()
    await browser?.close()
    await app?.close()
  })

  test('the dashboard has its own favicon, so loading a page asks for nothing that is refused', async () => {
    const opened = await newUserPage(browser)
    context = opened.context
    const page = opened.page
    const problems = recordProblems(page)

    await page.goto(`${app.url}/dashboard/`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await settle(page)
    const icon = await page.evaluate(() => {
      const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]')
      return link === null ? undefined : link.href
    })
    assert.ok(icon !== undefined, 'index.html declares an icon')
    assert.equal(new URL(icon).pathname, '/dashboard/favicon.svg')
    const served = await fetch(icon)
    assert.equal(served.status, 200)
    assert.match(String(served.headers.get('content-type')), /^image\/svg\+xml/)
    assert.match(await served.text(), /<svg[\s\S]*<\/svg>/)

    // Signed in, and a reload of a deep page (the token comes from the tab's storage).
    await signIn(page, app.url, app.adminToken)
    await page.goto(`${app.url}/dashboard/availability`)
    await page.getByRole('heading', { level: 1, name: 'IP availability' }).waitFor()
    await settle(page)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'IP availability' }).waitFor()
    await settle(page)
    assert.deepEqual(problems, [])
  })
})
