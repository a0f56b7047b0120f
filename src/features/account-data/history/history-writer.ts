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
import { nextIdle } from '../../../lib/idle.ts';
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
  return nextIdle(500);
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
  | { kind: 'reset'; dbName: string; account: string }
  /** The user is scrolling, typing or clicking: the next slice waits (see {@link UserActivity}). */
  | { kind: 'busy' };

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

/** After the user's last interaction, the worker's next slice waits this long… */
export const QUIET_MS = 300;
/**
 * …but a slice is never held back longer than this, so a flush always makes progress. Longer than a
 * wheel or drag scroll lasts: at 2 s, a slice forced into the middle of the bench's 3 s scroll cost
 * it 6–10 frames a second at 10,000 rooms (ADR 017, session 7).
 */
export const MAX_DEFER_MS = 10_000;

/** A clock for {@link UserActivity} (a fake one in tests). */
export type Clock = { now(): number; sleep(ms: number): Promise<void> };

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The worker's picture of the user: when they last scrolled, typed or clicked (the page reports
 * it, {@link forwardUserActivity}). Big flushes wait for a quiet moment between two slices: on a
 * two-core machine, storing a 10,000-room first sync (30,000 versions, several seconds of the
 * worker's and IndexedDB's time) beside a scrolling tree cost it a third of its frames (ADR 017).
 */
export class UserActivity {
  private busyAt = -Infinity;
  private readonly clock: Clock;

  constructor(clock: Clock = realClock) {
    this.clock = clock;
  }

  busy(): void {
    this.busyAt = this.clock.now();
  }

  /** Resolves once the user has been quiet for {@link QUIET_MS}, or after {@link MAX_DEFER_MS}. */
  async quiet(): Promise<void> {
    const start = this.clock.now();
    for (;;) {
      const wait = Math.min(this.busyAt + QUIET_MS, start + MAX_DEFER_MS) - this.clock.now();
      if (wait <= 0) return;
      await this.clock.sleep(wait);
    }
  }
}

export type ServeOptions = {
  makeDb?: (name: string) => LocalDb;
  activity?: UserActivity;
};

/** Answers the page's requests with one {@link InlineHistoryWriter} per database and account. */
export function serveWriters(
  post: (reply: WorkerReply) => void,
  { makeDb = (name) => new LocalDb(name), activity = new UserActivity() }: ServeOptions = {},
): (request: WorkerRequest) => Promise<void> {
  const writers = new Map<string, InlineHistoryWriter>();
  const dbs = new Map<string, LocalDb>();
  const writerFor = (dbName: string, account: string, openTimeoutMs: number) => {
    const key = writerKey(dbName, account);
    let writer = writers.get(key);
    if (!writer) {
      let db = dbs.get(dbName);
      if (!db) dbs.set(dbName, (db = makeDb(dbName)));
      // No idle callbacks in a worker: a later task (the slice's IndexedDB callbacks run), then a
      // quiet moment of the user's.
      const pause = async () => {
        await nextTask();
        await activity.quiet();
      };
      writer = new InlineHistoryWriter(db, account, { openTimeoutMs, pause });
      writers.set(key, writer);
    }
    return writer;
  };
  // One flush after the other, as the page sends them.
  let chain = Promise.resolve();
  return (request) => {
    // At once, not behind the flush it is meant to slow down.
    if (request.kind === 'busy') {
      activity.busy();
      return Promise.resolve();
    }
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

/** The page events that mean the user is interacting (scrolling, typing, clicking, touching). */
const INTERACTIONS = ['scroll', 'wheel', 'keydown', 'pointerdown', 'touchmove'] as const;
/** The page reports interaction at most this often (a scroll fires an event per frame). */
export const REPORT_EVERY_MS = 100;

/**
 * Tells the history worker whenever the user interacts with the page (capturing, passive
 * listeners on `target`, normally `window`), so that big flushes give way (see {@link UserActivity}).
 * Returns a function that stops it.
 */
export function forwardUserActivity(
  target: EventTarget,
  worker: Pick<WorkerLike, 'postMessage'>,
  now: () => number = () => performance.now(),
): () => void {
  let reportedAt = -Infinity;
  const onInteraction = () => {
    const at = now();
    if (at - reportedAt < REPORT_EVERY_MS) return;
    reportedAt = at;
    worker.postMessage({ kind: 'busy' });
  };
  const options = { capture: true, passive: true };
  for (const type of INTERACTIONS) target.addEventListener(type, onInteraction, options);
  return () => {
    for (const type of INTERACTIONS) target.removeEventListener(type, onInteraction, options);
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
