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
    .option(
      '--os-endpoint <url>',
      'Networking API endpoint, e.g. http://127.0.0.1:9696 (Env: OS_ENDPOINT, OS_URL)',
    )
    .option('--os-token <token>', 'Authentication token (Env: OS_TOKEN)')
    .option(
      '--os-auth-type <auth-type>',
      'Authentication type: none or admin_token (Env: OS_AUTH_TYPE)',
    )
    .option(
      '--os-project-id <project-id>',
      'Project to act as, sent as X-Project-Id (Env: OS_PROJECT_ID)',
    )
    .option('--os-roles <roles>', 'Comma-separated roles, sent as X-Roles (Env: OS_ROLES)')
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
