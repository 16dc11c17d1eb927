import { Command } from 'commander'
import { ConfigError } from '../config/load-config.ts'
import { registerTokenCommands } from './commands/token.ts'
import { registerClientCommands } from './client/register.ts'

const program = new Command()
program
  .name('xloud')
  .description('Xloud Networking: Neutron-compatible networking API with pluggable IPAM')
  .showHelpAfterError()

program
  .command('serve')
  .description('run the API service (migrates the database first)')
  .option('--config-file <file>', 'neutron.conf to read')
  .action(async (opts: { configFile?: string }) => {
    // NOTE: loaded on demand: client commands start twice as fast without the server code.
    const { serve } = await import('./commands/serve.ts')
    await serve(opts.configFile)
  })

const db = program.command('db').description('database maintenance')
db.command('upgrade')
  .description('apply pending migrations')
  .option('--config-file <file>', 'neutron.conf to read')
  .action(async (opts: { configFile?: string }) => {
    const { dbUpgrade } = await import('./commands/db.ts')
    await dbUpgrade(opts.configFile)
  })
db.command('status')
  .description('list pending migrations')
  .option('--config-file <file>', 'neutron.conf to read')
  .action(async (opts: { configFile?: string }) => {
    const { dbStatus } = await import('./commands/db.ts')
    await dbStatus(opts.configFile)
  })

registerTokenCommands(program)
registerClientCommands(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(
    `xloud: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(error instanceof ConfigError ? 2 : 1)
})
