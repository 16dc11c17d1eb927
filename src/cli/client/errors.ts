/**
 * What a client command can fail with. Each becomes one line on stderr (see `describeError`) and
 * an exit status: 2 for usage and configuration mistakes, 1 for everything else.
 */

/** A mistake on the command line or in the environment (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** A command that could not do what was asked, with a message ready for the user (exit 1). */
export class CommandError extends Error {
  override readonly name = 'CommandError'
}

/** The API answered with an error status. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly status: number,
    /** Neutron's error type (e.g. `IpAddressGenerationFailure`), when the body carried one. */
    readonly type: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

/** The endpoint could not be reached at all. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError'
}

/** The one line printed for a failure (without the leading `Error: `). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const kind =
      error.type === undefined ? `HTTP ${error.status}` : `${error.type} (HTTP ${error.status})`
    return oneLine(`${kind}: ${error.message}`)
  }
  return oneLine(error instanceof Error ? error.message : String(error))
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** The exit status for a failure. */
export function exitStatusOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1
}
