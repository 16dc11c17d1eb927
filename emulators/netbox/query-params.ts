/**
 * Query strings the way Django and Django REST framework read and rebuild them: a list of
 * `key=value` pairs where a single-value read takes the last one, and pagination links that
 * re-encode every parameter sorted by key with Python's `quote_plus`.
 */
export class QueryParams {
  private constructor(readonly pairs: readonly (readonly [string, string])[]) {}

  /** Parses `a=1&b=2` (no leading `?`); `+` is a space, blank values are kept. */
  static parse(search: string): QueryParams {
    const params = new URLSearchParams(search)
    return new QueryParams([...params.entries()])
  }

  /** Every value of `key`, in order. */
  getAll(key: string): string[] {
    return this.pairs.filter(([k]) => k === key).map(([, v]) => v)
  }

  /** The last value of `key` (Django's `QueryDict.get`). */
  get(key: string): string | undefined {
    const all = this.getAll(key)
    return all.at(-1)
  }

  has(key: string): boolean {
    return this.pairs.some(([k]) => k === key)
  }

  /** Distinct keys in first-seen order. */
  keys(): string[] {
    return [...new Set(this.pairs.map(([k]) => k))]
  }
}

/** Python's `urllib.parse.quote_plus(text, safe='')`. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

function rebuild(url: string, mutate: (query: Map<string, string[]>) => void): string {
  const queryStart = url.indexOf('?')
  const base = queryStart < 0 ? url : url.slice(0, queryStart)
  const search = queryStart < 0 ? '' : url.slice(queryStart + 1)
  const query = new Map<string, string[]>()
  for (const [k, v] of new URLSearchParams(search)) {
    const list = query.get(k)
    if (list === undefined) query.set(k, [v])
    else list.push(v)
  }
  mutate(query)
  // NOTE: DRF's replace_query_param encodes `sorted(query_dict.items())`, so every link lists
  // its parameters in key order whatever order the client sent them in.
  const keys = [...query.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const encoded = keys.flatMap((k) =>
    (query.get(k) ?? []).map((v) => `${quotePlus(k)}=${quotePlus(v)}`),
  )
  return encoded.length === 0 ? base : `${base}?${encoded.join('&')}`
}

/** DRF's `replace_query_param`: sets `key` to one value and re-encodes the query. */
export function replaceQueryParam(url: string, key: string, value: string): string {
  return rebuild(url, (query) => query.set(key, [value]))
}

/** DRF's `remove_query_param`. */
export function removeQueryParam(url: string, key: string): string {
  return rebuild(url, (query) => query.delete(key))
}
