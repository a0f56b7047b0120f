import { entryKey } from '../../matrix/entry-key.ts';
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  liveEntry,
  replaceScope,
  type ScopeData,
} from './model.ts';

describe('applyChange', () => {
  it('adds an entry with pretty text and byte size', () => {
    const next = applyChange({}, 'm.direct', { '@b:x': ['!r:x'] }, 5);
    expect(next['m.direct']).toMatchObject({
      content: { '@b:x': ['!r:x'] },
      isDeleted: false,
      size: JSON.stringify({ '@b:x': ['!r:x'] }).length,
      changedAt: 5,
    });
    expect(next['m.direct']?.text).toBe('{\n  "@b:x": [\n    "!r:x"\n  ]\n}');
  });

  it('counts bytes, not UTF-16 code units', () => {
    expect(liveEntry('x', { e: '😀' }).size).toBe(new TextEncoder().encode('{"e":"😀"}').length);
  });

  it('turns {} into a tombstone that remembers the last content', () => {
    const before = applyChange({}, 't', { a: 1 }, 1);
    const after = applyChange(before, 't', {}, 2);
    expect(after.t).toMatchObject({ isDeleted: true, content: null, lastContent: { a: 1 }, changedAt: 2 });
  });

  it('returns the same object when nothing changed', () => {
    const before = applyChange({}, 't', { a: 1 }, 1);
    expect(applyChange(before, 't', { a: 1 }, 2)).toBe(before);
    const deleted = applyChange(before, 't', {}, 3);
    expect(applyChange(deleted, 't', {}, 4)).toBe(deleted);
  });

  it('revives a tombstone with new content', () => {
    const deleted = applyChange(applyChange({}, 't', { a: 1 }, 1), 't', {}, 2);
    expect(applyChange(deleted, 't', { b: 2 }, 3).t).toMatchObject({ isDeleted: false, content: { b: 2 } });
  });
});

describe('replaceScope', () => {
  it('tombstones types missing from a snapshot (expired pos resync)', () => {
    const prev: ScopeData = applyChange(applyChange({}, 'a', { x: 1 }, 1), 'b', { y: 2 }, 1);
    const next = replaceScope(prev, { a: { x: 1 } }, [], 9);
    expect(next.a).toBe(prev.a);
    expect(next.b).toMatchObject({ isDeleted: true, lastContent: { y: 2 }, changedAt: 9 });
  });

  it('keeps explicit deletions and {} rows as tombstones', () => {
    const next = replaceScope(undefined, { a: {}, b: { k: true } }, ['c'], 1);
    expect(next.a?.isDeleted).toBe(true);
    expect(next.b?.isDeleted).toBe(false);
    expect(next.c?.isDeleted).toBe(true);
    // First sight: no "changed" time, the value predates us.
    expect(next.b?.changedAt).toBeUndefined();
  });
});

describe('foldSyncBatch', () => {
  it('applies a whole batch, creating rooms on first sight', () => {
    const out = foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      [
        { kind: 'global-snapshot', data: { 'm.direct': { '@a:x': [] } }, deleted: [] },
        { kind: 'room-added', room: { roomId: '!1:x', name: 'One' } },
        { kind: 'room-snapshot', roomId: '!1:x', data: { 'm.tag': { tags: {} } }, deleted: ['old'] },
        { kind: 'changed', scope: { kind: 'room', roomId: '!2:x' }, type: 'x', content: { v: 1 } },
        { kind: 'initial-complete', roomCount: 2 },
      ],
      10,
    );
    expect(Object.keys(out.global)).toEqual(['m.direct']);
    expect(out.rooms.order).toEqual(['!1:x', '!2:x']);
    expect(out.rooms.byId.get('!1:x')?.info.name).toBe('One');
    expect(out.rooms.byId.get('!1:x')?.data.old?.isDeleted).toBe(true);
    expect(out.rooms.byId.get('!2:x')?.data.x?.content).toEqual({ v: 1 });
    expect(out.rooms.isComplete).toBe(true);
  });

  it('gives a room\'s first-send tombstones no "changed" time (regression: showed "changed just now")', () => {
    const out = foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      [
        { kind: 'room-added', room: { roomId: '!1:x', name: 'One' } },
        { kind: 'room-snapshot', roomId: '!1:x', data: { a: { v: 1 } }, deleted: ['gone'] },
      ],
      10,
    );
    expect(out.rooms.byId.get('!1:x')?.data.gone).toMatchObject({ isDeleted: true });
    expect(out.rooms.byId.get('!1:x')?.data.gone?.changedAt).toBeUndefined();
    expect(out.rooms.byId.get('!1:x')?.data.a?.changedAt).toBeUndefined();
  });

  it('removes rooms and leaves untouched state identical', () => {
    const state = foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      [{ kind: 'room-added', room: { roomId: '!1:x', name: 'One' } }],
      1,
    );
    const same = foldSyncBatch(state, [{ kind: 'status', status: { state: 'live' } }], 2);
    expect(same.rooms).toBe(state.rooms);
    expect(same.global).toBe(state.global);
    const removed = foldSyncBatch(state, [{ kind: 'room-removed', roomId: '!1:x' }], 3);
    expect(removed.rooms.order).toEqual([]);
    expect(removed.rooms.byId.get('!1:x')).toBeUndefined();
  });

  it('keeps order right when rooms come and go within one batch', () => {
    const start = foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      [
        { kind: 'room-added', room: { roomId: '!a:x', name: 'A' } },
        { kind: 'room-added', room: { roomId: '!b:x', name: 'B' } },
      ],
      1,
    );
    const out = foldSyncBatch(
      start,
      [
        { kind: 'room-added', room: { roomId: '!c:x', name: 'C' } },
        { kind: 'room-removed', roomId: '!c:x' },
        { kind: 'room-removed', roomId: '!a:x' },
        { kind: 'room-added', room: { roomId: '!d:x', name: 'D' } },
      ],
      2,
    );
    expect(out.rooms.order).toEqual(['!b:x', '!d:x']);
    expect([...out.rooms.byId.keys()].sort()).toEqual(['!b:x', '!d:x']);
    // The input state is never mutated.
    expect(start.rooms.order).toEqual(['!a:x', '!b:x']);
    expect(start.rooms.byId.has('!a:x')).toBe(true);
  });

  it('skips pushes for keys with a pending write', () => {
    const state = {
      global: applyChange({}, 't', { mine: true }, 1),
      rooms: emptyRooms,
      devices: emptyDevices,
    };
    const out = foldSyncBatch(
      state,
      [{ kind: 'changed', scope: { kind: 'global' }, type: 't', content: { stale: true } }],
      2,
      { skip: (key) => key === entryKey({ kind: 'global' }, 't') },
    );
    expect(out.global.t?.content).toEqual({ mine: true });
  });

  it('records deletions from deleted events', () => {
    const state = { global: applyChange({}, 't', { a: 1 }, 1), rooms: emptyRooms, devices: emptyDevices };
    const out = foldSyncBatch(state, [{ kind: 'deleted', scope: { kind: 'global' }, type: 't' }], 2);
    expect(out.global.t).toMatchObject({ isDeleted: true, lastContent: { a: 1 } });
  });
});
