import { AsyncMutex, roundTrip } from './async-mutex.ts'
import {
  addressesDelete,
  addressesGet,
  addressesPatch,
  addressesPost,
} from './phpipam-addresses.ts'
import { Params, type PhpipamConfig, type PiCall } from './phpipam-call.ts'
import {
  PhpipamError,
  PhpipamFatal,
  REASONS,
  encodeEnvelope,
  type PiSuccess,
} from './phpipam-envelope.ts'
import { sectionsDelete, sectionsGet, sectionsPatch, sectionsPost } from './phpipam-sections.ts'
import type { PhpipamState } from './phpipam-state.ts'
import { subnetsDelete, subnetsGet, subnetsPatch, subnetsPost } from './phpipam-subnets.ts'
import { checkAuth, checkAuthCode, userController } from './phpipam-user.ts'

/** A request as the phpIPAM emulator sees it (decoupled from the HTTP framework). */
export interface PiRequest {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  /** Raw query string without `?`. */
  readonly search: string
  readonly headers: {
    readonly authorization?: string | undefined
    readonly contentType?: string | undefined
    /** `phpipam-token`, else `token`. */
    readonly token?: string | undefined
    readonly stringify?: string | undefined
  }
  readonly body: string | undefined
  readonly clientIp: string
  /** Whether the connection is HTTPS. */
  readonly secure: boolean
}

/** An answer: status, headers and the exact body text. */
export interface PiResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

type Controller = (call: PiCall) => Promise<PiSuccess>

const CONTROLLERS: Readonly<Record<string, Readonly<Record<string, Controller>>>> = {
  sections: { GET: sectionsGet, POST: sectionsPost, PATCH: sectionsPatch, DELETE: sectionsDelete },
  subnets: { GET: subnetsGet, POST: subnetsPost, PATCH: subnetsPatch, DELETE: subnetsDelete },
  addresses: {
    GET: addressesGet,
    POST: addressesPost,
    PATCH: addressesPatch,
    DELETE: addressesDelete,
  },
}

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE']
const FILTER_BOOLEAN_TRUE = ['1', 'true', 'on', 'yes']

/**
 * phpIPAM 1.8.2's REST API (`/api/{app_id}/{controller}/{id}/{id2}/{id3}/`) for sections,
 * subnets, addresses and user tokens.
 *
 * Reproduces: the envelope `{"code","success","message"|"data","time"}` with HTTP status =
 * `code` and escaped slashes; app checks (unknown app 400, disabled 503, SSL required 503,
 * unsupported security 503); user tokens (Basic login, one sliding token per user, 401 +
 * Location on other controllers, 403s on `/user/`); static app codes (`ssl_code`); ids as
 * strings in 201 bodies and integers in GETs (all strings with `Api-Stringify-Results`); 404
 * for empty searches; strict body keys; the global write lock (or, when disabled, the
 * recorded collisions); and the recorded bugs.
 */
export class PhpipamApi {
  /** The API write lock (`app_lock_type` File/MySQL). */
  private readonly writeLock = new AsyncMutex()

  constructor(
    readonly state: PhpipamState,
    readonly config: PhpipamConfig,
  ) {}

