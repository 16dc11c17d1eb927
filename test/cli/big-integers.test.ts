/**
 * IPv6 address counts above 2^53 must reach the user digit for digit: parsed without JS
 * numbers, printed exactly by every formatter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parseJson } from '../../src/cli/client/parse-json.ts'
import { pythonJson } from '../../src/cli/client/output/python-json.ts'
import { fieldTable, startCliServer, type CliServer } from './cli-harness.ts'

/** 2^64 - 2: a /64 pool from ::2 up (gateway ::1). */
const POOL_FROM_2 = '18446744073709551614'
/** 2^64 - 1: a /64 pool from ::1 up (gateway at the subnet-router anycast address ::). */
const POOL_FROM_1 = '18446744073709551615'

describe('xloud big integers', () => {
  let cli: CliServer
  let netId = ''

  before(async () => {
    cli = await startCliServer()
    netId = (await cli.ok(['network', 'create', 'v6-net', '-f', 'value', '-c', 'id'])).trim()
    await cli.ok([
      'subnet',
      'create',
      '--network',
      'v6-net',
      '--ip-version',
      '6',
      '--subnet-range',
      '2001:db8:1::/64',
      '--gateway',
      '2001:db8:1::1',
      'v6-a',
    ])
  })
  after(async () => {
    await cli.stop()
  })

  test('ip availability show -f json has the exact digits of a /64', async () => {
    const text = await cli.ok(['ip', 'availability', 'show', 'v6-net', '-f', 'json'])
    assert.match(text, new RegExp(`"total_ips": ${POOL_FROM_2}\\n`))
    assert.match(text, new RegExp(`"total_ips": ${POOL_FROM_2},\\n`))
    assert.match(text, /"used_ips": 0\n/)
    // JSON.parse would round it: the digits must not be 18446744073709552000.
    assert.ok(!text.includes('18446744073709552000'))
    assert.ok(!text.includes('e+19'))
  })

  test('table, value, yaml, shell and list formats print the same digits', async () => {
    const table = fieldTable(await cli.ok(['ip', 'availability', 'show', netId]))
    assert.equal(table.get('total_ips'), POOL_FROM_2)
    assert.match(
      table.get('subnet_ip_availability') ?? '',
      new RegExp(`total_ips='${POOL_FROM_2}'`),
    )
    const value = await cli.ok([
      'ip',
      'availability',
      'show',
      netId,
      '-f',
      'value',
      '-c',
      'total_ips',
    ])
    assert.equal(value, `${POOL_FROM_2}\n`)
    const yaml = await cli.ok([
      'ip',
      'availability',
      'show',
      netId,
      '-f',
      'yaml',
      '-c',
      'total_ips',
    ])
    assert.equal(yaml, `total_ips: ${POOL_FROM_2}\n`)
    const shell = await cli.ok([
      'ip',
      'availability',
      'show',
      netId,
      '-f',
      'shell',
      '-c',
      'total_ips',
    ])
    assert.equal(shell, `total_ips="${POOL_FROM_2}"\n`)
    const list = await cli.ok(['ip', 'availability', 'list', '--ip-version', '6', '-f', 'csv'])
    assert.equal(
      list,
      `"Network ID","Network Name","Total IPs","Used IPs"\n"${netId}","v6-net",${POOL_FROM_2},0\n`,
    )
    const listTable = await cli.ok(['ip', 'availability', 'list', '--ip-version', '6'])
    assert.ok(
      listTable.includes(`| ${netId} | v6-net       | ${POOL_FROM_2} |        0 |`),
      listTable,
    )
  })

  test('network totals above 2^64 add up exactly', async () => {
    await cli.ok([
      'subnet',
      'create',
      '--network',
      'v6-net',
      '--ip-version',
      '6',
      '--subnet-range',
      '2001:db8:2::/64',
      'v6-b',
    ])
    const text = await cli.ok(['ip', 'availability', 'show', 'v6-net', '-f', 'json', '--noindent'])
    const total = (BigInt(POOL_FROM_2) + BigInt(POOL_FROM_1)).toString()
    assert.equal(total, '36893488147419103229')
    assert.ok(text.includes(`"total_ips": ${total}, "used_ips": 0}`), text)
    assert.ok(text.includes(`"total_ips": ${POOL_FROM_1}}`), text)
    const v4only = await cli.ok(['ip', 'availability', 'list', '-f', 'value'])
    assert.equal(v4only, '', 'the default --ip-version 4 leaves out IPv6-only networks')
  })

  test('parseJson keeps unsafe integers as BigInt and the rest as JSON.parse does', () => {
    const parsed = parseJson(
      '{"a": 18446744073709551615, "b": 9007199254740991, "c": -9007199254740993, "d": 1.5e3, "e": [true, null, "x\\u00e9"], "__proto__": 1}',
    )
    assert.deepEqual(parsed, {
      a: 18446744073709551615n,
      b: 9007199254740991,
      c: -9007199254740993n,
      d: 1500,
      e: [true, null, 'xé'],
      ['__proto__']: 1,
    })
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype)
    assert.throws(() => parseJson('{"a": 1,}'), SyntaxError)
    assert.throws(() => parseJson('[1] x'), SyntaxError)
    assert.equal(
      pythonJson(parsed, false),
      '{"a": 18446744073709551615, "b": 9007199254740991, "c": -9007199254740993, "d": 1500, "e": [true, null, "x\\u00e9"], "__proto__": 1}',
    )
  })
})
