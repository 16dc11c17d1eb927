import Table from 'cli-table3'

/** ASCII borders as prettytable draws them (what the openstack CLI prints). */
const ASCII_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
}

export type Alignment = 'left' | 'right'

/**
 * A bordered table like cliff's table formatter: a separator under the header only, one space of
 * padding, multi-line cells, no colour.
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  aligns: readonly Alignment[],
): string {
  const table = new Table({
    head: [...head],
    chars: ASCII_CHARS,
    colAligns: [...aligns],
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
  })
  for (const row of rows) table.push([...row])
  const text = table.toString()
  // NOTE: compact cli-table3 tables end at the header rule when empty; prettytable (what
  // --print-empty copies) closes them with a bottom border too.
  if (rows.length === 0) {
    const rule = text.split('\n')[0] ?? ''
    return `${text}\n${rule}`
  }
  return text
}
