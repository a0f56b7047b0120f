import { IDBDatabase as FakeIDBDatabase, IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalDb } from '../../../lib/local-db.ts';
import { entryKey, type EntryKey } from '../../../matrix/entry-key.ts';
import type { AccountDataScope, JsonObject, SyncEvent } from '../../../matrix/types.ts';
import type { WriteEvent } from '../write-events.ts';
import type { HistoryReader } from '../use-history.ts';
import { HistoryStore, type HistoryStoreOptions } from './history-store.ts';
import { WRITE_SLICE } from './history-writer.ts';

const ME = '@me:example.org';
const GLOBAL: AccountDataScope = { kind: 'global' };
const ROOM: AccountDataScope = { kind: 'room', roomId: '!r:example.org' };
const DIRECT = entryKey(GLOBAL, 'm.direct');
const TAG = entryKey(ROOM, 'm.tag');

let dbName = 0;
let db: LocalDb;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  db = new LocalDb(`history-test-${++dbName}`);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

/** A store that flushes only when told (tests call `flush()`). */
function store(options: HistoryStoreOptions = {}, local: LocalDb = db, account = ME): HistoryStore {
  return new HistoryStore(local, account, { schedule: () => undefined, ...options });
}

const globalSnapshot = (data: Record<string, JsonObject>, deleted?: string[]): SyncEvent =>
  // `deleted` on global snapshots is being added alongside this store; built loosely on purpose.
  ({ kind: 'global-snapshot', data, ...(deleted ? { deleted } : {}) }) as SyncEvent;
const changed = (scope: AccountDataScope, type: string, content: JsonObject): SyncEvent => ({
  kind: 'changed',
  scope,
  type,
  content,
});
const deleted = (scope: AccountDataScope, type: string): SyncEvent => ({ kind: 'deleted', scope, type });
const write = (fields: Partial<WriteEvent> & { content: JsonObject | null }): WriteEvent =>
  ({
    scope: GLOBAL,
    type: 'm.direct',
    action: 'save',
    at: 100,
    outcome: 'ok',
    method: 'PUT',
    ...fields,
  }) as WriteEvent;

const contents = async (history: HistoryStore, key: EntryKey) =>
  (await history.versions(key)).map((v) => v.content);

