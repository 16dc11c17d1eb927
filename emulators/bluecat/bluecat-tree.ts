import { BamErrors } from './bluecat-errors.ts'
import type {
  ConfigurationEntity,
  Entity,
  EntityKind,
  EntityOf,
  ViewEntity,
} from './bluecat-model.ts'

/**
 * The object store of an emulated Address Manager: entities by id, the parent → children index,
 * and the navigation both APIs need. Operations live in BamState.
 */
export class BamTree {
  private readonly entities = new Map<number, Entity>()
  private readonly children = new Map<number, Set<number>>()
  private nextId = 100881

  get(id: number): Entity | undefined {
    return this.entities.get(id)
  }

  /** The entity when it exists and has one of the kinds. @throws ResourceNotFound */
  require<K extends EntityKind>(id: number, ...kinds: K[]): EntityOf<K> {
    const entity = this.entities.get(id)
    if (entity === undefined || !(kinds as EntityKind[]).includes(entity.kind)) {
      throw BamErrors.notFound(id)
    }
    return entity as EntityOf<K>
  }

  /** Direct children, in id order, optionally of one kind. */
  childrenOf<K extends EntityKind>(parentId: number, kind?: K): EntityOf<K>[] {
    const ids = [...(this.children.get(parentId) ?? [])].sort((a, b) => a - b)
    const out: EntityOf<K>[] = []
    for (const id of ids) {
      const e = this.entities.get(id)
      if (e !== undefined && (kind === undefined || e.kind === kind)) out.push(e as EntityOf<K>)
    }
    return out
  }

  /** Every entity below `id`, depth first, optionally of one kind. */
  descendants<K extends EntityKind>(id: number, kind?: K): EntityOf<K>[] {
    const out: EntityOf<K>[] = []
    const walk = (parentId: number): void => {
      for (const child of this.childrenOf(parentId)) {
        if (kind === undefined || child.kind === kind) out.push(child as EntityOf<K>)
        walk(child.id)
      }
    }
    walk(id)
    return out
  }

  /** All entities of a kind, in id order. */
  all<K extends EntityKind>(kind: K): EntityOf<K>[] {
    return [...this.entities.values()]
      .filter((e): e is EntityOf<K> => e.kind === kind)
      .sort((a, b) => a.id - b.id)
  }

  /** The configuration an entity belongs to (itself for a configuration). */
  configurationOf(entity: Entity): ConfigurationEntity {
    let current: Entity | undefined = entity
    while (current !== undefined && current.kind !== 'Configuration') {
      current = this.entities.get(current.parentId)
    }
    if (current === undefined) throw BamErrors.notFound(entity.parentId)
    return current
  }

  /** The view a zone or host record belongs to. */
  viewOf(entity: Entity): ViewEntity | undefined {
    let current: Entity | undefined = entity
    while (current !== undefined && current.kind !== 'View') {
      current = this.entities.get(current.parentId)
    }
    return current
  }

  protected newId(): number {
    return this.nextId++
  }

  protected insert<E extends Entity>(entity: E): E {
    this.entities.set(entity.id, entity)
    let siblings = this.children.get(entity.parentId)
    if (siblings === undefined) {
      siblings = new Set()
      this.children.set(entity.parentId, siblings)
    }
    siblings.add(entity.id)
    return entity
  }

  /** Drops one entity from the store (its children must be gone already). */
  protected detach(entity: Entity): void {
    this.entities.delete(entity.id)
    this.children.get(entity.parentId)?.delete(entity.id)
    this.children.delete(entity.id)
  }

  protected has(id: number): boolean {
    return this.entities.has(id)
  }
}
