import type { Command } from 'commander'
import { TokenStore, type TokenRecord } from '../../auth/token-store.ts'
import { loadConfig } from '../../config/load-config.ts'
import { showList, type ColumnSpec } from '../client/display.ts'
import { addListOutputOptions, type ListOutputOptions } from '../client/output/output-options.ts'

const CONFIG_HELP =
  'neutron.conf naming the token file ([token] token_file or [DEFAULT] state_path); the same one the service runs with'

const TOKEN_COLUMNS: readonly ColumnSpec[] = [
  { header: 'ID', from: 'id' },
  { header: 'Project', from: 'project_id' },
  { header: 'User', from: 'user_id' },
  { header: 'Roles', from: 'roles' },
  { header: 'Created', from: 'created_at' },
  { header: 'Description', from: 'description' },
]

function store(configFile: string | undefined): TokenStore {
  return new TokenStore(loadConfig(configFile).token.token_file)
}

/** A record as one line of words: `project demo, user u1, roles member, "ci robot"`. */
function describe(r: TokenRecord): string {
  const what = r.description === '' ? '' : `, ${JSON.stringify(r.description)}`
  return `project ${r.project_id}, user ${r.user_id}, roles ${r.roles.join(',')}${what}`
}

/**
 * `xloud token create|list|revoke`: manages the token file of `auth_strategy = token` on the
 * server machine. Tokens are printed once, at creation; the file keeps only their digests.
 * Without --config-file the file is the project's data/tokens.json, wherever this runs from.
 */
export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens for auth_strategy = token (run on the server)')
    .addHelpText(
      'after',
      '\nThe token file is [token] token_file of the --config-file given; without one it is data/tokens.json in the project directory, whatever directory the command runs from.\n',
    )
  token
    .command('create')
    .description('create a token and print it (shown only once)')
    .requiredOption('--project <project>', 'project the token acts in')
    .option('--user <user>', 'user id recorded with the token', 'user')
    .option('--role <role...>', 'roles (repeatable), e.g. member or admin', ['member'])
    .option('--description <text>', 'what the token is for', '')
    .option('--config-file <file>', CONFIG_HELP)
    .action(
      (opts: {
        project: string
        user: string
        role: string[]
        description: string
        configFile?: string
      }) => {
        const tokens = store(opts.configFile)
        const { token: secret, record } = tokens.create(
          opts.project,
          opts.user,
          opts.role,
          opts.description,
        )
        process.stdout.write(`${secret}\n`)
        process.stderr.write(
          `Created token ${record.id} (${describe(record)}) in ${tokens.path}. It is shown only now.\n`,
        )
      },
    )
  const list = token
    .command('list')
    .description('list tokens (ids, projects and roles; never the tokens)')
    .option('--config-file <file>', CONFIG_HELP)
  addListOutputOptions(list)
  list.action((opts: ListOutputOptions & { configFile?: string }) => {
    const tokens = store(opts.configFile)
    const records = tokens.list()
    if (records.length === 0) {
      process.stderr.write(
        `No tokens in ${tokens.path}. Create one with: xloud token create --project <project> [--role admin]\n`,
      )
      if (opts.format === 'table') return
    } else if (opts.format === 'table') {
      process.stderr.write(`Tokens in ${tokens.path}:\n`)
    }
    const rows = records.map((r) => ({
      id: r.id,
      project_id: r.project_id,
      user_id: r.user_id,
      roles: r.roles.join(','),
      created_at: r.created_at,
      description: r.description,
    }))
    process.stdout.write(showList(TOKEN_COLUMNS, rows, opts))
  })
  token
    .command('revoke <id>')
    .description('remove a token by its id (see xloud token list); it stops working at once')
    .option('--config-file <file>', CONFIG_HELP)
    .action((id: string, opts: { configFile?: string }) => {
      const tokens = store(opts.configFile)
      const gone = tokens.revoke(id)
      if (gone === undefined) {
        process.stderr.write(
          `xloud: no token with id ${id} in ${tokens.path} (xloud token list shows the ids)\n`,
        )
        process.exitCode = 1
        return
      }
      process.stdout.write(
        `Revoked token ${gone.id} (${describe(gone)}): requests with it are refused within a second (the service re-reads the token file at most once a second).\n`,
      )
    })
}