describe('HistoryStore: what is stored (issue #8)', () => {
  it('stores the initial snapshot as initial versions and changes as live ones, newest first', async () => {
    const history = store();
    history.recordBatch(
      [
        globalSnapshot({ 'm.direct': { '@a:x': ['!1'] } }),
        {
          kind: 'room-snapshot',
          roomId: ROOM.roomId,
          data: { 'm.tag': { tags: { u: {} } } },
          deleted: ['x.old'],
        },
      ],
      10,
    );
    history.recordBatch([changed(GLOBAL, 'm.direct', { '@a:x': ['!2'] })], 20);
    history.recordBatch([deleted(GLOBAL, 'm.direct')], 30);

    const versions = await history.versions(DIRECT);
    expect(versions.map((v) => [v.source, v.at, v.content, v.size])).toEqual([
      ['live', 30, null, 0],
      ['live', 20, { '@a:x': ['!2'] }, 15],
      ['initial', 10, { '@a:x': ['!1'] }, 15],
    ]);
    expect(versions[0]).toMatchObject({ account: ME, entry: DIRECT });
    expect(await contents(history, TAG)).toEqual([{ tags: { u: {} } }]);
    // A type the room snapshot reports deleted is a deleted initial version.
    expect(await history.versions(entryKey(ROOM, 'x.old'))).toMatchObject([
      { source: 'initial', content: null },
    ]);
  });

  it('stores a version only when it differs from the latest one (repeats, reordered keys)', async () => {
    const history = store();
    history.recordBatch([globalSnapshot({ 'm.direct': { a: 1, b: 2 } })], 1);
    history.recordBatch([changed(GLOBAL, 'm.direct', { a: 1, b: 2 })], 2);
    history.recordBatch([changed(GLOBAL, 'm.direct', { b: 2, a: 1 })], 3);
    history.recordBatch(
      [changed(GLOBAL, 'm.direct', { a: 1, b: 3 }), changed(GLOBAL, 'm.direct', { a: 1, b: 3 })],
      4,
    );
    history.recordBatch([deleted(GLOBAL, 'm.direct'), changed(GLOBAL, 'm.direct', {})], 5);
    expect(await contents(history, DIRECT)).toEqual([null, { a: 1, b: 3 }, { a: 1, b: 2 }]);
  });

  it('records global snapshot deletions when the snapshot reports them', async () => {
    const history = store();
    history.recordBatch([globalSnapshot({ 'm.direct': { a: 1 } }, ['x.gone'])], 1);
    expect(await history.versions(entryKey(GLOBAL, 'x.gone'))).toMatchObject([
      { source: 'initial', content: null },
    ]);
  });

  it('records own writes with their outcome; a failed write is stored but never the latest version', async () => {
    const history = store();
    history.recordBatch([globalSnapshot({ 'm.direct': { v: 1 } })], 1);
    history.recordWrite(write({ content: { v: 2 }, at: 2 }));
    // The sync's echo of our write is not stored again.
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 3);
    history.recordWrite(write({ content: { v: 3 }, at: 4, outcome: 'failed', error: 'M_FORBIDDEN' }));
    // Still { v: 2 } on the server: a repeat of it is not a change…
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 5);
    // …while { v: 3 } from another client is.
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 3 })], 6);
    history.recordWrite(write({ content: null, at: 7, action: 'delete', method: 'DELETE' }));

    const versions = await history.versions(DIRECT);
    expect(versions.map((v) => [v.source, v.content, v.write])).toEqual([
      ['this-app', null, { action: 'delete', outcome: 'ok', method: 'DELETE' }],
      ['live', { v: 3 }, undefined],
      ['this-app', { v: 3 }, { action: 'save', outcome: 'failed', error: 'M_FORBIDDEN' }],
      ['this-app', { v: 2 }, { action: 'save', outcome: 'ok', method: 'PUT' }],
      ['initial', { v: 1 }, undefined],
    ]);
  });

  it('relabels the echo of our own write that arrived before the write settled (same flush or not)', async () => {
    const history = store();
    history.recordBatch([globalSnapshot({ 'm.direct': { v: 1 } })], 1);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 1000);
    history.recordWrite(write({ content: { v: 2 }, at: 1200 }));
    await history.flush();
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 3 })], 2000);
    await history.flush();
    history.recordWrite(write({ content: { v: 3 }, at: 2300, action: 'restore' }));
    // A write long after someone else stored the same content is our own version.
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 4 })], 3000);
    history.recordWrite(write({ content: { v: 4 }, at: 60_000 }));

    const versions = await history.versions(DIRECT);
    expect(versions.map((v) => [v.source, v.at, v.content, v.write?.action])).toEqual([
      ['this-app', 60_000, { v: 4 }, 'save'],
      ['live', 3000, { v: 4 }, undefined],
      ['this-app', 2000, { v: 3 }, 'restore'],
      ['this-app', 1000, { v: 2 }, 'save'],
      ['initial', 1, { v: 1 }, undefined],
    ]);
  });

  it('stores per-device and room changes under their own entries', async () => {
    const history = store();
    const device: AccountDataScope = { kind: 'device', deviceId: 'DEV' };
    history.recordBatch(
      [changed(device, 'x.a', { on: true }), changed(ROOM, 'm.tag', { tags: { u: {} } })],
      1,
    );
    expect(await contents(history, entryKey(device, 'x.a'))).toEqual([{ on: true }]);
    expect(await contents(history, TAG)).toEqual([{ tags: { u: {} } }]);
  });

  it('stores what the fold calls a deletion as one: room m.tag without tags (issue #8)', async () => {
    const history = store();
    history.recordBatch([changed(ROOM, 'm.tag', { tags: { u: {} } })], 1);
    history.recordWrite(write({ scope: ROOM, type: 'm.tag', content: { tags: {} }, method: 'TAGS', at: 2 }));
    history.recordBatch([changed(ROOM, 'm.tag', { tags: {} })], 3); // the echo
    history.recordBatch([{ kind: 'room-snapshot', roomId: ROOM.roomId, data: {}, deleted: [] }], 4); // signed in again
    expect((await history.versions(TAG)).map((v) => [v.source, v.content])).toEqual([
      ['this-app', null],
      ['live', { tags: { u: {} } }],
    ]);
  });
});

