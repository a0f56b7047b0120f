/**
 * Where a history flush does its work: `prepare` (fingerprints, the known-versions pre-filter) and
 * `write` (IndexedDB transactions), for one account.
 *
 * - {@link InlineHistoryWriter} does it on the calling thread. Tests use it, and so does the
 *   history worker (`history-worker.ts`) inside itself.
 * - {@link WorkerHistoryWriter} sends the queue to that worker and waits for its answer, so that a
 *   big account's first sync — 30,000 versions to fingerprint and store for 10,000 rooms — never
 *   competes with live changes, scrolling and typing on the page's thread (issue #13, ADR 014).
 *   IndexedDB is the same database in both (same origin, same name); reads stay on the page.
 *
 * A flush answers whether anything stored changed; it rejects when IndexedDB failed (the store then
 * turns unavailable). Flushes of one writer never overlap: the store chains them.
 */
import type { IDBPDatabase } from 'idb';
import { LocalDb, type LocalDbSchema } from '../../../lib/local-db.ts';
import { loadKnown, prepare, write, type QueueItem } from './history-flush.ts';
import type { HistoryLimits } from './history-limits.ts';
import { KnownVersions } from './known-versions.ts';

/** One flush's work order. */
export type FlushJob = {
  items: readonly QueueItem[];
  limits: Readonly<HistoryLimits>;
  /** Check every entry against the bounds (they were lowered), not only the new ones. */
  fullEviction: boolean;
};

export interface HistoryWriter {
  /** Stores what the items hold; resolves with whether anything stored changed. */
  flush(job: FlushJob): Promise<boolean>;
  /** Forgets the session's picture of what is stored (after a failure). */
  reset(): void;
}

/** The database did not open in time: an old tab blocks its upgrade. */
export class StalledError extends Error {
  override name = 'StalledError';
}

/**
 * Versions per transaction when a flush has many: small enough that one slice's work is a short
 * task (Chromium's IndexedDB costs ≈ 0.3–1 ms per version on the calling thread; 30,000 versions
 * of a 10,000-room first sync in one transaction blocked the page for seconds), and short
 * transactions let the page's reads (History tab) in between.
 */
export const WRITE_SLICE = 100;

export type InlineWriterOptions = {
  /** How long opening the database may take before the writer gives up (default 10 s). */
  openTimeoutMs?: number;
  /** Waits between two slices of a big flush (default: an idle moment, see {@link pause}). */
  pause?: () => Promise<void>;
};

/** Does the flush's work on this thread. */
export class InlineHistoryWriter implements HistoryWriter {
  private readonly db: LocalDb;
  private readonly account: string;
  private readonly openTimeoutMs: number;
  private readonly pause: () => Promise<void>;
  /** The latest version of each entry, as far as this session knows (the transaction checks again). */
  private readonly known = new KnownVersions();
  private isLoaded = false;

  constructor(db: LocalDb, account: string, options: InlineWriterOptions = {}) {
    this.db = db;
    this.account = account;
    this.openTimeoutMs = options.openTimeoutMs ?? 10_000;
    this.pause = options.pause ?? pause;
  }

  async flush({ items, limits, fullEviction }: FlushJob): Promise<boolean> {
    const db = await openWithin(this.db, this.openTimeoutMs);
    if (!this.isLoaded) {
      await loadKnown(db, this.account, this.known);
      this.isLoaded = true;
    }
    const candidates = prepare(items, this.known);
    if (candidates.length === 0 && !fullEviction) return false;
    let isChanged = false;
    for (let start = 0; start === 0 || start < candidates.length; start += WRITE_SLICE) {
      if (start > 0) await this.pause();
      const job = {
        account: this.account,
        limits,
        candidates: candidates.slice(start, start + WRITE_SLICE),
        fullEviction: fullEviction && start === 0,
        known: this.known,
      };
      if (await write(db, job)) isChanged = true;
    }
    return isChanged;
  }

  reset(): void {
    this.known.clear();
    this.isLoaded = false;
  }
}

