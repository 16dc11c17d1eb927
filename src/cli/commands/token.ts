import type { Command } from 'commander'
import { TokenStore } from '../../auth/token-store.ts'
import { loadConfig } from '../../config/load-config.ts'

function store(configFile: string | undefined): TokenStore {
  return new TokenStore(loadConfig(configFile).token.token_file)
}

/**
 * `xloud token create|list|revoke`: manages the token file of `auth_strategy = token` on the
 * server machine. Tokens are printed once, at creation; the file keeps only their digests.
 */
export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens for auth_strategy = token (run on the server)')
  token
    .command('create')
    .description('create a token and print it (shown only once)')
    .requiredOption('--project <project>', 'project the token acts in')
    .option('--user <user>', 'user id recorded with the token', 'user')
    .option('--role <role...>', 'roles (repeatable), e.g. member or admin', ['member'])
    .option('--description <text>', 'what the token is for', '')
    .option('--config-file <file>', 'neutron.conf naming the token file')
    .action(
      (opts: {
        project: string
        user: string
        role: string[]
        description: string
        configFile?: string
      }) => {
        const { token: secret, record } = store(opts.configFile).create(
          opts.project,
          opts.user,
          opts.role,
          opts.description,
        )
        process.stdout.write(`${secret}\n`)
        process.stderr.write(
          `token ${record.id}: project ${record.project_id}, roles ${record.roles.join(',')}\n`,
        )
      },
    )
  token
    .command('list')
    .description('list tokens (ids, projects and roles; never the tokens)')
    .option('--config-file <file>', 'neutron.conf naming the token file')
    .action((opts: { configFile?: string }) => {
      for (const r of store(opts.configFile).list()) {
        process.stdout.write(
          `${r.id}\t${r.project_id}\t${r.user_id}\t${r.roles.join(',')}\t${r.created_at}\t${r.description}\n`,
        )
      }
    })
  token
    .command('revoke <id>')
    .description('remove a token by its id')
    .option('--config-file <file>', 'neutron.conf naming the token file')
    .action((id: string, opts: { configFile?: string }) => {
      if (!store(opts.configFile).revoke(id)) {
        process.stderr.write(`xloud: no token with id ${id}\n`)
        process.exitCode = 1
      }
    })
}