describe('HistoryStore: sessions and tabs', () => {
  it('survives reopening the database; an unchanged snapshot is not stored again', async () => {
    const first = store();
    const snapshot = globalSnapshot({ 'm.direct': { v: 1 }, 'x.kept': { k: 1 }, 'x.removed': { r: 1 } });
    first.recordBatch([snapshot], 1);
    first.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 2);
    await first.flush();
    db.close();

    const second = store({}, new LocalDb(db.name));
    expect(await contents(second, DIRECT)).toEqual([{ v: 2 }, { v: 1 }]);
    // Signed in again: m.direct unchanged, x.removed deleted meanwhile (MSC3391: missing from the snapshot).
    second.recordBatch([globalSnapshot({ 'm.direct': { v: 2 }, 'x.kept': { k: 1 } })], 10);
    expect(await contents(second, DIRECT)).toEqual([{ v: 2 }, { v: 1 }]);
    expect(await contents(second, entryKey(GLOBAL, 'x.kept'))).toEqual([{ k: 1 }]);
    expect(await second.versions(entryKey(GLOBAL, 'x.removed'))).toMatchObject([
      { source: 'initial', at: 10, content: null },
      { source: 'initial', at: 1, content: { r: 1 } },
    ]);
  });

  it('does not store a version twice when two tabs of the same account both see it', async () => {
    const tabA = store();
    const tabB = store({}, new LocalDb(db.name));
    tabA.recordBatch([globalSnapshot({ 'm.direct': { v: 1 } })], 1);
    await tabA.flush();
    tabB.recordBatch([globalSnapshot({ 'm.direct': { v: 1 } })], 2);
    await tabB.flush();
    tabA.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 3);
    await tabA.flush();
    tabB.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 4);
    expect(await contents(tabB, DIRECT)).toEqual([{ v: 2 }, { v: 1 }]);
  });

  it('checks a large flush (a first sync) against the other tab in one read', async () => {
    const tabA = store();
    const tabB = store({}, new LocalDb(db.name));
    tabB.recordBatch([changed(GLOBAL, 'x.warm-up', { v: 1 })], 1);
    await tabB.flush(); // tab B has loaded what was stored: nothing yet
    const rooms: SyncEvent[] = Array.from({ length: 300 }, (_, i) => ({
      kind: 'room-snapshot',
      roomId: `!r${i}:x`,
      data: { 'm.tag': { tags: { u: {} } } },
      deleted: [],
    }));
    tabA.recordBatch(rooms, 2);
    await tabA.flush();
    tabB.recordBatch(rooms, 3);
    await tabB.flush();
    const initial = await tabB.activity({ limit: 1000, sources: ['initial'] });
    expect(initial).toHaveLength(300);
    expect(new Set(initial.map((v) => v.at))).toEqual(new Set([2]));
  });

  it('keeps accounts apart', async () => {
    const mine = store();
    const theirs = store({}, db, '@other:example.org');
    mine.recordBatch([changed(GLOBAL, 'm.direct', { mine: true })], 1);
    theirs.recordBatch([changed(GLOBAL, 'm.direct', { theirs: true })], 2);
    expect(await contents(mine, DIRECT)).toEqual([{ mine: true }]);
    expect(await contents(theirs, DIRECT)).toEqual([{ theirs: true }]);
    expect((await theirs.activity({ limit: 10 })).map((v) => v.account)).toEqual(['@other:example.org']);
  });
});

