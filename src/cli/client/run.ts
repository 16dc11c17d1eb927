import { Command } from 'commander'
import { describeError, exitStatusOf } from './errors.ts'
import { HttpClient } from './http-client.ts'
import { openSession, type SessionOptions } from './session.ts'

/** What a client command's handler gets. */
export interface CommandContext {
  /** The leaf command, for `opts()` and `args`. */
  readonly command: Command
  /** The API client, connected lazily (option mistakes are reported before any request). */
  readonly client: () => Promise<HttpClient>
  /** Writes to stdout. */
  readonly print: (text: string) => void
  /** Writes one line to stderr (a partial failure the command goes on after). */
  readonly warn: (line: string) => void
}

/**
 * Wraps a handler as a commander action: any failure becomes one `Error: ...` line on stderr
 * and the exit status (2 for usage, 1 otherwise), never a stack trace.
 */
export function run(
  handler: (context: CommandContext) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1)
    if (!(command instanceof Command)) throw new Error('commander did not pass the command')
    let client: HttpClient | undefined
    const context: CommandContext = {
      command,
      client: async () => {
        client ??= new HttpClient(await openSession(command.optsWithGlobals<SessionOptions>()))
        return client
      },
      print: (text) => {
        process.stdout.write(text)
      },
      warn: (line) => {
        process.stderr.write(`${line}\n`)
      },
    }
    try {
      await handler(context)
    } catch (error) {
      process.stderr.write(`Error: ${describeError(error)}\n`)
      process.exitCode = exitStatusOf(error)
    }
  }
}
