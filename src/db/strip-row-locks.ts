import {
  SelectQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'

const LOCK_MODIFIERS = new Set([
  'ForUpdate',
  'ForShare',
  'ForKeyShare',
  'ForNoKeyUpdate',
  'SkipLocked',
  'NoWait',
])

/**
 * Removes FOR UPDATE / SKIP LOCKED from queries sent to SQLite, which has no row locks and
 * needs none: its write transactions (BEGIN IMMEDIATE) are serialised whole. The same query code
 * then runs on every database.
 */
export class StripRowLocks implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node
    if (!SelectQueryNode.is(node) || node.endModifiers === undefined) return node
    return {
      ...node,
      endModifiers: node.endModifiers.filter(
        (m) => m.modifier === undefined || !LOCK_MODIFIERS.has(m.modifier),
      ),
    }
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result)
  }
}