describe('HistoryStore: changes made while the app was not watching (issue #8)', () => {
  const roomSnapshot = (data: Record<string, JsonObject>, gone: string[] = []): SyncEvent => ({
    kind: 'room-snapshot',
    roomId: ROOM.roomId,
    data,
    deleted: gone,
  });
  const describeFlagged = (v: { entry: string; source: string; changedSinceLastSeen?: true }) =>
    `${v.entry.replace('\u001f', ' ')} ${v.source}${v.changedSinceLastSeen ? ' (changed while away)' : ''}`;

  /** A first session (everything new: nothing flagged), closed; then a store on the same database. */
  async function signedInAgain(): Promise<{ first: HistoryStore; second: HistoryStore }> {
    const first = store();
    first.recordBatch(
      [
        globalSnapshot(
          { 'm.direct': { v: 1 }, 'x.same': { s: 1 }, 'x.removed': { r: 1 }, 'x.edited': { e: 1 } },
          ['x.gone-before'],
        ),
        roomSnapshot({ 'm.tag': { tags: { u: {} } } }),
      ],
      1,
    );
    first.recordBatch([changed(GLOBAL, 'x.edited', { e: 2 })], 2);
    await first.flush();
    db.close();
    return { first, second: store({}, new LocalDb(db.name)) };
  }

  it('flags nothing on the first sign-in, however many entries it brings', async () => {
    const { first } = await signedInAgain();
    const initial = await first.activity({ limit: 100, sources: ['initial'] });
    expect(initial).toHaveLength(6);
    expect(initial.filter((v) => v.changedSinceLastSeen)).toEqual([]);
    // By default: the live change only.
    expect((await first.activity({ limit: 100 })).map(describeFlagged)).toEqual(['global x.edited live']);
  });

  it('flags exactly the entries that differ from their known version, a type deleted meanwhile included', async () => {
    const { second } = await signedInAgain();
    second.recordBatch(
      [
        // m.direct changed, x.same unchanged, x.edited as last seen live, x.new created, x.removed gone.
        globalSnapshot({ 'm.direct': { v: 2 }, 'x.same': { s: 1 }, 'x.edited': { e: 2 }, 'x.new': { n: 1 } }),
        roomSnapshot({ 'm.tag': { tags: { f: {} } } }),
      ],
      10,
    );
    second.recordBatch([changed(GLOBAL, 'm.direct', { v: 3 })], 11);

    const flags = async (type: string, scope: AccountDataScope = GLOBAL) =>
      (await second.versions(entryKey(scope, type))).map((v) => [
        v.source,
        v.content,
        v.changedSinceLastSeen,
      ]);
    expect(await flags('m.direct')).toEqual([
      ['live', { v: 3 }, undefined],
      ['initial', { v: 2 }, true],
      ['initial', { v: 1 }, undefined],
    ]);
    expect(await flags('x.removed')).toEqual([
      ['initial', null, true],
      ['initial', { r: 1 }, undefined],
    ]);
    expect(await flags('m.tag', ROOM)).toEqual([
      ['initial', { tags: { f: {} } }, true],
      ['initial', { tags: { u: {} } }, undefined],
    ]);
    // New to us is not "changed": no version was known to differ from.
    expect(await flags('x.new')).toEqual([['initial', { n: 1 }, undefined]]);
    expect(await flags('x.same')).toEqual([['initial', { s: 1 }, undefined]]);
    expect(await flags('x.edited')).toEqual([
      ['live', { e: 2 }, undefined],
      ['initial', { e: 1 }, undefined],
    ]);
    // A type reported deleted at both sign-ins did not change.
    expect(await flags('x.gone-before')).toEqual([['initial', null, undefined]]);
  });

  it('lists them in the Activity by default, in order, with live changes and own writes', async () => {
    const { second } = await signedInAgain();
    second.recordBatch(
      [globalSnapshot({ 'm.direct': { v: 2 }, 'x.same': { s: 1 }, 'x.edited': { e: 2 } }), roomSnapshot({})],
      10,
    );
    second.recordWrite(write({ content: { v: 3 }, at: 11 }));
    const expected = [
      'global m.direct this-app',
      'room:!r:example.org m.tag initial (changed while away)',
      'global x.removed initial (changed while away)',
      'global m.direct initial (changed while away)',
      'global x.edited live',
    ];
    expect((await second.activity({ limit: 10 })).map(describeFlagged)).toEqual(expected);
    // Paging walks the flagged versions too.
    const page = await second.activity({ limit: 2 });
    expect(page.map(describeFlagged)).toEqual(expected.slice(0, 2));
    const rest = await second.activity({ limit: 10, beforeId: page[1]!.id });
    expect(rest.map(describeFlagged)).toEqual(expected.slice(2));
    // Filters apply to them as to the rest.
    expect((await second.activity({ limit: 10, scopeKind: 'room' })).map(describeFlagged)).toEqual([
      expected[1],
    ]);
    // How `sources` and the flag combine: sources OR flagged, unless the flag is turned off.
    expect((await second.activity({ limit: 10, sources: ['live'] })).map(describeFlagged)).toEqual([
      ...expected.slice(1, 4),
      'global x.edited live',
    ]);
    expect(
      (await second.activity({ limit: 10, sources: ['live'], changedSinceLastSeen: false })).map(
        describeFlagged,
      ),
    ).toEqual(['global x.edited live']);
    const initial = await second.activity({ limit: 100, sources: ['initial'] });
    expect(new Set(initial.map((v) => v.id)).size).toBe(initial.length); // flagged ones once
    expect(initial.filter((v) => v.changedSinceLastSeen)).toHaveLength(3);
    // Exports say so too.
    const exported = await second.exportJson({ includeSecrets: false });
    expect(exported.versions.filter((v) => v.changedSinceLastSeen).map((v) => v.type)).toEqual([
      'm.direct',
      'x.removed',
      'm.tag',
    ]);
  });

  it('ignores a corrupt flag (the version stays, unflagged)', async () => {
    const history = store();
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    await history.flush();
    const raw = await db.open();
    await raw.add('history', {
      account: ME,
      entry: DIRECT,
      at: 2,
      source: 'initial',
      content: { v: 2 },
      size: 7,
      changedSinceLastSeen: 'yes',
    } as never);
    expect((await history.versions(DIRECT)).map((v) => v.changedSinceLastSeen)).toEqual([
      undefined,
      undefined,
    ]);
    expect(await history.activity({ limit: 10, sources: [] })).toEqual([]);
  });
});

