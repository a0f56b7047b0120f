/**
 * The change history of one account: every version of every account-data entry the app observes —
 * the initial snapshot, each live change, each own write with its outcome — in IndexedDB
 * (`src/lib/local-db.ts`, stores `history`, `historyLatest`, `historyTotals`).
 *
 *   sync bridge onBatch ──recordBatch──▶ queue ──(scheduled flush)──▶ one readwrite transaction:
 *   mutations' WriteObserver ─recordWrite─┘        fingerprint,         add versions, evict, update
 *                                                  skip unchanged       "latest" and the byte total
 *                                                                            │
 *   History tab, Activity, export ◀──versions / activity / exportJson ◀──────┴── subscribe (after each flush)
 *
 * - Off the render path: recording only appends to a queue; the flush runs in a later task and
 *   writes everything queued in one transaction.
 * - Only changes are stored: a version is kept when it differs from the entry's latest *server*
 *   version (a content hash per entry, loaded once per session from `historyLatest`). Signing in
 *   again stores nothing for unchanged entries, and the sync's echo of our own write is not stored
 *   twice. The in-memory hashes are only a pre-filter: the transaction checks again against
 *   `historyLatest`, so a second tab of the same account does not store the same versions twice.
 * - Deletions are what the fold calls deletions (`meansDeleted`: `{}`, and room `m.tag` without
 *   tags), stored as content `null`.
 * - A snapshot is the truth for its scope (docs/protocol.md §4.5; a room's first send carries all
 *   of its account data, §4.3): a type we knew that is missing from it was deleted meanwhile.
 * - Bounded: after each flush, an entry over `maxVersionsPerEntry` drops its oldest versions, and
 *   an account over `maxBytesPerAccount` (content bytes, kept incrementally in `historyTotals`)
 *   drops its oldest versions across all entries until it is under.
 * - IndexedDB failing (quota, private mode) never breaks the app: the store turns unavailable
 *   (`isAvailable`), drops what it queued and answers queries with nothing.
 */
import type { IDBPDatabase } from 'idb';
import type {
  LocalDb,
  HistoryLatestRecord,
  HistoryRecord,
  HistorySource,
  HistoryWrite,
  LocalDbSchema,
} from '../../../lib/local-db.ts';
import { entryKey, parseEntryKey, scopeKey, type EntryKey } from '../../../matrix/entry-key.ts';
import { meansDeleted } from '../../../matrix/account-data-fold.ts';
import { isRecord } from '../../../matrix/json.ts';
import { isSecretType } from '../../../matrix/known-types.ts';
import type { AccountDataScope, JsonObject, SyncEvent } from '../../../matrix/types.ts';
import type { WriteEvent } from '../write-events.ts';
import { fingerprint } from './fingerprint.ts';
import { storedSize, toLatest, toVersion, type HistoryVersion } from './history-records.ts';

export type { HistoryVersion };

/** How much history an account keeps. */
export type HistoryLimits = {
  /** Versions kept per entry; older ones are dropped first. */
  maxVersionsPerEntry: number;
  /** Content bytes (UTF-8 compact JSON) kept per account; the account's oldest versions go first. */
  maxBytesPerAccount: number;
};

/** 50 versions per entry, 50 MB per account (issue #8). */
export const DEFAULT_HISTORY_LIMITS: Readonly<HistoryLimits> = Object.freeze({
  maxVersionsPerEntry: 50,
  maxBytesPerAccount: 50 * 1024 * 1024,
});

/** A query of changes across the account. */
export type ActivityQuery = {
  scopeKind?: AccountDataScope['kind'];
  /** Exactly this type. */
  type?: string;
  /** Default: `live` and `this-app` (changes, not the initial snapshot). */
  sources?: readonly HistorySource[];
  limit: number;
  /** Only versions stored before this one (the next page). */
  beforeId?: number;
};

/** One version in an export: plain JSON, scope and type spelled out. */
export type ExportedVersion = {
  id: number;
  scope: AccountDataScope;
  type: string;
  /** Epoch ms, and the same as ISO 8601. */
  at: number;
  time: string;
  source: HistorySource;
  /** Absent when {@link ExportedVersion.redacted}; `null` when deleted. */
  content?: JsonObject | null;
  /** The content held a secret and the export was made without secrets. */
  redacted?: true;
  size: number;
  write?: HistoryWrite;
};

