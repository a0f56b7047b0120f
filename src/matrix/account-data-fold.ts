/**
 * The one fold of sync batches into account-data state, shared by the app's caches and the CLI.
 * Pure and free of UI: consumers that want more per entry (the app adds pretty-printed text and a
 * size) pass a `decorate` function to {@link createAccountDataFold}.
 *
 * An entry whose content is `{}` is *deleted* (MSC3391; docs/protocol.md §3 "treat `{}` exactly
 * like absent"), but the state keeps it as a tombstone with the last content seen, so deletions
 * stay visible. Changes are applied idempotently: Synapse delivers some changes twice
 * (docs/protocol.md §9), and a repeat returns the same objects.
 *
 * Structural sharing: folding returns the same objects for what did not change, so React skips
 * unchanged rows and the CLI's `watch` can tell a repeat by identity.
 */
import { entryKey, type EntryKey } from './entry-key.ts';
import { isEmptyContent, jsonEqual } from './json.ts';
import { M_TAG } from './known-types.ts';
import type { AccountDataScope, JsonObject, RoomInfo, SyncEvent } from './types.ts';

/**
 * How a tombstone came about, as far as this consumer knows. The fold only ever sees deletions in
 * sync (`elsewhere`); a consumer that deletes an entry itself patches in `this-app` and the method.
 */
export type Deletion = {
  /** `this-app`: this consumer deleted it; `elsewhere`: sync showed it (another client, or before we looked). */
  by: 'this-app' | 'elsewhere';
  /** For `this-app`: how the server was asked (docs/protocol.md §3; `TAGS` for room `m.tag`). */
  method?: 'DELETE' | 'PUT_EMPTY' | 'TAGS';
  /** Epoch ms: when this app deleted it, or when sync showed the deletion; absent when it predates us. */
  at?: number;
};

/** What the fold knows of one entry. */
export type EntryState = {
  type: string;
  /** Current content; `null` when deleted. */
  content: JsonObject | null;
  isDeleted: boolean;
  /** For tombstones: the last non-empty content observed, if any. */
  lastContent?: JsonObject;
  /** Epoch ms when this consumer observed a change. `undefined` = from the first snapshot. */
  changedAt?: number;
  /** For tombstones: who deleted it, how and when (see {@link Deletion}). */
  deletion?: Deletion;
};

/** Type → entry for one scope. */
export type ScopeState<E extends EntryState = EntryState> = Readonly<Record<string, E>>;

/** One joined room: what it is called and its account data. */
export type RoomState<E extends EntryState = EntryState> = { info: RoomInfo; data: ScopeState<E> };

/** Every joined room the sync engine has covered, in arrival order. */
export type RoomsState<E extends EntryState = EntryState> = {
  order: readonly string[];
  /** A Map, not an object: copying 10,000 entries on a change is several times cheaper (bench/). */
  byId: ReadonlyMap<string, RoomState<E>>;
  /** True once every joined room has been covered at least once. */
  isComplete: boolean;
};

/** Per-device account data (MSC4331), by device ID. */
export type DevicesState<E extends EntryState = EntryState> = ReadonlyMap<string, ScopeState<E>>;

/** Everything the fold holds. */
export type FoldState<E extends EntryState = EntryState> = {
  global: ScopeState<E>;
  rooms: RoomsState<E>;
  devices: DevicesState<E>;
};

/** Options of one fold call. */
export type FoldOptions = {
  /** Entries to leave alone (a write in flight owns them; the write's reconcile settles them). */
  skip?: (key: EntryKey) => boolean;
};

/** The functions of a fold whose entries are of type `E`. */
export type AccountDataFold<E extends EntryState> = {
  liveEntry: (type: string, content: JsonObject, changedAt?: number) => E;
  tombstone: (type: string, previous: E | undefined, changedAt?: number) => E;
  applyChange: (data: ScopeState<E>, type: string, content: JsonObject, now: number) => ScopeState<E>;
  replaceScope: (
    previous: ScopeState<E> | undefined,
    snapshot: Record<string, JsonObject>,
    deleted: readonly string[],
    now: number,
  ) => ScopeState<E>;
  foldSyncBatch: (
    state: FoldState<E>,
    batch: readonly SyncEvent[],
    now: number,
    options?: FoldOptions,
  ) => FoldState<E>;
};

