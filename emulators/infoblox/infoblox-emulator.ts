/**
 * Starts the Infoblox NIOS WAPI emulator on 127.0.0.1 (HTTP, or HTTPS with `tls`), with an
 * administrator account, an empty `default` network view and its `default` DNS view.
 */
import { listenEmulator, type EmulatorHandle } from '../shared/emulator-handle.ts'
import { CallCounter, FaultInjector } from '../shared/faults.ts'
import { buildInfobloxApp } from './infoblox-app.ts'
import { InfobloxState } from './infoblox-state.ts'
import { WapiAuth } from './wapi-auth.ts'
import { WapiHandler } from './wapi-handler.ts'
import { WapiPager } from './wapi-pager.ts'

/** Options of {@link startInfobloxEmulator}. */
export interface InfobloxEmulatorOptions {
  /** Port to listen on; 0 or omitted picks a free one. */
  readonly port?: number
  /** The administrator account every call authenticates as (Basic or the session cookie). */
  readonly username: string
  readonly password: string
  /** Idle lifetime of an `ibapauth` session cookie; 600 s (the grid default) when omitted. */
  readonly sessionTimeoutSeconds?: number
  /** Serve HTTPS with this PEM key and certificate, as the appliance does. */
  readonly tls?: { readonly key: string; readonly cert: string }
  /**
   * The appliance's default result limit: a search without `_max_results` behaves as
   * `_max_results=-maxResultsCap` (1000, as on NIOS). Paged searches without `_max_results`
   * use it as the page size.
   */
  readonly maxResultsCap?: number
}

/** A running emulator: the shared handle plus the grid's state and accounts. */
export interface InfobloxEmulator extends EmulatorHandle {
  /** The object store, with seed and inspection helpers for tests. */
  readonly state: InfobloxState
  /** Accounts and sessions (`addUser`, `expireAllSessions`, `activeSessions`). */
  readonly auth: WapiAuth
  /** The WAPI base URL for a version, e.g. `https://127.0.0.1:1234/wapi/v2.10`. */
  wapiUrl(version?: string): string
}

/** Starts an emulator; `close()` it when done. */
export async function startInfobloxEmulator(
  options: InfobloxEmulatorOptions,
): Promise<InfobloxEmulator> {
  const state = new InfobloxState()
  const auth = new WapiAuth(
    { username: options.username, password: options.password },
    options.sessionTimeoutSeconds ?? 600,
    options.tls !== undefined,
  )
  const handler = new WapiHandler(state, new WapiPager(), options.maxResultsCap ?? 1000)
  const faults = new FaultInjector()
  const calls = new CallCounter()
  const tls = options.tls
  const handle = await listenEmulator(
    () => buildInfobloxApp({ handler, auth, faults, calls, ...(tls === undefined ? {} : { tls }) }),
    faults,
    calls,
    options.port ?? 0,
  )
  // NOTE: the shared handle always reports http://; with TLS the same port speaks HTTPS.
  const url = tls === undefined ? handle.url : handle.url.replace(/^http:/, 'https:')
  return {
    ...handle,
    url,
    state,
    auth,
    wapiUrl: (version = '2.10') => `${url}/wapi/v${version}`,
  }
}
