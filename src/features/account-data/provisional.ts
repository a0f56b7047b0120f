/**
 * The admin fast path's merge rules (issue #13, ADR 013): an admin's own account data, read in one
 * request from Synapse's admin API (docs/protocol.md §2 "Listing everything"), is shown as a
 * *provisional* snapshot while sync catches up. Sync stays the source of truth:
 *
 * - only entries and rooms sync has not delivered yet are filled (global: until sync's first global
 *   snapshot; a room: while it is unknown to sync, or holds nothing but provisional entries);
 * - an entry sync delivered — a tombstone too — is never touched, so nothing sync deleted comes back;
 * - rooms are added only when the user is joined to them (`GET /v3/joined_rooms`, read next to the
 *   snapshot): the admin API also lists rooms the user left or never joined;
 * - before a sync batch is folded, provisional entries of every scope it delivers are dropped
 *   ({@link clearProvisional}), so the fold sees sync's data as the first it knows and marks nothing
 *   as "changed"; once sync covered every room, whatever is still provisional goes.
 *
 * Pure: the sync bridge calls these with the caches' values.
 */
import type { SyncEvent } from '../../matrix/types.ts';
import { emptyRooms, liveEntry, type Entry, type RoomData, type RoomsData, type ScopeData } from './model.ts';
import type { JsonObject } from '../../matrix/types.ts';

/** What the fast path read: the admin API's snapshot and the rooms the user is joined to. */
export type ProvisionalSnapshot = {
  global: Record<string, JsonObject>;
  rooms: Record<string, Record<string, JsonObject>>;
  joinedRooms: ReadonlySet<string>;
};

/** The caches a merge reads and writes. */
export type ProvisionalState = { global: ScopeData | undefined; rooms: RoomsData | undefined };

/** What {@link mergeProvisional} added. */
export type MergeCounts = { entries: number; rooms: number };

const provisionalEntry = (type: string, content: JsonObject): Entry => ({
  ...liveEntry(type, content),
  isProvisional: true,
});

/** True when sync has not delivered this room: every entry it holds (at least one) is provisional. */
function isProvisionalRoom(room: RoomData): boolean {
  const entries = Object.values(room.data);
  return entries.length > 0 && entries.every((e) => e.isProvisional === true);
}

function hasProvisional(data: ScopeData): boolean {
  for (const entry of Object.values(data)) if (entry.isProvisional) return true;
  return false;
}

function withoutProvisional(data: ScopeData): ScopeData {
  if (!hasProvisional(data)) return data;
  const out: Record<string, Entry> = {};
  for (const [type, entry] of Object.entries(data)) if (!entry.isProvisional) out[type] = entry;
  return out;
}

/**
 * Fills what sync has not delivered from the snapshot (see the module comment). `globalDelivered`:
 * sync's first global snapshot has landed. Returns the same objects when nothing was added.
 */
export function mergeProvisional(
  state: ProvisionalState,
  snapshot: ProvisionalSnapshot,
  globalDelivered: boolean,
): ProvisionalState & { added: MergeCounts } {
  let entries = 0;
  let global = state.global;
  if (!globalDelivered) {
    const base = global ?? {};
    const additions: Record<string, Entry> = {};
    for (const [type, content] of Object.entries(snapshot.global)) {
      if (base[type] !== undefined) continue;
      additions[type] = provisionalEntry(type, content);
      entries += 1;
    }
    if (entries > 0) global = { ...base, ...additions };
  }

  const rooms = state.rooms ?? emptyRooms;
  let byId: Map<string, RoomData> | undefined;
  const added: string[] = [];
  for (const [roomId, data] of Object.entries(snapshot.rooms)) {
    if (!snapshot.joinedRooms.has(roomId)) continue;
    const existing = rooms.byId.get(roomId);
    if (existing && !isProvisionalRoom(existing)) continue;
    const room: RoomData = existing ?? { info: { roomId, name: roomId }, data: {} };
    const additions: Record<string, Entry> = {};
    let count = 0;
    for (const [type, content] of Object.entries(data)) {
      if (room.data[type] !== undefined) continue;
      additions[type] = provisionalEntry(type, content);
      count += 1;
    }
    if (count === 0) continue;
    entries += count;
    (byId ??= new Map(rooms.byId)).set(roomId, { ...room, data: { ...room.data, ...additions } });
    if (!existing) added.push(roomId);
  }
  return {
    global,
    rooms:
      byId === undefined
        ? state.rooms
        : { ...rooms, order: added.length > 0 ? rooms.order.concat(added) : rooms.order, byId },
    added: { entries, rooms: added.length },
  };
}

/**
 * Drops the provisional entries of every scope `batch` delivers, before the batch is folded: the
 * global scope on a global snapshot, a room on any room event, one entry on a change. On
 * `initial-complete` (sync covered every room) it drops every provisional entry, and the rooms that
 * held nothing else — sync never listed them. Returns the same objects when nothing was provisional.
 */
export function clearProvisional(
  state: { global: ScopeData; rooms: RoomsData },
  batch: readonly SyncEvent[],
): { global: ScopeData; rooms: RoomsData } {
  let global = state.global;
  let byId: Map<string, RoomData> | undefined;
  const removed = new Set<string>();
  const current = (roomId: string) => (byId ?? state.rooms.byId).get(roomId);
  const clearRoom = (roomId: string, type?: string) => {
    const room = current(roomId);
    if (!room) return;
    let data: ScopeData;
    if (type === undefined) data = withoutProvisional(room.data);
    else if (room.data[type]?.isProvisional) {
      const { [type]: _gone, ...rest } = room.data;
      data = rest;
    } else return;
    if (data !== room.data) (byId ??= new Map(state.rooms.byId)).set(roomId, { ...room, data });
  };

  for (const event of batch) {
    switch (event.kind) {
      case 'global-snapshot':
        global = withoutProvisional(global);
        break;
      case 'room-snapshot':
      case 'room-removed':
        clearRoom(event.roomId);
        break;
      case 'room-added':
      case 'room-updated':
        clearRoom(event.room.roomId);
        break;
      case 'changed':
      case 'deleted':
        if (event.scope.kind === 'global' && global[event.type]?.isProvisional) {
          const { [event.type]: _gone, ...rest } = global;
          global = rest;
        } else if (event.scope.kind === 'room') {
          clearRoom(event.scope.roomId, event.type);
        }
        break;
      case 'initial-complete':
        global = withoutProvisional(global);
        for (const [roomId, room] of byId ?? state.rooms.byId) {
          if (!isProvisionalRoom(room)) continue;
          (byId ??= new Map(state.rooms.byId)).delete(roomId);
          removed.add(roomId);
        }
        for (const roomId of (byId ?? state.rooms.byId).keys()) clearRoom(roomId);
        break;
      default:
        break;
    }
  }
  if (byId === undefined && global === state.global) return state;
  return {
    global,
    rooms:
      byId === undefined
        ? state.rooms
        : {
            ...state.rooms,
            order: removed.size > 0 ? state.rooms.order.filter((id) => !removed.has(id)) : state.rooms.order,
            byId,
          },
  };
}

/** Whether any entry is still provisional (the bridge stops looking once none is). */
export function anyProvisional(state: {
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
}): boolean {
  if (state.global && hasProvisional(state.global)) return true;
  for (const room of state.rooms?.byId.values() ?? []) if (hasProvisional(room.data)) return true;
  return false;
}
