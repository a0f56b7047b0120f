import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalDb } from '../../../lib/local-db.ts';
import { entryKey } from '../../../matrix/entry-key.ts';
import type { SyncEvent } from '../../../matrix/types.ts';
import { HistoryStore } from './history-store.ts';
import {
  forTransfer,
  forwardUserActivity,
  MAX_DEFER_MS,
  QUIET_MS,
  REPORT_EVERY_MS,
  serveWriters,
  UserActivity,
  WorkerHistoryWriter,
  WRITE_SLICE,
  type WorkerLike,
  type WorkerReply,
  type WorkerRequest,
} from './history-writer.ts';

const ME = '@me:example.org';
const DIRECT = entryKey({ kind: 'global' }, 'm.direct');

let dbName = 0;
let db: LocalDb;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  db = new LocalDb(`writer-test-${++dbName}`);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

/**
 * A stand-in for the history worker (component-level test: no Worker in jsdom): what the page posts
 * is structured-cloned, as `postMessage` does, and answered by the real `serveWriters` on its own
 * `LocalDb` instance of the same database, as the worker's would be.
 */
class FakeWorker implements WorkerLike {
  readonly requests: WorkerRequest[] = [];
  private readonly messageListeners: ((event: MessageEvent<WorkerReply>) => void)[] = [];
  private readonly errorListeners: (() => void)[] = [];
  private readonly serve: (request: WorkerRequest) => Promise<void>;
  answering = true;

  constructor(activity?: UserActivity) {
    const post = (reply: WorkerReply) => {
      const event = { data: structuredClone(reply) } as MessageEvent<WorkerReply>;
      setTimeout(() => {
        for (const listener of this.messageListeners) listener(event);
      }, 0);
    };
    this.serve = serveWriters(post, activity ? { activity } : {});
  }

  postMessage(message: WorkerRequest): void {
    const copy = structuredClone(message);
    this.requests.push(copy);
    if (this.answering) void this.serve(copy);
  }

  addEventListener(type: 'message' | 'error' | 'messageerror', listener: never): void {
    if (type === 'message') this.messageListeners.push(listener);
    else this.errorListeners.push(listener);
  }

  crash(): void {
    for (const listener of this.errorListeners) listener();
  }
}

const changed = (type: string, content: Record<string, number>): SyncEvent => ({
  kind: 'changed',
  scope: { kind: 'global' },
  type,
  content,
});

describe('the history worker writer (stubbed Worker: jsdom has none)', () => {
  it('stores through the worker what the inline writer would, and reads see it on the page', async () => {
    const worker = new FakeWorker();
    const history = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.resolve(worker)),
    });
    const listener = vi.fn();
    history.subscribe(listener);
    history.recordBatch([changed('m.direct', { v: 1 })], 1);
    history.recordBatch([changed('m.direct', { v: 2 })], 2);
    expect((await history.versions(DIRECT)).map((v) => v.content)).toEqual([{ v: 2 }, { v: 1 }]);
    expect(listener).toHaveBeenCalledTimes(1);
    // The same content again: the worker's own picture of what is stored skips it.
    history.recordBatch([changed('m.direct', { v: 2 })], 3);
    await history.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(worker.requests.map((r) => r.kind)).toEqual(['flush', 'flush']);
  });

  it('sends only what the history stores: status and room events stay on the page', () => {
    const batch: SyncEvent[] = [
      { kind: 'status', status: { state: 'live' } },
      { kind: 'room-added', room: { roomId: '!a:x', name: 'A' } },
      changed('m.direct', { v: 1 }),
    ];
    const onlyStatus: SyncEvent[] = [{ kind: 'initial-complete', roomCount: 3 }];
    expect(
      forTransfer([
        { batch, at: 5 },
        { batch: onlyStatus, at: 6 },
      ]),
    ).toEqual([{ batch: [changed('m.direct', { v: 1 })], at: 5 }]);
  });

  it('asks the worker nothing for batches without data (a status change)', async () => {
    const worker = new FakeWorker();
    const history = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.resolve(worker)),
    });
    history.recordBatch([{ kind: 'status', status: { state: 'live' } }], 1);
    await history.flush();
    expect(worker.requests).toHaveLength(0);
    history.recordBatch([changed('m.direct', { v: 1 })], 2);
    await history.flush();
    expect(worker.requests).toHaveLength(1);
  });

  it('turns the store unavailable when the worker reports a failure, naming only its kind', async () => {
    const worker = new FakeWorker();
    const broken = new LocalDb('broken');
    vi.spyOn(LocalDb.prototype, 'open').mockRejectedValue(
      new DOMException('detail with do-not-log', 'QuotaExceededError'),
    );
    const history = new HistoryStore(broken, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(broken, ME, () => Promise.resolve(worker)),
    });
    history.recordBatch([changed('m.direct', { secret: 1 })], 1);
    await history.flush();
    expect(history.isAvailable).toBe(false);
    const logged = JSON.stringify(vi.mocked(console.warn).mock.calls);
    expect(logged).toContain('QuotaExceededError');
    expect(logged).not.toContain('do-not-log');
  });

  it('fails the waiting flush when the worker crashes, and the store says so', async () => {
    const worker = new FakeWorker();
    worker.answering = false;
    const history = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.resolve(worker)),
    });
    history.recordBatch([changed('m.direct', { v: 1 })], 1);
    const flushed = history.flush();
    await vi.waitFor(() => {
      expect(worker.requests).toHaveLength(1);
    });
    worker.crash();
    await flushed;
    expect(history.isAvailable).toBe(false);
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).toContain('HistoryWorkerError');
  });

  it('turns unavailable when the worker cannot be created (e.g. its chunk did not load)', async () => {
    const history = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.reject(new TypeError('chunk failed'))),
    });
    history.recordBatch([changed('m.direct', { v: 1 })], 1);
    await history.flush();
    expect(history.isAvailable).toBe(false);
  });

  it('keeps each account apart when two stores share one worker', async () => {
    const worker = new FakeWorker();
    const other = '@other:example.org';
    const mine = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.resolve(worker)),
    });
    const theirs = new HistoryStore(db, other, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, other, () => Promise.resolve(worker)),
    });
    mine.recordBatch([changed('m.direct', { mine: 1 })], 1);
    theirs.recordBatch([changed('m.direct', { theirs: 1 })], 1);
    await Promise.all([mine.flush(), theirs.flush()]);
    expect((await mine.versions(DIRECT)).map((v) => v.content)).toEqual([{ mine: 1 }]);
    expect((await theirs.versions(DIRECT)).map((v) => v.content)).toEqual([{ theirs: 1 }]);
  });
});