/** Empty rooms state (shared, never mutated). */
export const emptyRooms: RoomsState<never> = { order: [], byId: new Map(), isComplete: false };
/** Empty devices state (shared, never mutated). */
export const emptyDevices: DevicesState<never> = new Map();

/** A state with nothing in it. */
export function emptyFoldState<E extends EntryState>(): FoldState<E> {
  return { global: {}, rooms: emptyRooms, devices: emptyDevices };
}

/** One entry of a state, in any scope. */
export function entryIn<E extends EntryState>(
  state: FoldState<E>,
  scope: AccountDataScope,
  type: string,
): E | undefined {
  switch (scope.kind) {
    case 'global':
      return state.global[type];
    case 'room':
      return state.rooms.byId.get(scope.roomId)?.data[type];
    case 'device':
      return state.devices.get(scope.deviceId)?.[type];
  }
}

/** The live (not deleted) entries of a scope as `type → content`, sorted by type (stable dumps). */
export function liveContents(data: ScopeState | undefined): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (!data) return out;
  for (const type of Object.keys(data).sort()) {
    const content = data[type]?.content;
    if (content) out[type] = content;
  }
  return out;
}

/**
 * Whether a change means "no such entry" in its scope: `{}` everywhere, and room `m.tag` without
 * any tag. Synapse builds `m.tag` from its tags table; removing the last tag arrives as
 * `{"tags":{}}`, while initial syncs leave the type out (docs/protocol.md §9), so both are deletions.
 */
export function meansDeleted(scope: AccountDataScope, type: string, content: JsonObject): boolean {
  if (isEmptyContent(content)) return true;
  return scope.kind === 'room' && type === M_TAG && jsonEqual(content, { tags: {} });
}

