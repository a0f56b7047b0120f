/**
 * One-line summaries of a change between two versions of an entry's content, for the History tab
 * and the Activity view: "created, 3 keys", "+2 keys, −1 key, 1 changed", "deleted", "restored".
 * Compares top-level keys only: account-data types are maps or small records, and a line must stay
 * short; the diff shows the details.
 */
import { jsonEqual } from '../../matrix/json.ts';
import type { JsonObject } from '../../matrix/types.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What changed from `before` to `after` (`null` = absent or deleted; `undefined` = unknown). */
export function summariseChange(before: JsonObject | null | undefined, after: JsonObject | null): string {
  if (after === null) return before === null ? 'still deleted' : 'deleted';
  const keys = Object.keys(after);
  if (before === undefined) return plural(keys.length, 'key');
  if (before === null) return `created, ${plural(keys.length, 'key')}`;
  const added = keys.filter((k) => !Object.hasOwn(before, k)).length;
  const removed = Object.keys(before).filter((k) => !Object.hasOwn(after, k)).length;
  const changed = keys.filter((k) => Object.hasOwn(before, k) && !jsonEqual(before[k], after[k])).length;
  const parts: string[] = [];
  if (added > 0) parts.push(`+${plural(added, 'key')}`);
  if (removed > 0) parts.push(`−${plural(removed, 'key')}`);
  if (changed > 0) parts.push(`${changed} changed`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}
