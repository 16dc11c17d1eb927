import { Errors } from '../domain/errors.ts'
import { attribute } from './validators.ts'

/** One attribute of a resource body: when it may be given, and how it is read. */
export interface AttrDef<T> {
  readonly post: boolean
  readonly put: boolean
  readonly required?: boolean
  readonly convert: (value: unknown) => T
}

export type AttrMap = Readonly<Record<string, AttrDef<unknown>>>

/** The typed result of reading a body item against an attribute map. */
export type Parsed<M extends AttrMap> = {
  -readonly [
    K in keyof M as M[K] extends AttrDef<infer T> ? ([T] extends [never] ? never : K) : never
  ]?: M[K] extends AttrDef<infer T> ? T : never
}

export function attr<T>(
  post: boolean,
  put: boolean,
  convert: (value: unknown) => T,
  required = false,
): AttrDef<T> {
  return { post, put, convert, required }
}

const readOnly = (): never => {
  throw new Error('read-only attributes are refused before conversion')
}

/** Attributes the API shows but nobody sets. */
export function readOnlyAttr(): AttrDef<never> {
  return attr(false, false, readOnly)
}

/**
 * The items of a request body: `{"network": {...}}`, or for a bulk POST `{"networks": [...]}`.
 * @throws HTTPBadRequest with Neutron's wording
 */
export function bodyItems(
  body: unknown,
  resource: string,
  collection: string,
  allowBulk: boolean,
): { items: Record<string, unknown>[]; bulk: boolean } {
  if (Array.isArray(body)) throw Errors.badRequest('Body contains invalid data')
  if (typeof body !== 'object' || body === null) {
    throw Errors.badRequest(`Unable to find '${resource}' in request body`)
  }
  const record = body as Record<string, unknown>
  if (allowBulk && Array.isArray(record[collection])) {
    const list = record[collection] as unknown[]
    if (list.length === 0) throw Errors.badRequest('Resources required')
    return { items: list.map((item) => asItem(item, resource)), bulk: true }
  }
  if (record[resource] === undefined || record[resource] === null) {
    throw Errors.badRequest(`Unable to find '${resource}' in request body`)
  }
  return { items: [asItem(record[resource], resource)], bulk: false }
}

function asItem(value: unknown, resource: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw Errors.badRequest(`Object '${resource}' contains invalid data`)
  }
  return value as Record<string, unknown>
}

/**
 * Reads one item in Neutron's order: unknown attributes, attributes not allowed for the method,
 * missing required ones, then each value's validation.
 * @throws HTTPBadRequest with Neutron's wording
 */
export function parseItem<M extends AttrMap>(
  map: M,
  item: Record<string, unknown>,
  method: 'POST' | 'PUT',
): Parsed<M> {
  const tenant = item.tenant_id
  const project = item.project_id
  if (tenant !== undefined && project !== undefined && tenant !== project) {
    throw Errors.badRequest("'project_id' and 'tenant_id' do not match")
  }
  const unknown = Object.keys(item).filter((k) => !(k in map))
  if (unknown.length > 0)
    throw Errors.badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  for (const key of Object.keys(item)) {
    const def = map[key] as AttrDef<unknown>
    if (method === 'POST' && !def.post)
      throw Errors.badRequest(`Attribute '${key}' not allowed in POST`)
    if (method === 'PUT' && !def.put)
      throw Errors.badRequest(`Cannot update read-only attribute ${key}`)
  }
  if (method === 'POST') {
    for (const [key, def] of Object.entries(map)) {
      if (def.required === true && item[key] === undefined) {
        throw Errors.badRequest(
          `Failed to parse request. Required attribute '${key}' not specified`,
        )
      }
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(item)) {
    const def = map[key] as AttrDef<unknown>
    out[key] = attribute(key, value, def.convert)
  }
  if (out.tenant_id !== undefined && out.project_id === undefined) out.project_id = out.tenant_id
  delete out.tenant_id
  return out as Parsed<M>
}