  /** Answers one request. Never throws. */
  async handle(req: PiRequest): Promise<PiResponse> {
    const started = performance.now()
    const segments = req.path.split('/').filter((s) => s !== '')
    if (segments[0] !== 'api')
      return {
        status: 404,
        headers: { 'Content-Type': 'text/html; charset=iso-8859-1' },
        body: '<h1>Not Found</h1>\n',
      }
    const [appId, controller, id, id2, id3] = segments.slice(1).map((s) => safeDecode(s))
    const params = new Params()
    const path: Record<string, unknown> = {
      app_id: appId,
      controller: controller?.toLowerCase(),
      id,
      id2,
      id3,
    }
    params.read(Object.fromEntries(Object.entries(path).filter(([, v]) => v !== undefined)))
    params.read(Object.fromEntries(new URLSearchParams(req.search)))
    let early = true
    try {
      const app = appId === undefined ? undefined : this.state.apps.get(appId)
      if (app === undefined) throw new PhpipamError(400, 'Invalid application id')
      if (app.permissions === 0) throw new PhpipamError(503, 'Application disabled')
      if (app.security === 'ssl_token' || app.security === 'ssl_code') {
        if (!req.secure) throw new PhpipamError(503, 'SSL connection is required for API')
      } else if (app.security === 'none') {
        if (!this.config.allowUnsafe && !req.secure)
          throw new PhpipamError(503, 'SSL connection is required for API')
      } else {
        throw new PhpipamError(503, 'Invalid app security')
      }
      early = false
      this.readBody(req, params)
      const stringifyHeader = req.headers.stringify
      const call: PiCall = {
        method: req.method === 'PUT' ? 'PATCH' : req.method === 'HEAD' ? 'GET' : req.method,
        params,
        app,
        state: this.state,
        config: this.config,
        stringify:
          stringifyHeader === undefined
            ? this.config.stringifyResults
            : FILTER_BOOLEAN_TRUE.includes(stringifyHeader.trim().toLowerCase()),
        clientIp: req.clientIp,
        authorization: req.headers.authorization,
        token: req.headers.token,
      }
      const name = params.str('controller')
      if (name !== 'user') {
        if (app.security === 'ssl_code') checkAuthCode(call)
        else checkAuth(call)
      } else if (app.security === 'ssl_code' && call.method !== 'GET') {
        checkAuthCode(call)
        throw new PhpipamError(409, 'Authentication not needed')
      }
      if (name === undefined || name === '') throw new PhpipamError(400, 'Request is not valid')
      if (name !== 'user' && WRITES.includes(req.method) && app.permissions < 2) {
        throw new PhpipamError(401, 'invalid permissions')
      }
      const mediaType = req.headers.contentType?.split(';')[0]?.trim()
      if (
        mediaType !== undefined &&
        mediaType !== '' &&
        !['application/x-www-form-urlencoded', 'application/xml', 'application/json'].includes(
          mediaType,
        )
      ) {
        throw new PhpipamError(415, `Invalid Content type ${mediaType}`)
      }
      const run = async (): Promise<PiSuccess> => {
        if (name === 'user') return userController(call)
        const methods = CONTROLLERS[name]
        if (methods === undefined) throw new PhpipamError(400, 'Invalid controller')
        const fn = methods[call.method]
        if (fn === undefined) throw new PhpipamError(501, REASONS[501] ?? 'Not Implemented')
        return fn(call)
      }
      // NOTE: phpIPAM 1.8 locks every write of the API (GETs never), so "peek then create"
      // stays racy even with the lock.
      const write = WRITES.includes(req.method)
      if (write && !app.writeLock) {
        // NOTE: without the lock, the spread of PHP bootstrap times decides how many
        // simultaneous writes interleave; this spread (with 1 ms round trips) gives about a
        // third of 20 simultaneous first_free calls colliding, as recorded on 1.8.2.
        await roundTrip(Math.random() * this.config.bootstrapJitterMs)
      }
      const result = write && app.writeLock ? await this.writeLock.run(run) : await run()
      const headers = this.headers()
      if (result.location !== undefined) headers.Location = result.location
      return {
        status: result.code,
        headers,
        body: encodeEnvelope({
          code: result.code,
          success: true,
          message: result.message,
          id: result.id,
          data: result.data,
          time: this.elapsed(started),
        }),
      }
    } catch (error) {
      if (error instanceof PhpipamFatal) {
        return { status: 500, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body: '' }
      }
      const code = error instanceof PhpipamError ? error.code : 500
      const message = error instanceof Error ? error.message : String(error)
      const headers = this.headers()
      if (code === 401) headers.Location = `/api/${appId ?? ''}/user/`
      return {
        status: code,
        headers,
        body: encodeEnvelope({
          code,
          success: false,
          message,
          time: early ? 0 : this.elapsed(started),
        }),
      }
    }
  }

  /** The body of an injected failure: phpIPAM's envelope with the reason phrase. */
  failureBody(status: number): string {
    return encodeEnvelope({
      code: status,
      success: false,
      message: REASONS[status] ?? 'Internal Server Error',
      time: 0,
    })
  }

  private headers(): Record<string, string> {
    return {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
    }
  }

  /** Seconds since the start, rounded to milliseconds as phpIPAM prints it (at least 0.001). */
  private elapsed(started: number): number {
    return Math.max(0.001, Math.round(performance.now() - started) / 1000)
  }

  /**
   * Reads the body into the parameters: JSON (`application/json`, must be an object or array),
   * else form-encoded.
   *
   * @throws PhpipamError 400 `Invalid JSON: …` for a malformed JSON body.
   */
  private readBody(req: PiRequest, params: Params): void {
    const text = req.body ?? ''
    if (text.trim() === '') return
    const type = req.headers.contentType ?? ''
    if (type.includes('application/json')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        throw new PhpipamError(400, 'Invalid JSON: Syntax error')
      }
      if (typeof parsed !== 'object' || parsed === null)
        throw new PhpipamError(400, 'Invalid JSON: No error')
      params.read(
        Array.isArray(parsed)
          ? Object.fromEntries(parsed.map((v, i) => [String(i), v as unknown]))
          : (parsed as Record<string, unknown>),
      )
      return
    }
    if (type.includes('application/xml')) return
    params.read(Object.fromEntries(new URLSearchParams(text)))
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
