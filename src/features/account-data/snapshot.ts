/**
 * A whole-account snapshot read outside sync — an admin's read-only look at another user through
 * Synapse's admin API (ADR 013, docs/protocol.md §2 "Listing everything") — folded into the same
 * cache shapes sync fills, so the same tree and editor show it. A re-read (Refresh) goes through the
 * fold's `replaceScope`: what changed since the last read gets a "changed" time, what disappeared
 * becomes a tombstone, and unchanged entries keep their identity.
 */
import type { JsonObject } from '../../matrix/types.ts';
import { emptyRooms, replaceScope, type RoomData, type RoomsData, type ScopeData } from './model.ts';

export type Snapshot = {
  global: Record<string, JsonObject>;
  rooms: Record<string, Record<string, JsonObject>>;
};

/**
 * The caches after reading `snapshot` at `now`, given what the previous read left (undefined: the
 * first read). Rooms are named by their ID (the admin API has no names) and complete at once.
 */
export function foldSnapshot(
  previous: { global: ScopeData | undefined; rooms: RoomsData | undefined },
  snapshot: Snapshot,
  now: number,
): { global: ScopeData; rooms: RoomsData } {
  const global = replaceScope(previous.global, snapshot.global, [], now);
  const old = previous.rooms ?? emptyRooms;
  const byId = new Map<string, RoomData>();
  const order: string[] = [];
  for (const [roomId, data] of Object.entries(snapshot.rooms)) {
    const room = old.byId.get(roomId);
    byId.set(roomId, {
      info: room?.info ?? { roomId, name: roomId },
      data: replaceScope(room?.data, data, [], now),
    });
    order.push(roomId);
  }
  // A room gone from the snapshot keeps its entries as tombstones, so a Refresh shows the deletion.
  for (const roomId of old.order) {
    if (byId.has(roomId)) continue;
    const room = old.byId.get(roomId);
    if (!room) continue;
    byId.set(roomId, { ...room, data: replaceScope(room.data, {}, [], now) });
    order.push(roomId);
  }
  return { global, rooms: { order, byId, isComplete: true } };
}
