/**
 * WAPI semantics independent of HTTP: one call (method, object type or reference, query, body)
 * in, status and JSON body out. The HTTP app and the multi-call `request` object both use it.
 */
import type { InfobloxState, WapiObject } from './infoblox-state.ts'
import { WapiError, WapiErrors } from './wapi-error.ts'
import { isJsonObject, jsonText, type Json, type JsonObject } from './wapi-json.ts'
import type { WapiPager } from './wapi-pager.ts'
import { parseQuery, project, returnFieldsFor, type CallArguments } from './wapi-query.ts'
import { typeNames } from './wapi-schema.ts'

/** One WAPI call. `path` is the decoded part after `/wapi/vX.Y/`: a type, a ref, or ''. */
export interface WapiCall {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: Json | undefined
  readonly version: string
}

/** The answer to a call. */
export interface WapiReply {
  readonly status: number
  readonly body: Json
  readonly pretty: boolean
}

const STATE_PATTERN = /##STATE:([^:#]+):##/g

/** Executes WAPI calls against the state. */
export class WapiHandler {
  constructor(
    private readonly state: InfobloxState,
    private readonly pager: WapiPager,
    /** The appliance's default result limit: no `_max_results` means `-maxResultsCap`. */
    private readonly maxResultsCap: number,
  ) {}

  /**
   * Executes one call.
   * @throws WapiError for every WAPI error (the caller renders it)
   */
  execute(call: WapiCall): WapiReply {
    const { terms, args, rest } = parseQuery(call.query)
    const pretty = args.pretty
    const wrap = (body: Json): Json => (args.returnAsObject ? { result: body } : body)
    const method = call.method.toUpperCase()
    if (call.path === '') {
      if (method === 'GET' && args.schema)
        return { status: 200, body: this.schema(call.version), pretty }
      throw WapiErrors.proto('An object type or reference is required')
    }
    if (call.path === 'request') {
      if (method !== 'POST') throw WapiErrors.proto('The request object only supports POST')
      return { status: 200, body: this.multi(call.body, call.version), pretty }
    }
    const isRef = call.path.includes('/')
    switch (method) {
      case 'GET': {
        if (isRef) {
          const object = this.state.get(call.path)
          return { status: 200, body: wrap(this.render(object, args)), pretty }
        }
        const type = this.state.typeOf(call.path)
        return { status: 200, body: this.search(type.name, terms, args), pretty }
      }
      case 'POST': {
        if (isRef) {
          if (args.functionName === undefined) {
            throw WapiErrors.proto('POST on a reference requires _function')
          }
          const result = this.state.callFunction(call.path, args.functionName, call.body ?? {})
          return { status: 200, body: wrap(result), pretty }
        }
        const type = this.state.typeOf(call.path)
        if (args.functionName !== undefined) {
          throw WapiErrors.proto(`Function ${args.functionName} requires an object reference`)
        }
        const created = this.state.create(type, withQueryFields(call.body, rest))
        return { status: 201, body: wrap(this.refOrObject(created, args)), pretty }
      }
      case 'PUT': {
        if (!isRef) throw WapiErrors.proto('PUT requires an object reference')
        const updated = this.state.update(call.path, withQueryFields(call.body, rest))
        return { status: 200, body: wrap(this.refOrObject(updated, args)), pretty }
      }
      case 'DELETE': {
        if (!isRef) throw WapiErrors.proto('DELETE requires an object reference')
        return { status: 200, body: wrap(this.state.remove(call.path, rest)), pretty }
      }
      default:
        throw WapiErrors.proto(`Method ${method} is not supported`)
    }
  }

  private render(object: WapiObject, args: CallArguments): JsonObject {
    return project(object.ref, returnFieldsFor(object.type, args), (f) => object.read(f))
  }

  private refOrObject(object: WapiObject, args: CallArguments): Json {
    if (args.returnFields === undefined && args.returnFieldsPlus === undefined) return object.ref
    return this.render(object, args)
  }

  private search(
    typeName: string,
    terms: Parameters<InfobloxState['search']>[1],
    args: CallArguments,
  ): Json {
    const type = this.state.typeOf(typeName)
    const fields = returnFieldsFor(type, args)
    if (args.pageId !== undefined) {
      const page = this.pager.next(args.pageId)
      if (page === undefined)
        throw WapiErrors.proto(`Page id ${args.pageId} is not valid or has expired`)
      return pageBody(page)
    }
    const found = this.state.search(type, terms)
    const projected = mapIterable(found, (o) => project(o.ref, fields, (f) => o.read(f)))
    if (args.paging) {
      if (!args.returnAsObject) {
        throw WapiErrors.proto('_return_as_object needs to be enabled for paging requests.')
      }
      const size = Math.abs(args.maxResults ?? this.maxResultsCap)
      return pageBody(this.pager.start(projected, size))
    }
    const max = args.maxResults ?? -this.maxResultsCap
    const limit = Math.abs(max)
    const out: JsonObject[] = []
    for (const item of projected) {
      if (out.length === limit) {
        if (max < 0) throw WapiErrors.proto(`Result set too large (> ${limit})`)
        break
      }
      out.push(item)
    }
    return args.returnAsObject ? { result: out } : out
  }

