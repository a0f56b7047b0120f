// The draft store over fake-indexeddb, with an in-memory Storage standing in for localStorage: a
// draft written as the page goes away survives the aborted IndexedDB write and comes back on the
// next load.
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalDb } from '../../lib/local-db.ts';
import { DraftsDb, PENDING_DRAFTS_KEY, type Draft } from './drafts-db.ts';

const ALICE = '@alice:hs.test';
const BOB = '@bob:hs.test';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** A page going away: its IndexedDB writes are aborted. */
class UnloadingDraftsDb extends DraftsDb {
  override put(): Promise<void> {
    return Promise.reject(new Error('transaction aborted: the page went away'));
  }
}

let dbCount = 0;
let local: LocalDb;
let storage: MemoryStorage;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  local = new LocalDb(`drafts-test-${++dbCount}`);
  storage = new MemoryStorage();
});

function draft(overrides: Partial<Draft> = {}): Draft {
  return {
    userId: ALICE,
    scopeKey: 'global',
    type: 'org.example.settings',
    text: '{"mine": 1}',
    baseText: '{}',
    savedAt: 1_000,
    ...overrides,
  };
}

describe('DraftsDb: drafts written as the page goes away', () => {
  it('keeps a draft whose IndexedDB write the unload aborted, and brings it back on the next load', async () => {
    const unloading = new UnloadingDraftsDb(local, storage);
    await expect(unloading.putBeforeUnload(draft())).rejects.toThrow('aborted');
    // Written before anything was awaited: the synchronous part is what survives.
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toContain('org.example.settings');

    const nextLoad = new DraftsDb(local, storage);
    expect(await nextLoad.all(ALICE)).toEqual([draft()]);
    // Moved into IndexedDB and no longer pending.
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toBeNull();
    expect(await new DraftsDb(local, new MemoryStorage()).all(ALICE)).toEqual([draft()]);
  });

  it('lets a newer draft already in IndexedDB win over an older pending one', async () => {
    const db = new DraftsDb(local, storage);
    await db.put(draft({ text: '{"newer": true}', savedAt: 2_000 }));
    await new UnloadingDraftsDb(local, storage).putBeforeUnload(draft({ savedAt: 1_000 })).catch(() => {});
    expect((await db.all(ALICE)).map((d) => d.text)).toEqual(['{"newer": true}']);
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toBeNull();
  });

  it('lets a newer pending draft win over an older one in IndexedDB', async () => {
    const db = new DraftsDb(local, storage);
    await db.put(draft({ text: '{"older": true}', savedAt: 1_000 }));
    await new UnloadingDraftsDb(local, storage)
      .putBeforeUnload(draft({ text: '{"last": "keystroke"}', savedAt: 1_400 }))
      .catch(() => {});
    expect((await db.all(ALICE)).map((d) => d.text)).toEqual(['{"last": "keystroke"}']);
  });

  it("leaves another user's pending drafts for that user's next load", async () => {
    const unloading = new UnloadingDraftsDb(local, storage);
    await unloading.putBeforeUnload(draft()).catch(() => {});
    await unloading.putBeforeUnload(draft({ userId: BOB, text: '{"bob": 1}' })).catch(() => {});
    const db = new DraftsDb(local, storage);
    expect((await db.all(ALICE)).map((d) => d.userId)).toEqual([ALICE]);
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toContain(BOB);
    expect(storage.getItem(PENDING_DRAFTS_KEY)).not.toContain(ALICE);
    expect((await db.all(BOB)).map((d) => d.text)).toEqual(['{"bob": 1}']);
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toBeNull();
  });

  it('forgets the pending copy when the draft is discarded (a page restored from the cache)', async () => {
    const db = new DraftsDb(local, storage);
    await db.putBeforeUnload(draft());
    await db.delete(ALICE, 'global', 'org.example.settings');
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toBeNull();
    expect(await db.all(ALICE)).toEqual([]);
  });

  it('ignores and clears unreadable pending data', async () => {
    storage.setItem(PENDING_DRAFTS_KEY, '{not json');
    const db = new DraftsDb(local, storage);
    expect(await db.all(ALICE)).toEqual([]);
    storage.setItem(PENDING_DRAFTS_KEY, JSON.stringify({ junk: { userId: ALICE } }));
    expect(await db.all(ALICE)).toEqual([]);
    expect(storage.getItem(PENDING_DRAFTS_KEY)).toBeNull();
  });

  it('still stores drafts in IndexedDB when localStorage is unavailable', async () => {
    const db = new DraftsDb(local, null);
    await db.putBeforeUnload(draft());
    expect(await db.all(ALICE)).toEqual([draft()]);
  });
});
