import type { JsonValue } from '../parse-json.ts'

/**
 * JSON text as Python's `json.dump` writes it for cliff's json formatter: indented by two spaces,
 * or on one line with `", "` and `": "` separators (`--noindent`); non-ASCII escaped; BigInt
 * written as exact integers.
 */
export function pythonJson(value: JsonValue, indent: boolean): string {
  return write(value, indent ? '\n' : undefined)
}

function write(value: JsonValue, newline: string | undefined): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return quote(value)
  const inner = newline === undefined ? undefined : `${newline}  `
  const items = Array.isArray(value)
    ? value.map((v) => write(v, inner))
    : Object.entries(value).map(([k, v]) => `${quote(k)}: ${write(v, inner)}`)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  if (items.length === 0) return `${open}${close}`
  if (inner === undefined || newline === undefined) return `${open}${items.join(', ')}${close}`
  return `${open}${inner}${items.join(`,${inner}`)}${newline}${close}`
}

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** Python's `ensure_ascii` quoting: everything outside printable ASCII as \uXXXX. */
function quote(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i)
    const code = text.charCodeAt(i)
    const short = SHORT[c]
    if (short !== undefined) out += short
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += c
  }
  return `${out}"`
}