  /**
   * The multi-call `request` object: a list of `{method, object, data, args, assign_state,
   * enable_substitution, discard}` run in order as one transaction (all or nothing). A single
   * object instead of a list runs one call and returns its result directly.
   */
  private multi(body: Json | undefined, version: string): Json {
    const single = isJsonObject(body)
    const items = single ? [body] : body
    if (!Array.isArray(items)) throw WapiErrors.proto('The request body must be a list of requests')
    const snapshot = this.state.snapshot()
    const vars: JsonObject = {}
    const results: Json[] = []
    try {
      items.forEach((raw, index) => {
        if (!isJsonObject(raw)) throw WapiErrors.proto(`Request ${index} is not an object`)
        const substitute = raw.enable_substitution === true
        const item = substitute ? (substituteState(raw, vars) as JsonObject) : raw
        const method = typeof item.method === 'string' ? item.method.toUpperCase() : ''
        let result: Json
        if (method === 'STATE:ASSIGN') {
          if (isJsonObject(item.data)) Object.assign(vars, item.data)
          result = null
        } else if (method === 'STATE:DISPLAY') {
          result = { ...vars }
        } else {
          if (typeof item.object !== 'string')
            throw WapiErrors.proto(`Request ${index}: object is required`)
          const query = new URLSearchParams()
          const add = (o: Json | undefined) => {
            if (!isJsonObject(o)) return
            for (const [k, v] of Object.entries(o)) {
              query.append(k, Array.isArray(v) ? v.map((x) => jsonText(x)).join(',') : jsonText(v))
            }
          }
          add(item.args)
          if (method === 'GET') add(item.data)
          const reply = this.execute({
            method,
            path: item.object,
            query,
            body: method === 'GET' ? undefined : item.data,
            version,
          })
          result = reply.body
        }
        if (isJsonObject(item.assign_state)) {
          for (const [name, fieldName] of Object.entries(item.assign_state)) {
            if (typeof fieldName !== 'string') continue
            const value = pick(result, fieldName)
            if (value !== undefined) vars[name] = value
          }
        }
        if (item.discard !== true) results.push(result)
      })
    } catch (e) {
      this.state.restore(snapshot)
      throw e instanceof WapiError ? e : WapiErrors.proto(String(e))
    }
    return single ? (results[0] ?? null) : results
  }

  private schema(version: string): JsonObject {
    return {
      requested_version: version,
      supported_objects: typeNames(),
      supported_versions: [
        '1.4',
        '2.0',
        '2.3',
        '2.5',
        '2.7',
        '2.9',
        '2.10',
        '2.11',
        '2.12',
        '2.12.3',
        '2.13',
      ],
    }
  }
}

function pageBody(page: { result: JsonObject[]; nextPageId: string | undefined }): JsonObject {
  return page.nextPageId === undefined
    ? { result: page.result }
    : { result: page.result, next_page_id: page.nextPageId }
}

function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  for (const item of items) yield f(item)
}

/** Fields passed in the query string of a create or update (WAPI accepts both places). */
function withQueryFields(body: Json | undefined, rest: ReadonlyMap<string, string>): Json {
  const base = body ?? {}
  if (!isJsonObject(base) || rest.size === 0) return base
  const merged: JsonObject = {}
  for (const [k, v] of rest) merged[k] = v
  return { ...merged, ...base }
}

function substituteState(value: Json, vars: JsonObject): Json {
  if (typeof value === 'string') {
    return value.replace(STATE_PATTERN, (whole, name: string) => {
      const v = vars[name]
      return v === undefined ? whole : typeof v === 'string' ? v : JSON.stringify(v)
    })
  }
  if (Array.isArray(value)) return value.map((v) => substituteState(v, vars))
  if (isJsonObject(value)) {
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(value)) out[k] = substituteState(v, vars)
    return out
  }
  return value
}

function pick(result: Json, field: string): Json | undefined {
  const first = Array.isArray(result) ? result[0] : result
  if (typeof first === 'string') return field === '_ref' ? first : undefined
  if (isJsonObject(first)) {
    const inner = isJsonObject(first.result) ? first.result : first
    return inner[field]
  }
  return undefined
}
