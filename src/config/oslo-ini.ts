/**
 * The oslo.config INI dialect: `[section]` headers, `key = value` (or `key: value`), whole-line
 * comments starting with `#` or `;`, indented continuation lines, and `$name` / `${name}`
 * substitution from `[DEFAULT]`.
 *
 * NOTE: the `ini` package treats `;` and `#` inside a value as the start of a comment; oslo
 * does not, and passwords contain both, so this small parser keeps oslo's rules exactly.
 */

export interface IniEntry {
  readonly value: string
  readonly line: number
}

export type IniSections = Map<string, Map<string, IniEntry>>

export class IniSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

export function parseOsloIni(text: string): IniSections {
  const sections: IniSections = new Map([['DEFAULT', new Map<string, IniEntry>()]])
  let current: Map<string, IniEntry> | undefined
  let lastKey: string | undefined
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = index + 1
    if (/^\s*([#;].*)?$/.test(raw)) return
    if (/^\s/.test(raw) && current !== undefined && lastKey !== undefined) {
      const prev = current.get(lastKey)
      if (prev !== undefined)
        current.set(lastKey, { value: `${prev.value}\n${raw.trim()}`, line: prev.line })
      return
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw)
    if (header !== null) {
      const name = (header[1] ?? '').trim()
      current = sections.get(name) ?? new Map<string, IniEntry>()
      sections.set(name, current)
      lastKey = undefined
      return
    }
    const kv = /^([^=:\s][^=:]*?)\s*[=:]\s?(.*)$/.exec(raw)
    if (kv === null)
      throw new IniSyntaxError(line, `line ${line} is neither a [section] nor key = value`)
    if (current === undefined)
      throw new IniSyntaxError(line, `line ${line}: option before any [section]`)
    lastKey = (kv[1] ?? '').trim()
    current.set(lastKey, { value: (kv[2] ?? '').trim(), line })
  })
  return sections
}

/** Replaces `$name` and `${name}` with values from `[DEFAULT]` (`$$` is a literal `$`). */
export function substitute(value: string, defaults: ReadonlyMap<string, string>): string {
  return value.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
    if (match === '$$') return '$'
    const name = braced ?? bare ?? ''
    return defaults.get(name) ?? match
  })
}