describe('HistoryStore: bounds', () => {
  it('drops an entry’s oldest versions beyond maxVersionsPerEntry', async () => {
    const history = store({ limits: { maxVersionsPerEntry: 3 } });
    for (let v = 1; v <= 5; v++) history.recordBatch([changed(GLOBAL, 'm.direct', { v })], v);
    history.recordBatch([changed(ROOM, 'm.tag', { v: 1 })], 6);
    expect(await contents(history, DIRECT)).toEqual([{ v: 5 }, { v: 4 }, { v: 3 }]);
    for (let v = 6; v <= 7; v++) history.recordBatch([changed(GLOBAL, 'm.direct', { v })], v);
    expect(await contents(history, DIRECT)).toEqual([{ v: 7 }, { v: 6 }, { v: 5 }]);
    expect(await contents(history, TAG)).toEqual([{ v: 1 }]);
  });

  it('drops the account’s globally oldest versions beyond maxBytesPerAccount, keeping the total', async () => {
    // Each { v: n } with n < 10 is 7 bytes.
    const history = store({ limits: { maxBytesPerAccount: 30 } });
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    history.recordBatch([changed(ROOM, 'm.tag', { v: 2 })], 2);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 3 })], 3);
    history.recordBatch([changed(ROOM, 'm.tag', { v: 4 })], 4);
    await history.flush();
    expect(await contents(history, DIRECT)).toEqual([{ v: 3 }, { v: 1 }]);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 5 })], 5); // 35 bytes: { v: 1 } goes
    expect(await contents(history, DIRECT)).toEqual([{ v: 5 }, { v: 3 }]);
    history.recordBatch([deleted(ROOM, 'm.tag')], 6); // 0 bytes: nothing goes
    history.recordBatch([changed(ROOM, 'm.tag', { v: 7 })], 7); // { v: 2 } goes
    expect(await contents(history, TAG)).toEqual([{ v: 7 }, null, { v: 4 }]);
    expect(await contents(history, DIRECT)).toEqual([{ v: 5 }, { v: 3 }]);
    // The running total survives a new session.
    const again = store({ limits: { maxBytesPerAccount: 30 } }, new LocalDb(db.name));
    again.recordBatch([changed(GLOBAL, 'm.direct', { v: 8 })], 8); // { v: 3 } goes
    expect(await contents(again, DIRECT)).toEqual([{ v: 8 }, { v: 5 }]);
    expect(await contents(again, TAG)).toEqual([{ v: 7 }, null, { v: 4 }]);
  });

  it('applies lowered limits to everything stored; both limits are settable', async () => {
    const history = store();
    for (let v = 1; v <= 4; v++) {
      history.recordBatch([changed(GLOBAL, 'm.direct', { v }), changed(ROOM, 'm.tag', { v })], v);
    }
    await history.flush();
    history.setLimits({ maxVersionsPerEntry: 2 });
    expect(history.limits).toEqual({ maxVersionsPerEntry: 2, maxBytesPerAccount: 50 * 1024 * 1024 });
    expect(await contents(history, DIRECT)).toEqual([{ v: 4 }, { v: 3 }]);
    expect(await contents(history, TAG)).toEqual([{ v: 4 }, { v: 3 }]);
    history.setLimits({ maxBytesPerAccount: 14 });
    expect(await contents(history, DIRECT)).toEqual([{ v: 4 }]);
    expect(await contents(history, TAG)).toEqual([{ v: 4 }]);
    expect(() => {
      history.setLimits({ maxVersionsPerEntry: 0 });
    }).toThrow(RangeError);
  });

  it('skips corrupt records on every read and never crashes a query', async () => {
    const history = store();
    history.recordBatch([changed(GLOBAL, 'm.direct', { good: 1 })], 1);
    await history.flush();
    const raw = await db.open();
    const bad = [
      { account: ME, entry: DIRECT, at: 2, source: 'live', content: 'not an object', size: 3 },
      { account: ME, entry: DIRECT, at: 3, source: 'gossip', content: {}, size: 2 },
      { account: ME, entry: DIRECT, at: 'yesterday', source: 'live', content: null, size: 0 },
      { account: ME, entry: 'no separator', at: 4, source: 'live', content: null, size: 0 },
      {
        account: ME,
        entry: DIRECT,
        at: 5,
        source: 'this-app',
        content: null,
        size: 0,
        write: { action: 'x' },
      },
    ];
    for (const record of bad) await raw.add('history', record as never);
    await raw.put('historyLatest', { account: ME, entry: 'garbage', count: -1 });
    await raw.put('historyTotals', { account: ME, bytes: 'lots' } as never);

    expect(await contents(history, DIRECT)).toEqual([{ good: 1 }]);
    expect((await history.activity({ limit: 10 })).map((v) => v.content)).toEqual([{ good: 1 }]);
    expect((await history.exportJson({ includeSecrets: false })).versions).toHaveLength(1);

    const again = store({ limits: { maxVersionsPerEntry: 2 } }, new LocalDb(db.name));
    again.recordBatch([changed(GLOBAL, 'm.direct', { good: 2 })], 6);
    again.recordBatch([changed(GLOBAL, 'm.direct', { good: 3 })], 7);
    expect(await contents(again, DIRECT)).toEqual([{ good: 3 }, { good: 2 }]);
    expect(again.isAvailable).toBe(true);
  });
});

