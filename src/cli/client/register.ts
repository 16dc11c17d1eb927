import type { Command, CommanderError } from 'commander'
import { registerIpAvailabilityCommands } from './commands/ip-availability.ts'
import { registerIpamCommands } from './commands/ipam.ts'
import { registerNetworkCommands } from './commands/network.ts'
import { registerPortCommands } from './commands/port.ts'
import { registerSubnetPoolCommands } from './commands/subnet-pool.ts'
import { registerSubnetCommands } from './commands/subnet.ts'

/**
 * Usage mistakes exit with 2, like argparse in the openstack CLI (commander would use 1); help
 * and version still exit with 0.
 */
function usageExit(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : 2)
}

/** The `--os-*` options, read by every client command (see session.ts). */
function addSessionOptions(program: Command): void {
  program
    .option('--os-cloud <name>', 'Cloud from clouds.yaml (Env: OS_CLOUD)')
    .option('--os-auth-url <url>', 'Keystone URL, e.g. http://keystone:5000/v3 (Env: OS_AUTH_URL)')
    .option('--os-username <name>', 'Keystone user (Env: OS_USERNAME)')
    .option('--os-password <password>', 'Keystone password (Env: OS_PASSWORD)')
    .option('--os-project-name <name>', 'Keystone project (Env: OS_PROJECT_NAME)')
    .option('--os-user-domain-name <name>', "The user's domain (Env: OS_USER_DOMAIN_NAME)")
    .option('--os-project-domain-name <name>', "The project's domain (Env: OS_PROJECT_DOMAIN_NAME)")
    .option(
      '--os-region-name <name>',
      'Region of the network endpoint in the catalog (Env: OS_REGION_NAME)',
    )
    .option(
      '--os-interface <interface>',
      'Catalog interface: public, internal or admin (Env: OS_INTERFACE)',
    )
    .option(
      '--os-endpoint <url>',
      'Networking API endpoint, e.g. http://127.0.0.1:9696, instead of the catalog (Env: OS_ENDPOINT, OS_URL)',
    )
    .option('--os-token <token>', 'Authentication token (Env: OS_TOKEN)')
    .option(
      '--os-auth-type <auth-type>',
      'Authentication type: password, token, admin_token or none (Env: OS_AUTH_TYPE)',
    )
    .option(
      '--os-project-id <project-id>',
      'Project to act as, sent as X-Project-Id to a noauth server (Env: OS_PROJECT_ID)',
    )
    .option(
      '--os-roles <roles>',
      'Comma-separated roles, sent as X-Roles to a noauth server (Env: OS_ROLES)',
    )
}

/** The openstack-style resource commands (network, subnet, subnet pool, port, ip availability). */
export function registerClientCommands(program: Command): void {
  addSessionOptions(program)
  const network = registerNetworkCommands(program)
  const subnet = registerSubnetCommands(program)
  registerSubnetPoolCommands(subnet)
  const port = registerPortCommands(program)
  const ip = registerIpAvailabilityCommands(program)
  const ipam = registerIpamCommands(program)
  const groups = [network, subnet, port, ip, ipam]
  for (const group of groups) applyUsageExit(group)
}

function applyUsageExit(command: Command): void {
  // NOTE: the program shows the whole help after a mistake; one hint line is easier to read.
  command.exitOverride(usageExit).showHelpAfterError("(use --help for the command's options)")
  for (const sub of command.commands) applyUsageExit(sub)
}
