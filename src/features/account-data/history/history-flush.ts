/**
 * The flush: what a scheduled flush of the history store does with its queue, in two steps.
 *
 * - `prepare` (no IndexedDB): turns queued sync batches and own writes into candidate versions
 *   (fingerprinted; deletions as the fold sees them), skipping those equal to the latest known
 *   version (`KnownVersions`), and notices known types a snapshot lacks (deleted meanwhile).
 * - `write` (one readwrite transaction over `history`, `historyLatest`, `historyTotals`): checks the
 *   candidates again against the stored latest (another tab may have stored them), adds them
 *   (flagging a snapshot's version that differs from a known one `changedSinceLastSeen`),
 *   relabels the sync's echo of our own write, evicts beyond the bounds (per entry, then per account
 *   by bytes, oldest first) and updates the bookkeeping.
 */
import type { IDBPDatabase } from 'idb';
import type {
  HistoryLatestRecord,
  HistoryRecord,
  HistorySource,
  HistoryWrite,
  LocalDbSchema,
} from '../../../lib/local-db.ts';
import { entryKey, scopeKey, type EntryKey } from '../../../matrix/entry-key.ts';
import { meansDeleted } from '../../../matrix/account-data-fold.ts';
import { isRecord } from '../../../matrix/json.ts';
import type { AccountDataScope, JsonObject, SyncEvent } from '../../../matrix/types.ts';
import type { WriteEvent } from '../write-events.ts';
import { fingerprint } from './fingerprint.ts';
import type { HistoryLimits } from './history-limits.ts';
import { storedSize, toLatest, toStored, toVersion } from './history-records.ts';
import type { KnownVersions } from './known-versions.ts';

/** What the store queues for the flush: a sync batch observed at `at`, or a settled own write. */
export type QueueItem = { batch: readonly SyncEvent[]; at: number } | { write: WriteEvent };

/** One observed version waiting for the flush's transaction. */
export type Candidate = {
  key: EntryKey;
  at: number;
  source: HistorySource;
  content: JsonObject | null;
  hash: number;
  size: number;
  write?: HistoryWrite;
};

type NewRecord = Omit<HistoryRecord, 'id'> & { id?: number };

/** An entry's bookkeeping inside one flush. */
type EntryBook = {
  key: string;
  hash: number | undefined;
  count: number;
  last: { id?: number; source: HistorySource; at: number; pending?: NewRecord } | undefined;
  isDirty: boolean;
};

/**
 * If the sync delivers our own write before the write's reply arrives, the version stored as `live`
 * was ours: a successful write with the same content within this window relabels it.
 */
const ECHO_WINDOW_MS = 15_000;
/** Above this many entries in one flush, their bookkeeping is read in one `getAll`. */
const READ_ALL_ABOVE = 200;
const STORES = ['history', 'historyLatest', 'historyTotals'] as const;

/** Every key `[account, …]` of a store keyed by account first (arrays sort after strings). */
function accountRange(account: string): IDBKeyRange {
  return IDBKeyRange.bound([account], [account, []]);
}

/** Loads the latest hash of every entry of the account into `known` (once per session). */
export async function loadKnown(
  db: IDBPDatabase<LocalDbSchema>,
  account: string,
  known: KnownVersions,
): Promise<void> {
  const records = await db.getAll('historyLatest', accountRange(account));
  for (const value of records) {
    const latest = toLatest(value, account);
    if (latest?.hash !== undefined) known.remember(latest.entry, latest.hash);
  }
}

