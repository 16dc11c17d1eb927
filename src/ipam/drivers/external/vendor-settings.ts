import { readFileSync } from 'node:fs'
import { VendorHttp } from './http-client.ts'
import { Resilience } from './resilience.ts'

/** The options every external driver section shares (see externalCommon in the config schema). */
export interface CommonSection {
  readonly ssl_verify: boolean | string
  readonly connect_timeout: number
  readonly request_timeout: number
  readonly pool_size: number
  readonly retries: number
  readonly circuit_break_after: number
  readonly circuit_reset_seconds: number
}

/** The keep-alive client and the retry/breaker policies of one endpoint. */
export function connect(
  driver: string,
  baseUrl: string,
  section: CommonSection,
): { http: VendorHttp; resilience: Resilience } {
  const http = new VendorHttp({
    driver,
    baseUrl,
    sslVerify: section.ssl_verify,
    connectTimeoutMs: section.connect_timeout * 1000,
    requestTimeoutMs: section.request_timeout * 1000,
    connections: section.pool_size,
  })
  const resilience = new Resilience({
    driver,
    endpoint: http.endpoint,
    attempts: section.retries,
    breakAfter: section.circuit_break_after,
    halfOpenAfterMs: section.circuit_reset_seconds * 1000,
  })
  return { http, resilience }
}

/**
 * A secret from `key` or `key_file` (first line). Errors name the section and key, never the
 * value.
 */
export function readSecret(section: string, key: string, value: string, file: string): string {
  if (value !== '') return value
  if (file === '') throw new Error(`[${section}] ${key} or ${key}_file must be set`)
  try {
    return (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim()
  } catch (error) {
    throw new Error(
      `[${section}] ${key}_file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
}

/** Requires a non-empty option. */
export function required(section: string, key: string, value: string): string {
  if (value.trim() === '')
    throw new Error(`[${section}] ${key} must be set for ipam_driver = ${section}`)
  return value
}
