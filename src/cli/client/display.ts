import type { Formatter, CellValue } from './output/cell.ts'
import { emitList, emitOne } from './output/emit.ts'
import type { ListOutputOptions, ShowOutputOptions } from './output/output-options.ts'
import type { JsonObject } from './parse-json.ts'

/** One field of a show/create/set output. */
export interface FieldSpec {
  /** The name openstack prints. */
  readonly name: string
  /** The API attribute, when it differs (`binding:host_id` for `binding_host_id`). */
  readonly from?: string
  readonly format?: Formatter
}

/** One column of a list output. */
export interface ColumnSpec {
  readonly header: string
  readonly from: string
  readonly format?: Formatter
}

function valueOf(resource: JsonObject, key: string, format: Formatter | undefined): CellValue {
  // NOTE: openstacksdk shows None for attributes the server does not return; so do we.
  const raw = resource[key] ?? null
  return format === undefined ? raw : format(raw)
}

/** The Field/Value output of one resource. */
export function showOne(
  fields: readonly FieldSpec[],
  resource: JsonObject,
  options: ShowOutputOptions,
): string {
  return emitOne(
    fields.map((f) => f.name),
    fields.map((f) => valueOf(resource, f.from ?? f.name, f.format)),
    options,
  )
}

/** The column output of a list of resources. */
export function showList(
  columns: readonly ColumnSpec[],
  resources: readonly JsonObject[],
  options: ListOutputOptions,
): string {
  return emitList(
    columns.map((c) => c.header),
    resources.map((r) => columns.map((c) => valueOf(r, c.from, c.format))),
    options,
  )
}
