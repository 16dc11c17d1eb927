import type { Option } from './options.ts'
import { SCHEMA } from './schema.ts'

/** `etc/neutron.conf.sample`: every option with its help, type and default, commented out. */
export function renderSample(): string {
  const out = [
    '# Xloud Networking configuration (oslo.config INI style, read by `xloud serve --config-file`).',
    '# Generated from src/config/schema.ts by `npm run config:sample`; a test keeps it in step.',
    '# Values may refer to [DEFAULT] options as $name or ${name}. Unknown options and bad values',
    '# stop start-up with a message naming the file, section and key.',
    '',
  ]
  for (const [section, options] of Object.entries(SCHEMA)) {
    out.push(`[${section}]`, '')
    for (const [key, option] of Object.entries(options as Record<string, Option<unknown>>)) {
      const def = option.secret === true ? '<secret>' : String(option.default)
      out.push(`# ${option.help}`, `# (${option.type})`, `#${key} = ${def}`, '')
    }
  }
  return out.join('\n')
}
