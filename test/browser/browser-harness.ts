import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { TokenStore } from '../../src/auth/token-store.ts'
import { buildConfig } from '../../src/config/load-config.ts'
import { parseOsloIni } from '../../src/config/oslo-ini.ts'
import { bootstrap } from '../../src/server/bootstrap.ts'
import { startServer, type RunningServer } from '../../src/server/server.ts'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { ROOT } from '../support/server.ts'

/** Debian's Chromium, which `npm run test:all` installs. */
export const CHROMIUM = '/usr/bin/chromium'

/** Where the test run leaves one screenshot per dashboard page, for people to look at. */
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots')

/** A laptop screen. */
export const VIEWPORT = { width: 1366, height: 768 }

/** A phone screen (an iPhone 12 to 15, in CSS pixels). */
export const PHONE_VIEWPORT = { width: 390, height: 844 }

const WEB = join(ROOT, 'web')
const DIST_INDEX = join(WEB, 'dist', 'index.html')
/** Held (a directory: creating it is atomic) by the one test process that builds the dashboard. */
const BUILD_LOCK = join(ROOT, 'test-output', 'dashboard-build.lock')
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 120_000

function newestMtime(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function dashboardIsCurrent(): boolean {
  const sources = Math.max(
    newestMtime(join(WEB, 'src')),
    newestMtime(join(WEB, 'index.html')),
    newestMtime(join(WEB, 'vite.config.ts')),
    // NOTE: files copied as they are into the build (the favicon).
    existsSync(join(WEB, 'public')) ? newestMtime(join(WEB, 'public')) : 0,
  )
  return existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function lockAge(): number {
  try {
    return Date.now() - statSync(BUILD_LOCK).mtimeMs
  } catch {
    return 0
  }
}

/** Runs `build` holding {@link BUILD_LOCK}, waiting (up to 3 minutes) for another holder. */
function withBuildLock(build: () => void): void {
  mkdirSync(dirname(BUILD_LOCK), { recursive: true })
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      if (lockAge() > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`${BUILD_LOCK} is still held after 3 minutes`)
      sleepSync(200)
    }
  }
  try {
    build()
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}

/**
 * Builds the dashboard (`npx vite build web`) when web/dist is missing or older than its
 * sources, as `npm start` does.
 *
 * NOTE: test files run in parallel processes, and Vite refuses a second build of the same
 * project while one runs ("Found another Vite build process"): one process builds under a lock
 * while the others wait for it, then find the build current.
 * @throws Error with Vite's output when the build fails
 */
export function ensureDashboardBuilt(): void {
  if (dashboardIsCurrent()) return
  withBuildLock(() => {
    if (dashboardIsCurrent()) return
    const build = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    if (build.status !== 0) {
      throw new Error(`npx vite build web failed:\n${build.stdout}\n${build.stderr}`)
    }
  })
}

/**
 * Launches Debian's Chromium through playwright-core.
 * @throws Error saying how to install it when /usr/bin/chromium is missing (no silent skip)
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, which is missing. ` +
        '`npm run test:all` installs it (Debian package "chromium"), or: sudo apt-get install chromium',
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A fresh browser context (one per user: no shared storage) with a laptop-sized page. */
export async function newUserPage(
  browser: Browser,
  viewport: { width: number; height: number } = VIEWPORT,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport,
    locale: 'en-US',
    timezoneId: 'UTC',
  })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return { context, page }
}

/**
 * Saves `test-output/screenshots/<name>.png`: the whole page, or only the screen (`fullPage:
 * false`, for a modal dialog, whose backdrop covers the screen only).
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage })
  return path
}

/** The API with token authentication and the dashboard, on a fresh SQLite database. */
export interface DashboardServer {
  readonly server: RunningServer
  readonly url: string
  readonly adminToken: string
  /** Creates a token (as `xloud token create`). */
  token(projectId: string, userId: string, roles: readonly string[]): string
  close(): Promise<void>
}

/**
 * Starts the real server in this process, with `auth_strategy = token` and the dashboard.
 * `sections` is appended to the generated neutron.conf (e.g. an external IPAM driver's).
 */
export async function startDashboardServer(sections = ''): Promise<DashboardServer> {
  const db: TestDatabase = await freshDatabase('sqlite')
  const state = mkdtempSync(join(tmpdir(), 'xloud-dashboard-'))
  const config = buildConfig(
    parseOsloIni(
      `[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = 0\nauth_strategy = token\nstate_path = ${state}\n` +
        `[database]\nconnection = ${db.url}\n[dashboard]\nenabled = true\n${sections}`,
    ),
  )
  const report = await bootstrap(config)
  if (report.adminToken === undefined) throw new Error('bootstrap did not create an admin token')
  const server = await startServer(config, false)
  const store = new TokenStore(config.token.token_file)
  return {
    server,
    url: server.url,
    adminToken: report.adminToken,
    token: (projectId, userId, roles) =>
      store.create(projectId, userId, roles, 'browser test').token,
    close: async () => {
      await server.close()
      await db.drop()
    },
  }
}

/**
 * Creates a resource through the API as the token's user, e.g. `create(url, token,
 * '/v2.0/networks', { network: { name: 'n' } })`, and returns the answer's body.
 * @throws Error with the server's answer unless it is 201 Created
 */
export async function create<T>(
  url: string,
  token: string,
  path: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`)
  return JSON.parse(text) as T
}

/** Polls `check` until it stops throwing (or the time is up, then throws its last error). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Signs in on the dashboard's sign-in page and waits for the networks page. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/dashboard/`)
  await page.getByLabel('API token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { level: 1, name: 'Networks' }).waitFor()
}
