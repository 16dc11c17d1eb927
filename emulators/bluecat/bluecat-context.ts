import type { FastifyRequest } from 'fastify'
import { BamError } from './bluecat-model.ts'
import type { BamSessions } from './bluecat-sessions.ts'
import type { BamState } from './bluecat-state.ts'

/** What the route modules of both API generations share. */
export interface BamContext {
  readonly state: BamState
  readonly sessions: BamSessions
  readonly username: string
  readonly password: string
}

type Query = Record<string, string | string[] | undefined>

/** A query parameter (the first when repeated). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query)[name]
  return Array.isArray(value) ? value[0] : value
}

/** A whole-number query parameter, or `fallback` when absent. @throws InvalidFieldValue */
export function intParam(request: FastifyRequest, name: string, fallback?: number): number {
  const text = queryParam(request, name)
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback
    throw new BamError(400, 'InvalidFieldValue', `Missing parameter ${name}`)
  }
  if (!/^-?[0-9]+$/.test(text)) {
    throw new BamError(400, 'InvalidFieldValue', `Invalid value for ${name}: ${text}`)
  }
  return Number.parseInt(text, 10)
}

/** A path segment as a resource id. @throws ResourceNotFound when not a number */
export function idParam(request: FastifyRequest, name = 'id'): number {
  const text = (request.params as Record<string, string | undefined>)[name] ?? ''
  if (!/^[0-9]{1,15}$/.test(text))
    throw new BamError(404, 'ResourceNotFound', `Resource with ID ${text} was not found`)
  return Number.parseInt(text, 10)
}
