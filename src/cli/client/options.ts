import { InvalidArgumentError, Option, type Command } from 'commander'

/** Appends each use of a repeatable option (`--dns-nameserver a --dns-nameserver b`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/**
 * A `--no-x` flag that is its own boolean (`noX`), not commander's negation of `--x`.
 *
 * NOTE: commander would turn `--no-fixed-ip` into `fixedIp = false` and drop the `--fixed-ip`
 * values given before it; openstack treats the pair as "clear, then add" in any order.
 */
export function plainFlag(flags: string, description: string): Option {
  const option = new Option(flags, description)
  option.negate = false
  return option
}

/**
 * Two flags that cannot be used together (argparse's mutually exclusive group), e.g.
 * `--share`/`--no-share`. Both are plain booleans; neither has a default.
 */
export function addFlagPair(
  command: Command,
  on: readonly [string, string],
  off: readonly [string, string],
): Command {
  const second = plainFlag(off[0], off[1])
  const first = new Option(on[0], on[1]).conflicts(second.attributeName())
  return command.addOption(first).addOption(second)
}

/** A parser for a non-negative (or any) integer option value. */
export function integer(minimum = Number.MIN_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^[+-]?[0-9]+$/.test(value.trim())) throw new InvalidArgumentError('Not an integer.')
    const n = Number.parseInt(value, 10)
    if (n < minimum) throw new InvalidArgumentError(`Must be ${minimum} or greater.`)
    return n
  }
}

/**
 * osc-lib's MultiKeyValueAction: `key=value,key=value`, collected into a list, with the keys
 * checked against the required and optional ones.
 */
export function keyValues(
  required: readonly string[],
  optional: readonly string[] = [],
): (
  value: string,
  previous: readonly Record<string, string>[] | undefined,
) => Record<string, string>[] {
  const valid = [...required, ...optional]
  return (value, previous) => {
    const item: Record<string, string> = {}
    for (const part of value.split(',')) {
      const at = part.indexOf('=')
      if (at < 0) throw new InvalidArgumentError(`Expected 'key=value' type, but got: ${part}`)
      item[part.slice(0, at)] = part.slice(at + 1)
    }
    const invalid = Object.keys(item).filter((k) => !valid.includes(k))
    if (invalid.length > 0) {
      throw new InvalidArgumentError(
        `Invalid keys ${invalid.join(', ')} specified. Valid keys are: ${valid.join(', ')}`,
      )
    }
    const missing = required.filter((k) => !(k in item))
    if (missing.length > 0) {
      throw new InvalidArgumentError(
        `Missing required keys ${missing.join(', ')}. Required keys are: ${required.join(', ')}`,
      )
    }
    return [...(previous ?? []), item]
  }
}
