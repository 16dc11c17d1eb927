/** A response as tests look at it: status, parsed body (or text), headers, and the raw text. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number
  readonly body: T
  readonly text: string
  readonly headers: Headers
}

/** Minimal JSON client over real HTTP. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const all: Record<string, string> = { accept: 'application/json', ...headers }
  const init: RequestInit = { method, headers: all }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    all['content-type'] = 'application/json'
  }
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers }
}

/** A client bound to one endpoint and identity. */
export function client(base: string, headers: Record<string, string> = {}) {
  return {
    get: <T = Record<string, unknown>>(path: string) =>
      call<T>(base, 'GET', path, undefined, headers),
    post: <T = Record<string, unknown>>(path: string, body: unknown) =>
      call<T>(base, 'POST', path, body, headers),
    put: <T = Record<string, unknown>>(path: string, body: unknown) =>
      call<T>(base, 'PUT', path, body, headers),
    delete: <T = Record<string, unknown>>(path: string) =>
      call<T>(base, 'DELETE', path, undefined, headers),
  }
}

export type Client = ReturnType<typeof client>
