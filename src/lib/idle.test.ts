import { afterEach, describe, expect, it, vi } from 'vitest';
import { whenIdle } from './idle.ts';

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
