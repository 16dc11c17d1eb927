/**
 * WAPI error replies: HTTP status plus the JSON body `{"Error", "code", "text"}` the appliance
 * sends for data and protocol errors (contract §1.5). The `Error` member wraps `text` in the
 * server-side exception class, as captured from real grids.
 */
export class WapiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly errorClass: string,
    readonly text: string,
  ) {
    super(text)
    this.name = 'WapiError'
  }

  /** The JSON body the appliance sends. */
  body(): { Error: string; code: string; text: string } {
    return { Error: this.errorClass, code: this.code, text: this.text }
  }
}

/** Builders for the error families NIOS uses. */
export const WapiErrors = {
  /** 400 `Client.Ibap.Data`: a data rule (e.g. no free address left). */
  data: (text: string): WapiError =>
    new WapiError(
      400,
      'Client.Ibap.Data',
      `AdmConDataError: None (IBDataError: IB.Data:${text})`,
      text,
    ),
  /** 400 `Client.Ibap.Data.Conflict`: duplicates, overlaps, missing DNS parents. */
  conflict: (text: string): WapiError =>
    new WapiError(
      400,
      'Client.Ibap.Data.Conflict',
      `AdmConDataError: None (IBDataConflictError: IB.Data.Conflict:${text})`,
      text,
    ),
  /** 400 `Client.Ibap.Proto`: malformed request, unknown field or argument. */
  proto: (text: string): WapiError =>
    new WapiError(400, 'Client.Ibap.Proto', `AdmConProtoError: ${text}`, text),
  /** 404 `Client.Ibap.Data.NotFound`: unknown reference or view. */
  notFound: (text: string): WapiError =>
    new WapiError(404, 'Client.Ibap.Data.NotFound', `AdmConDataNotFoundError: ${text}`, text),
  /** 404 for a reference that does not resolve. */
  unknownRef: (ref: string): WapiError => WapiErrors.notFound(`Reference ${ref} not found`),
  /** 400 for a duplicate, in the appliance's wording. */
  duplicate: (name: string, kind: string): WapiError =>
    WapiErrors.conflict(`Duplicate object '${name}' of type ${kind} exists in the database.`),
  /** 400 for an unknown body field, return field or argument. */
  unknownField: (field: string): WapiError =>
    WapiErrors.proto(`Unknown argument/field: '${field}'`),
  /** 400 for a search on a field that cannot be searched. */
  notSearchable: (field: string): WapiError =>
    WapiErrors.proto(`Field is not searchable: ${field}`),
  /** 400 for a value of the wrong type or form. */
  invalidValue: (field: string, value: unknown): WapiError =>
    WapiErrors.proto(`Invalid value for ${field}: ${JSON.stringify(value)}`),
  /** 400 when an extensible attribute has no definition. */
  unknownEa: (name: string): WapiError => WapiErrors.proto(`Unknown extensible attribute: ${name}`),
  /** 400 when a next-available function finds too few free addresses. */
  noFreeAddress: (count: number): WapiError =>
    WapiErrors.data(`Cannot find ${count} available IP address(es) in this network.`),
} as const
