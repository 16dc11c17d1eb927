/**
 * Object references: `<objtype>/<id>:<readable name>`, e.g.
 * `network/ZG5zLm5ldHdvcmskMTA:10.0.0.0/24/default`. The id is base64 of `<prefix>$<key>` as on
 * the appliance (URL-safe alphabet, so it never contains a slash); the readable part is
 * informational and ignored when resolving.
 */

/** Builds a reference. */
export function buildRef(type: string, prefix: string, key: string, readable: string): string {
  const id = Buffer.from(`${prefix}$${key}`, 'utf8').toString('base64url')
  return `${type}/${id}:${readable}`
}

/** The parts of a reference: its type and the key inside its id. */
export interface ParsedRef {
  readonly type: string
  readonly prefix: string
  readonly key: string
}

/** Splits a reference, or undefined when the text is not one. */
export function parseRef(ref: string): ParsedRef | undefined {
  const slash = ref.indexOf('/')
  if (slash <= 0) return undefined
  const type = ref.slice(0, slash)
  const rest = ref.slice(slash + 1)
  const colon = rest.indexOf(':')
  const id = colon < 0 ? rest : rest.slice(0, colon)
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined
  const decoded = Buffer.from(id, 'base64url').toString('utf8')
  const dollar = decoded.indexOf('$')
  if (dollar <= 0) return undefined
  return { type, prefix: decoded.slice(0, dollar), key: decoded.slice(dollar + 1) }
}
