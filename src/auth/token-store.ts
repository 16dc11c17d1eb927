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
import { dirname, resolve } from 'node:path'

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

/** The token file cannot be read or parsed; the message names it and says what to do. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError'
}

/**
 * The token file of `auth_strategy = token`. Re-read when it changes on disk, so tokens added
 * with `xloud token create` work without a restart.
 */
export class TokenStore {
  private records: TokenRecord[] = []
  private loadedMtime = -1
  private checkedAt = 0
  /** The file, as an absolute path (for messages). */
  readonly path: string

  constructor(path: string) {
    this.path = resolve(path)
  }

  exists(): boolean {
    return existsSync(this.path)
  }

  /**
   * The record of a presented token, if any (constant-time comparison of digests).
   * @throws TokenFileError when the file cannot be read or parsed
   */
  lookup(token: string): TokenRecord | undefined {
    this.refresh()
    const wanted = Buffer.from(digest(token), 'hex')
    return this.records.find((r) => {
      const have = Buffer.from(r.sha256, 'hex')
      return have.length === wanted.length && timingSafeEqual(have, wanted)
    })
  }

  /** @throws TokenFileError when the file cannot be read or parsed */
  list(): TokenRecord[] {
    this.refresh(true)
    return [...this.records]
  }

  /**
   * Creates a token and stores its digest; returns the token, which is shown once.
   * @throws TokenFileError when the file cannot be read or parsed (it is left as it is)
   */
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

  /**
   * Removes a token by its id; the removed record, or undefined when there was none.
   * @throws TokenFileError when the file cannot be read or parsed (it is left as it is)
   */
  revoke(id: string): TokenRecord | undefined {
    this.refresh(true)
    const gone = this.records.find((r) => r.id === id)
    if (gone === undefined) return undefined
    this.write(this.records.filter((r) => r !== gone))
    return gone
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
    this.records = this.read()
    this.loadedMtime = mtime
  }

  private read(): TokenRecord[] {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      throw new TokenFileError(
        `cannot read token file ${this.path}: ${(error as Error).message} (run as the user that owns it, or fix its permissions)`,
      )
    }
    // NOTE: an empty file (made by hand with touch) holds no tokens; it is not damaged.
    if (text.trim() === '') return []
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw this.damaged(`is not valid JSON (${(error as Error).message})`)
    }
    const tokens: unknown =
      typeof parsed === 'object' && parsed !== null && 'tokens' in parsed
        ? parsed.tokens
        : undefined
    if (!Array.isArray(tokens)) throw this.damaged('holds no "tokens" list')
    return tokens as TokenRecord[]
  }

  private damaged(what: string): TokenFileError {
    return new TokenFileError(
      `token file ${this.path} ${what}: restore it from a backup or fix it by hand, or move it aside (the next xloud serve creates a new one with a new admin token)`,
    )
  }
}