/** The database, or a {@link StalledError} when it does not open within `ms`. */
export async function openWithin(db: LocalDb, ms: number): Promise<IDBPDatabase<LocalDbSchema>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StalledError());
    }, ms);
  });
  try {
    return await Promise.race([db.open(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lets the thread handle other work between two slices: the next slice waits for an idle moment
 * (at most half a second), or a plain task where there is no idle callback (workers).
 */
function pause(): Promise<void> {
  return new Promise((resolve) => {
    const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number })
      .requestIdleCallback;
    if (idle)
      idle(
        () => {
          resolve();
        },
        { timeout: 500 },
      );
    else setTimeout(resolve, 0);
  });
}

// --- The worker's side of the conversation (history-worker.ts) ---

/** Page → worker. */
export type WorkerRequest =
  | {
      kind: 'flush';
      id: number;
      dbName: string;
      account: string;
      openTimeoutMs: number;
      job: FlushJob;
    }
  | { kind: 'reset'; dbName: string; account: string };

/** Worker → page: one answer per `flush`. */
export type WorkerReply =
  | { id: number; ok: true; changed: boolean }
  /** Only the error's kind travels (never content or keys): the store logs it. */
  | { id: number; ok: false; name: string };

/** The events a sync batch holds that the history stores; the rest stays on the page. */
const STORED_KINDS = new Set(['global-snapshot', 'room-snapshot', 'changed', 'deleted']);

/** The queue without what the history ignores, so that only data crosses to the worker. */
export function forTransfer(items: readonly QueueItem[]): QueueItem[] {
  const out: QueueItem[] = [];
  for (const item of items) {
    if ('write' in item) {
      out.push(item);
      continue;
    }
    const batch = item.batch.filter((event) => STORED_KINDS.has(event.kind));
    if (batch.length > 0) out.push({ batch, at: item.at });
  }
  return out;
}

const writerKey = (dbName: string, account: string) => JSON.stringify([dbName, account]);

/** Answers the page's requests with one {@link InlineHistoryWriter} per database and account. */
export function serveWriters(
  post: (reply: WorkerReply) => void,
  makeDb: (name: string) => LocalDb = (name) => new LocalDb(name),
): (request: WorkerRequest) => Promise<void> {
  const writers = new Map<string, InlineHistoryWriter>();
  const dbs = new Map<string, LocalDb>();
  const writerFor = (dbName: string, account: string, openTimeoutMs: number) => {
    const key = writerKey(dbName, account);
    let writer = writers.get(key);
    if (!writer) {
      let db = dbs.get(dbName);
      if (!db) dbs.set(dbName, (db = makeDb(dbName)));
      // No idle pauses: nothing else runs on the worker's thread.
      writer = new InlineHistoryWriter(db, account, { openTimeoutMs, pause: nextTask });
      writers.set(key, writer);
    }
    return writer;
  };
  // One flush after the other, as the page sends them.
  let chain = Promise.resolve();
  return (request) => {
    const run = async () => {
      if (request.kind === 'reset') {
        writers.get(writerKey(request.dbName, request.account))?.reset();
        return;
      }
      const writer = writerFor(request.dbName, request.account, request.openTimeoutMs);
      try {
        post({ id: request.id, ok: true, changed: await writer.flush(request.job) });
      } catch (error) {
        post({ id: request.id, ok: false, name: error instanceof Error ? error.name : typeof error });
      }
    };
    chain = chain.then(run, run);
    return chain;
  };
}

/** A later task, so that the worker's IndexedDB callbacks between two slices run. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The worker failed in a way that has no error object of ours (it did not load, it crashed). */
export class HistoryWorkerError extends Error {
  override name = 'HistoryWorkerError';
}

/** An error that carries only the kind the worker reported. */
class ReportedError extends Error {
  constructor(name: string) {
    super(`history worker: ${name}`);
    this.name = name;
  }
}

/** What a worker looks like to the page (the DOM `Worker`; a fake in tests). */
export type WorkerLike = {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerReply>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: () => void): void;
};

/** Flush ids, unique across the writers that share one worker (each ignores the others' replies). */
let nextFlushId = 1;

/** Sends each flush to the history worker; the worker is created (or shared) on the first flush. */
export class WorkerHistoryWriter implements HistoryWriter {
  private readonly db: LocalDb;
  private readonly account: string;
  private readonly openTimeoutMs: number;
  private readonly create: () => Promise<WorkerLike>;
  private worker: Promise<WorkerLike> | null = null;
  private readonly waiting = new Map<
    number,
    { resolve: (changed: boolean) => void; reject: (e: Error) => void }
  >();

  constructor(
    db: LocalDb,
    account: string,
    create: () => Promise<WorkerLike>,
    options: { openTimeoutMs?: number } = {},
  ) {
    this.db = db;
    this.account = account;
    this.create = create;
    this.openTimeoutMs = options.openTimeoutMs ?? 10_000;
  }

  async flush(job: FlushJob): Promise<boolean> {
    // Most live batches carry only a status: nothing for the worker to store, so no round trip.
    const items = forTransfer(job.items);
    if (items.length === 0 && !job.fullEviction) return false;
    const worker = await this.started();
    const id = nextFlushId++;
    const answer = new Promise<boolean>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    worker.postMessage({
      kind: 'flush',
      id,
      dbName: this.db.name,
      account: this.account,
      openTimeoutMs: this.openTimeoutMs,
      job: { ...job, items },
    });
    return answer;
  }

  reset(): void {
    void this.worker
      ?.then((worker) => {
        worker.postMessage({ kind: 'reset', dbName: this.db.name, account: this.account });
      })
      .catch(() => undefined);
  }

  private started(): Promise<WorkerLike> {
    if (!this.worker) {
      const starting = this.create().then((worker) => {
        worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
          const reply = event.data;
          const waiter = this.waiting.get(reply.id);
          if (!waiter) return;
          this.waiting.delete(reply.id);
          if (reply.ok) waiter.resolve(reply.changed);
          else waiter.reject(new ReportedError(reply.name));
        });
        const broken = () => {
          this.failAll(new HistoryWorkerError('the history worker failed'));
        };
        worker.addEventListener('error', broken);
        worker.addEventListener('messageerror', broken);
        return worker;
      });
      this.worker = starting;
      // A worker that cannot be created is asked again next time (the store turns unavailable first).
      starting.catch(() => {
        if (this.worker === starting) this.worker = null;
      });
    }
    return this.worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
