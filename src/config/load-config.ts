import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Option, OptionValues } from './options.ts'
import {
  IniSyntaxError,
  parseOsloIni,
  substitute,
  type IniEntry,
  type IniSections,
} from './oslo-ini.ts'
import { SCHEMA, type Schema } from './schema.ts'

export type Config = { -readonly [S in keyof Schema]: OptionValues<Schema[S]> } & {
  /** The file read, when there was one. */
  readonly file: string | undefined
  /** Sections the service does not know (kept, not used), for a warning at start-up. */
  readonly unknownSections: readonly string[]
}

/** A configuration problem, naming the file, the section and the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/**
 * The default `state_path`: the installation's `data/` directory, whatever directory a command
 * runs from, so that `xloud serve` and `xloud token …` always share one database and one token
 * file. NOTE: a state_path given in a file is used as written (relative to the working
 * directory), as oslo.config does.
 */
export const DEFAULT_STATE_PATH = resolve(import.meta.dirname, '../../data')

type SectionName = keyof Schema
const SECTION_NAMES = Object.keys(SCHEMA) as SectionName[]

function sectionDefaults(name: SectionName): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, option] of Object.entries(SCHEMA[name]) as [string, Option<unknown>][]) {
    out[key] = option.default
  }
  return out
}

/**
 * Reads and validates a neutron.conf. Without a file, every option has its default.
 * @throws ConfigError naming the file, section and key of the first problem
 */
export function loadConfig(file?: string): Config {
  let sections: IniSections = new Map()
  if (file !== undefined) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new ConfigError(`cannot read configuration file ${file}: ${(error as Error).message}`)
    }
    try {
      sections = parseOsloIni(text)
    } catch (error) {
      if (error instanceof IniSyntaxError)
        throw new ConfigError(`${file}:${error.line}: ${error.message}`)
      throw error
    }
  }
  return buildConfig(sections, file)
}

/** Validates parsed sections against the schema (also used by tests with text). */
export function buildConfig(sections: IniSections, file?: string): Config {
  const where = file ?? '(defaults)'
  const rawDefaults = new Map<string, string>()
  for (const [key, entry] of sections.get('DEFAULT') ?? new Map<string, IniEntry>())
    rawDefaults.set(key, entry.value)
  const defaultText = (key: string): string => {
    if (key === 'state_path') return rawDefaults.get(key) ?? DEFAULT_STATE_PATH
    const option = (SCHEMA.DEFAULT as Record<string, Option<unknown>>)[key]
    const fallback = option?.default
    return (
      rawDefaults.get(key) ??
      (typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean'
        ? String(fallback)
        : '')
    )
  }
  const substitutions = new Map<string, string>()
  for (const key of Object.keys(SCHEMA.DEFAULT)) substitutions.set(key, defaultText(key))
  for (const [key, value] of rawDefaults) substitutions.set(key, value)

  const result: Record<string, Record<string, unknown>> = {}
  for (const name of SECTION_NAMES) {
    const values = sectionDefaults(name)
    if (name === 'DEFAULT') values.state_path = DEFAULT_STATE_PATH
    const schema = SCHEMA[name] as Record<string, Option<unknown>>
    for (const [key, option] of Object.entries(schema)) {
      if (typeof option.default === 'string')
        values[key] = substitute(option.default, substitutions)
    }
    for (const [key, entry] of sections.get(name) ?? new Map<string, IniEntry>()) {
      const option = schema[key]
      if (option === undefined) {
        throw new ConfigError(`${where}:${entry.line}: [${name}] ${key}: unknown option`)
      }
      try {
        values[key] = option.parse(substitute(entry.value, substitutions))
      } catch (error) {
        throw new ConfigError(
          `${where}:${entry.line}: [${name}] ${key}: ${(error as Error).message}`,
        )
      }
    }
    result[name] = values
  }
  const unknownSections = [...sections.keys()].filter(
    (s) => !SECTION_NAMES.includes(s as SectionName),
  )
  return {
    ...(result as unknown as Omit<Config, 'file' | 'unknownSections'>),
    file,
    unknownSections,
  }
}
