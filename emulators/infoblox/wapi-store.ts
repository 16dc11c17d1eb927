import { cloneJson, type Json, type JsonObject } from './wapi-json.ts'

/** One stored object: its type, a stable key (the id inside its reference) and its fields. */
export interface WapiRecord {
  readonly type: string
  readonly key: string
  fields: JsonObject
}

/** A copy of the whole store, to roll a multi-call `request` back. */
export interface StoreSnapshot {
  readonly records: readonly WapiRecord[]
  readonly seq: number
}

/**
 * The object store: records in creation order, keyed by a sequence number that never repeats
 * (a deleted object's reference never resolves again, as on the appliance).
 */
export class WapiStore {
  private records = new Map<string, WapiRecord>()
  private seq = 0

  /** A fresh key, never handed out before. */
  nextKey(): string {
    this.seq++
    return String(this.seq)
  }

  insert(type: string, fields: JsonObject, key = this.nextKey()): WapiRecord {
    const record: WapiRecord = { type, key, fields }
    this.records.set(key, record)
    return record
  }

  get(key: string): WapiRecord | undefined {
    return this.records.get(key)
  }

  delete(key: string): boolean {
    return this.records.delete(key)
  }

  /** Records of one type (all when omitted), in creation order. */
  all(type?: string): WapiRecord[] {
    const out: WapiRecord[] = []
    for (const r of this.records.values()) if (type === undefined || r.type === type) out.push(r)
    return out
  }

  snapshot(): StoreSnapshot {
    return {
      seq: this.seq,
      records: [...this.records.values()].map((r) => ({
        type: r.type,
        key: r.key,
        fields: cloneJson(r.fields),
      })),
    }
  }

  /** Puts the store back as it was at `snapshot` (keys handed out since stay retired). */
  restore(snapshot: StoreSnapshot): void {
    this.records = new Map(
      snapshot.records.map((r) => [
        r.key,
        { type: r.type, key: r.key, fields: cloneJson(r.fields) },
      ]),
    )
    this.seq = Math.max(this.seq, snapshot.seq)
  }
}

/** A string field of a record, or undefined. */
export function text(record: WapiRecord, field: string): string | undefined {
  const v: Json | undefined = record.fields[field]
  return typeof v === 'string' ? v : undefined
}
