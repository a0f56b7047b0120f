import { describe, expect, it } from 'vitest';
import { emptyFoldState, plainFold } from './account-data-fold.ts';

const { foldSyncBatch } = plainFold;

describe('the fold: tombstones from snapshots and deltas (#8)', () => {
  it('makes tombstones of the deleted types of a first global snapshot, with no time (they predate us)', () => {
    const out = foldSyncBatch(
      emptyFoldState(),
      [{ kind: 'global-snapshot', data: { 'org.kept': { v: 1 } }, deleted: ['org.emptied'] }],
      10,
    );
    expect(out.global['org.emptied']).toEqual({
      type: 'org.emptied',
      content: null,
      isDeleted: true,
      deletion: { by: 'elsewhere' },
    });
    expect(out.global['org.kept']).toMatchObject({ isDeleted: false, content: { v: 1 } });
    expect(out.global['org.kept']?.changedAt).toBeUndefined();
  });

  it('dates a deletion seen in a later snapshot (expired pos resync) and keeps the last content', () => {
    const first = foldSyncBatch(
      emptyFoldState(),
      [{ kind: 'global-snapshot', data: { a: { v: 1 } }, deleted: [] }],
      10,
    );
    const out = foldSyncBatch(first, [{ kind: 'global-snapshot', data: {}, deleted: ['a'] }], 20);
    expect(out.global.a).toMatchObject({
      isDeleted: true,
      lastContent: { v: 1 },
      changedAt: 20,
      deletion: { by: 'elsewhere', at: 20 },
    });
  });

  it('records when a live deletion was seen, global and room alike', () => {
    const start = foldSyncBatch(
      emptyFoldState(),
      [
        { kind: 'global-snapshot', data: { g: { v: 1 } }, deleted: [] },
        { kind: 'room-snapshot', roomId: '!r:x', data: { t: { v: 2 } }, deleted: [] },
      ],
      10,
    );
    const out = foldSyncBatch(
      start,
      [
        { kind: 'deleted', scope: { kind: 'global' }, type: 'g' },
        { kind: 'changed', scope: { kind: 'room', roomId: '!r:x' }, type: 't', content: {} },
      ],
      30,
    );
    expect(out.global.g?.deletion).toEqual({ by: 'elsewhere', at: 30 });
    expect(out.rooms.byId.get('!r:x')?.data.t?.deletion).toEqual({ by: 'elsewhere', at: 30 });
  });

  it('keeps a tombstone (and how it came about) when the deletion is delivered again', () => {
    const start = foldSyncBatch(
      emptyFoldState(),
      [{ kind: 'global-snapshot', data: {}, deleted: ['g'] }],
      10,
    );
    const again = foldSyncBatch(start, [{ kind: 'global-snapshot', data: {}, deleted: ['g'] }], 20);
    expect(again.global.g).toBe(start.global.g);
    const delta = foldSyncBatch(again, [{ kind: 'deleted', scope: { kind: 'global' }, type: 'g' }], 30);
    expect(delta.global).toBe(again.global);
  });

  it('revives a tombstone from the initial data without carrying the deletion over', () => {
    const start = foldSyncBatch(
      emptyFoldState(),
      [{ kind: 'global-snapshot', data: {}, deleted: ['g'] }],
      10,
    );
    const out = foldSyncBatch(
      start,
      [{ kind: 'changed', scope: { kind: 'global' }, type: 'g', content: { back: true } }],
      20,
    );
    expect(out.global.g).toEqual({ type: 'g', content: { back: true }, isDeleted: false, changedAt: 20 });
  });
});

describe('the fold: room m.tag without tags (#8)', () => {
  const withTags = foldSyncBatch(
    emptyFoldState(),
    [
      { kind: 'global-snapshot', data: { 'm.tag': { tags: {} } }, deleted: [] },
      {
        kind: 'room-snapshot',
        roomId: '!r:x',
        data: { 'm.tag': { tags: { 'm.favourite': {} } }, 'org.other': { tags: { a: {} } } },
        deleted: [],
      },
    ],
    10,
  );

  it('is a deletion: the last tag removed arrives as {"tags":{}} (docs/protocol.md §9)', () => {
    const out = foldSyncBatch(
      withTags,
      [{ kind: 'changed', scope: { kind: 'room', roomId: '!r:x' }, type: 'm.tag', content: { tags: {} } }],
      20,
    );
    expect(out.rooms.byId.get('!r:x')?.data['m.tag']).toMatchObject({
      isDeleted: true,
      lastContent: { tags: { 'm.favourite': {} } },
      deletion: { by: 'elsewhere', at: 20 },
    });
  });

  it('only for room m.tag: other types and a global m.tag keep {"tags":{}} as content', () => {
    const out = foldSyncBatch(
      withTags,
      [
        {
          kind: 'changed',
          scope: { kind: 'room', roomId: '!r:x' },
          type: 'org.other',
          content: { tags: {} },
        },
        { kind: 'changed', scope: { kind: 'global' }, type: 'm.tag', content: { tags: {} } },
      ],
      20,
    );
    expect(out.rooms.byId.get('!r:x')?.data['org.other']).toMatchObject({
      isDeleted: false,
      content: { tags: {} },
    });
    expect(out.global['m.tag']).toMatchObject({ isDeleted: false, content: { tags: {} } });
  });
});

describe('the fold: device events (#10)', () => {
  it('folds MSC4331 device deltas into the device scope and ignores device-list-changed', () => {
    const first = foldSyncBatch(
      emptyFoldState(),
      [
        { kind: 'global-snapshot', data: { a: { v: 1 } }, deleted: [] },
        { kind: 'changed', scope: { kind: 'device', deviceId: 'D' }, type: 'org.d', content: { d: 1 } },
      ],
      10,
    );
    expect(first.devices.get('D')?.['org.d']).toMatchObject({ isDeleted: false, content: { d: 1 } });
    const after = foldSyncBatch(first, [{ kind: 'device-list-changed' }], 20);
    expect(after.global).toBe(first.global);
    expect(after.rooms).toBe(first.rooms);
    expect(after.devices).toBe(first.devices);
  });
});