/** Turns the queue into candidate versions, skipping those equal to the latest known ones. */
export function prepare(items: readonly QueueItem[], known: KnownVersions): Candidate[] {
  const out: Candidate[] = [];
  const observe = (
    scope: AccountDataScope,
    type: string,
    content: JsonObject | null,
    source: HistorySource,
    at: number,
  ) => {
    const key = entryKey(scope, type);
    const { hash, size } = fingerprint(content);
    if (known.hashOf(key) === hash) return;
    known.remember(key, hash, scopeKey(scope), type);
    out.push({ key, at, source, content, hash, size });
  };
  const snapshot = (
    scope: AccountDataScope,
    data: Record<string, JsonObject>,
    deleted: unknown,
    at: number,
  ) => {
    const seen = new Set<string>();
    for (const [type, content] of Object.entries(data)) {
      seen.add(type);
      observe(scope, type, meansDeleted(scope, type, content) ? null : content, 'initial', at);
    }
    for (const type of Array.isArray(deleted) ? deleted : []) {
      if (typeof type !== 'string' || seen.has(type)) continue;
      seen.add(type);
      observe(scope, type, null, 'initial', at);
    }
    // A type we knew that the snapshot lacks was deleted while we were not looking.
    for (const type of known.typesOf(scopeKey(scope))) {
      if (!seen.has(type)) observe(scope, type, null, 'initial', at);
    }
  };

  for (const item of items) {
    if ('write' in item) {
      const { write } = item;
      const key = entryKey(write.scope, write.type);
      // What the server holds after a successful write, in the fold's terms (room `m.tag`
      // without tags is a deletion), so the sync's echo compares equal.
      const content =
        write.outcome === 'ok' && write.content && meansDeleted(write.scope, write.type, write.content)
          ? null
          : write.content;
      const { hash, size } = fingerprint(content);
      // A failed write never reached the server: stored, but never the entry's latest version.
      if (write.outcome === 'ok') known.remember(key, hash, scopeKey(write.scope), write.type);
      const info: HistoryWrite =
        write.outcome === 'ok'
          ? { action: write.action, outcome: 'ok', method: write.method }
          : { action: write.action, outcome: 'failed', error: write.error };
      out.push({ key, at: write.at, source: 'this-app', content, hash, size, write: info });
      continue;
    }
    for (const event of item.batch) {
      switch (event.kind) {
        case 'global-snapshot':
          snapshot({ kind: 'global' }, event.data, 'deleted' in event ? event.deleted : undefined, item.at);
          break;
        case 'room-snapshot':
          snapshot({ kind: 'room', roomId: event.roomId }, event.data, event.deleted, item.at);
          break;
        case 'changed':
          observe(
            event.scope,
            event.type,
            meansDeleted(event.scope, event.type, event.content) ? null : event.content,
            'live',
            item.at,
          );
          break;
        case 'deleted':
          observe(event.scope, event.type, null, 'live', item.at);
          break;
        default:
          break;
      }
    }
  }
  return out;
}

/** What one flush's transaction works with. */
export type WriteJob = {
  account: string;
  limits: Readonly<HistoryLimits>;
  candidates: readonly Candidate[];
  /** Check every entry of the account against the bounds (they were lowered), not only the new. */
  fullEviction: boolean;
  /** Updated with the stored latest hashes once the transaction is done. */
  known: KnownVersions;
};

