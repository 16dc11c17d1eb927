/**
 * Neutron's `standard-attr-tag` extension over real HTTP on every SQL backend: the tags
 * sub-resource of networks, subnets, subnet pools and ports, with the statuses, error types and
 * messages recorded from Neutron 21 (Zed), and the list filters over what it stores.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningServer } from '../../src/server/server.ts'
import { freshDatabase, selectedBackends, type TestDatabase } from '../support/backends.ts'
import { call, client, type ApiResponse, type Client } from '../support/http.ts'
import { startTestServer } from '../support/server.ts'

interface Err {
  NeutronError: { type: string; message: string; detail: string }
}
interface Tags {
  tags: string[]
}
interface Standard {
  id: string
  tags: string[]
  revision_number: number
  updated_at: string
}

const MISSING = '00000000-0000-4000-8000-000000000000'
const LONG = 'x'.repeat(255)
const TOO_LONG = 'x'.repeat(256)

/** The error of a response, failing the test when there is none. */
function errorOf(r: ApiResponse<unknown>): { type: string; message: string } {
  const e = (r.body as Partial<Err> | undefined)?.NeutronError
  assert.ok(e !== undefined, `expected an error, got ${r.status} ${r.text}`)
  return { type: e.type, message: e.message }
}

for (const backend of selectedBackends()) {
  describe(`standard-attr-tag (${backend})`, () => {
    let db: TestDatabase
    let server: RunningServer
    let admin: Client
    let member: Client
    let other: Client
    /** collection → id of one resource owned by project-m. */
    const owned = new Map<string, string>()
    let sharedNet = ''
    let sharedSubnet = ''
    let sharedPool = ''

    before(async () => {
      db = await freshDatabase(backend)
      server = await startTestServer(db.url)
      admin = client(server.url)
      member = client(server.url, { 'X-Project-Id': 'project-m', 'X-Roles': 'member' })
      other = client(server.url, { 'X-Project-Id': 'project-o', 'X-Roles': 'member' })
      const net = await member.post<{ network: Standard }>('/v2.0/networks', {
        network: { name: 'tagged' },
      })
      owned.set('networks', net.body.network.id)
      const subnet = await member.post<{ subnet: Standard }>('/v2.0/subnets', {
        subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.70.0.0/24' },
      })
      owned.set('subnets', subnet.body.subnet.id)
      const pool = await member.post<{ subnetpool: Standard }>('/v2.0/subnetpools', {
        subnetpool: { name: 'tag-pool', prefixes: ['10.80.0.0/16'] },
      })
      owned.set('subnetpools', pool.body.subnetpool.id)
      const port = await member.post<{ port: Standard }>('/v2.0/ports', {
        port: { network_id: net.body.network.id },
      })
      owned.set('ports', port.body.port.id)

      sharedNet = (
        await admin.post<{ network: Standard }>('/v2.0/networks', {
          network: { name: 'shared', shared: true },
        })
      ).body.network.id
      sharedSubnet = (
        await admin.post<{ subnet: Standard }>('/v2.0/subnets', {
          subnet: { network_id: sharedNet, ip_version: 4, cidr: '10.71.0.0/24' },
        })
      ).body.subnet.id
      sharedPool = (
        await admin.post<{ subnetpool: Standard }>('/v2.0/subnetpools', {
          subnetpool: { name: 'shared-pool', prefixes: ['10.81.0.0/16'], shared: true },
        })
      ).body.subnetpool.id
    })
    after(async () => {
      await server.close()
      await db.drop()
    })

    test('the extension is listed as Neutron lists it', async () => {
      const r = await member.get<{ extension: Record<string, unknown> }>(
        '/v2.0/extensions/standard-attr-tag',
      )
      assert.equal(r.status, 200, r.text)
      assert.deepEqual(r.body.extension, {
        name: 'Tag support for resources with standard attribute: port, subnet, subnetpool, network, security_group, router, floatingip, policy, trunk, network_segment_range',
        alias: 'standard-attr-tag',
        description: 'Enables to set tag on resources with standard attribute.',
        updated: '2017-01-01T00:00:00-00:00',
        links: [],
      })
    })

    for (const [collection, singular] of [
      ['networks', 'network'],
      ['subnets', 'subnet'],
      ['subnetpools', 'subnetpool'],
      ['ports', 'port'],
    ] as const) {
      test(`${collection}: replace, add, check, remove one, remove all; each change bumps the revision once`, async () => {
        const id = owned.get(collection) ?? ''
        const base = `/v2.0/${collection}/${id}`
        const show = async (): Promise<Standard> =>
          (await member.get<Record<string, Standard>>(base)).body[singular] as Standard
        const start = await show()
        assert.deepEqual(start.tags, [])

        // PUT .../tags answers the body's list as given; the resource shows the tags sorted.
        const put = await member.put<Tags>(`${base}/tags`, { tags: ['b', 'a', 'c'] })
        assert.equal(put.status, 200, put.text)
        assert.deepEqual(put.body, { tags: ['b', 'a', 'c'] })
        let now = await show()
        assert.deepEqual(now.tags, ['a', 'b', 'c'])
        assert.equal(now.revision_number, start.revision_number + 1)
        assert.deepEqual((await member.get<Tags>(`${base}/tags`)).body, { tags: ['a', 'b', 'c'] })

        // PUT .../tags/{tag}: 201 with a JSON null body.
        const add = await member.put(`${base}/tags/zz`, undefined)
        assert.equal(add.status, 201, add.text)
        assert.equal(add.text, 'null')
        assert.match(add.headers.get('content-type') ?? '', /application\/json/)
        now = await show()
        assert.deepEqual(now.tags, ['a', 'b', 'c', 'zz'])
        assert.equal(now.revision_number, start.revision_number + 2)

        // No change, no new revision: a tag it has, the same set, clearing nothing.
        assert.equal((await member.put(`${base}/tags/zz`, undefined)).status, 201)
        assert.equal(
          (await member.put(`${base}/tags`, { tags: ['zz', 'c', 'b', 'a'] })).status,
          200,
        )
        assert.equal((await show()).revision_number, start.revision_number + 2)

        const has = await member.get(`${base}/tags/zz`)
        assert.equal(has.status, 204)
        assert.equal(has.text, '')
        const hasNot = await member.get(`${base}/tags/nope`)
        assert.equal(hasNot.status, 404)
        assert.deepEqual(errorOf(hasNot), {
          type: 'TagNotFound',
          message: 'Tag nope could not be found.',
        })
        // Tags are compared exactly.
        assert.equal((await member.get(`${base}/tags/ZZ`)).status, 404)

        const removed = await member.delete(`${base}/tags/zz`)
        assert.equal(removed.status, 204)
        assert.equal(removed.text, '')
        now = await show()
        assert.deepEqual(now.tags, ['a', 'b', 'c'])
        assert.equal(now.revision_number, start.revision_number + 3)
        const again = await member.delete(`${base}/tags/zz`)
        assert.equal(again.status, 404)
        assert.deepEqual(errorOf(again), {
          type: 'TagNotFound',
          message: 'Tag zz could not be found.',
        })

        // Replacing removes and adds in one change.
        await member.put(`${base}/tags`, { tags: ['a', 'd'] })
        now = await show()
        assert.deepEqual(now.tags, ['a', 'd'])
        assert.equal(now.revision_number, start.revision_number + 4)

        const cleared = await member.delete(`${base}/tags`)
        assert.equal(cleared.status, 204)
        assert.equal(cleared.text, '')
        now = await show()
        assert.deepEqual(now.tags, [])
        assert.equal(now.revision_number, start.revision_number + 5)
        assert.equal((await member.delete(`${base}/tags`)).status, 204)
        assert.equal((await show()).revision_number, start.revision_number + 5)
        assert.deepEqual((await member.get<Tags>(`${base}/tags`)).body, { tags: [] })
      })

      test(`${collection}: an unknown or hidden resource is TagResourceNotFound, after the tag is validated`, async () => {
        const hidden = owned.get(collection) ?? ''
        for (const id of [MISSING, hidden, 'not-a-uuid']) {
          const who = id === hidden ? other : member
          const base = `/v2.0/${collection}/${id}/tags`
          for (const r of [
            await who.get(base),
            await who.get(`${base}/a`),
            await who.put(base, { tags: ['a'] }),
            await who.put(`${base}/a`, undefined),
            await who.delete(`${base}/a`),
            await who.delete(base),
          ]) {
            assert.equal(r.status, 404, r.text)
            assert.deepEqual(errorOf(r), {
              type: 'TagResourceNotFound',
              message: `Resource ${collection} ${id} could not be found.`,
            })
          }
        }
        const invalid = await member.put(`/v2.0/${collection}/${MISSING}/tags`, { tags: [1] })
        assert.equal(invalid.status, 400)
        assert.equal(errorOf(invalid).type, 'InvalidInput')
        const long = await member.put(`/v2.0/${collection}/${MISSING}/tags/${TOO_LONG}`, undefined)
        assert.equal(long.status, 400)
        assert.equal(errorOf(long).type, 'InvalidInput')
      })
    }

    test('a body that is not {"tags": [unique strings of at most 255 characters]} is InvalidInput, with Neutron\'s messages', async () => {
      const base = `/v2.0/networks/${owned.get('networks') ?? ''}/tags`
      const cases: [unknown, string][] = [
        [{ tags: ['a', 'a'] }, "Duplicate items in the list: 'a'"],
        [{ tags: ['a', 'b', 'a', 'b', 'a'] }, "Duplicate items in the list: 'a, b'"],
        [{ tags: [1, 1] }, "Duplicate items in the list: '1'"],
        [{ tags: [1] }, "'1' is not a valid string"],
        [{ tags: ['a', null] }, "'None' is not a valid string"],
        [{ tags: [true] }, "'True' is not a valid string"],
        [{ tags: [['a']] }, "'['a']' is not a valid string"],
        [{ tags: [{ k: 'v' }] }, "'{'k': 'v'}' is not a valid string"],
        [{ tags: 'abc' }, "'abc' is not a list"],
        [{ tags: null }, "'None' is not a list"],
        [{ tags: { a: 1 } }, "'{'a': 1}' is not a list"],
        [{ tags: 5 }, "'5' is not a list"],
        [{ tag: ['a'] }, 'Invalid tags body'],
        [{}, 'Invalid tags body'],
        [['a'], 'Invalid tags body'],
        ['"tags"', 'Invalid tags body'],
        [{ tags: [TOO_LONG] }, `'${TOO_LONG}' exceeds maximum length of 255`],
      ]
      for (const [body, reason] of cases) {
        const r = await call(server.url, 'PUT', base, JSON.stringify(body), {
          'X-Project-Id': 'project-m',
          'X-Roles': 'member',
        })
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`)
        assert.deepEqual(errorOf(r), {
          type: 'InvalidInput',
          message: `Invalid input for operation: ${reason}.`,
        })
      }
      // NOTE: Neutron answers an empty body with 500; the same 400 as any body without tags here.
      const empty = await member.put(base, undefined)
      assert.equal(empty.status, 400, empty.text)
      assert.deepEqual(errorOf(empty), {
        type: 'InvalidInput',
        message: 'Invalid input for operation: Invalid tags body.',
      })
      const accepted = await member.put<Tags>(base, { tags: [LONG, '', 'a,b', '  sp ', 'é'] })
      assert.equal(accepted.status, 200, accepted.text)
      assert.deepEqual(accepted.body.tags, [LONG, '', 'a,b', '  sp ', 'é'])
      await member.delete(base)
    })

    test('a tag in the URL: decoded, at most 255 characters; a slash is no route (404)', async () => {
      const base = `/v2.0/networks/${owned.get('networks') ?? ''}/tags`
      for (const tag of ['a b', 'c,d', 'p%q', 'plus+sign', 'été', 'a.json', LONG]) {
        const r = await member.put(`${base}/${encodeURIComponent(tag)}`, undefined)
        assert.equal(r.status, 201, `${tag}: ${r.text}`)
        assert.equal((await member.get(`${base}/${encodeURIComponent(tag)}`)).status, 204, tag)
      }
      const listed = await member.get<Tags>(base)
      assert.deepEqual(
        [...listed.body.tags].sort(),
        ['a b', 'c,d', 'p%q', 'plus+sign', 'été', 'a.json', LONG].sort(),
      )
      const long = await member.put(`${base}/${TOO_LONG}`, undefined)
      assert.equal(long.status, 400)
      assert.deepEqual(errorOf(long), {
        type: 'InvalidInput',
        message: `Invalid input for operation: '${TOO_LONG}' exceeds maximum length of 255.`,
      })
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const r = await call(server.url, method, `${base}/x%2Fy`, undefined, {
          'X-Project-Id': 'project-m',
        })
        assert.equal(r.status, 404, `${method}: ${r.text}`)
        assert.equal(errorOf(r).type, 'HTTPNotFound')
      }
      // POST on the collection: Neutron's controller answers "not supported".
      const post = await member.post(base, { tags: ['a'] })
      assert.equal(post.status, 404)
      assert.deepEqual(errorOf(post), { type: 'HTTPNotFound', message: 'not supported' })
      // A trailing slash is the collection.
      assert.equal((await member.delete(`${base}/`)).status, 204)
      assert.deepEqual((await member.get<Tags>(base)).body, { tags: [] })
    })

    test('each change sets updated_at', async () => {
      const base = `/v2.0/networks/${owned.get('networks') ?? ''}`
      const before = (await member.get<{ network: Standard }>(base)).body.network.updated_at
      await new Promise((r) => setTimeout(r, 1100))
      await member.put(`${base}/tags/t`, undefined)
      const after = (await member.get<{ network: Standard }>(base)).body.network.updated_at
      assert.ok(after > before, `${before} → ${after}`)
      await member.delete(`${base}/tags`)
    })

    test('policy: others read the tags of what they see, and may change them as they may update it', async () => {
      await admin.put(`/v2.0/networks/${sharedNet}/tags`, { tags: ['s1'] })
      const cases: [string, string, string][] = [
        ['networks', sharedNet, 'network'],
        ['subnets', sharedSubnet, 'subnet'],
        ['subnetpools', sharedPool, 'subnetpool'],
      ]
      for (const [collection, id, singular] of cases) {
        const base = `/v2.0/${collection}/${id}`
        assert.equal((await other.get(`${base}/tags`)).status, 200)
        const update = await other.put(base, { [singular]: { name: 'x' } })
        assert.equal(update.status, 403, update.text)
        for (const r of [
          await other.put(`${base}/tags`, { tags: ['q'] }),
          await other.put(`${base}/tags/q`, undefined),
          await other.delete(`${base}/tags/s1`),
          await other.delete(`${base}/tags`),
        ]) {
          assert.equal(r.status, 403, r.text)
          assert.deepEqual(errorOf(r), errorOf(update))
        }
      }
      assert.deepEqual((await other.get<Tags>(`/v2.0/networks/${sharedNet}/tags`)).body, {
        tags: ['s1'],
      })
      // An admin may change anyone's tags.
      const memberNet = owned.get('networks') ?? ''
      assert.equal((await admin.put(`/v2.0/networks/${memberNet}/tags/by-admin`, {})).status, 201)
      assert.equal((await member.get(`/v2.0/networks/${memberNet}/tags/by-admin`)).status, 204)
      await admin.delete(`/v2.0/networks/${memberNet}/tags`)
      // The owner of a network may tag another project's port on it, as it may update it.
      const port = await admin.post<{ port: Standard }>('/v2.0/ports', {
        port: { network_id: memberNet, project_id: 'project-x' },
      })
      assert.equal(port.status, 201, port.text)
      const tagged = await member.put(`/v2.0/ports/${port.body.port.id}/tags/mine`, undefined)
      assert.equal(tagged.status, 201, tagged.text)
      await admin.delete(`/v2.0/ports/${port.body.port.id}`)
    })

    test('concurrent additions to one resource all land, each bumping the revision', async () => {
      const base = `/v2.0/networks/${owned.get('networks') ?? ''}`
      const start = (await member.get<{ network: Standard }>(base)).body.network
      const tags = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`)
      const answers = await Promise.all(tags.map((t) => member.put(`${base}/tags/${t}`, undefined)))
      assert.deepEqual(
        answers.map((a) => a.status),
        tags.map(() => 201),
      )
      const end = (await member.get<{ network: Standard }>(base)).body.network
      assert.deepEqual(end.tags, tags)
      assert.equal(end.revision_number, start.revision_number + tags.length)
      await member.delete(`${base}/tags`)
    })

    test('list filters: tags (all), tags-any, not-tags, not-tags-any; commas split; exact matches', async () => {
      const project = { 'X-Project-Id': 'project-f', 'X-Roles': 'member' }
      const f = client(server.url, project)
      const ids = new Map<string, string>()
      const tagsOf: Record<string, string[]> = {
        fa: ['red', 'blue'],
        fb: ['red'],
        fc: ['blue', '', 'a","b'],
        fd: [],
        fe: ['b'],
      }
      for (const [name, tags] of Object.entries(tagsOf)) {
        const n = await f.post<{ network: Standard }>('/v2.0/networks', { network: { name } })
        ids.set(name, n.body.network.id)
        if (tags.length > 0) {
          const r = await f.put(`/v2.0/networks/${n.body.network.id}/tags`, { tags })
          assert.equal(r.status, 200, r.text)
        }
      }
      const names = async (query: string): Promise<string[]> => {
        const r = await f.get<{ networks: { name: string }[] }>(
          `/v2.0/networks?fields=name&project_id=project-f&${query}`,
        )
        assert.equal(r.status, 200, `${query}: ${r.text}`)
        return r.body.networks.map((n) => n.name).sort()
      }
      assert.deepEqual(await names('tags=red'), ['fa', 'fb'])
      assert.deepEqual(await names('tags=red,blue'), ['fa'])
      assert.deepEqual(await names('tags=red&tags=blue'), ['fa'])
      assert.deepEqual(await names('tags-any=red,blue'), ['fa', 'fb', 'fc'])
      assert.deepEqual(await names('tags-any=red&tags-any=blue'), ['fa', 'fb', 'fc'])
      assert.deepEqual(await names('not-tags=red,blue'), ['fb', 'fc', 'fd', 'fe'])
      assert.deepEqual(await names('not-tags-any=red,blue'), ['fd', 'fe'])
      assert.deepEqual(await names('tags=nope'), [])
      // The empty tag is a tag like any other (as Neutron: `tags=` matches it).
      assert.deepEqual(await names('tags='), ['fc'])
      assert.deepEqual(await names('tags=red,'), [])
      assert.deepEqual(await names('not-tags-any='), ['fa', 'fb', 'fd', 'fe'])
      // A tag holding quotes and a comma is not two tags (a comma in a filter always splits).
      assert.deepEqual(await names('tags=b'), ['fe'])
      assert.deepEqual(await names(`tags=${encodeURIComponent('"b"')}`), [])
      // Filters combine with paging and the other attributes.
      assert.deepEqual(await names('tags-any=red,blue&name=fb'), ['fb'])
      const page = await f.get<{ networks: unknown[] }>('/v2.0/networks?tags-any=red,blue&limit=1')
      assert.equal(page.body.networks.length, 1)

      const portNet = ids.get('fd') ?? ''
      const p1 = await f.post<{ port: Standard }>('/v2.0/ports', { port: { network_id: portNet } })
      const p2 = await f.post<{ port: Standard }>('/v2.0/ports', { port: { network_id: portNet } })
      await f.put(`/v2.0/ports/${p1.body.port.id}/tags`, { tags: ['web', 'prod'] })
      await f.put(`/v2.0/ports/${p2.body.port.id}/tags`, { tags: ['db'] })
      const ports = async (query: string): Promise<string[]> =>
        (
          await f.get<{ ports: { id: string }[] }>(`/v2.0/ports?network_id=${portNet}&${query}`)
        ).body.ports.map((p) => p.id)
      assert.deepEqual(await ports('tags=web,prod'), [p1.body.port.id])
      assert.deepEqual(await ports('not-tags=web'), [p2.body.port.id])
      const s = await f.post<{ subnet: Standard }>('/v2.0/subnets', {
        subnet: { network_id: portNet, ip_version: 4, cidr: '10.72.0.0/24' },
      })
      await f.put(`/v2.0/subnets/${s.body.subnet.id}/tags/edge`, undefined)
      const subnets = await f.get<{ subnets: { id: string }[] }>('/v2.0/subnets?tags=edge')
      assert.deepEqual(
        subnets.body.subnets.map((x) => x.id),
        [s.body.subnet.id],
      )
      const pools = await f.get<{ subnetpools: unknown[] }>('/v2.0/subnetpools?tags-any=edge')
      assert.deepEqual(pools.body.subnetpools, [])
    })

    test('tags are not accepted on create or update of the resource itself', async () => {
      const create = await member.post('/v2.0/networks', { network: { tags: ['a'] } })
      assert.equal(create.status, 400)
      assert.deepEqual(errorOf(create), {
        type: 'HTTPBadRequest',
        message: "Attribute 'tags' not allowed in POST",
      })
      const update = await member.put(`/v2.0/ports/${owned.get('ports') ?? ''}`, {
        port: { tags: ['a'] },
      })
      assert.equal(update.status, 400)
      assert.deepEqual(errorOf(update), {
        type: 'HTTPBadRequest',
        message: 'Cannot update read-only attribute tags',
      })
    })
  })
}
