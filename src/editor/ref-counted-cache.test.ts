import { describe, expect, it, vi } from 'vitest';
import { createRefCountedCache } from './ref-counted-cache';

describe('createRefCountedCache', () => {
  it('shares a value between leases and disposes it after the last release', () => {
    const dispose = vi.fn();
    const cache = createRefCountedCache<string, { id: number }>(dispose);
    const create = vi.fn(() => ({ id: create.mock.calls.length }));
    const first = cache.acquire('k', create);
    const second = cache.acquire('k', create);
    expect(create).toHaveBeenCalledTimes(1);
    expect(second.value).toBe(first.value);
    expect([first.isNew, second.isNew]).toEqual([true, false]);
    first.release();
    first.release(); // idempotent
    expect(dispose).not.toHaveBeenCalled();
    second.release();
    expect(dispose).toHaveBeenCalledWith(first.value);
    expect(cache.size).toBe(0);
  });

  it('recreates values that died behind its back without disposing the new one early', () => {
    const alive = new Set<object>();
    const dispose = vi.fn((value: object) => alive.delete(value));
    const cache = createRefCountedCache<string, object>(dispose, (value) => alive.has(value));
    const make = () => {
      const value = {};
      alive.add(value);
      return value;
    };
    const old = cache.acquire('k', make);
    alive.delete(old.value); // disposed elsewhere
    const fresh = cache.acquire('k', make);
    expect(fresh.isNew).toBe(true);
    expect(fresh.value).not.toBe(old.value);
    old.release();
    expect(dispose).not.toHaveBeenCalled();
    fresh.release();
    expect(dispose).toHaveBeenCalledWith(fresh.value);
  });
});
