/**
 * The IPAM page's reconcile report against an external driver (phpIPAM, through its emulator):
 * a subnet whose range was deleted in the IPAM system is listed as a missing range (its CIDR,
 * linking to its network, and the detail), never as "in sync"; subnets that could not be
 * compared are listed as errors, and the report is not "in sync" either.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  startPhpipamEmulator,
  type PhpipamEmulatorHandle,
} from '../../emulators/phpipam/phpipam-emulator.ts'
import {
  create,
  ensureDashboardBuilt,
  eventually,
  launchChromium,
  newUserPage,
  screenshot,
  signIn,
  startDashboardServer,
  type DashboardServer,
} from './browser-harness.ts'

const KEPT = '10.91.1.0/24'
const GONE = '10.91.2.0/24'

describe(
  'dashboard: the reconcile report with an external IPAM driver',
  { timeout: 180_000 },
  () => {
    let pi: PhpipamEmulatorHandle
    let app: DashboardServer
    let browser: Browser
    const contexts: BrowserContext[] = []
    /** The network holding the subnet whose range is deleted in phpIPAM. */
    let goneNetwork = ''

    const adminOnIpamPage = async (): Promise<Page> => {
      const { context, page } = await newUserPage(browser)
      contexts.push(context)
      await signIn(page, app.url, app.adminToken)
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'IPAM' })
        .click()
      await page.getByRole('heading', { level: 1, name: 'IPAM' }).waitFor()
      await eventually(async () => {
        assert.equal(await page.getByTestId('ipam-driver').textContent(), 'phpipam')
      })
      return page
    }

    /** Runs a report-only reconcile from the page and answers the report's text once shown. */
    const runReconcile = async (page: Page): Promise<string> => {
      const started = new Date().toISOString()
      await page.getByRole('button', { name: 'Run reconcile (report only)' }).click()
      const report = page.getByTestId('reconcile-report')
      await eventually(async () => {
        const when = await report.getAttribute('data-started-at')
        assert.ok(when !== null && when >= started.slice(0, 19), `a report of this run: ${when}`)
      })
      return (await report.textContent()) ?? ''
    }

    before(async () => {
      ensureDashboardBuilt()
      pi = await startPhpipamEmulator({
        appId: 'xloud',
        username: 'svc',
        password: 'pw',
        section: { name: 'cloud' },
      })
      pi.state.addSubnet({ cidr: '10.91.0.0/16', sectionId: pi.sectionId, description: 'cloud' })
      app = await startDashboardServer(
        `[DEFAULT]\nipam_driver = phpipam\n[phpipam]\nurl = ${pi.url}\napp_id = xloud\nusername = svc\npassword = pw\nsection = cloud\nretries = 1\ncircuit_break_after = 1000\n[ipam]\nmaintenance_interval = 3600\n`,
      )
      const headers = app.adminToken
      for (const cidr of [KEPT, GONE]) {
        const net = await create<{ network: { id: string } }>(app.url, headers, '/v2.0/networks', {
          network: { name: `net-${cidr}` },
        })
        await create(app.url, headers, '/v2.0/subnets', {
          subnet: { network_id: net.network.id, ip_version: 4, cidr },
        })
        await create(app.url, headers, '/v2.0/ports', { port: { network_id: net.network.id } })
        if (cidr === GONE) goneNetwork = net.network.id
      }
      // An operator deletes the range in phpIPAM (its addresses go with it).
      const gone = [...pi.state.subnets.values()].find((s) => pi.state.cidrText(s) === GONE)
      assert.ok(gone !== undefined, 'the driver created the range in phpIPAM')
      pi.state.deleteSubnet(gone.id)
      browser = await launchChromium()
    })

    after(async () => {
      for (const c of contexts) await c.close()
      await browser?.close()
      await app?.close()
      await pi?.close()
    })

    test('a range deleted in the IPAM system is shown as a missing range, not "in sync"', async () => {
      const page = await adminOnIpamPage()
      const text = await runReconcile(page)
      assert.doesNotMatch(text, /in sync|both sides agree/i)

      const ranges = page.getByRole('table', { name: /Missing ranges/ })
      await ranges.waitFor()
      const row = ranges.locator('tbody tr', { hasText: GONE })
      assert.equal(await row.count(), 1, (await ranges.textContent()) ?? '')
      const link = row.getByRole('link', { name: GONE })
      assert.equal(await link.getAttribute('href'), `/dashboard/networks/${goneNetwork}`)
      assert.match((await row.textContent()) ?? '', /phpipam object .* is gone/)
      assert.match((await ranges.textContent()) ?? '', /not repaired automatically/i)
      assert.match(
        (await ranges.textContent()) ?? '',
        /a repair run links each to its range .* define the range again in the IPAM system first, or delete the subnet/i,
      )
      // The range that still exists is no finding.
      assert.equal(await ranges.locator('tbody tr', { hasText: KEPT }).count(), 0)
      assert.match((await page.getByTestId('reconcile-findings').textContent()) ?? '', /^1\b/)
      await screenshot(page, 'ipam-reconcile-missing-range')

      // The link leads to the subnet's network.
      await link.click()
      await page.getByRole('heading', { level: 1, name: `net-${GONE}` }).waitFor()
    })

    test('subnets that could not be compared are listed as errors, and the report is not "in sync"', async () => {
      const page = await adminOnIpamPage()
      // NOTE: phpIPAM answers every call with a 500 while the reconcile runs.
      pi.faults.failNext(1000, 500)
      let text = ''
      try {
        text = await runReconcile(page)
      } finally {
        pi.faults.reset()
      }
      assert.doesNotMatch(text, /in sync|both sides agree/i)
      const errors = page.getByTestId('reconcile-errors')
      await errors.waitFor()
      const lines = await errors.getByRole('listitem').allTextContents()
      assert.ok(
        lines.some((l) => l.startsWith(`${KEPT}: not compared`)),
        lines.join('\n'),
      )
      await screenshot(page, 'ipam-reconcile-errors')
    })
  },
)
