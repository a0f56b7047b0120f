/**
 * A small line diff for the plain diff view (the fallback when Monaco cannot load) and for tests.
 *
 * Longest-common-subsequence on lines, after trimming the common head and tail (account-data edits
 * are usually local, so the quadratic part stays tiny). Past a size cap it degrades to "all removed,
 * all added", which is still a correct, if coarse, diff.
 */

/** One line of a diff, with 1-based line numbers in the texts it exists in. */
export type DiffLine =
  | { kind: 'same'; text: string; oldLine: number; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  | { kind: 'added'; text: string; newLine: number };

/** Largest LCS table (in cells) we are willing to fill; 4M cells is a few MB and a few ms. */
export const MAX_DIFF_CELLS = 4_000_000;

/** Line diff of `before` → `after`. */
export function lineDiff(before: string, after: string, maxCells = MAX_DIFF_CELLS): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;

  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i] ?? '', oldLine: i + 1, newLine: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  out.push(...diffMiddle(midA, midB, head, head, maxCells));
  for (let k = tail; k > 0; k--) {
    out.push({
      kind: 'same',
      text: a[a.length - k] ?? '',
      oldLine: a.length - k + 1,
      newLine: b.length - k + 1,
    });
  }
  return out;
}

function diffMiddle(
  a: string[],
  b: string[],
  offsetA: number,
  offsetB: number,
  maxCells: number,
): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > maxCells) {
    return [
      ...a.map((text, i): DiffLine => ({ kind: 'removed', text, oldLine: offsetA + i + 1 })),
      ...b.map((text, j): DiffLine => ({ kind: 'added', text, newLine: offsetB + j + 1 })),
    ];
  }
  // lcs[i][j] = LCS length of a[i:] and b[j:], stored row-major in one typed array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] ?? '', oldLine: offsetA + i + 1, newLine: offsetB + j + 1 });
      i++;
      j++;
    } else if (i < n && (j === m || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))) {
      // Prefer removals first on ties, so a changed line reads "- old" then "+ new" as in git.
      out.push({ kind: 'removed', text: a[i] ?? '', oldLine: offsetA + i + 1 });
      i++;
    } else {
      out.push({ kind: 'added', text: b[j] ?? '', newLine: offsetB + j + 1 });
      j++;
    }
  }
  return out;
}