/** Builds the fold for entries decorated by `decorate` (identity for plain {@link EntryState}). */
export function createAccountDataFold<E extends EntryState>(
  decorate: (entry: EntryState) => E,
): AccountDataFold<E> {
  const liveEntry = (type: string, content: JsonObject, changedAt?: number): E => {
    const entry: EntryState = { type, content, isDeleted: false };
    if (changedAt !== undefined) entry.changedAt = changedAt;
    return decorate(entry);
  };

  const tombstone = (type: string, previous: E | undefined, changedAt?: number): E => {
    const lastContent = previous?.content ?? previous?.lastContent;
    const entry: EntryState = { type, content: null, isDeleted: true };
    if (lastContent) entry.lastContent = lastContent;
    entry.deletion = { by: 'elsewhere' };
    if (changedAt !== undefined) {
      entry.changedAt = changedAt;
      entry.deletion.at = changedAt;
    }
    return decorate(entry);
  };

  /** Whether a live entry already holds `content` (a repeat keeps the entry's identity). */
  const holds = (entry: E, content: JsonObject): boolean =>
    !entry.isDeleted && entry.content !== null && jsonEqual(entry.content, content);

  /** Applies one change (`{}` = delete) to a scope, returning the same object when nothing changed. */
  const applyChange = (
    data: ScopeState<E>,
    type: string,
    content: JsonObject,
    now: number,
  ): ScopeState<E> => {
    const previous = data[type];
    if (isEmptyContent(content)) {
      if (previous?.isDeleted) return data;
      return { ...data, [type]: tombstone(type, previous, now) };
    }
    if (previous && holds(previous, content)) return data;
    return { ...data, [type]: liveEntry(type, content, now) };
  };

  /**
   * Replaces a scope wholesale from a snapshot. Types we knew that are missing now become
   * tombstones (after `M_UNKNOWN_POS` the server's snapshot is the truth, docs/protocol.md §4.5);
   * explicit `deleted` types (Synapse sends deleted room types as `{}` on a room's first send,
   * docs/protocol.md §3) are tombstones too. Unchanged entries keep their identity.
   */
  const replaceScope = (
    previous: ScopeState<E> | undefined,
    snapshot: Record<string, JsonObject>,
    deleted: readonly string[],
    now: number,
  ): ScopeState<E> => {
    const next: Record<string, E> = {};
    for (const [type, content] of Object.entries(snapshot)) {
      const old = previous?.[type];
      if (isEmptyContent(content)) {
        next[type] = old?.isDeleted ? old : tombstone(type, old, previous ? now : undefined);
        continue;
      }
      next[type] = old && holds(old, content) ? old : liveEntry(type, content, old ? now : undefined);
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
  };

  const foldSyncBatch = (
    state: FoldState<E>,
    batch: readonly SyncEvent[],
    now: number,
    options: FoldOptions = {},
  ): FoldState<E> => {
    const skip = options.skip ?? (() => false);
    let global = state.global;
    let order = state.rooms.order;
    // Copied at most once per batch, on the first room change; new rooms are appended once at the end.
    let byId: Map<string, RoomState<E>> | undefined;
    let devices: Map<string, ScopeState<E>> | undefined;
    const added: string[] = [];
    const removed = new Set<string>();
    let isComplete = state.rooms.isComplete;
    const rooms = (): Map<string, RoomState<E>> => (byId ??= new Map(state.rooms.byId));
    const roomOf = (roomId: string): RoomState<E> => {
      const existing = (byId ?? state.rooms.byId).get(roomId);
      if (existing) return existing;
      const created: RoomState<E> = { info: { roomId, name: roomId }, data: {} };
      rooms().set(roomId, created);
      if (removed.has(roomId)) removed.delete(roomId);
      else added.push(roomId);
      return created;
    };
    const change = (scope: AccountDataScope, type: string, given: JsonObject) => {
      if (skip(entryKey(scope, type))) return;
      const content = meansDeleted(scope, type, given) ? {} : given;
      switch (scope.kind) {
        case 'global':
          global = applyChange(global, type, content, now);
          break;
        case 'room': {
          const room = roomOf(scope.roomId);
          const data = applyChange(room.data, type, content, now);
          if (data !== room.data) rooms().set(scope.roomId, { ...room, data });
          break;
        }
        case 'device': {
          const current = (devices ?? state.devices).get(scope.deviceId) ?? {};
          const data = applyChange(current, type, content, now);
          if (data !== current) (devices ??= new Map(state.devices)).set(scope.deviceId, data);
          break;
        }
      }
    };

    for (const event of batch) {
      switch (event.kind) {
        case 'global-snapshot':
          // The first snapshot has nothing to compare with: its tombstones (`{}` rows a server
          // without MSC3391 keeps, docs/protocol.md §3) predate us and get no "changed" time.
          global = replaceScope(
            Object.keys(global).length === 0 ? undefined : global,
            event.data,
            event.deleted,
            now,
          );
          break;
        case 'room-snapshot': {
          const room = roomOf(event.roomId);
          // A room seen for the first time has nothing to compare with: its entries, tombstones
          // included, predate us and get no "changed" time.
          const previous = Object.keys(room.data).length === 0 ? undefined : room.data;
          rooms().set(event.roomId, {
            ...room,
            data: replaceScope(previous, event.data, event.deleted, now),
          });
          break;
        }
        case 'changed':
          change(event.scope, event.type, event.content);
          break;
        case 'deleted':
          change(event.scope, event.type, {});
          break;
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
        case 'device-list-changed':
          // Not account data: the device list is read over REST (the app refetches on this event).
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
      devices: devices ?? state.devices,
    };
  };

  return { liveEntry, tombstone, applyChange, replaceScope, foldSyncBatch };
}

/** The fold over plain entries (the CLI). */
export const plainFold: AccountDataFold<EntryState> = createAccountDataFold((entry) => entry);
