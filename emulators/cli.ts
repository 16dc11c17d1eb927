/**
 * `npm run emulator -- <vendor> [options]`: serves a vendor IPAM emulator on 127.0.0.1 until
 * interrupted. Each vendor folder exports `runFromCli(args)`; `--help` here or after a vendor
 * prints the usage (exit 0), a mistake prints it on stderr (exit 2), and a failure to start
 * (port taken, unreadable certificate) is one line (exit 1), never a stack trace.
 */
import { COMMON_OPTIONS, FAULTS_HELP, printUsage, usageError } from './shared/emulator-cli.ts'

/** Each vendor: what it emulates, and how to log in. */
const VENDORS = {
  infoblox: ['Infoblox NIOS WAPI v1.4 to v2.13', 'default login admin / infoblox'],
  netbox: ['NetBox REST API 3.1 or 4.x', '--token T'],
  phpipam: ['phpIPAM 1.8 REST API', '--username U --password P --app-id A'],
  bluecat: ['BlueCat Address Manager v2 and v1 REST', '--username U --password P'],
  solarwinds: ['SolarWinds IPAM, SWIS REST/JSON', '--username U --password P'],
} as const

type Vendor = keyof typeof VENDORS

const USAGE = `usage: npm run emulator -- <vendor> [options]
       npm run emulator -- <vendor> --help      the vendor's options and credentials

Serves a stateful emulator of a vendor IPAM API on 127.0.0.1 until Ctrl-C, to try the external
IPAM drivers (and run their tests) without the real system. The state lives in memory only.
At start it prints its URL, the credentials it accepts and the neutron.conf lines to use.

vendors:
${Object.entries(VENDORS)
  .map(([name, [what, login]]) => `  ${name.padEnd(11)} ${what.padEnd(39)} (${login})`)
  .join('\n')}

options every vendor has:
${COMMON_OPTIONS}

${FAULTS_HELP}

Example:
  npm run emulator -- infoblox --port 8443 --standard-eas --container 10.50.0.0/16

More: docs/emulators.md
`

function isVendor(name: string): name is Vendor {
  return Object.hasOwn(VENDORS, name)
}

const [vendor, ...args] = process.argv.slice(2)
if (vendor === '--help' || vendor === '-h' || vendor === 'help') {
  printUsage(USAGE)
} else if (vendor === undefined || !isVendor(vendor)) {
  const known = Object.keys(VENDORS).join(', ')
  usageError(
    vendor === undefined ? `which vendor? (${known})` : `unknown vendor ${vendor} (${known})`,
    USAGE.split('\n\n')[0] ?? USAGE,
  )
} else {
  const module = (await import(`./${vendor}/cli.ts`)) as {
    runFromCli: (args: string[]) => Promise<void>
  }
  try {
    await module.runFromCli(args)
  } catch (error) {
    process.stderr.write(
      `emulator ${vendor}: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    process.exitCode = 1
  }
}
