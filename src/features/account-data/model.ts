/**
 * The client-side shape of account data as the UI sees it, and pure functions that fold sync events
 * into it. Kept free of React and TanStack so the reducers are unit-testable and reusable by the
 * history and appservice features that follow.
 *
 * An entry whose content is `{}` is *deleted* (MSC3391; PROTOCOL §3 "treat `{}` exactly like
 * absent"), but we keep it as a tombstone with the last content we saw, so deletions stay visible.
 */
import type { JsonObject, RoomInfo, SyncEvent } from '../../matrix/types.ts';
import { isEmptyContent } from '../../matrix/json.ts';
import { formatContent } from '../../editor/json-text.ts';

/** One account-data entry in one scope. */
export type Entry = {
  type: string;
  /** Current content; `null` when deleted. */
  content: JsonObject | null;
  /** Pretty-printed JSON of `content` (empty string when deleted); cached for the filter and the editor. */
  text: string;
  /** UTF-8 size of the compact JSON content in bytes (0 when deleted). */
  size: number;
  isDeleted: boolean;
  /** For tombstones: the last non-empty content observed in this session, if any. */
  lastContent?: JsonObject;
  /** Epoch ms when this client last observed a change (sync or own write). `undefined` = from the first snapshot. */
  changedAt?: number;
};

/** Type → entry for one scope. */
export type ScopeData = Readonly<Record<string, Entry>>;

export type RoomData = { info: RoomInfo; data: ScopeData };

/** Every joined room the sync engine has covered, in arrival order. */
export type RoomsData = {
  order: readonly string[];
  /** A Map, not an object: copying 10,000 entries on a change is several times cheaper (see bench/). */
  byId: ReadonlyMap<string, RoomData>;
  /** True once every joined room has been covered at least once. */
  isComplete: boolean;
};

export const emptyRooms: RoomsData = { order: [], byId: new Map(), isComplete: false };

const encoder = new TextEncoder();

/** The editor's own formatting, so a clean editor is byte-identical to the cached text. */
export { formatContent };

/** Builds a live entry. */
export function liveEntry(type: string, content: JsonObject, changedAt?: number): Entry {
  const entry: Entry = {
    type,
    content,
    text: formatContent(content),
    size: encoder.encode(JSON.stringify(content)).length,
    isDeleted: false,
  };
  if (changedAt !== undefined) entry.changedAt = changedAt;
  return entry;
}

/** Builds a tombstone, remembering what the entry held before if we knew it. */
export function tombstone(type: string, previous: Entry | undefined, changedAt?: number): Entry {
  const lastContent = previous?.content ?? previous?.lastContent;
  const entry: Entry = { type, content: null, text: '', size: 0, isDeleted: true };
  if (lastContent) entry.lastContent = lastContent;
  if (changedAt !== undefined) entry.changedAt = changedAt;
  return entry;
}

/** Applies one change (`{}` = delete) to a scope, returning the same object when nothing changed. */
export function applyChange(data: ScopeData, type: string, content: JsonObject, now: number): ScopeData {
  const previous = data[type];
  if (isEmptyContent(content)) {
    if (previous?.isDeleted) return data;
    return { ...data, [type]: tombstone(type, previous, now) };
  }
  const next = liveEntry(type, content, now);
  if (previous && !previous.isDeleted && previous.text === next.text) return data;
  return { ...data, [type]: next };
}

/**
 * Replaces a scope wholesale from a snapshot. Types we knew that are missing now become tombstones
 * (after `M_UNKNOWN_POS` the server's snapshot is the truth, PROTOCOL §4.5); explicit `deleted` types
 * (Synapse sends deleted room types as `{}` on a room's first send, PROTOCOL §3) are tombstones too.
 * Unchanged entries keep their identity so React can skip them.
 */
