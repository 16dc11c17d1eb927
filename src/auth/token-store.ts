import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname } from 'node:path'

/** One API token: only its SHA-256 digest is stored, never the token itself. */
export interface TokenRecord {
  readonly id: string
  readonly sha256: string
  readonly project_id: string
  readonly user_id: string
  readonly roles: readonly string[]
  readonly description: string
  readonly created_at: string
}

interface TokenFile {
  tokens: TokenRecord[]
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex')

/**
 * The token file of `auth_strategy = token`. Re-read when it changes on disk, so tokens added
 * with `xloud token create` work without a restart.
 */
export class TokenStore {
  private records: TokenRecord[] = []
  private loadedMtime = -1
  private checkedAt = 0

  constructor(readonly path: string) {}

  exists(): boolean {
    return existsSync(this.path)
  }

  /** The record of a presented token, if any (constant-time comparison of digests). */
  lookup(token: string): TokenRecord | undefined {
    this.refresh()
    const wanted = Buffer.from(digest(token), 'hex')
    return this.records.find((r) => {
      const have = Buffer.from(r.sha256, 'hex')
      return have.length === wanted.length && timingSafeEqual(have, wanted)
    })
  }

  list(): TokenRecord[] {
    this.refresh(true)
    return [...this.records]
  }

  /** Creates a token and stores its digest; returns the token, which is shown once. */
  create(
    projectId: string,
    userId: string,
    roles: readonly string[],
    description: string,
  ): { token: string; record: TokenRecord } {
    this.refresh(true)
    const token = `xl-${randomBytes(24).toString('base64url')}`
    const record: TokenRecord = {
      id: randomUUID().slice(0, 8),
      sha256: digest(token),
      project_id: projectId,
      user_id: userId,
      roles: [...roles],
      description,
      created_at: new Date().toISOString(),
    }
    this.write([...this.records, record])
    return { token, record }
  }

  /** Removes a token by its id; false when there was none. */
  revoke(id: string): boolean {
    this.refresh(true)
    const kept = this.records.filter((r) => r.id !== id)
    if (kept.length === this.records.length) return false
    this.write(kept)
    return true
  }

  private write(records: TokenRecord[]): void {
    mkdirSync(dirname(this.path), { recursive: true })
    const tmp = `${this.path}.${process.pid}.tmp`
    writeFileSync(tmp, `${JSON.stringify({ tokens: records } satisfies TokenFile, null, 2)}\n`, {
      mode: 0o600,
    })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.path)
    this.records = records
    this.loadedMtime = statSync(this.path).mtimeMs
  }

  private refresh(force = false): void {
    const now = Date.now()
    if (!force && now - this.checkedAt < 1000) return
    this.checkedAt = now
    if (!existsSync(this.path)) {
      this.records = []
      return
    }
    const mtime = statSync(this.path).mtimeMs
    if (!force && mtime === this.loadedMtime) return
    const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<TokenFile>
    this.records = Array.isArray(parsed.tokens) ? parsed.tokens : []
    this.loadedMtime = mtime
  }
}
