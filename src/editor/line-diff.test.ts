import { describe, expect, it } from 'vitest';
import { lineDiff, type DiffLine } from './line-diff';

const render = (lines: DiffLine[]) =>
  lines.map((l) => (l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-') + l.text).join('\n');

/** Rebuilds both sides from the diff; any correct diff must give back the inputs. */
const sides = (lines: DiffLine[]) => ({
  before: lines
    .filter((l) => l.kind !== 'added')
    .map((l) => l.text)
    .join('\n'),
  after: lines
    .filter((l) => l.kind !== 'removed')
    .map((l) => l.text)
    .join('\n'),
});

describe('lineDiff', () => {
  it('shows a changed line as removal then addition', () => {
    const diff = lineDiff('{\n  "a": 1,\n  "b": 2\n}', '{\n  "a": 1,\n  "b": 3\n}');
    expect(render(diff)).toBe(' {\n   "a": 1,\n-  "b": 2\n+  "b": 3\n }');
  });

  it('numbers lines on both sides', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nb\nc')).toEqual([
      { kind: 'same', text: 'a', oldLine: 1, newLine: 1 },
      { kind: 'added', text: 'x', newLine: 2 },
      { kind: 'same', text: 'b', oldLine: 2, newLine: 3 },
      { kind: 'same', text: 'c', oldLine: 3, newLine: 4 },
    ]);
  });

  it.each([
    ['', ''],
    ['a', ''],
    ['', 'a'],
    ['a\nb\nc\nd', 'd\nc\nb\na'],
    ['x\na\ny\nb\nz', 'a\nq\nb\nr'],
    ['same\nsame', 'same\nsame'],
  ])('is a correct diff of %j → %j', (before, after) => {
    const diff = lineDiff(before, after);
    expect(sides(diff)).toEqual({ before, after });
  });

  it('finds the longest common subsequence', () => {
    const diff = lineDiff('a\nb\nc\nd\ne', 'b\nc\nx\ne');
    expect(diff.filter((l) => l.kind === 'same').map((l) => l.text)).toEqual(['b', 'c', 'e']);
  });

  it('degrades to remove-all/add-all past the size cap, still correctly', () => {
    const before = Array.from({ length: 50 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 50 }, (_, i) => (i === 25 ? 'old 25' : `new ${i}`)).join('\n');
    const diff = lineDiff(before, after, 100);
    expect(sides(diff)).toEqual({ before, after });
    expect(diff.filter((l) => l.kind === 'same')).toEqual([]);
  });
});
