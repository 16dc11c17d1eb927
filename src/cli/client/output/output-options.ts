import { Option, type Command } from 'commander'

/** The formatter options of show-one commands (create, show, set). */
export interface ShowOutputOptions {
  readonly format: 'json' | 'shell' | 'table' | 'value' | 'yaml'
  readonly column: readonly string[]
  readonly noindent?: boolean
  readonly prefix: string
}

/** The formatter options of list commands. */
export interface ListOutputOptions {
  readonly format: 'csv' | 'json' | 'table' | 'value' | 'yaml'
  readonly column: readonly string[]
  readonly noindent?: boolean
  readonly quote: 'all' | 'minimal' | 'nonnumeric' | 'none'
  readonly printEmpty?: boolean
  readonly sortColumn: readonly string[]
  readonly sortAscending?: boolean
  readonly sortDescending?: boolean
}

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value]

function addCommon(command: Command, formats: readonly string[]): void {
  command
    .addOption(
      new Option('-f, --format <format>', 'the output format, defaults to table')
        .choices(formats)
        .default('table'),
    )
    .addOption(
      new Option(
        '-c, --column <COLUMN>',
        'specify the column(s) to include, can be repeated to show multiple columns',
      )
        .argParser(collect)
        .default([]),
    )
    .option('--noindent', 'whether to disable indenting the JSON')
}

/** `-f json|shell|table|value|yaml`, `-c`, `--noindent`, `--prefix` (cliff's ShowOne). */
export function addShowOutputOptions(command: Command): Command {
  addCommon(command, ['json', 'shell', 'table', 'value', 'yaml'])
  return command.option('--prefix <PREFIX>', 'add a prefix to all variable names', '')
}

/** `-f csv|json|table|value|yaml`, `-c`, `--noindent`, `--quote`, `--print-empty`, sorting (cliff's Lister). */
export function addListOutputOptions(command: Command): Command {
  addCommon(command, ['csv', 'json', 'table', 'value', 'yaml'])
  return command
    .addOption(
      new Option('--quote <quote>', 'when to include quotes, defaults to nonnumeric')
        .choices(['all', 'minimal', 'none', 'nonnumeric'])
        .default('nonnumeric'),
    )
    .option('--print-empty', 'Print empty table if there is no data to show.')
    .addOption(
      new Option(
        '--sort-column <SORT_COLUMN>',
        'specify the column(s) to sort the data (columns specified first have a priority, non-existing columns are ignored), can be repeated',
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option('--sort-ascending', 'sort the column(s) in ascending order').conflicts(
        'sortDescending',
      ),
    )
    .option('--sort-descending', 'sort the column(s) in descending order')
}