/** What {@link HistoryStore.exportJson} returns: JSON-serialisable, no tokens. */
export type HistoryExport = {
  format: 'account-data-inspector/history';
  formatVersion: 1;
  account: string;
  exportedAt: string;
  /** Whether secret-holding contents are included (else they are redacted). */
  includesSecrets: boolean;
  /** Oldest first. */
  versions: ExportedVersion[];
};

/** Runs the flush later; returns nothing (the store never cancels a scheduled flush). */
export type FlushScheduler = (run: () => void) => void;

export type HistoryStoreOptions = {
  limits?: Partial<HistoryLimits>;
  /** When to flush after something was recorded. Default: the next task (`setTimeout(run, 0)`). */
  schedule?: FlushScheduler;
  /** How long opening the database may take before history gives up (default 10 s). */
  openTimeoutMs?: number;
};

type NewRecord = Omit<HistoryRecord, 'id'> & { id?: number };

/** One observed version waiting for the flush's transaction. */
type Candidate = {
  key: EntryKey;
  at: number;
  source: HistorySource;
  content: JsonObject | null;
  hash: number;
  size: number;
  write?: HistoryWrite;
};

/** An entry's bookkeeping inside one flush. */
type EntryBook = {
  key: string;
  hash: number | undefined;
  count: number;
  last: { id?: number; source: HistorySource; at: number; pending?: NewRecord } | undefined;
  isDirty: boolean;
};

type QueueItem = { batch: readonly SyncEvent[]; at: number } | { write: WriteEvent };

/**
 * If the sync delivers our own write before the write's reply arrives, the version stored as `live`
 * was ours: a successful write with the same content within this window relabels it.
 */
const ECHO_WINDOW_MS = 15_000;
/** Batches and writes waiting for a flush beyond which the database is taken to be stuck. */
const MAX_QUEUED = 10_000;
/** Above this many entries in one flush, their bookkeeping is read in one `getAll`. */
const READ_ALL_ABOVE = 200;
const DEFAULT_ACTIVITY_SOURCES: readonly HistorySource[] = ['live', 'this-app'];
const STORES = ['history', 'historyLatest', 'historyTotals'] as const;

/** The history of one account (user ID). Create one per session and pass it in. */
export class HistoryStore {
  readonly account: string;
  private readonly db: LocalDb;
  private readonly schedule: FlushScheduler;
  private readonly openTimeoutMs: number;
  private limitsNow: HistoryLimits;
  private queue: QueueItem[] = [];
  private isScheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private needsFullEviction = false;
  private available = true;
  private isLoaded = false;
  /** Entry → hash of its latest server version (a pre-filter; the transaction checks again). */
  private readonly known = new Map<string, number>();
  /** Scope key → types with a known version (to notice types missing from a snapshot). */
  private readonly typesByScope = new Map<string, Set<string>>();
  private readonly listeners = new Set<() => void>();

  constructor(db: LocalDb, account: string, options: HistoryStoreOptions = {}) {
    this.db = db;
    this.account = account;
    this.limitsNow = checkedLimits({ ...DEFAULT_HISTORY_LIMITS, ...options.limits });
    this.openTimeoutMs = options.openTimeoutMs ?? 10_000;
    this.schedule =
      options.schedule ??
      ((run) => {
        setTimeout(run, 0);
      });
  }

  /** False once IndexedDB failed (quota, private mode): nothing is recorded, queries answer nothing. */
  get isAvailable(): boolean {
    return this.available;
  }

  get limits(): Readonly<HistoryLimits> {
    return this.limitsNow;
  }

  /** Changes the limits; the next flush (scheduled now) applies them to everything stored. */
  setLimits(limits: Partial<HistoryLimits>): void {
    this.limitsNow = checkedLimits({ ...this.limitsNow, ...limits });
    this.needsFullEviction = true;
    this.requestFlush();
  }

  /** Records one sync batch as observed at `at`. Cheap: only queues it (the flush does the work). */
  recordBatch(batch: readonly SyncEvent[], at: number): void {
    this.enqueue({ batch, at });
  }

  /** Records one settled write of this app, failed ones included. Cheap: only queues it. */
  recordWrite(event: WriteEvent): void {
    this.enqueue({ write: event });
  }

  /** Called after each flush that changed what is stored, and when the store turns unavailable. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Writes everything recorded so far. Never rejects. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** One entry's versions, newest first (after a flush of what was recorded before the call). */
  async versions(entry: EntryKey): Promise<HistoryVersion[]> {
    await this.flush();
    const db = await this.openForReading();
    if (!db) return [];
    try {
      const range = IDBKeyRange.bound([this.account, entry, 0], [this.account, entry, Infinity]);
      const records = await db.getAllFromIndex('history', 'byEntry', range);
      return this.checked(records).reverse();
    } catch (error) {
      warn('could not be read', error);
      return [];
    }
  }

