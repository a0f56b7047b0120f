import { describe, expect, it } from 'vitest';
import { summariseChange } from './version-summary.ts';

describe('summariseChange', () => {
  it('counts added, removed and changed top-level keys', () => {
    expect(summariseChange({ a: 1, b: 2, c: 3 }, { a: 1, b: 5, d: 4, e: 6 })).toBe(
      '+2 keys, −1 key, 1 changed',
    );
    expect(summariseChange({ a: 1 }, { a: 1 })).toBe('no change');
    expect(summariseChange({ a: [1] }, { a: [1, 2] })).toBe('1 changed');
  });

  it('names creation, deletion and the first known version', () => {
    expect(summariseChange(null, { a: 1, b: 2 })).toBe('created, 2 keys');
    expect(summariseChange({ a: 1 }, null)).toBe('deleted');
    expect(summariseChange(null, null)).toBe('still deleted');
    expect(summariseChange(undefined, { a: 1 })).toBe('1 key');
  });
});