describe('HistoryStore: reading', () => {
  it('is what the History tab and the Activity view read (compile-time: HistoryReader)', () => {
    const reader: HistoryReader = store();
    expect(reader.isAvailable).toBe(true);
  });

  async function filled(): Promise<HistoryStore> {
    const history = store();
    history.recordBatch([globalSnapshot({ 'm.direct': { v: 0 } })], 1);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 }), changed(ROOM, 'm.tag', { v: 1 })], 2);
    history.recordWrite(write({ content: { v: 2 }, at: 3 }));
    history.recordBatch([changed(ROOM, 'x.notes', { v: 1 })], 4);
    await history.flush();
    return history;
  }
  const describeRow = (v: { entry: string; source: string }) =>
    `${v.entry.replace('\u001f', ' ')} ${v.source}`;

  it('lists changes across the account newest first, without the initial snapshot by default', async () => {
    const history = await filled();
    expect((await history.activity({ limit: 10 })).map(describeRow)).toEqual([
      'room:!r:example.org x.notes live',
      'global m.direct this-app',
      'room:!r:example.org m.tag live',
      'global m.direct live',
    ]);
    expect((await history.activity({ limit: 10, sources: ['initial'] })).map(describeRow)).toEqual([
      'global m.direct initial',
    ]);
  });

  it('filters by scope kind and type, limits and pages', async () => {
    const history = await filled();
    expect((await history.activity({ limit: 10, scopeKind: 'room' })).map(describeRow)).toEqual([
      'room:!r:example.org x.notes live',
      'room:!r:example.org m.tag live',
    ]);
    expect((await history.activity({ limit: 10, type: 'm.direct' })).map(describeRow)).toEqual([
      'global m.direct this-app',
      'global m.direct live',
    ]);
    const firstPage = await history.activity({ limit: 2 });
    expect(firstPage.map(describeRow)).toEqual([
      'room:!r:example.org x.notes live',
      'global m.direct this-app',
    ]);
    const next = await history.activity({ limit: 2, beforeId: firstPage[1]!.id });
    expect(next.map(describeRow)).toEqual(['room:!r:example.org m.tag live', 'global m.direct live']);
  });

  it('exports plain JSON, oldest first, with secrets redacted unless asked for', async () => {
    const history = store();
    const keyType = 'm.secret_storage.key.abc';
    history.recordBatch(
      [
        globalSnapshot({
          'm.direct': { v: 1 },
          [keyType]: { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: 'x', mac: 'y' },
          'x.encrypted': { encrypted: { abc: { ciphertext: 'c' } } },
        }),
      ],
      1000,
    );
    history.recordBatch([deleted(GLOBAL, keyType)], 2000);

    const redacted = await history.exportJson({ includeSecrets: false });
    expect(JSON.parse(JSON.stringify(redacted))).toEqual(redacted);
    expect(redacted).toMatchObject({
      format: 'account-data-inspector/history',
      account: ME,
      includesSecrets: false,
    });
    expect(redacted.versions.map((v) => [v.type, v.source, v.redacted ?? false, v.content])).toEqual([
      ['m.direct', 'initial', false, { v: 1 }],
      [keyType, 'initial', true, undefined],
      ['x.encrypted', 'initial', true, undefined],
      [keyType, 'live', false, null],
    ]);
    expect(redacted.versions[0]).toMatchObject({
      scope: { kind: 'global' },
      time: '1970-01-01T00:00:01.000Z',
    });
    expect(JSON.stringify(redacted)).not.toContain('ciphertext');

    const full = await history.exportJson({ entry: entryKey(GLOBAL, keyType), includeSecrets: true });
    expect(full.versions.map((v) => v.content)).toEqual([
      { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: 'x', mac: 'y' },
      null,
    ]);
  });
});

