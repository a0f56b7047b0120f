/**
 * Keys with a write in flight. While a write to a key is pending, the sync bridge ignores pushes for
 * that key so an echo of an older value cannot overwrite the optimistic one; after the last pending
 * write settles, the mutation refetches the key once to reconcile (STYLE.md "Writes are optimistic").
 */
export class PendingWrites {
  private readonly counts = new Map<string, number>();

  private static id(scopeKey: string, type: string): string {
    return `${scopeKey}\u0000${type}`;
  }

  begin(scopeKey: string, type: string): void {
    const id = PendingWrites.id(scopeKey, type);
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  /** Returns true when this was the last pending write for the key. */
  end(scopeKey: string, type: string): boolean {
    const id = PendingWrites.id(scopeKey, type);
    const n = (this.counts.get(id) ?? 1) - 1;
    if (n <= 0) {
      this.counts.delete(id);
      return true;
    }
    this.counts.set(id, n);
    return false;
  }

  has(scopeKey: string, type: string): boolean {
    return this.counts.has(PendingWrites.id(scopeKey, type));
  }
}
