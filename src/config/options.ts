import { formatMac, parseMac } from '../domain/mac-address.ts'

/** One configuration option: how to read it, its default, and what it is for. */
export interface Option<T> {
  readonly type: string
  readonly default: T
  readonly help: string
  /** Values never printed (passwords, tokens). */
  readonly secret?: boolean
  /** Parses the text of the file; throws an Error whose message says what is expected. */
  parse(text: string): T
}

const TRUE = new Set(['true', 'yes', 'on', '1'])
const FALSE = new Set(['false', 'no', 'off', '0'])

export const opt = {
  string(defaultValue: string, help: string): Option<string> {
    return { type: 'string', default: defaultValue, help, parse: (t) => t }
  },
  secret(help: string): Option<string> {
    return { type: 'string', default: '', help, secret: true, parse: (t) => t }
  },
  /**
   * An http(s) URL, or empty for none. NOTE: credentials in it (user:password@) are refused:
   * URLs are shown in status, errors and logs, so a password must live in its own option.
   */
  url(help: string): Option<string> {
    return {
      type: 'URL',
      default: '',
      help,
      parse(t) {
        if (t === '') return t
        let url: URL
        try {
          url = new URL(t)
        } catch {
          throw new Error('expected an http:// or https:// URL')
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw new Error('expected an http:// or https:// URL')
        if (url.username !== '' || url.password !== '') {
          throw new Error(
            'credentials in the URL are refused (they would be shown wherever the URL is): use the username and password options',
          )
        }
        return t
      },
    }
  },
  bool(defaultValue: boolean, help: string): Option<boolean> {
    return {
      type: 'boolean',
      default: defaultValue,
      help,
      parse(t) {
        const v = t.toLowerCase()
        if (TRUE.has(v)) return true
        if (FALSE.has(v)) return false
        throw new Error('expected a boolean (true or false)')
      },
    }
  },
  int(
    defaultValue: number,
    help: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Option<number> {
    return {
      type: 'integer',
      default: defaultValue,
      help: `${help} (${min}..${max})`,
      parse(t) {
        if (!/^-?[0-9]+$/.test(t)) throw new Error('expected an integer')
        const n = Number.parseInt(t, 10)
        if (n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`)
        return n
      },
    }
  },
  float(defaultValue: number, help: string, min: number): Option<number> {
    return {
      type: 'float',
      default: defaultValue,
      help,
      parse(t) {
        const n = Number(t)
        if (t === '' || !Number.isFinite(n) || n < min)
          throw new Error(`expected a number of at least ${min}`)
        return n
      },
    }
  },
  choice<const C extends string>(defaultValue: C, choices: readonly C[], help: string): Option<C> {
    return {
      type: `one of ${choices.join(', ')}`,
      default: defaultValue,
      help,
      parse(t) {
        const found = choices.find((c) => c === t)
        if (found === undefined) throw new Error(`expected one of ${choices.join(', ')}`)
        return found
      },
    }
  },
  /** A MAC address (normalised to lower-case colon form). */
  mac(defaultValue: string, help: string): Option<string> {
    return {
      type: 'MAC address',
      default: defaultValue,
      help,
      parse(t) {
        const mac = parseMac(t)
        if (mac === undefined) throw new Error('expected a MAC address such as fa:16:3e:00:00:00')
        return formatMac(mac)
      },
    }
  },
  /** A TLS verification setting: true, false, or the path of a CA bundle (as oslo's ssl options). */
  sslVerify(help: string): Option<boolean | string> {
    return {
      type: 'boolean or CA bundle path',
      default: true,
      help,
      parse(t) {
        const v = t.toLowerCase()
        if (TRUE.has(v)) return true
        if (FALSE.has(v)) return false
        if (t.startsWith('/')) return t
        throw new Error('expected true, false or the absolute path of a CA bundle')
      },
    }
  },
} as const

export type OptionValues<S> = { -readonly [K in keyof S]: S[K] extends Option<infer T> ? T : never }
