import type { JsonObject } from '../parse-json.ts'

/** A JSON scalar as text (objects as JSON; null and absent as nothing). */
export function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return value.toString()
  return JSON.stringify(value)
}

/** The objects of a JSON array (anything else: none). */
export function objectsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value as JsonObject[]) : []
}
