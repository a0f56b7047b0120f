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
    expect([...db.objectStoreNames]).toContain('drafts');
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
    expect(await db.get('drafts', ['@a:x', 'global', 'm.direct'])).toEqual(draft);
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
