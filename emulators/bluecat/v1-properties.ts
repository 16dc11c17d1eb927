import { formatMac, parseMac, type MacOctets } from '../../src/domain/mac-address.ts'
import { BamError } from './bluecat-model.ts'

/**
 * Parses a legacy v1 properties string, `key=value|key2=value2|`, into ordered pairs. A value may
 * hold `=`; empty segments are skipped.
 * @throws BamError (v1: HTTP 500) for a segment without `=`
 */
export function parseProperties(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (text === undefined) return out
  for (const segment of text.split('|')) {
    if (segment === '') continue
    const eq = segment.indexOf('=')
    if (eq <= 0) throw new BamError(400, 'InvalidFieldValue', `Invalid property: ${segment}`)
    out.set(segment.slice(0, eq), segment.slice(eq + 1))
  }
  return out
}

/**
 * Renders pairs as a v1 properties string: every pair ends with `|`; an empty list renders as
 * null, as BAM sends for objects without properties.
 *
 * NOTE: BAM does not escape `|` or `=` inside values, and neither do we.
 */
export function formatProperties(pairs: Iterable<readonly [string, string]>): string | null {
  let out = ''
  for (const [key, value] of pairs) out += `${key}=${value}|`
  return out === '' ? null : out
}

/** A MAC as BAM prints it: upper-case hex octets joined by dashes (`FA-16-3E-11-22-33`). */
export function formatBamMac(octets: MacOctets): string {
  return formatMac(octets).toUpperCase().replaceAll(':', '-')
}

/** Parses a MAC in any usual form. @throws InvalidFieldValue when malformed */
export function parseBamMac(text: string, field = 'macAddress'): MacOctets {
  const octets = parseMac(text.trim())
  if (octets === undefined)
    throw new BamError(400, 'InvalidFieldValue', `Invalid ${field}: ${text}`)
  return octets
}
