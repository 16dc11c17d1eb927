import type { Db } from '../db/database.ts'
import { inTransaction, type Queryable } from '../db/transaction.ts'
import { Errors, NeutronError } from '../domain/errors.ts'
import { findVisibleNetwork, requireOwner } from './network-service.ts'
import { findVisiblePort } from './port-service.ts'
import type { RequestContext } from './request-context.ts'
import { findVisibleSubnetPool } from './subnet-pool-service.ts'
import { findVisibleSubnet } from './subnet-service.ts'
import { jsonColumn, storedJson, timestamp } from './views.ts'

/** The resources that carry tags, by collection: their table, URL segment and Neutron's name. */
export type TaggableCollection = 'networks' | 'subnets' | 'subnetpools' | 'ports'

export const TAGGABLE_COLLECTIONS: readonly TaggableCollection[] = [
  'networks',
  'subnets',
  'subnetpools',
  'ports',
]

/** What tagging needs of a row: its owner, its tags (a JSON list) and its revision. */
interface TaggedRow {
  readonly project_id: string
  readonly tags: string
  readonly revision_number: number
}

interface Taggable {
  /** The row if the caller sees it (locked for the transaction when `forUpdate`). */
  find(q: Queryable, ctx: RequestContext, id: string, forUpdate: boolean): Promise<TaggedRow>
  /** @throws PolicyNotAuthorized (403) unless the caller may update the resource */
  requireWriter(ctx: RequestContext, row: TaggedRow): void
}

const TAGGABLE: Readonly<Record<TaggableCollection, Taggable>> = {
  networks: {
    find: findVisibleNetwork,
    requireWriter: (ctx, row) => {
      requireOwner(ctx, row.project_id, 'update_network')
    },
  },
  subnets: {
    find: findVisibleSubnet,
    requireWriter: (ctx, row) => {
      requireOwner(ctx, row.project_id, 'update_subnet')
    },
  },
  subnetpools: {
    find: findVisibleSubnetPool,
    requireWriter: (ctx, row) => {
      requireOwner(ctx, row.project_id, 'update_subnetpool')
    },
  },
  ports: {
    find: findVisiblePort,
    // NOTE: a port is visible to its owner and to the network's owner: both may update it.
    requireWriter: () => undefined,
  },
}

/** Code-unit order: one stable order on every backend (Neutron's is the database's). */
function sorted(tags: Iterable<string>): string[] {
  return [...tags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Neutron's tag plugin: the tags of networks, subnets, subnet pools and ports, stored as each
 * row's sorted JSON list. Every change bumps the resource's revision_number and updated_at once;
 * a request that changes nothing leaves them alone.
 *
 * Every method throws TagResourceNotFound (404) when the resource does not exist or is not
 * visible to the caller, and the writes PolicyNotAuthorized (403) when the caller sees it but
 * may not update it (the same refusal as updating the resource).
 */
export class TagService {
  constructor(private readonly db: Db) {}

  /** The resource's tags, sorted. */
  async list(ctx: RequestContext, collection: TaggableCollection, id: string): Promise<string[]> {
    const row = await this.find(this.db.kysely, ctx, collection, id, false)
    return jsonColumn<string[]>(row.tags)
  }

  /** @throws TagNotFound (404) unless the resource has the tag */
  async check(
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    tag: string,
  ): Promise<void> {
    if (!(await this.list(ctx, collection, id)).includes(tag)) throw Errors.tagNotFound(tag)
  }

  /** Replaces all the tags (given unique). */
  async replace(
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    tags: readonly string[],
  ): Promise<void> {
    await this.change(ctx, collection, id, () => tags)
  }

  async add(
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    tag: string,
  ): Promise<void> {
    await this.change(ctx, collection, id, (current) =>
      current.includes(tag) ? current : [...current, tag],
    )
  }

  /** @throws TagNotFound (404) unless the resource has the tag */
  async remove(
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    tag: string,
  ): Promise<void> {
    await this.change(ctx, collection, id, (current) => {
      if (!current.includes(tag)) throw Errors.tagNotFound(tag)
      return current.filter((t) => t !== tag)
    })
  }

  async clear(ctx: RequestContext, collection: TaggableCollection, id: string): Promise<void> {
    await this.change(ctx, collection, id, () => [])
  }

  /** Applies `next` to the current tags under the row's lock; writes only a real change. */
  private async change(
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    next: (current: readonly string[]) => readonly string[],
  ): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await this.find(tx, ctx, collection, id, true)
      TAGGABLE[collection].requireWriter(ctx, row)
      const current = jsonColumn<string[]>(row.tags)
      const tags = storedJson('tags', sorted(new Set(next(current))))
      if (tags === JSON.stringify(sorted(current))) return
      await tx
        .updateTable(collection)
        .set({ tags, revision_number: row.revision_number + 1, updated_at: timestamp() })
        .where('id', '=', id)
        .execute()
    })
  }

  private async find(
    q: Queryable,
    ctx: RequestContext,
    collection: TaggableCollection,
    id: string,
    forUpdate: boolean,
  ): Promise<TaggedRow> {
    try {
      return await TAGGABLE[collection].find(q, ctx, id, forUpdate)
    } catch (error) {
      // NOTE: Neutron's tag plugin names the collection ("Resource networks <id> ..."), not
      // the resource's own NotFound.
      if (error instanceof NeutronError && error.status === 404)
        throw Errors.tagResourceNotFound(collection, id)
      throw error
    }
  }
}
