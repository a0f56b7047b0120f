import { describe, expect, it } from 'vitest';
import { foldSnapshot } from './snapshot.ts';

describe('foldSnapshot (admin mode, ADR 013)', () => {
  it('fills the caches from a first read: nothing "changed", rooms named by ID and complete', () => {
    const state = foldSnapshot(
      { global: undefined, rooms: undefined },
      { global: { 'm.direct': { a: [] } }, rooms: { '!r:x': { 'x.t': { n: 1 } } } },
      5,
    );
    expect(state.global['m.direct']).toMatchObject({ content: { a: [] }, isDeleted: false });
    expect(state.global['m.direct']?.changedAt).toBeUndefined();
    expect(state.rooms.byId.get('!r:x')?.info.name).toBe('!r:x');
    expect(state.rooms.isComplete).toBe(true);
  });

  it('a re-read marks changes and turns what disappeared into tombstones, keeping what did not change', () => {
    const first = foldSnapshot(
      { global: undefined, rooms: undefined },
      { global: { keep: { k: 1 }, edit: { v: 1 }, gone: { g: 1 } }, rooms: { '!r:x': { 'x.t': { n: 1 } } } },
      5,
    );
    const second = foldSnapshot(first, { global: { keep: { k: 1 }, edit: { v: 2 } }, rooms: {} }, 9);
    expect(second.global.keep).toBe(first.global.keep);
    expect(second.global.edit).toMatchObject({ content: { v: 2 }, changedAt: 9 });
    expect(second.global.gone).toMatchObject({ isDeleted: true, lastContent: { g: 1 } });
    expect(second.rooms.byId.get('!r:x')?.data['x.t']?.isDeleted).toBe(true);
  });
});
