/**
 * Tags through our `xloud` CLI, with the openstack CLI's options: `--tag`/`--no-tag` on create
 * and set, `--tag`/`--all-tag` on unset, `--tags`/`--any-tags`/`--not-tags`/`--not-any-tags` on
 * list, for networks, subnets, subnet pools and ports. Checked through later `show`s.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startCliServer, type CliServer } from './cli-harness.ts'

type Obj = Record<string, unknown>

describe('xloud tag options', () => {
  let cli: CliServer

  before(async () => {
    cli = await startCliServer()
  })
  after(async () => {
    await cli.stop()
  })

  const show = async (...args: string[]): Promise<Obj> => (await cli.json(args)) as Obj
  const tagsOf = async (...args: string[]): Promise<unknown> => (await show(...args)).tags
  const names = async (...args: string[]): Promise<string[]> =>
    (await cli.ok([...args, '-f', 'value', '-c', 'Name']))
      .split('\n')
      .filter((l) => l !== '')
      .sort()

  test('network: create --tag, set --tag/--no-tag, unset --tag/--all-tag, list filters', async () => {
    const created = await show('network', 'create', '--tag', 'b', '--tag', 'a', 'tag-net')
    assert.deepEqual(created.tags, ['a', 'b'])
    assert.equal(created.revision_number, 2)
    assert.deepEqual(await tagsOf('network', 'show', 'tag-net'), ['a', 'b'])

    const set = await show('network', 'set', '--tag', 'c', 'tag-net')
    assert.deepEqual(set.tags, ['a', 'b', 'c'])
    const unset = await show('network', 'unset', '--tag', 'a', 'tag-net')
    assert.deepEqual(unset.tags, ['b', 'c'])
    // Removing a tag it does not have changes nothing (as openstack).
    assert.deepEqual(await tagsOf('network', 'unset', '--tag', 'nope', 'tag-net'), ['b', 'c'])

    await cli.ok(['network', 'create', '--tag', 'z', 'tag-other'])
    await cli.ok(['network', 'create', '--no-tag', 'tag-none'])
    assert.deepEqual(await names('network', 'list', '--tags', 'b'), ['tag-net'])
    assert.deepEqual(await names('network', 'list', '--tags', 'b,c'), ['tag-net'])
    assert.deepEqual(await names('network', 'list', '--tags', 'b,z'), [])
    assert.deepEqual(await names('network', 'list', '--any-tags', 'b,z'), ['tag-net', 'tag-other'])
    assert.deepEqual(await names('network', 'list', '--not-tags', 'b'), ['tag-none', 'tag-other'])
    assert.deepEqual(await names('network', 'list', '--not-any-tags', 'b,z'), ['tag-none'])
    // As openstack: the last use of a filter option wins.
    assert.deepEqual(await names('network', 'list', '--tags', 'z', '--tags', 'b'), ['tag-net'])
    const long = (await cli.json(['network', 'list', '--long', '--tags', 'b'])) as Obj[]
    assert.deepEqual(
      long.map((n) => n.Tags),
      [['b', 'c']],
    )

    assert.deepEqual(await tagsOf('network', 'set', '--no-tag', '--tag', 'only', 'tag-net'), [
      'only',
    ])
    assert.deepEqual(await tagsOf('network', 'set', '--no-tag', 'tag-net'), [])
    await cli.ok(['network', 'set', '--tag', 'x', '--tag', 'y', 'tag-net'])
    assert.deepEqual(await tagsOf('network', 'unset', '--all-tag', 'tag-net'), [])
    assert.deepEqual(await tagsOf('network', 'show', 'tag-net'), [])

    // The mutually exclusive pairs, as openstack's argparse groups.
    const both = await cli.run(['network', 'create', '--tag', 'a', '--no-tag', 'bad'])
    assert.equal(both.code, 2, both.stderr)
    const unsetBoth = await cli.run(['network', 'unset', '--tag', 'a', '--all-tag', 'tag-net'])
    assert.equal(unsetBoth.code, 2, unsetBoth.stderr)
  })

  test('subnet, subnet pool and port: the same options', async () => {
    await cli.ok(['network', 'create', 'tag-host'])
    const subnet = await show(
      'subnet',
      'create',
      '--network',
      'tag-host',
      '--subnet-range',
      '10.66.0.0/24',
      '--tag',
      's1',
      '--tag',
      's2',
      'tag-sub',
    )
    assert.deepEqual(subnet.tags, ['s1', 's2'])
    assert.deepEqual(await tagsOf('subnet', 'set', '--no-tag', 'tag-sub'), [])
    assert.deepEqual(
      await tagsOf('subnet', 'set', '--tag', 'edge', '--name', 'tag-sub2', 'tag-sub'),
      ['edge'],
    )
    assert.equal((await show('subnet', 'show', 'tag-sub2')).name, 'tag-sub2')
    assert.deepEqual(await names('subnet', 'list', '--tags', 'edge'), ['tag-sub2'])
    assert.deepEqual(await tagsOf('subnet', 'unset', '--all-tag', 'tag-sub2'), [])

    const pool = await show(
      'subnet',
      'pool',
      'create',
      '--pool-prefix',
      '10.67.0.0/16',
      '--tag',
      'x',
      'tag-pool',
    )
    assert.deepEqual(pool.tags, ['x'])
    assert.deepEqual(await tagsOf('subnet', 'pool', 'set', '--tag', 'y', 'tag-pool'), ['x', 'y'])
    assert.deepEqual(await names('subnet', 'pool', 'list', '--any-tags', 'y,q'), ['tag-pool'])
    assert.deepEqual(await tagsOf('subnet', 'pool', 'unset', '--tag', 'x', 'tag-pool'), ['y'])
    assert.deepEqual(await tagsOf('subnet', 'pool', 'unset', '--all-tag', 'tag-pool'), [])

    const port = await show('port', 'create', '--network', 'tag-host', '--tag', 'web', 'tag-port')
    assert.deepEqual(port.tags, ['web'])
    await cli.ok(['port', 'create', '--network', 'tag-host', 'tag-port2'])
    assert.deepEqual(await names('port', 'list', '--tags', 'web'), ['tag-port'])
    assert.deepEqual(await names('port', 'list', '--not-tags', 'web'), ['tag-port2'])
    assert.deepEqual(await tagsOf('port', 'set', '--tag', 'prod', 'tag-port'), ['prod', 'web'])
    assert.deepEqual(await tagsOf('port', 'unset', '--tag', 'web', 'tag-port'), ['prod'])
    assert.deepEqual(await tagsOf('port', 'show', 'tag-port'), ['prod'])
  })

  test("an invalid tag is refused with Neutron's message", async () => {
    const r = await cli.run(['network', 'create', '--tag', 'x'.repeat(256), 'tag-long'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /exceeds maximum length of 255/)
  })
})
