/** A parsed JSON value; integers beyond Number's exact range are BigInts. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject

/** A parsed JSON object. */
export interface JsonObject {
  [key: string]: JsonValue
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
const WHITESPACE = /[ \t\n\r]*/y

/**
 * Parses JSON text like `JSON.parse`, except that an integer too large for a double (an IPv6
 * /64 holds 18446744073709551615 addresses) becomes an exact BigInt instead of a rounded number.
 * Integers within `Number.MAX_SAFE_INTEGER` stay numbers.
 *
 * NOTE: `JSON.parse` rounds such integers before any reviver sees them, hence this parser.
 * @throws SyntaxError on text that is not JSON
 */
export function parseJson(text: string): JsonValue {
  let at = 0

  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at position ${at}`)
  }
  const skipSpace = (): void => {
    WHITESPACE.lastIndex = at
    WHITESPACE.exec(text)
    at = WHITESPACE.lastIndex
  }
  const expectWord = (word: string): void => {
    if (!text.startsWith(word, at)) fail('unexpected token')
    at += word.length
  }

  const parseString = (): string => {
    const start = at
    at += 1
    let escaped = false
    for (;;) {
      const c = text.charCodeAt(at)
      if (Number.isNaN(c)) return fail('unterminated string')
      if (c === 0x22) break
      if (c < 0x20) fail('control character in string')
      if (c === 0x5c) {
        escaped = true
        at += 2
        continue
      }
      at += 1
    }
    at += 1
    const token = text.slice(start, at)
    // NOTE: escapes are rare in API answers; JSON.parse of the string token decodes them exactly.
    return escaped ? (JSON.parse(token) as string) : token.slice(1, -1)
  }

  const parseNumber = (): number | bigint => {
    NUMBER.lastIndex = at
    const match = NUMBER.exec(text)
    if (match === null) return fail('unexpected token')
    const token = match[0]
    at = NUMBER.lastIndex
    const n = Number(token)
    if (match[1] !== undefined || match[2] !== undefined || Number.isSafeInteger(n)) return n
    return BigInt(token)
  }

  const parseValue = (): JsonValue => {
    skipSpace()
    const c = text[at]
    switch (c) {
      case '{': {
        at += 1
        const object: JsonObject = {}
        skipSpace()
        if (text[at] === '}') {
          at += 1
          return object
        }
        for (;;) {
          skipSpace()
          if (text[at] !== '"') fail('expected a property name')
          const key = parseString()
          skipSpace()
          if (text[at] !== ':') fail('expected ":"')
          at += 1
          // NOTE: defineProperty, so that a "__proto__" key is data, as with JSON.parse.
          Object.defineProperty(object, key, {
            value: parseValue(),
            enumerable: true,
            writable: true,
            configurable: true,
          })
          skipSpace()
          if (text[at] === ',') {
            at += 1
            continue
          }
          if (text[at] === '}') {
            at += 1
            return object
          }
          fail('expected "," or "}"')
        }
      }
      case '[': {
        at += 1
        const array: JsonValue[] = []
        skipSpace()
        if (text[at] === ']') {
          at += 1
          return array
        }
        for (;;) {
          array.push(parseValue())
          skipSpace()
          if (text[at] === ',') {
            at += 1
            continue
          }
          if (text[at] === ']') {
            at += 1
            return array
          }
          fail('expected "," or "]"')
        }
      }
      case '"':
        return parseString()
      case 't':
        expectWord('true')
        return true
      case 'f':
        expectWord('false')
        return false
      case 'n':
        expectWord('null')
        return null
      case undefined:
        return fail('unexpected end')
      default:
        return parseNumber()
    }
  }

  const value = parseValue()
  skipSpace()
  if (at !== text.length) fail('unexpected text after the value')
  return value
}

/**
 * An exact integer from a parsed JSON value (a number, a BigInt, or a string of digits);
 * 0n for anything else.
 */
export function toBigInt(value: JsonValue | undefined): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value)
  return 0n
}