describe('HistoryStore: a big first sync (issue #13)', () => {
  it('writes thousands of versions in slices with pauses between, all stored, one notification', async () => {
    const history = store();
    const listener = vi.fn();
    history.subscribe(listener);
    const rooms = Math.ceil(WRITE_SLICE * 2.5);
    history.recordBatch(
      Array.from({ length: rooms }, (_, i): SyncEvent => ({
        kind: 'room-snapshot',
        roomId: `!r${i}:example.org`,
        data: { 'org.example.notes': { i } },
        deleted: [],
      })),
      10,
    );
    const transaction = vi.spyOn(FakeIDBDatabase.prototype, 'transaction');
    await history.flush();
    const writes = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite');
    expect(writes).toHaveLength(Math.ceil(rooms / WRITE_SLICE));
    expect(listener).toHaveBeenCalledTimes(1);
    const first = entryKey({ kind: 'room', roomId: '!r0:example.org' }, 'org.example.notes');
    const last = entryKey({ kind: 'room', roomId: `!r${rooms - 1}:example.org` }, 'org.example.notes');
    expect(await contents(history, first)).toEqual([{ i: 0 }]);
    expect(await contents(history, last)).toEqual([{ i: rooms - 1 }]);
    const everything = await history.activity({ limit: rooms + 10, sources: ['initial'] });
    expect(everything).toHaveLength(rooms);
  });
});

