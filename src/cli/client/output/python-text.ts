import type { JsonValue } from '../parse-json.ts'

/**
 * Python's `str()` of a value decoded from JSON: what cliff's value, csv and shell formatters
 * print (`True`, `None`, `['a', 'b']`, `{'k': 'v'}`), so that scripts written against the
 * openstack CLI read the same text.
 */
export function pyStr(value: JsonValue): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

/** Python's `repr()` of a value decoded from JSON. */
export function pyRepr(value: JsonValue): string {
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return reprString(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  const entries = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`)
  return `{${entries.join(', ')}}`
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** Python 3's string repr: single quotes unless the text holds one and no double quote. */
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = ''
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0
    if (c === quote) out += `\\${c}`
    else if (ESCAPES[c] !== undefined) out += ESCAPES[c]
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += c
  }
  return `${quote}${out}${quote}`
}
