import type { Command } from 'commander'

/** The openstack-style resource commands (network, subnet, subnet pool, port, ip availability). */
export function registerClientCommands(_program: Command): void {}