describe('HistoryStore: off the render path, and failures', () => {
  it('only queues when recording; one scheduled flush writes every queued batch and notifies', async () => {
    const scheduled: (() => void)[] = [];
    const history = store({ schedule: (run) => scheduled.push(run) });
    const listener = vi.fn();
    history.subscribe(listener);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 2);
    expect(scheduled).toHaveLength(1);
    expect(listener).not.toHaveBeenCalled();
    scheduled[0]!();
    await history.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(await contents(history, DIRECT)).toEqual([{ v: 2 }, { v: 1 }]);
    // Nothing new: no notification.
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 3);
    scheduled[1]!();
    await history.flush();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps recording when a listener throws', async () => {
    const history = store();
    const thrown: unknown[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((run) => {
      try {
        run();
      } catch (error) {
        thrown.push(error);
      }
    });
    const fine = vi.fn();
    history.subscribe(() => {
      throw new Error('a view broke');
    });
    history.subscribe(fine);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    await history.flush();
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 2 })], 2);
    expect(await contents(history, DIRECT)).toEqual([{ v: 2 }, { v: 1 }]);
    spy.mockRestore();
    expect(thrown).toEqual([new Error('a view broke'), new Error('a view broke')]);
    expect(fine).toHaveBeenCalledTimes(2);
    expect(history.isAvailable).toBe(true);
  });

  it('flushes on its own in the next task by default', async () => {
    const history = new HistoryStore(db, ME);
    const flushed = new Promise<void>((resolve) => history.subscribe(resolve));
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    await flushed;
    expect(await contents(history, DIRECT)).toEqual([{ v: 1 }]);
  });

  it('gives up when the database does not open in time (an old tab blocks its upgrade)', async () => {
    const stuck = new LocalDb('stuck');
    vi.spyOn(stuck, 'open').mockReturnValue(new Promise(() => undefined));
    const history = store({ openTimeoutMs: 5 }, stuck);
    history.recordBatch([changed(GLOBAL, 'm.direct', { v: 1 })], 1);
    expect(await history.versions(DIRECT)).toEqual([]);
    expect(history.isAvailable).toBe(false);
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).toContain('StalledError');
  });

  it('turns unavailable instead of queueing without end when nothing flushes', () => {
    const history = store();
    for (let i = 0; i < 10_000; i++) history.recordBatch([changed(GLOBAL, 'm.direct', { i })], i);
    expect(history.isAvailable).toBe(true);
    history.recordBatch([changed(GLOBAL, 'm.direct', { i: -1 })], 0);
    expect(history.isAvailable).toBe(false);
  });

  it('turns unavailable when IndexedDB fails, without throwing or logging content', async () => {
    const broken = new LocalDb('broken');
    vi.spyOn(broken, 'open').mockRejectedValue(new DOMException('secret-ish detail', 'QuotaExceededError'));
    const history = store({}, broken);
    const listener = vi.fn();
    history.subscribe(listener);
    history.recordBatch([changed(GLOBAL, 'm.direct', { token: 'do-not-log' })], 1);
    await history.flush();
    expect(history.isAvailable).toBe(false);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(await history.versions(DIRECT)).toEqual([]);
    expect(await history.activity({ limit: 5 })).toEqual([]);
    expect((await history.exportJson({ includeSecrets: true })).versions).toEqual([]);
    history.recordWrite(write({ content: { v: 1 } }));
    await history.flush();
    const logged = JSON.stringify(vi.mocked(console.warn).mock.calls);
    expect(logged).toContain('QuotaExceededError');
    expect(logged).not.toContain('do-not-log');
    expect(logged).not.toContain('secret-ish');
  });
});
