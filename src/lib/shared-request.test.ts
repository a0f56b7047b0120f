import { describe, expect, it, vi } from 'vitest';
import { raceSignal, SharedRequest } from './shared-request.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('raceSignal', () => {
  it('rejects with the caller’s abort reason without touching the shared promise', async () => {
    const shared = deferred<number>();
    const controller = new AbortController();
    const raced = raceSignal(shared.promise, controller.signal);
    controller.abort();
    await expect(raced).rejects.toMatchObject({ name: 'AbortError' });
    shared.resolve(7);
    await expect(shared.promise).resolves.toBe(7);
  });

  it('passes the shared value and error through unchanged', async () => {
    const error = new TypeError('boom');
    await expect(raceSignal(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(raceSignal(Promise.reject(error), new AbortController().signal)).rejects.toBe(error);
  });

  it('rejects at once for an already aborted signal', async () => {
    const reason = new Error('gone');
    await expect(raceSignal(new Promise(() => undefined), AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

describe('SharedRequest (issue #7: one caller’s abort must not reject the others)', () => {
  it('starts once without any caller’s signal; a first caller aborting (StrictMode) leaves the second unaffected', async () => {
    const answer = deferred<string>();
    const start = vi.fn(() => answer.promise);
    const shared = new SharedRequest(start);
    const first = new AbortController();
    const firstCall = shared.get({ signal: first.signal });
    first.abort();
    const secondCall = shared.get({ signal: new AbortController().signal });
    answer.resolve('versions');
    await expect(firstCall).rejects.toMatchObject({ name: 'AbortError' });
    await expect(secondCall).resolves.toBe('versions');
    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith();
  });

  it('forgets a failure so the next caller retries, and refreshes on request', async () => {
    const start = vi
      .fn<() => Promise<number>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce(1)
      .mockResolvedValueOnce(2);
    const shared = new SharedRequest(start);
    await expect(shared.get()).rejects.toThrow('down');
    await expect(shared.get()).resolves.toBe(1);
    await expect(shared.get()).resolves.toBe(1);
    await expect(shared.get({ refresh: true })).resolves.toBe(2);
    expect(start).toHaveBeenCalledTimes(3);
  });

  it('uses a seeded value without requesting', async () => {
    const start = vi.fn(() => Promise.resolve('fetched'));
    const shared = new SharedRequest(start);
    expect(shared.isKnown).toBe(false);
    shared.seed('seeded');
    expect(shared.isKnown).toBe(true);
    await expect(shared.get()).resolves.toBe('seeded');
    expect(start).not.toHaveBeenCalled();
  });
});
