import { describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../matrix/types.ts';
import { emptyDevices, emptyRooms, foldSyncBatch, type RoomsData, type ScopeData } from './model.ts';
import {
  anyProvisional,
  clearProvisional,
  mergeProvisional,
  type ProvisionalSnapshot,
} from './provisional.ts';

const snapshot: ProvisionalSnapshot = {
  global: { 'm.direct': { '@b:x': ['!a:x'] }, 'x.gone': { v: 1 } },
  rooms: {
    '!a:x': { 'x.room': { n: 1 } },
    '!b:x': { 'x.room': { n: 2 } },
    '!left:x': { 'x.room': { n: 3 } },
  },
  joinedRooms: new Set(['!a:x', '!b:x']),
};

/** Folds sync events the way the bridge does: clear provisional first, then the fold. */
function syncFold(state: { global: ScopeData; rooms: RoomsData }, batch: SyncEvent[]) {
  const base = clearProvisional(state, batch);
  const next = foldSyncBatch({ ...base, devices: emptyDevices }, batch, 1000);
  return { global: next.global, rooms: next.rooms };
}

describe('mergeProvisional (the admin fast path, ADR 013)', () => {
  it('fills empty caches, marks every entry provisional and skips rooms the user is not joined to', () => {
    const merged = mergeProvisional({ global: undefined, rooms: undefined }, snapshot, false);
    expect(Object.keys(merged.global ?? {})).toEqual(['m.direct', 'x.gone']);
    expect(merged.global?.['m.direct']).toMatchObject({ isProvisional: true, isDeleted: false });
    expect(merged.global?.['m.direct']?.changedAt).toBeUndefined();
    expect(merged.rooms?.order).toEqual(['!a:x', '!b:x']);
    expect(merged.rooms?.byId.get('!a:x')?.info.name).toBe('!a:x');
    expect(merged.rooms?.isComplete).toBe(false);
    expect(merged.added).toEqual({ entries: 4, rooms: 2 });
  });

  it('never touches global data once sync delivered its snapshot, nor resurrects a tombstone', () => {
    const synced = syncFold({ global: {}, rooms: emptyRooms }, [
      { kind: 'global-snapshot', data: { 'm.direct': { '@c:x': [] } }, deleted: [] },
    ]);
    expect(mergeProvisional(synced, snapshot, true).global).toBe(synced.global);
    // Before the snapshot, a sync-deleted entry (a tombstone) still wins over the admin data.
    const deleted = syncFold({ global: {}, rooms: emptyRooms }, [
      { kind: 'deleted', scope: { kind: 'global' }, type: 'x.gone' },
    ]);
    const merged = mergeProvisional(deleted, snapshot, false);
    expect(merged.global?.['x.gone']?.isDeleted).toBe(true);
    expect(merged.global?.['m.direct']?.isProvisional).toBe(true);
  });

  it('leaves rooms sync delivered alone, even when they hold fewer entries', () => {
    const synced = syncFold({ global: {}, rooms: emptyRooms }, [
      { kind: 'room-added', room: { roomId: '!a:x', name: 'A' } },
      { kind: 'room-snapshot', roomId: '!a:x', data: {}, deleted: [] },
    ]);
    const merged = mergeProvisional(synced, snapshot, true);
    expect(merged.rooms?.byId.get('!a:x')?.data).toEqual({});
    expect(merged.rooms?.byId.get('!b:x')?.data['x.room']?.isProvisional).toBe(true);
    expect(merged.rooms?.order).toEqual(['!a:x', '!b:x']);
  });

  it('returns the same objects when there is nothing to add', () => {
    const state = mergeProvisional({ global: undefined, rooms: undefined }, snapshot, false);
    const again = mergeProvisional(state, snapshot, false);
    expect(again.global).toBe(state.global);
    expect(again.rooms).toBe(state.rooms);
    expect(again.added).toEqual({ entries: 0, rooms: 0 });
  });
});

describe('clearProvisional: sync replaces the provisional snapshot as it arrives', () => {
  const start = () => {
    const merged = mergeProvisional({ global: undefined, rooms: undefined }, snapshot, false);
    return { global: merged.global ?? {}, rooms: merged.rooms ?? emptyRooms };
  };

  it("replaces the global scope with sync's snapshot without marking anything changed or deleted", () => {
    const next = syncFold(start(), [
      { kind: 'global-snapshot', data: { 'm.direct': { '@b:x': ['!a:x'] } }, deleted: [] },
    ]);
    expect(Object.keys(next.global)).toEqual(['m.direct']);
    expect(next.global['m.direct']?.isProvisional).toBeUndefined();
    expect(next.global['m.direct']?.changedAt).toBeUndefined();
  });

  it("replaces a room on sync's first send and renames it, the other rooms staying provisional", () => {
    const next = syncFold(start(), [
      { kind: 'room-added', room: { roomId: '!a:x', name: 'Room A' } },
      { kind: 'room-snapshot', roomId: '!a:x', data: { 'x.other': { k: 1 } }, deleted: [] },
    ]);
    const a = next.rooms.byId.get('!a:x');
    expect(a?.info.name).toBe('Room A');
    expect(Object.keys(a?.data ?? {})).toEqual(['x.other']);
    expect(a?.data['x.other']?.changedAt).toBeUndefined();
    expect(next.rooms.byId.get('!b:x')?.data['x.room']?.isProvisional).toBe(true);
    expect(next.rooms.order).toEqual(['!a:x', '!b:x']);
  });

  it('a live change or deletion of a provisional entry replaces it', () => {
    const next = syncFold(start(), [
      { kind: 'deleted', scope: { kind: 'global' }, type: 'x.gone' },
      { kind: 'changed', scope: { kind: 'room', roomId: '!b:x' }, type: 'x.room', content: { n: 9 } },
    ]);
    expect(next.global['x.gone']).toMatchObject({ isDeleted: true });
    expect(next.global['x.gone']?.isProvisional).toBeUndefined();
    expect(next.rooms.byId.get('!b:x')?.data['x.room']).toMatchObject({ content: { n: 9 } });
    expect(next.rooms.byId.get('!b:x')?.data['x.room']?.isProvisional).toBeUndefined();
  });

  it('once sync covered every room, drops what is still provisional and the rooms sync never listed', () => {
    const next = syncFold(start(), [
      { kind: 'global-snapshot', data: {}, deleted: [] },
      { kind: 'room-added', room: { roomId: '!a:x', name: 'Room A' } },
      { kind: 'room-snapshot', roomId: '!a:x', data: { 'x.room': { n: 1 } }, deleted: [] },
      { kind: 'initial-complete', roomCount: 1 },
    ]);
    expect(next.rooms.order).toEqual(['!a:x']);
    expect([...next.rooms.byId.keys()]).toEqual(['!a:x']);
    expect(next.rooms.isComplete).toBe(true);
    expect(anyProvisional(next)).toBe(false);
  });

  it('returns the same objects for a batch that touches nothing provisional', () => {
    const state = start();
    const batch: SyncEvent[] = [{ kind: 'status', status: { state: 'live' } }];
    expect(clearProvisional(state, batch)).toBe(state);
  });
});