  /** Versions across every entry of the account, newest first. */
  async activity(query: ActivityQuery): Promise<HistoryVersion[]> {
    await this.flush();
    const db = await this.openForReading();
    if (!db || query.limit <= 0) return [];
    const { scopeKind, type, limit, beforeId } = query;
    const matches = (version: HistoryVersion): boolean => {
      if (scopeKind === undefined && type === undefined) return true;
      const ref = parseEntryKey(version.entry);
      return (
        (scopeKind === undefined || ref.scope.kind === scopeKind) && (type === undefined || ref.type === type)
      );
    };
    try {
      const tx = db.transaction('history');
      const index = tx.store.index('bySource');
      const found: HistoryVersion[] = [];
      // One backwards walk per source (an index each), merged by id below.
      for (const source of new Set(query.sources ?? DEFAULT_ACTIVITY_SOURCES)) {
        const range = IDBKeyRange.bound(
          [this.account, source, 0],
          [this.account, source, beforeId ?? Infinity],
          false,
          beforeId !== undefined,
        );
        let taken = 0;
        for (let cursor = await index.openCursor(range, 'prev'); cursor && taken < limit;) {
          const version = toVersion(cursor.value, this.account);
          if (version && matches(version)) {
            found.push(version);
            taken++;
          }
          cursor = await cursor.continue();
        }
      }
      await tx.done;
      return found.sort((a, b) => b.id - a.id).slice(0, limit);
    } catch (error) {
      warn('could not be read', error);
      return [];
    }
  }

  /**
   * One entry's history, or the whole account's, as plain JSON (oldest first). Contents of
   * secret-holding types (`isSecretType`) are redacted unless `includeSecrets`. Holds no tokens.
   */
  async exportJson(options: { entry?: EntryKey; includeSecrets: boolean }): Promise<HistoryExport> {
    let versions: HistoryVersion[] = [];
    if (options.entry !== undefined) {
      versions = (await this.versions(options.entry)).reverse();
    } else {
      await this.flush();
      const db = await this.openForReading();
      if (db) {
        try {
          const range = IDBKeyRange.bound([this.account, 0], [this.account, Infinity]);
          versions = this.checked(await db.getAllFromIndex('history', 'byAccount', range));
        } catch (error) {
          warn('could not be read', error);
        }
      }
    }
    return {
      format: 'account-data-inspector/history',
      formatVersion: 1,
      account: this.account,
      exportedAt: new Date().toISOString(),
      includesSecrets: options.includeSecrets,
      versions: versions.map((version) => exported(version, options.includeSecrets)),
    };
  }

  private enqueue(item: QueueItem): void {
    if (!this.available) return;
    if (this.queue.length >= MAX_QUEUED) {
      // The database never answers (e.g. an old tab blocks its upgrade): stop holding batches.
      this.fail(new StalledError());
      return;
    }
    this.queue.push(item);
    this.requestFlush();
  }

  private requestFlush(): void {
    if (this.isScheduled) return;
    this.isScheduled = true;
    this.schedule(() => {
      this.isScheduled = false;
      void this.flush();
    });
  }