/** The flush's one transaction. Returns whether anything stored changed. */
export async function write(db: IDBPDatabase<LocalDbSchema>, job: WriteJob): Promise<boolean> {
  const { account, candidates, fullEviction, known } = job;
  const { maxVersionsPerEntry, maxBytesPerAccount } = job.limits;
  const tx = db.transaction(STORES, 'readwrite');
  const history = tx.objectStore('history');
  const latestStore = tx.objectStore('historyLatest');
  const totalsStore = tx.objectStore('historyTotals');

  const books = new Map<string, EntryBook>();
  const bookOf = (value: unknown, key: string): EntryBook => {
    const latest = toLatest(value, account);
    const book: EntryBook = {
      key,
      hash: latest?.hash,
      count: latest?.count ?? 0,
      last: latest?.last,
      isDirty: false,
    };
    books.set(key, book);
    return book;
  };
  const loadBook = async (key: string): Promise<EntryBook> =>
    books.get(key) ?? bookOf(await latestStore.get([account, key]), key);

  const keys = [...new Set(candidates.map((c) => c.key))];
  // Many entries at once (a first sync): one read of the account's bookkeeping beats a read each.
  const readAll = fullEviction || keys.length > READ_ALL_ABOVE;
  const [totals, latest, everyLatest] = await Promise.all([
    totalsStore.get(account),
    readAll ? [] : Promise.all(keys.map((key) => latestStore.get([account, key]))),
    readAll ? latestStore.getAll(accountRange(account)) : [],
  ]);
  for (const value of everyLatest) {
    const checked = toLatest(value, account);
    if (checked) bookOf(checked, checked.entry);
  }
  keys.forEach((key, i) => {
    if (!books.has(key)) bookOf(readAll ? undefined : latest[i], key);
  });
  let bytes = isRecord(totals) && typeof totals.bytes === 'number' && totals.bytes > 0 ? totals.bytes : 0;

  // 1. Add what changed (checked again against the stored latest: another tab may have stored it).
  const added: NewRecord[] = [];
  const relabelled: { id: number; write: HistoryWrite }[] = [];
  for (const c of candidates) {
    const book = books.get(c.key) as EntryBook;
    const last = book.last;
    if (c.write) {
      const isEcho =
        c.write.outcome === 'ok' &&
        book.hash === c.hash &&
        last?.source === 'live' &&
        c.at >= last.at &&
        c.at - last.at <= ECHO_WINDOW_MS;
      if (isEcho) {
        if (last.pending) {
          last.pending.source = 'this-app';
          last.pending.write = c.write;
        } else if (last.id !== undefined) {
          relabelled.push({ id: last.id, write: c.write });
        }
        last.source = 'this-app';
        book.isDirty = true;
        continue;
      }
    } else if (book.hash === c.hash) {
      continue;
    }
    const record: NewRecord = {
      account,
      entry: c.key,
      at: c.at,
      source: c.source,
      content: c.content,
      size: c.size,
    };
    if (c.write) record.write = c.write;
    // Seen in a snapshot and different from the server version we knew: it changed while we were
    // not watching. An entry without a known version (a first sign-in) is not flagged.
    if (c.source === 'initial' && book.hash !== undefined) record.changedSinceLastSeen = 1;
    added.push(record);
    book.count++;
    book.last = { source: c.source, at: c.at, pending: record };
    if (c.write?.outcome !== 'failed') book.hash = c.hash;
    book.isDirty = true;
    bytes += c.size;
  }
  await Promise.all(
    added.map(async (record) => {
      record.id = await history.add(record);
    }),
  );
  for (const book of books.values()) {
    const pending = book.last?.pending;
    if (pending) book.last = { id: pending.id as number, source: pending.source, at: pending.at };
  }
  for (const { id, write } of relabelled) {
    const stored = toVersion(await history.get(id), account);
    if (stored) await history.put({ ...toStored(stored), source: 'this-app', write });
  }
  let isChanged = added.length > 0 || relabelled.length > 0;

  // 2. Each entry keeps its newest `maxVersionsPerEntry` versions.
  const entryRange = (key: string) => IDBKeyRange.bound([account, key, 0], [account, key, Infinity]);
  for (const book of books.values()) {
    if (book.count <= maxVersionsPerEntry) continue;
    let cursor = await history.index('byEntry').openCursor(entryRange(book.key));
    while (cursor && book.count > maxVersionsPerEntry) {
      bytes -= storedSize(cursor.value);
      if (book.last?.id === cursor.primaryKey) book.last = undefined;
      await cursor.delete();
      book.count--;
      cursor = await cursor.continue();
    }
    if (!cursor) book.count = Math.min(book.count, maxVersionsPerEntry);
    book.isDirty = true;
    isChanged = true;
  }

  // 3. The account keeps at most `maxBytesPerAccount`: its oldest versions go first.
  if (bytes > maxBytesPerAccount) {
    const range = IDBKeyRange.bound([account, 0], [account, Infinity]);
    let cursor = await history.index('byAccount').openCursor(range);
    while (cursor && bytes > maxBytesPerAccount) {
      const { value, primaryKey } = cursor;
      bytes -= storedSize(value);
      await cursor.delete();
      if (typeof value.entry === 'string') {
        const book = await loadBook(value.entry);
        book.count = Math.max(0, book.count - 1);
        if (book.last?.id === primaryKey) book.last = undefined;
        book.isDirty = true;
      }
      isChanged = true;
      cursor = await cursor.continue();
    }
    if (!cursor) bytes = 0; // every version is gone; a total that said otherwise was wrong
  }

  // 4. Bookkeeping, in the same transaction. The requests are issued together and awaited once:
  // awaiting each would make one round trip to IndexedDB's backend per entry (a first sync of
  // 10,000 rooms has 30,000; issuing them together made the flush ~30 % cheaper, ADR 017).
  const bookkeeping: Promise<unknown>[] = [];
  for (const book of books.values()) {
    if (!book.isDirty) continue;
    if (book.count === 0 && book.hash === undefined) {
      bookkeeping.push(latestStore.delete([account, book.key]));
      continue;
    }
    const record: HistoryLatestRecord = { account, entry: book.key, count: book.count };
    if (book.hash !== undefined) record.hash = book.hash;
    if (book.last?.id !== undefined) {
      record.last = { id: book.last.id, source: book.last.source, at: book.last.at };
    }
    bookkeeping.push(latestStore.put(record));
  }
  bookkeeping.push(totalsStore.put({ account, bytes: Math.max(0, bytes) }));
  await Promise.all(bookkeeping);
  await tx.done;

  for (const book of books.values()) {
    if (book.hash !== undefined) known.remember(book.key, book.hash);
  }
  return isChanged;
}
