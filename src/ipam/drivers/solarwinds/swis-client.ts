import {
  ExternalIpamError,
  vendorReason,
  type ExternalErrorKind,
} from '../external/external-errors.ts'
import type { HttpResponse, VendorHttp } from '../external/http-client.ts'
import type { Resilience } from '../external/resilience.ts'

/** A value in a SWIS row or query parameter. */
export type SwisValue = string | number | boolean | null

/** One row of a SWQL answer. */
export type SwisRow = Readonly<Record<string, SwisValue | undefined>>

/** Where SWIS REST/JSON lives below the server URL. */
export const SWIS_PATH = '/SolarWinds/InformationService/v3/Json'

export interface SwisClientOptions {
  readonly username: string
  readonly password: string
  readonly pageSize: number
}

/**
 * SolarWinds Information Service over REST/JSON: HTTP Basic on every call (SWIS has no sessions),
 * SWQL queries with `@parameters`, verbs with positional JSON-array arguments, and updates and
 * deletes on `swis://` URIs. Failures are 400 (sometimes 500) with `{"Message": …}`, classified by
 * status and wording into ExternalIpamError.
 */
export class SwisClient {
  private readonly authorization: string

  constructor(
    private readonly http: VendorHttp,
    private readonly resilience: Resilience,
    private readonly options: SwisClientOptions,
  ) {
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
  }

  get endpoint(): string {
    return `${this.http.endpoint}${SWIS_PATH}`
  }

  private error(kind: ExternalErrorKind, cause: string): ExternalIpamError {
    return new ExternalIpamError(kind, 'solarwinds', this.endpoint, cause)
  }

  /**
   * One SWIS call through the breaker, retried on outages when `idempotent`.
   * Returns the parsed JSON answer (undefined for an empty one).
   * @throws ExternalIpamError classified from the status and `Message`
   */
  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: unknown,
    idempotent: boolean,
  ): Promise<unknown> {
    return this.resilience.call(idempotent, async () => {
      const res = await this.http.request({
        method,
        path: `${SWIS_PATH}/${path}`,
        headers: { authorization: this.authorization },
        body,
      })
      return this.interpret(res)
    })
  }

  private interpret(res: HttpResponse): unknown {
    if (res.status >= 200 && res.status < 300)
      return res.text === '' ? undefined : (res.json() ?? res.text)
    const parsed = res.json() as { Message?: unknown } | undefined
    const message = (
      typeof parsed?.Message === 'string' ? parsed.Message : res.text || `HTTP ${res.status}`
    ).slice(0, 300)
    // NOTE: SWIS answers wrong credentials with 403 and missing ones with 401 (§5.2).
    if (res.status === 401 || res.status === 403)
      throw this.error(
        'auth',
        `access denied for user ${this.options.username} (HTTP ${res.status}): ${message}`,
      )
    if (res.status === 429 || res.status >= 500)
      throw this.error('unavailable', `HTTP ${res.status}: ${message}`)
    if (res.status === 404)
      throw this.error('protocol', `HTTP 404: ${message} (is this the SWIS REST endpoint?)`)
    if (/no available ip|no free ip|no available address/i.test(message))
      throw this.error('exhausted', message)
    if (/does not exist|was not found|is not reserved/i.test(message))
      throw this.error('not-found', message)
    if (/overlap/i.test(message)) throw this.error('range-overlap', message)
    // NOTE: SWIS refuses a verb or an update it finds invalid with 400: that request only.
    if (res.status === 400 || res.status === 422)
      throw this.error('rejected', vendorReason(message))
    throw this.error('protocol', `HTTP ${res.status}: ${message}`)
  }

  /** A SWQL query (read-only, retried). */
  async query(swql: string, parameters: Record<string, SwisValue> = {}): Promise<SwisRow[]> {
    const answer = (await this.call('POST', 'Query', { query: swql, parameters }, true)) as
      { results?: SwisRow[] } | undefined
    if (!Array.isArray(answer?.results))
      throw this.error('protocol', 'a query answered without results')
    return answer.results
  }

  /** Every row of a query, `WITH ROWS` page by page (the query must have an ORDER BY). */
  async *rows(swql: string, parameters: Record<string, SwisValue> = {}): AsyncGenerator<SwisRow> {
    const size = this.options.pageSize
    for (let from = 1; ; from += size) {
      const page = await this.query(`${swql} WITH ROWS ${from} TO ${from + size - 1}`, parameters)
      yield* page
      if (page.length < size) return
    }
  }

  /** Invokes a verb with positional arguments. */
  async invoke(
    entity: string,
    verb: string,
    args: readonly SwisValue[],
    idempotent: boolean,
  ): Promise<unknown> {
    return this.call('POST', `Invoke/${entity}/${verb}`, args, idempotent)
  }

  /** Updates the entity a `swis://` URI names with properties. */
  async update(uri: string, properties: Record<string, SwisValue>, idempotent: boolean) {
    await this.call('POST', uri, properties, idempotent)
  }

  /** Reads the entity a `swis://` URI names. */
  async read(uri: string): Promise<SwisRow> {
    return ((await this.call('GET', uri, undefined, true)) ?? {}) as SwisRow
  }

  /** Deletes the entity a `swis://` URI names. */
  async remove(uri: string): Promise<void> {
    await this.call('DELETE', uri, undefined, true)
  }
}
