/**
 * Tags driven by the real `openstack` CLI (Debian's python3-openstackclient) against our server:
 * `--tag`/`--no-tag` on create and set, `--tag`/`--all-tag` on unset, the tag filters on list.
 * The CLI creates, then sets the tags through `PUT .../tags` (we do not list
 * tag-ports-during-bulk-creation, as Neutron's default deployment does not).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { freshDatabase, type TestDatabase } from '../support/backends.ts'
import { startTestServer } from '../support/server.ts'
import type { RunningServer } from '../../src/server/server.ts'

const run = promisify(execFile)

interface Tagged {
  id: string
  name: string
  tags: string[]
}

describe('tags with the real openstack CLI', () => {
  let db: TestDatabase
  let server: RunningServer
  let env: Record<string, string>

  const openstack = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('openstack', args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    })
    return stdout
  }
  const json = async <T>(...args: string[]): Promise<T> =>
    JSON.parse(await openstack(...args, '-f', 'json')) as T
  const names = async (...args: string[]): Promise<string[]> =>
    (await openstack(...args, '-f', 'value', '-c', 'Name')).split('\n').filter((l) => l !== '')

  before(async () => {
    db = await freshDatabase('sqlite')
    server = await startTestServer(db.url)
    env = { OS_AUTH_TYPE: 'none', OS_ENDPOINT: server.url }
  })
  after(async () => {
    await server.close()
    await db.drop()
  })

  test('network create --tag a --tag b, set --tag c, unset --tag a, list --tags b', async () => {
    const created = await json<Tagged>('network', 'create', '--tag', 'a', '--tag', 'b', 'tnet')
    assert.equal(created.name, 'tnet')
    assert.deepEqual((await json<Tagged>('network', 'show', 'tnet')).tags, ['a', 'b'])

    assert.equal(await openstack('network', 'set', '--tag', 'c', 'tnet'), '')
    assert.deepEqual((await json<Tagged>('network', 'show', 'tnet')).tags, ['a', 'b', 'c'])

    await openstack('network', 'unset', '--tag', 'a', 'tnet')
    assert.deepEqual((await json<Tagged>('network', 'show', 'tnet')).tags, ['b', 'c'])

    await openstack('network', 'create', '--tag', 'z', 'other')
    assert.deepEqual(await names('network', 'list', '--tags', 'b'), ['tnet'])
    assert.deepEqual(await names('network', 'list', '--tags', 'b,c'), ['tnet'])
    assert.deepEqual(await names('network', 'list', '--tags', 'b,z'), [])
    assert.deepEqual((await names('network', 'list', '--any-tags', 'b,z')).sort(), [
      'other',
      'tnet',
    ])
    assert.deepEqual(await names('network', 'list', '--not-tags', 'b'), ['other'])
    assert.deepEqual(await names('network', 'list', '--not-any-tags', 'b,z'), [])
    const long = await json<{ Name: string; Tags: string[] }[]>(
      'network',
      'list',
      '--long',
      '--tags',
      'b',
    )
    assert.deepEqual(
      long.map((n) => [n.Name, n.Tags]),
      [['tnet', ['b', 'c']]],
    )

    // --no-tag with --tag replaces them; unset --all-tag clears them.
    await openstack('network', 'set', '--no-tag', '--tag', 'only', 'tnet')
    assert.deepEqual((await json<Tagged>('network', 'show', 'tnet')).tags, ['only'])
    await openstack('network', 'unset', '--all-tag', 'tnet')
    assert.deepEqual((await json<Tagged>('network', 'show', 'tnet')).tags, [])
  })

  test('port create --tag, subnet create --tag and set --no-tag, subnet pool tags', async () => {
    await openstack('network', 'create', 'pnet')
    await openstack(
      'subnet',
      'create',
      '--network',
      'pnet',
      '--subnet-range',
      '10.60.0.0/24',
      '--tag',
      's1',
      '--tag',
      's2',
      'psub',
    )
    assert.deepEqual((await json<Tagged>('subnet', 'show', 'psub')).tags, ['s1', 's2'])
    await openstack('subnet', 'set', '--no-tag', 'psub')
    assert.deepEqual((await json<Tagged>('subnet', 'show', 'psub')).tags, [])

    await openstack('port', 'create', '--network', 'pnet', '--tag', 'web', '--tag', 'prod', 'p1')
    await openstack('port', 'create', '--network', 'pnet', 'p2')
    assert.deepEqual((await json<Tagged>('port', 'show', 'p1')).tags, ['prod', 'web'])
    assert.deepEqual(await names('port', 'list', '--tags', 'web'), ['p1'])
    assert.deepEqual(await names('port', 'list', '--not-tags', 'web'), ['p2'])
    await openstack('port', 'unset', '--tag', 'prod', 'p1')
    assert.deepEqual((await json<Tagged>('port', 'show', 'p1')).tags, ['web'])

    await openstack('subnet', 'pool', 'create', '--pool-prefix', '10.61.0.0/16', '--tag', 'x', 'sp')
    assert.deepEqual((await json<Tagged>('subnet', 'pool', 'show', 'sp')).tags, ['x'])
    await openstack('subnet', 'pool', 'set', '--tag', 'y', 'sp')
    assert.deepEqual((await json<Tagged>('subnet', 'pool', 'show', 'sp')).tags, ['x', 'y'])
    assert.deepEqual(await names('subnet', 'pool', 'list', '--tags', 'y'), ['sp'])
    await openstack('subnet', 'pool', 'unset', '--all-tag', 'sp')
    assert.deepEqual((await json<Tagged>('subnet', 'pool', 'show', 'sp')).tags, [])
  })
})
