import type { BamContext } from './bluecat-context.ts'
import { BamErrors } from './bluecat-errors.ts'
import type { AddressEntity, Entity, NetworkEntity } from './bluecat-model.ts'
import type { FilterField } from './v2-filter.ts'
import { v2Type } from './v2-render.ts'

type Json = Record<string, unknown>

/** A body value as text for an error message. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')
}

/** A row of a network's address listing: an assigned address, or an UNASSIGNED one. */
export interface AddressRow {
  readonly network: NetworkEntity
  readonly value: bigint
  readonly entity: AddressEntity | undefined
}

/** Fields every resource can be filtered on. */
export function commonFields<T>(
  ctx: BamContext,
  entityOf: (item: T) => Entity | undefined,
): Record<string, FilterField<T>> {
  const config = (item: T) => {
    const e = entityOf(item)
    return e === undefined ? undefined : ctx.state.configurationOf(e)
  }
  return {
    id: { type: 'number', get: (i) => entityOf(i)?.id },
    name: { type: 'string', get: (i) => entityOf(i)?.name },
    type: {
      type: 'enum',
      get: (i) => {
        const e = entityOf(i)
        return e === undefined ? undefined : v2Type(e)
      },
    },
    'configuration.id': { type: 'number', get: (i) => config(i)?.id },
    'configuration.name': { type: 'string', get: (i) => config(i)?.name },
  }
}

/** UDFs from a v2 body: every value must be a string. @throws InvalidFieldValue */
export function udfsFrom(value: unknown): Map<string, string> {
  if (value === undefined || value === null) return new Map()
  if (typeof value !== 'object' || Array.isArray(value))
    throw BamErrors.invalidValue('userDefinedFields', shown(value))
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw BamErrors.invalidValue(`userDefinedFields.${k}`, shown(v))
    }
    out.set(k, String(v))
  }
  return out
}

/** A body's `type`, checked against the one expected when present. @throws InvalidFieldValue */
export function expectType(body: Json, type: string): void {
  if (body.type !== undefined && body.type !== type)
    throw BamErrors.invalidValue('type', shown(body.type))
}
