/** A JSON value as the client holds it: integers beyond 2^53 are kept exact as BigInt. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject

export interface JsonObject {
  [key: string]: JsonValue
}

const WHITESPACE = /[ \t\n\r]*/y
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const LITERAL = /true|false|null/y

/**
 * Parses JSON text like JSON.parse, except that integers outside JavaScript's safe range become
 * BigInt instead of being rounded.
 *
 * NOTE: `/v2.0/network-ip-availabilities` counts IPv6 addresses (a /64 holds 2^64 - 1 in its
 * pool, network totals go higher); JSON.parse would silently print 18446744073709552000. Node 20
 * has no reviver access to the source text, hence this small parser. Every response goes through
 * it so that no endpoint can lose digits.
 * @throws SyntaxError on malformed text
 */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text)
  const value = parser.value()
  parser.end()
  return value
}

class Parser {
  private at = 0

  constructor(private readonly text: string) {}

  value(): JsonValue {
    this.skip()
    const c = this.text[this.at]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
    const literal = this.match(LITERAL)
    if (literal === 'true') return true
    if (literal === 'false') return false
    if (literal === 'null') return null
    return this.fail()
  }

  end(): void {
    this.skip()
    if (this.at !== this.text.length) this.fail()
  }

  private object(): JsonObject {
    this.at += 1
    const entries: [string, JsonValue][] = []
    this.skip()
    if (this.text[this.at] === '}') {
      this.at += 1
      return {}
    }
    for (;;) {
      this.skip()
      if (this.text[this.at] !== '"') this.fail()
      const key = this.string()
      this.expect(':')
      entries.push([key, this.value()])
      this.skip()
      const c = this.text[this.at]
      this.at += 1
      if (c === '}') break
      if (c !== ',') this.fail(-1)
    }
    // NOTE: fromEntries defines own properties, so a "__proto__" key stays plain data.
    return Object.fromEntries<JsonValue>(entries)
  }

  private array(): JsonValue[] {
    this.at += 1
    const items: JsonValue[] = []
    this.skip()
    if (this.text[this.at] === ']') {
      this.at += 1
      return items
    }
    for (;;) {
      items.push(this.value())
      this.skip()
      const c = this.text[this.at]
      this.at += 1
      if (c === ']') break
      if (c !== ',') this.fail(-1)
    }
    return items
  }

  private string(): string {
    const token = this.match(STRING)
    if (token === undefined) return this.fail()
    return JSON.parse(token) as string
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.at
    const m = NUMBER.exec(this.text)
    if (m === null) return this.fail()
    this.at = NUMBER.lastIndex
    const token = m[0]
    const n = Number(token)
    const integer = m[1] === undefined && m[2] === undefined
    return integer && !Number.isSafeInteger(n) ? BigInt(token) : n
  }

  private expect(c: string): void {
    this.skip()
    if (this.text[this.at] !== c) this.fail()
    this.at += 1
  }

  private skip(): void {
    WHITESPACE.lastIndex = this.at
    WHITESPACE.exec(this.text)
    this.at = WHITESPACE.lastIndex
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.at
    const m = re.exec(this.text)
    if (m === null) return undefined
    this.at = re.lastIndex
    return m[0]
  }

  private fail(offset = 0): never {
    throw new SyntaxError(`Malformed JSON at position ${this.at + offset}`)
  }
}