  /** The database, or a {@link StalledError} when it does not open in time (an old tab blocks it). */
  private async open(): Promise<IDBPDatabase<LocalDbSchema>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new StalledError());
      }, this.openTimeoutMs);
    });
    try {
      return await Promise.race([this.db.open(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async openForReading(): Promise<IDBPDatabase<LocalDbSchema> | null> {
    if (!this.available) return null;
    try {
      return await this.open();
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  private checked(records: readonly unknown[]): HistoryVersion[] {
    const out: HistoryVersion[] = [];
    for (const record of records) {
      const version = toVersion(record, this.account);
      if (version) out.push(version);
    }
    return out;
  }

  private async flushOnce(): Promise<void> {
    const items = this.queue;
    this.queue = [];
    if (!this.available) return;
    const fullEviction = this.needsFullEviction;
    this.needsFullEviction = false;
    if (items.length === 0 && !fullEviction) return;
    try {
      const db = await this.open();
      if (!this.isLoaded) await this.load(db);
      const candidates = this.prepare(items);
      if (candidates.length === 0 && !fullEviction) return;
      if (await this.write(db, candidates, fullEviction)) this.notify();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Loads the latest hash of every entry of the account, once per session. */
  private async load(db: IDBPDatabase<LocalDbSchema>): Promise<void> {
    const records = await db.getAll('historyLatest', accountRange(this.account));
    for (const value of records) {
      const latest = toLatest(value, this.account);
      if (latest?.hash !== undefined) this.remember(latest.entry, latest.hash);
    }
    this.isLoaded = true;
  }

  private remember(key: string, hash: number, scope?: string, type?: string): void {
    if (!this.known.has(key)) {
      if (scope === undefined || type === undefined) {
        const ref = parseEntryKey(key);
        scope = scopeKey(ref.scope);
        type = ref.type;
      }
      let types = this.typesByScope.get(scope);
      if (!types) this.typesByScope.set(scope, (types = new Set()));
      types.add(type);
    }
    this.known.set(key, hash);
  }

  /** Turns the queue into candidate versions, skipping those equal to the latest known ones. */
  private prepare(items: readonly QueueItem[]): Candidate[] {
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
      if (this.known.get(key) === hash) return;
      this.remember(key, hash, scopeKey(scope), type);
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
      const knownTypes = this.typesByScope.get(scopeKey(scope));
      if (!knownTypes) return;
      for (const type of [...knownTypes]) {
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
        if (write.outcome === 'ok') this.remember(key, hash, scopeKey(write.scope), write.type);
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

  /** The flush's one transaction. Returns whether anything stored changed. */
  private async write(
    db: IDBPDatabase<LocalDbSchema>,
    candidates: readonly Candidate[],
    fullEviction: boolean,
  ): Promise<boolean> {
    const { account } = this;
    const { maxVersionsPerEntry, maxBytesPerAccount } = this.limitsNow;
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
      if (stored) await history.put({ ...stored, source: 'this-app', write });
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

    // 4. Bookkeeping, in the same transaction.
    for (const book of books.values()) {
      if (!book.isDirty) continue;
      if (book.count === 0 && book.hash === undefined) {
        await latestStore.delete([account, book.key]);
        continue;
      }
      const record: HistoryLatestRecord = { account, entry: book.key, count: book.count };
      if (book.hash !== undefined) record.hash = book.hash;
      if (book.last?.id !== undefined) {
        record.last = { id: book.last.id, source: book.last.source, at: book.last.at };
      }
      await latestStore.put(record);
    }
    await totalsStore.put({ account, bytes: Math.max(0, bytes) });
    await tx.done;

    for (const book of books.values()) {
      if (book.hash !== undefined) this.remember(book.key, book.hash);
    }
    return isChanged;
  }

  /** A listener that throws is reported, but never stops the others or the store. */
  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private fail(error: unknown): void {
    if (!this.available) return;
    this.available = false;
    this.queue = [];
    this.known.clear();
    this.typesByScope.clear();
    warn('is unavailable in this browser; versions are no longer recorded', error);
    this.notify();
  }
}

class StalledError extends Error {
  override name = 'StalledError';
}

function checkedLimits(limits: HistoryLimits): HistoryLimits {
  const { maxVersionsPerEntry, maxBytesPerAccount } = limits;
  if (!Number.isSafeInteger(maxVersionsPerEntry) || maxVersionsPerEntry < 1) {
    throw new RangeError(
      `maxVersionsPerEntry must be a whole number ≥ 1, not ${String(maxVersionsPerEntry)}`,
    );
  }
  if (!Number.isFinite(maxBytesPerAccount) || maxBytesPerAccount < 0) {
    throw new RangeError(`maxBytesPerAccount must be a number ≥ 0, not ${String(maxBytesPerAccount)}`);
  }
  return { maxVersionsPerEntry, maxBytesPerAccount };
}

/** Every key `[account, …]` of a store keyed by account first (arrays sort after strings). */
function accountRange(account: string): IDBKeyRange {
  return IDBKeyRange.bound([account], [account, []]);
}

function exported(version: HistoryVersion, includeSecrets: boolean): ExportedVersion {
  const { scope, type } = parseEntryKey(version.entry);
  const out: ExportedVersion = {
    id: version.id,
    scope,
    type,
    at: version.at,
    time: new Date(version.at).toISOString(),
    source: version.source,
    size: version.size,
  };
  if (version.content !== null && !includeSecrets && isSecretType(type, version.content)) {
    out.redacted = true;
  } else {
    out.content = version.content;
  }
  if (version.write) out.write = version.write;
  return out;
}

/** Logs that the history failed, naming only the error's kind (never content or keys). */
function warn(what: string, error: unknown): void {
  const kind = error instanceof Error ? error.name : typeof error;
  console.warn(`Change history ${what} (${kind}).`);
}
