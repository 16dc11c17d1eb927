import { useEffect, useRef, useState, type ReactNode } from 'react'
import { ApiError, createApiClient, describeError } from '../api/api-client.ts'
import type { Whoami } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { KeystoneSignIn } from '../components/keystone-sign-in.tsx'

/**
 * Who a token belongs to (`GET /v2.0/auth/whoami`).
 * @throws ApiError with a sentence for people when the token is refused
 */
export async function whoamiFor(token: string): Promise<Whoami> {
  try {
    const body = await createApiClient(token).get<{ whoami: Whoami }>('/v2.0/auth/whoami')
    return body.whoami
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      throw new ApiError(
        401,
        e.type,
        'This token was not accepted: it may be mistyped, revoked or expired.',
      )
    }
    throw e
  }
}

/** Props of {@link SignInPage}. */
export interface SignInPageProps {
  /** Why the user is here again (e.g. the token was revoked). */
  readonly notice: string | undefined
  readonly onSignedIn: (token: string, whoami: Whoami) => void
}

/** Sign-in with an API token. */
export function SignInPage({ notice, onSignedIn }: SignInPageProps): ReactNode {
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    document.title = 'Sign in · Xloud Networking'
    input.current?.focus()
  }, [])

  const submit = async (): Promise<void> => {
    const t = token.trim()
    if (t === '') {
      setError('Enter your API token.')
      input.current?.focus()
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      onSignedIn(t, await whoamiFor(t))
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
      input.current?.focus()
    }
  }

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <p className="brand">Xloud Networking</p>
        <h1>Sign in</h1>
        {notice === undefined ? null : (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <KeystoneSignIn
          onToken={async (t) => {
            onSignedIn(t, await whoamiFor(t))
          }}
        />
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void submit()
          }}
        >
          <div className="field">
            <label htmlFor="token">API token</label>
            <input
              id="token"
              ref={input}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              aria-invalid={error === undefined ? undefined : true}
              aria-describedby={error === undefined ? 'token-help' : 'token-help token-error'}
              onChange={(e) => {
                setToken(e.target.value)
              }}
            />
            <p className="help" id="token-help">
              A token from your administrator, or from <code>xloud token create</code>. It is kept
              in this browser tab only.
            </p>
            <ErrorMessage id="token-error" message={error} />
          </div>
          {busy ? <BusyIndicator label="Signing in…" /> : null}
          <button type="submit" className="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  )
}
