/**
 * Entries with a write in flight. While a write to an entry is pending, the sync bridge ignores
 * pushes for it so an echo of an older value cannot overwrite the optimistic one; after the last
 * pending write settles, the mutation refetches the entry once to reconcile (docs/architecture.md
 * "Writes").
 */
import type { EntryKey } from '../../matrix/entry-key.ts';

export class PendingWrites {
  private readonly counts = new Map<EntryKey, number>();

  begin(key: EntryKey): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Returns true when this was the last pending write for the entry. */
  end(key: EntryKey): boolean {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) {
      this.counts.delete(key);
      return true;
    }
    this.counts.set(key, n);
    return false;
  }

  has(key: EntryKey): boolean {
    return this.counts.has(key);
  }
}
