import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { UsageError } from './errors.ts'

/** One cloud of `clouds.yaml` (merged with `secure.yaml`), as the client uses it. */
export interface CloudEntry {
  /** The `auth:` map (auth_url, username, password, project_name, *_domain_name, token, ...). */
  readonly auth: Readonly<Record<string, string>>
  readonly authType: string | undefined
  readonly regionName: string | undefined
  readonly interface: string | undefined
  /** CA bundle for Keystone (`cacert`). */
  readonly cacert: string | undefined
  /** `verify: false` turns TLS verification off. */
  readonly verify: boolean | undefined
}

type YamlMap = Readonly<Record<string, unknown>>

function map(value: unknown): YamlMap | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as YamlMap)
    : undefined
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/**
 * Where `name.yaml` is looked for, first found wins (openstacksdk's order): the current
 * directory, `~/.config/openstack/`, `/etc/openstack/`.
 */
export function configDirs(cwd: string, home: string): string[] {
  return [cwd, join(home, '.config', 'openstack'), '/etc/openstack']
}

function readYaml(file: string): YamlMap {
  let parsed: unknown
  try {
    parsed = parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`)
  }
  return map(parsed) ?? {}
}

function firstFile(dirs: readonly string[], name: string): string | undefined {
  return dirs.map((d) => join(d, name)).find((f) => existsSync(f))
}

/**
 * The cloud `name` (OS_CLOUD / --os-cloud) of the first `clouds.yaml` found (or the file named
 * by OS_CLIENT_CONFIG_FILE), with its `secure.yaml` entry (passwords kept apart) merged in.
 * @throws UsageError when no clouds.yaml exists, it cannot be parsed, or has no such cloud
 */
export function loadCloud(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
  home = homedir(),
): CloudEntry {
  const dirs = configDirs(cwd, home)
  const file = env.OS_CLIENT_CONFIG_FILE ?? firstFile(dirs, 'clouds.yaml')
  if (file === undefined || !existsSync(file)) {
    throw new UsageError(
      `Cloud '${name}' (OS_CLOUD) needs a clouds.yaml in ${dirs.join(', ')}, or OS_CLIENT_CONFIG_FILE`,
    )
  }
  const cloud = map(map(readYaml(file).clouds)?.[name])
  if (cloud === undefined) throw new UsageError(`Cloud '${name}' was not found in ${file}`)
  const secureFile = firstFile(dirs, 'secure.yaml')
  const secure =
    secureFile === undefined ? undefined : map(map(readYaml(secureFile).clouds)?.[name])
  const auth: Record<string, string> = {}
  for (const source of [map(cloud.auth), map(secure?.auth)]) {
    for (const [key, value] of Object.entries(source ?? {})) {
      const text = scalar(value)
      if (text !== undefined) auth[key] = text
    }
  }
  const pick = (key: string): string | undefined => scalar(secure?.[key]) ?? scalar(cloud[key])
  const verify = secure?.verify ?? cloud.verify
  return {
    auth,
    authType: pick('auth_type'),
    regionName: pick('region_name'),
    interface: pick('interface'),
    cacert: pick('cacert'),
    verify: typeof verify === 'boolean' ? verify : undefined,
  }
}
