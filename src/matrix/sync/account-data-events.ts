/**
 * Turning `[{type, content}]` arrays from either sync API into {@link SyncEvent}s. Content `{}` is
 * a deletion (MSC3391, docs/protocol.md §3): it becomes a `deleted` event, or goes to a snapshot's
 * `deleted` list, and never into snapshot `data`.
 */
import { isEmptyContent, isRecord } from '../json.ts';
import type { AccountDataScope, JsonObject, SyncEvent } from '../types.ts';

/** One account-data event as both sync APIs send it. */
export type AccountDataEvent = { type: string; content: JsonObject };

/** Keeps the well-formed `{type: string, content: object}` entries of a sync array. */
export function parseAccountDataEvents(raw: unknown): AccountDataEvent[] {
  if (!Array.isArray(raw)) return [];
  const out: AccountDataEvent[] = [];
  for (const item of raw as unknown[]) {
    if (isRecord(item) && typeof item.type === 'string' && isRecord(item.content)) {
      out.push({ type: item.type, content: item.content as JsonObject });
    }
  }
  return out;
}

/** Splits a full listing into live data and `{}` tombstones. A later entry of a type wins. */
export function toSnapshot(events: readonly AccountDataEvent[]): {
  data: Record<string, JsonObject>;
  deleted: string[];
} {
  const latest = new Map<string, JsonObject>();
  for (const e of events) latest.set(e.type, e.content);
  const data: Record<string, JsonObject> = {};
  const deleted: string[] = [];
  for (const [type, content] of latest) {
    if (isEmptyContent(content)) deleted.push(type);
    else data[type] = content;
  }
  return { data, deleted };
}

/** Incremental changes: `changed` for content, `deleted` for `{}`. */
export function toDeltas(scope: AccountDataScope, events: readonly AccountDataEvent[]): SyncEvent[] {
  return events.map((e) =>
    isEmptyContent(e.content)
      ? { kind: 'deleted', scope, type: e.type }
      : { kind: 'changed', scope, type: e.type, content: e.content },
  );
}
