/** Whom a Keystone token stands for: the parts of `{"token": {...}}` this service uses. */
export interface KeystoneToken {
  readonly userId: string
  readonly userName: string
  /** Undefined for a token not scoped to a project (unscoped, domain or system scope). */
  readonly project: { readonly id: string; readonly name: string } | undefined
  readonly roles: readonly string[]
  /** Milliseconds since the epoch. */
  readonly expiresAt: number
  readonly issuedAt: number
}

/** One endpoint of a service catalog. */
export interface CatalogEndpoint {
  readonly type: string
  readonly interface: string
  readonly region: string
  readonly url: string
}

type JsonRecord = Readonly<Record<string, unknown>>

function record(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Reads the answer of `POST` or `GET /v3/auth/tokens`.
 * @throws Error when the body is not a Keystone v3 token (no user, no expiry)
 */
export function parseToken(body: unknown): KeystoneToken {
  const token = record(record(body)?.token)
  const user = record(token?.user)
  const userId = text(user?.id)
  const expiresAt = Date.parse(text(token?.expires_at) ?? '')
  if (token === undefined || userId === undefined || Number.isNaN(expiresAt)) {
    throw new Error('Keystone answered with something that is not a v3 token')
  }
  const project = record(token.project)
  const projectId = text(project?.id)
  const roles = Array.isArray(token.roles)
    ? token.roles.flatMap((r) => {
        const name = text(record(r)?.name)
        return name === undefined ? [] : [name]
      })
    : []
  const issuedAt = Date.parse(text(token.issued_at) ?? '')
  return {
    userId,
    userName: text(user?.name) ?? userId,
    project:
      projectId === undefined ? undefined : { id: projectId, name: text(project?.name) ?? '' },
    roles,
    expiresAt,
    issuedAt: Number.isNaN(issuedAt) ? Date.now() : issuedAt,
  }
}

/** The endpoints of `{"catalog": [...]}` (GET /v3/auth/catalog) or of a token's catalog. */
export function catalogEndpoints(catalog: unknown): CatalogEndpoint[] {
  if (!Array.isArray(catalog)) return []
  return catalog.flatMap((entry) => {
    const service = record(entry)
    const type = text(service?.type)
    if (type === undefined || !Array.isArray(service?.endpoints)) return []
    return service.endpoints.flatMap((e) => {
      const endpoint = record(e)
      const url = text(endpoint?.url)
      if (url === undefined) return []
      return [
        {
          type,
          interface: text(endpoint?.interface) ?? 'public',
          region: text(endpoint?.region_id) ?? text(endpoint?.region) ?? '',
          url,
        },
      ]
    })
  })
}
