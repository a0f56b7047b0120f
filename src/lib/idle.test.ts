import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextIdle, whenIdle } from './idle.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('whenIdle', () => {
  it('runs the step in later tasks until it says it is done, never during the call', () => {
    vi.useFakeTimers();
    let runs = 0;
    whenIdle(() => ++runs < 3);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(3);
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(3);
  });

  it('stops when told, even with a step already scheduled', () => {
    vi.useFakeTimers();
    let runs = 0;
    const stop = whenIdle(() => {
      runs++;
      return true;
    });
    vi.advanceTimersByTime(60);
    expect(runs).toBe(1);
    stop();
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(1);
  });

  it('gives each step a budget of time', () => {
    vi.useFakeTimers();
    const budgets: number[] = [];
    whenIdle((deadline) => {
      budgets.push(deadline.timeRemaining());
      return false;
    });
    vi.advanceTimersByTime(60);
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toBeGreaterThan(0);
  });
});

describe('nextIdle', () => {
  it('resolves in a later task where there are no idle callbacks', async () => {
    vi.useFakeTimers();
    let resolved = false;
    void nextIdle(500).then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
  });

  it('asks the idle callback for the given timeout', async () => {
    const calls: ({ timeout: number } | undefined)[] = [];
    vi.stubGlobal('requestIdleCallback', (cb: () => void, options?: { timeout: number }) => {
      calls.push(options);
      setTimeout(cb, 0);
      return 1;
    });
    try {
      await nextIdle(500);
      expect(calls).toEqual([{ timeout: 500 }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
