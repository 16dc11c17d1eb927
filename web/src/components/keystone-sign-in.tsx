import { useEffect, useState, type ReactNode } from 'react'
import { ApiError, describeError, errorFromResponse } from '../api/api-client.ts'

/** What `GET /v2.0/auth/config` says about the server's authentication. */
interface AuthConfig {
  readonly strategy: string
  readonly password_login: boolean
}

/**
 * The server's authentication strategy (public, no token needed).
 * @throws ApiError when the server cannot be reached or answers with an error
 */
async function loadAuthConfig(): Promise<AuthConfig> {
  const response = await fetch('/v2.0/auth/config', { headers: { Accept: 'application/json' } })
  const text = await response.text()
  if (!response.ok) throw errorFromResponse(response.status, text)
  return (JSON.parse(text) as { auth: AuthConfig }).auth
}

/**
 * Signs in at Keystone through the server (`POST /v2.0/auth/login`) and returns the token.
 * @throws ApiError with a sentence for people when Keystone refuses or is unreachable
 */
async function keystoneLogin(
  username: string,
  password: string,
  projectName: string,
  domain: string,
): Promise<string> {
  let response: Response
  try {
    response = await fetch('/v2.0/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password, project_name: projectName, domain }),
    })
  } catch {
    throw new ApiError(0, 'NetworkError', 'Cannot reach the server. Check the connection.')
  }
  const text = await response.text()
  if (response.status === 401)
    throw new ApiError(401, 'Unauthorized', 'The username, password or project is not valid.')
  if (!response.ok) throw errorFromResponse(response.status, text)
  return (JSON.parse(text) as { token: { id: string } }).token.id
}

/** Props of {@link KeystoneSignIn}. */
export interface KeystoneSignInProps {
  /** Called with the Keystone token once signed in (may throw: the message is shown). */
  readonly onToken: (token: string) => Promise<void>
}

/**
 * Keystone sign-in (username, password, project, domain), shown only when the server runs with
 * `auth_strategy = keystone`; renders nothing otherwise. The password goes to this server,
 * which forwards it to Keystone; only the issued token is kept.
 */
export function KeystoneSignIn({ onToken }: KeystoneSignInProps): ReactNode {
  const [config, setConfig] = useState<AuthConfig | undefined>(undefined)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [project, setProject] = useState('')
  const [domain, setDomain] = useState('Default')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  useEffect(() => {
    loadAuthConfig().then(setConfig, () => {
      setConfig(undefined)
    })
  }, [])
  if (config === undefined || !config.password_login) return null

  const submit = async (): Promise<void> => {
    if (username.trim() === '' || password === '' || project.trim() === '') {
      setError('Enter your username, password and project.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const token = await keystoneLogin(username.trim(), password, project.trim(), domain.trim())
      setPassword('')
      await onToken(token)
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
    }
  }

  return (
    <form
      noValidate
      aria-label="Sign in with Keystone"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <div className="field">
        <label htmlFor="ks-username">Username</label>
        <input
          id="ks-username"
          autoComplete="username"
          value={username}
          onChange={(e) => {
            setUsername(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="ks-password">Password</label>
        <input
          id="ks-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="ks-project">Project</label>
        <input
          id="ks-project"
          value={project}
          onChange={(e) => {
            setProject(e.target.value)
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="ks-domain">Domain</label>
        <input
          id="ks-domain"
          value={domain}
          onChange={(e) => {
            setDomain(e.target.value)
          }}
        />
      </div>
      {error === undefined ? null : (
        <div className="error-message" role="alert">
          <span>{error}</span>
        </div>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in with Keystone'}
      </button>
      <p className="help">Or sign in with a Keystone token below.</p>
    </form>
  )
}