export function replaceScope(
  previous: ScopeData | undefined,
  snapshot: Record<string, JsonObject>,
  deleted: readonly string[],
  now: number,
): ScopeData {
  const next: Record<string, Entry> = {};
  for (const [type, content] of Object.entries(snapshot)) {
    if (isEmptyContent(content)) {
      next[type] = previous?.[type]?.isDeleted ? previous[type] : tombstone(type, previous?.[type], now);
      continue;
    }
    const old = previous?.[type];
    const fresh = liveEntry(type, content, old ? now : undefined);
    next[type] = old && !old.isDeleted && old.text === fresh.text ? old : fresh;
  }
  for (const type of deleted) {
    if (next[type]) continue;
    const old = previous?.[type];
    next[type] = old?.isDeleted ? old : tombstone(type, old, previous ? now : undefined);
  }
  if (previous) {
    for (const [type, old] of Object.entries(previous)) {
      if (next[type]) continue;
      next[type] = old.isDeleted ? old : tombstone(type, old, now);
    }
  }
  return next;
}

/** The result of folding one batch: only the parts that changed are new objects. */
export type FoldResult = { global: ScopeData; rooms: RoomsData };

/**
 * Folds one batch of sync events into the global and rooms data. Pure: returns new objects for what
 * changed and the same objects for what did not. One room's bad event cannot spoil the batch.
 */
export function foldSyncBatch(
  state: FoldResult,
  batch: readonly SyncEvent[],
  now: number,
  skip: (scopeKey: string, type: string) => boolean = () => false,
): FoldResult {
  let global = state.global;
  let order = state.rooms.order;
  // Copied at most once per batch, on the first room change; new rooms are appended once at the end.
  let byId: Map<string, RoomData> | undefined;
  const added: string[] = [];
  const removed = new Set<string>();
  let isComplete = state.rooms.isComplete;
  const rooms = (): Map<string, RoomData> => (byId ??= new Map(state.rooms.byId));
  const roomOf = (roomId: string): RoomData => {
    const existing = (byId ?? state.rooms.byId).get(roomId);
    if (existing) return existing;
    const created: RoomData = { info: { roomId, name: roomId }, data: {} };
    rooms().set(roomId, created);
    if (removed.has(roomId)) removed.delete(roomId);
    else added.push(roomId);
    return created;
  };

  for (const event of batch) {
    switch (event.kind) {
      case 'global-snapshot':
        global = replaceScope(global, event.data, [], now);
        break;
      case 'room-snapshot': {
        const room = roomOf(event.roomId);
        // A room seen for the first time has nothing to compare with: its entries, tombstones
        // included, predate us and get no "changed" time.
        const previous = Object.keys(room.data).length === 0 ? undefined : room.data;
        rooms().set(event.roomId, { ...room, data: replaceScope(previous, event.data, event.deleted, now) });
        break;
      }
      case 'changed':
      case 'deleted': {
        const content = event.kind === 'changed' ? event.content : {};
        if (event.scope.kind === 'global') {
          if (skip('global', event.type)) break;
          global = applyChange(global, event.type, content, now);
        } else if (event.scope.kind === 'room') {
          if (skip(`room:${event.scope.roomId}`, event.type)) break;
          const room = roomOf(event.scope.roomId);
          const data = applyChange(room.data, event.type, content, now);
          if (data !== room.data) rooms().set(event.scope.roomId, { ...room, data });
        }
        break;
      }
      case 'room-added':
      case 'room-updated': {
        const room = roomOf(event.room.roomId);
        rooms().set(event.room.roomId, { ...room, info: event.room });
        break;
      }
      case 'room-removed': {
        if (!(byId ?? state.rooms.byId).has(event.roomId)) break;
        rooms().delete(event.roomId);
        const pendingIndex = added.indexOf(event.roomId);
        if (pendingIndex >= 0) added.splice(pendingIndex, 1);
        else removed.add(event.roomId);
        break;
      }
      case 'initial-complete':
        isComplete = true;
        break;
      case 'status':
        break;
    }
  }
  if (removed.size > 0) order = order.filter((id) => !removed.has(id));
  if (added.length > 0) order = order.concat(added);
  const roomsChanged =
    byId !== undefined || order !== state.rooms.order || isComplete !== state.rooms.isComplete;
  return {
    global,
    rooms: roomsChanged ? { order, byId: byId ?? state.rooms.byId, isComplete } : state.rooms,
  };
}
