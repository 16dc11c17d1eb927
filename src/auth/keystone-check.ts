import type { AuthCheckStep } from './authenticator.ts'
import {
  KeystoneRefusedError,
  KeystoneUnavailableError,
  type KeystoneClient,
} from './keystone-client.ts'
import type { KeystoneSettings } from './keystone-settings.ts'
import type { ServiceToken } from './service-token.ts'

/** Roles Keystone's default policy lets validate other users' tokens (identity:validate_token). */
const VALIDATING_ROLES = ['service', 'admin']

const STEPS = [
  'identity: configuration',
  'identity: reach Keystone',
  'identity: service token',
  'identity: role check',
  'identity: catalog',
] as const

function reason(error: unknown): string {
  if (error instanceof KeystoneUnavailableError) return error.reason
  if (error instanceof KeystoneRefusedError) return `${error.message} (HTTP ${error.status})`
  return error instanceof Error ? error.message : String(error)
}

function tls(settings: KeystoneSettings): string {
  if (!settings.authUrl.startsWith('https:')) return 'plain HTTP'
  if (settings.insecure) return 'TLS without verification (insecure = true)'
  return settings.cafile === ''
    ? 'TLS verified with the system CAs'
    : `TLS verified with ${settings.cafile}`
}

/**
 * The identity steps of `xloud ipam check` and of the start-up report: the configuration, that
 * Keystone answers, that this service obtains its token, that its roles let it validate tokens,
 * and that the catalog lists a network endpoint. Stops at the first failure (later steps are
 * `skipped`). No detail ever holds a password or a token.
 */
export async function identityCheck(
  settings: KeystoneSettings,
  client: KeystoneClient,
  serviceToken: ServiceToken,
): Promise<AuthCheckStep[]> {
  const steps: AuthCheckStep[] = []
  const step = async (name: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      steps.push({ name, status: 'pass', detail: await run() })
      return true
    } catch (error) {
      steps.push({ name, status: 'fail', detail: reason(error) })
      return false
    }
  }
  const { credentials } = settings
  let roles: readonly string[] = []
  let token = ''
  const passed =
    (await step(STEPS[0], async () =>
      [
        `auth_url ${settings.authUrl} (${tls(settings)})`,
        `service user ${credentials.username} (domain ${credentials.userDomainName}) in project ${credentials.projectName} (domain ${credentials.projectDomainName})`,
        `${settings.passwordSource} (not shown)`,
        `tokens cached up to ${settings.cacheTimeMs / 1000} s`,
        `401s point to ${settings.wwwAuthenticateUri}`,
      ].join('; '),
    )) &&
    (await step(STEPS[1], async () => {
      const t0 = performance.now()
      const version = await client.version()
      return `Keystone ${version} answered in ${Math.round(performance.now() - t0)} ms`
    })) &&
    (await step(STEPS[2], async () => {
      const issued = await serviceToken.get()
      roles = issued.token.roles
      token = issued.id
      return `user ${credentials.username} holds a token for project ${credentials.projectName} until ${new Date(issued.token.expiresAt).toISOString()} (${serviceToken.obtained} obtained since start)`
    })) &&
    (await step(STEPS[3], async () => {
      const allowed = roles.filter((r) => VALIDATING_ROLES.includes(r))
      if (allowed.length === 0)
        throw new Error(
          `roles ${roles.join(', ') || '(none)'}: Keystone will refuse to validate tokens (403); grant one: openstack role add --project ${credentials.projectName} --user ${credentials.username} service`,
        )
      return `roles ${roles.join(', ')}: ${allowed.join(' and ')} may validate tokens`
    })) &&
    (await step(STEPS[4], async () => {
      const region = settings.regionName
      const network = (await client.catalog(token)).filter(
        (e) => e.type === 'network' && (region === '' || e.region === region),
      )
      if (network.length === 0)
        throw new Error(
          `no network endpoint${region === '' ? '' : ` in region ${region}`} in the catalog: clients such as the openstack CLI cannot find this service`,
        )
      return network.map((e) => `${e.interface} ${e.url} (${e.region})`).join(', ')
    }))
  if (!passed)
    for (const name of STEPS.slice(steps.length))
      steps.push({ name, status: 'skipped', detail: '' })
  return steps
}
