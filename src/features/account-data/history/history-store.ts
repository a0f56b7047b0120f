/**
 * The change history of one account: every version of every account-data entry the app observes —
 * the initial snapshot, each live change, each own write with its outcome — in IndexedDB
 * (`src/lib/local-db.ts`, stores `history`, `historyLatest`, `historyTotals`). This module is the
 * store's public face (recording, scheduling, reads, availability); the flush's work lives in
 * `history-flush.ts`, run by a writer (`history-writer.ts`: on this thread, or in the history
 * worker), the export's shape and redaction in `history-export.ts`, the bounds in
 * `history-limits.ts`, the session's picture of what is stored in `known-versions.ts`.
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
 * - Changes made while the app was not watching keep source `initial` (where they were seen) and
 *   are flagged `changedSinceLastSeen` when the entry had a known version that differs; the
 *   Activity view lists them by default (`ActivityQuery`). A first sign-in flags nothing.
 * - Bounded: after each flush, an entry over `maxVersionsPerEntry` drops its oldest versions, and
 *   an account over `maxBytesPerAccount` (content bytes, kept incrementally in `historyTotals`)
 *   drops its oldest versions across all entries until it is under.
 * - IndexedDB failing (quota, private mode) never breaks the app: the store turns unavailable
 *   (`isAvailable`), drops what it queued and answers queries with nothing.
 */
import type { IDBPDatabase } from 'idb';
import type { LocalDb, HistorySource, LocalDbSchema } from '../../../lib/local-db.ts';
import { parseEntryKey, type EntryKey } from '../../../matrix/entry-key.ts';
import type { AccountDataScope, SyncEvent } from '../../../matrix/types.ts';
import type { WriteEvent } from '../write-events.ts';
import { historyExport, type ExportedVersion, type HistoryExport } from './history-export.ts';
import type { QueueItem } from './history-flush.ts';
import { DEFAULT_HISTORY_LIMITS, checkedLimits, type HistoryLimits } from './history-limits.ts';
import { toVersion, type HistoryVersion } from './history-records.ts';
import { InlineHistoryWriter, openWithin, StalledError, type HistoryWriter } from './history-writer.ts';

export type { ExportedVersion, HistoryExport, HistoryLimits, HistoryVersion };
export { DEFAULT_HISTORY_LIMITS };

/**
 * A query of changes across the account. A version is listed when its source is one of `sources`
 * **or** it is flagged `changedSinceLastSeen` (unless `changedSinceLastSeen: false`), and it matches
 * `scopeKind` and `type`. So by default: live changes, own writes, and what changed while the app
 * was not watching (seen at sign-in), but not the rest of the initial snapshot. `sources: ['initial']`
 * lists every initial version (flagged ones once); `{ sources: ['live'], changedSinceLastSeen: false }`
 * only live changes.
 */
export type ActivityQuery = {
  scopeKind?: AccountDataScope['kind'];
  /** Exactly this type. */
  type?: string;
  /** Default: `live` and `this-app` (changes, not the initial snapshot). */
  sources?: readonly HistorySource[];
  /** Also list versions flagged `changedSinceLastSeen`, whatever their source. Default: true. */
  changedSinceLastSeen?: boolean;
  limit: number;
  /** Only versions stored before this one (the next page). */
  beforeId?: number;
};

/** Runs the flush later; returns nothing (the store never cancels a scheduled flush). */
export type FlushScheduler = (run: () => void) => void;

export type HistoryStoreOptions = {
  limits?: Partial<HistoryLimits>;
  /** When to flush after something was recorded. Default: the next task (`setTimeout(run, 0)`). */
  schedule?: FlushScheduler;
  /** How long opening the database may take before history gives up (default 10 s). */
  openTimeoutMs?: number;
  /**
   * Where flushes do their work. Default: on this thread ({@link InlineHistoryWriter}); the app
   * passes the history worker's (`history-writer-for-page.ts`).
   */
  writer?: HistoryWriter;
};

/** Batches and writes waiting for a flush beyond which the database is taken to be stuck. */
const MAX_QUEUED = 10_000;
const DEFAULT_ACTIVITY_SOURCES: readonly HistorySource[] = ['live', 'this-app'];

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
  private readonly writer: HistoryWriter;
  private readonly listeners = new Set<() => void>();

  constructor(db: LocalDb, account: string, options: HistoryStoreOptions = {}) {
    this.db = db;
    this.account = account;
    this.limitsNow = checkedLimits({ ...DEFAULT_HISTORY_LIMITS, ...options.limits });
    this.openTimeoutMs = options.openTimeoutMs ?? 10_000;
    this.writer =
      options.writer ?? new InlineHistoryWriter(db, account, { openTimeoutMs: this.openTimeoutMs });
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
      const found = new Map<number, HistoryVersion>();
      const range = (...prefix: (string | number)[]) =>
        IDBKeyRange.bound([...prefix, 0], [...prefix, beforeId ?? Infinity], false, beforeId !== undefined);
      // One backwards walk per source and one of the flagged versions (an index each), merged by
      // id below; a version found by two walks is listed once.
      const walks: ['bySource' | 'byChangedSinceLastSeen', IDBKeyRange][] = [
        ...new Set(query.sources ?? DEFAULT_ACTIVITY_SOURCES),
      ].map((source) => ['bySource', range(this.account, source)]);
      if (query.changedSinceLastSeen !== false) {
        walks.push(['byChangedSinceLastSeen', range(this.account, 1)]);
      }
      for (const [index, keys] of walks) {
        let taken = 0;
        for (let cursor = await tx.store.index(index).openCursor(keys, 'prev'); cursor && taken < limit;) {
          const version = toVersion(cursor.value, this.account);
          if (version && matches(version)) {
            found.set(version.id, version);
            taken++;
          }
          cursor = await cursor.continue();
        }
      }
      await tx.done;
      return [...found.values()].sort((a, b) => b.id - a.id).slice(0, limit);
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
    return historyExport(this.account, versions, options.includeSecrets);
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

  /** The database, or a `StalledError` when it does not open in time (an old tab blocks it). */
  private open(): Promise<IDBPDatabase<LocalDbSchema>> {
    return openWithin(this.db, this.openTimeoutMs);
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
      if (await this.writer.flush({ items, limits: this.limitsNow, fullEviction })) this.notify();
    } catch (error) {
      this.fail(error);
    }
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
    this.writer.reset();
    warn('is unavailable in this browser; versions are no longer recorded', error);
    this.notify();
  }
}

/** Logs that the history failed, naming only the error's kind (never content or keys). */
function warn(what: string, error: unknown): void {
  const kind = error instanceof Error ? error.name : typeof error;
  console.warn(`Change history ${what} (${kind}).`);
}
