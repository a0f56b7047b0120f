import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_DB_VERSION, LocalDb, type DraftRecord } from './local-db.ts';

const draft: DraftRecord = {
  userId: '@a:x',
  scopeKey: 'global',
  type: 'm.direct',
  text: '{"x": 1}',
  baseText: '{}',
  savedAt: 1,
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('LocalDb (one IndexedDB module, issue #7)', () => {
  it('creates every store at the current version', async () => {
    const db = await new LocalDb('test-db').open();
    expect(db.version).toBe(LOCAL_DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'deviceTypes',
      'drafts',
      'history',
      'historyLatest',
      'historyTotals',
    ]);
    await db.put('drafts', draft);
    expect(await db.getAllFromIndex('drafts', 'byUser', '@a:x')).toEqual([draft]);
  });

  it('opens a database written by the first release (v1 drafts store) and keeps its drafts', async () => {
    // What the first release's drafts module created, verbatim.
    const old = await openDB('legacy-db', 1, {
      upgrade(db) {
        const store = db.createObjectStore('drafts', { keyPath: ['userId', 'scopeKey', 'type'] });
        store.createIndex('byUser', 'userId');
      },
    });
    await old.put('drafts', draft);
    old.close();
    const db = await new LocalDb('legacy-db').open();
    expect(db.version).toBe(LOCAL_DB_VERSION);
    expect(await db.get('drafts', ['@a:x', 'global', 'm.direct'])).toEqual(draft);
    // v1 → v2 (issue #8): the history stores exist next to the kept drafts.
    expect([...db.objectStoreNames]).toEqual(
      expect.arrayContaining(['history', 'historyLatest', 'historyTotals', 'deviceTypes']),
    );
  });

  it('v2: history ids are generated and part of every index key, so indexes list versions in order', async () => {
    const db = await new LocalDb('history-db').open();
    const version = (entry: string, at: number) => ({
      account: '@a:x',
      entry,
      at,
      source: 'live' as const,
      content: { at },
      size: 8,
    });
    const first = await db.add('history', version('global\u001fm.direct', 1));
    const second = await db.add('history', version('global\u001fx.other', 2));
    const third = await db.add('history', version('global\u001fm.direct', 3));
    expect(first).toBeLessThan(second);
    expect(second).toBeLessThan(third);
    const direct = IDBKeyRange.bound(
      ['@a:x', 'global\u001fm.direct', 0],
      ['@a:x', 'global\u001fm.direct', Infinity],
    );
    expect((await db.getAllFromIndex('history', 'byEntry', direct)).map((r) => r.id)).toEqual([first, third]);
    const all = IDBKeyRange.bound(['@a:x', 0], ['@a:x', Infinity]);
    expect((await db.getAllFromIndex('history', 'byAccount', all)).map((r) => r.at)).toEqual([1, 2, 3]);
    const live = IDBKeyRange.bound(['@a:x', 'live', 0], ['@a:x', 'live', Infinity]);
    expect(await db.countFromIndex('history', 'bySource', live)).toBe(3);
  });

  it('v2 → v3: keeps stored history and adds an index of only the versions flagged changedSinceLastSeen', async () => {
    // What v1 and v2 created, verbatim.
    const old = await openDB('v2-db', 2, {
      upgrade(db) {
        const drafts = db.createObjectStore('drafts', { keyPath: ['userId', 'scopeKey', 'type'] });
        drafts.createIndex('byUser', 'userId');
        const history = db.createObjectStore('history', { keyPath: 'id', autoIncrement: true });
        history.createIndex('byEntry', ['account', 'entry', 'id']);
        history.createIndex('byAccount', ['account', 'id']);
        history.createIndex('bySource', ['account', 'source', 'id']);
        db.createObjectStore('historyLatest', { keyPath: ['account', 'entry'] });
        db.createObjectStore('historyTotals', { keyPath: 'account' });
      },
    });
    const kept = {
      account: '@a:x',
      entry: 'global\u001fm.direct',
      at: 1,
      source: 'initial',
      content: {},
      size: 2,
    };
    const keptId = await old.add('history', kept);
    old.close();

    const db = await new LocalDb('v2-db').open();
    expect(db.version).toBe(LOCAL_DB_VERSION);
    expect(await db.get('history', keptId as number)).toEqual({ ...kept, id: keptId });
    const flagged = await db.add('history', { ...kept, at: 2, source: 'initial', changedSinceLastSeen: 1 });
    await db.add('history', { ...kept, at: 3, source: 'initial' });
    const range = IDBKeyRange.bound(['@a:x', 1, 0], ['@a:x', 1, Infinity]);
    expect(await db.getAllKeysFromIndex('history', 'byChangedSinceLastSeen', range)).toEqual([flagged]);
    expect(await db.countFromIndex('history', 'byChangedSinceLastSeen')).toBe(1);
  });

  it('opens once and reopens after close', async () => {
    const local = new LocalDb('reopen-db');
    const first = await local.open();
    expect(await local.open()).toBe(first);
    local.close();
    const second = await local.open();
    expect(second).not.toBe(first);
    await second.put('drafts', draft);
    expect(await second.count('drafts')).toBe(1);
  });
});