describe('big flushes give way while the user interacts (stubbed Worker and clock)', () => {
  /** A clock whose `sleep` only moves time on; `onSleep` plays the user meanwhile. */
  function fakeClock(onSleep: () => void = () => undefined) {
    const clock = {
      t: 0,
      slept: [] as number[],
      now: () => clock.t,
      sleep: (ms: number) => {
        clock.slept.push(ms);
        clock.t += ms;
        onSleep();
        return Promise.resolve();
      },
    };
    return clock;
  }
  const manyChanges = (n: number): SyncEvent[] =>
    Array.from({ length: n }, (_, i) => changed(`org.example.t${String(i)}`, { i }));

  async function flushThrough(worker: FakeWorker, batch: SyncEvent[]) {
    const history = new HistoryStore(db, ME, {
      schedule: () => undefined,
      writer: new WorkerHistoryWriter(db, ME, () => Promise.resolve(worker)),
    });
    history.recordBatch(batch, 1);
    await history.flush();
    return history;
  }

  it('waits for a quiet moment before the next slice, and stores everything', async () => {
    const clock = fakeClock();
    const activity = new UserActivity(clock);
    const worker = new FakeWorker(activity);
    worker.postMessage({ kind: 'busy' });
    const count = WRITE_SLICE * 2 + 10; // three slices, two pauses
    const history = await flushThrough(worker, manyChanges(count));
    // Only the first pause waited: the user had been quiet for QUIET_MS by the second.
    expect(clock.slept).toEqual([QUIET_MS]);
    expect((await history.activity({ limit: count + 1 })).length).toBe(count);
  });

  it('never holds a slice back longer than MAX_DEFER_MS while the user keeps going', async () => {
    // The user scrolls on through every wait (called only once `activity` exists).
    const clock = fakeClock(() => {
      activity.busy();
    });
    const activity = new UserActivity(clock);
    const worker = new FakeWorker(activity);
    worker.postMessage({ kind: 'busy' });
    const count = WRITE_SLICE * 2 + 10;
    const history = await flushThrough(worker, manyChanges(count));
    const total = clock.slept.reduce((a, b) => a + b, 0);
    expect(total).toBe(2 * MAX_DEFER_MS);
    expect((await history.activity({ limit: count + 1 })).length).toBe(count);
  });

  it('does not wait when the user has not interacted', async () => {
    const clock = fakeClock();
    const worker = new FakeWorker(new UserActivity(clock));
    await flushThrough(worker, manyChanges(WRITE_SLICE * 2 + 10));
    expect(clock.slept).toEqual([]);
  });

  it('reports scrolling, typing and clicking to the worker, at most every REPORT_EVERY_MS', () => {
    const target = new EventTarget();
    const posted: WorkerRequest[] = [];
    let t = 0;
    const stop = forwardUserActivity(target, { postMessage: (m) => posted.push(m) }, () => t);
    target.dispatchEvent(new Event('scroll'));
    t = REPORT_EVERY_MS / 2;
    target.dispatchEvent(new Event('keydown'));
    expect(posted).toEqual([{ kind: 'busy' }]);
    t = REPORT_EVERY_MS * 2;
    target.dispatchEvent(new Event('pointerdown'));
    expect(posted).toHaveLength(2);
    // Moving the pointer is not interacting with the tree.
    t = REPORT_EVERY_MS * 4;
    target.dispatchEvent(new Event('pointermove'));
    expect(posted).toHaveLength(2);
    stop();
    target.dispatchEvent(new Event('wheel'));
    expect(posted).toHaveLength(2);
  });
});
