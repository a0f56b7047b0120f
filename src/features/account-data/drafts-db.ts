/**
 * Unsaved drafts in the app's IndexedDB (`src/lib/local-db.ts`), so no user edit is lost to a
 * reload, a crash or a sign-out by accident. Keyed by user, scope and type; each draft remembers
 * the server text it was based on, so a restored draft can tell whether the server moved meanwhile.
 *
 * A page that goes away (reload, close) aborts its IndexedDB transactions, so a draft still waiting
 * for its debounce then cannot reach IndexedDB. `putBeforeUnload` writes it synchronously to
 * localStorage as well; the next `all()` for that user moves it into IndexedDB (the newer `savedAt`
 * wins) and clears it there. See docs/architecture.md "Editor".
 */
import { LocalDb, type DraftRecord } from '../../lib/local-db.ts';

export type Draft = DraftRecord;

/** The localStorage key holding drafts written as the page went away, until the next load. */
export const PENDING_DRAFTS_KEY = 'account-data-inspector.pending-drafts.v1';

/** Pending drafts by `pendingKey`; stored as one JSON object. */
type Pending = Map<string, unknown>;

function pendingKey(userId: string, scopeKey: string, type: string): string {
  return JSON.stringify([userId, scopeKey, type]);
}

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.userId === 'string' &&
    typeof d.scopeKey === 'string' &&
    typeof d.type === 'string' &&
    typeof d.text === 'string' &&
    typeof d.baseText === 'string' &&
    typeof d.savedAt === 'number'
  );
}

function defaultStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage blocked (privacy mode)
  }
}

export class DraftsDb {
  private readonly db: LocalDb;
  private readonly storage: Storage | null;

  constructor(db: LocalDb = new LocalDb(), storage: Storage | null = defaultStorage()) {
    this.db = db;
    this.storage = storage;
  }

  /** The user's drafts, after moving any written as the page last went away into IndexedDB. */
  async all(userId: string): Promise<Draft[]> {
    await this.adoptPending(userId);
    return (await this.db.open()).getAllFromIndex('drafts', 'byUser', userId);
  }

  async put(draft: Draft): Promise<void> {
    await (await this.db.open()).put('drafts', draft);
  }

  /**
   * Store a draft when the page may be going away (`pagehide`, or hidden first): synchronously in
   * localStorage, which survives an unload, and in IndexedDB, whose write an unload aborts.
   */
  putBeforeUnload(draft: Draft): Promise<void> {
    this.updatePending((pending) => {
      pending.set(pendingKey(draft.userId, draft.scopeKey, draft.type), draft);
    });
    return this.put(draft);
  }

  async delete(userId: string, scopeKey: string, type: string): Promise<void> {
    // A page restored from the back-forward cache may discard a draft it wrote at `pagehide`:
    // forget that copy too, or the next load would bring the draft back.
    this.updatePending((pending) => {
      pending.delete(pendingKey(userId, scopeKey, type));
    });
    await (await this.db.open()).delete('drafts', [userId, scopeKey, type]);
  }

  private readPending(): Pending {
    try {
      const raw = this.storage?.getItem(PENDING_DRAFTS_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : null;
      return new Map(typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : []);
    } catch {
      return new Map(); // unreadable: nothing to adopt
    }
  }

  private updatePending(change: (pending: Pending) => void): void {
    if (!this.storage) return;
    const pending = this.readPending();
    const before = pending.size;
    change(pending);
    try {
      if (pending.size > 0) {
        this.storage.setItem(PENDING_DRAFTS_KEY, JSON.stringify(Object.fromEntries(pending)));
      } else if (before > 0) {
        this.storage.removeItem(PENDING_DRAFTS_KEY);
      }
    } catch {
      // Storage full or blocked: the IndexedDB copy is all there is.
    }
  }

  /** Move this user's drafts written at `pagehide` into IndexedDB; a newer stored draft wins. */
  private async adoptPending(userId: string): Promise<void> {
    const entries = [...this.readPending()];
    const broken = entries.filter(([, draft]) => !isDraft(draft)).map(([key]) => key);
    const mine: [string, Draft][] = [];
    for (const [key, draft] of entries)
      if (isDraft(draft) && draft.userId === userId) mine.push([key, draft]);
    const forget = (pending: Pending) => {
      for (const key of broken) pending.delete(key);
      for (const [key, draft] of mine) {
        // Only if unchanged meanwhile (another tab may have written a newer one).
        const now = pending.get(key);
        if (isDraft(now) && now.savedAt === draft.savedAt) pending.delete(key);
      }
    };
    if (mine.length === 0) {
      if (broken.length > 0) this.updatePending(forget);
      return;
    }
    const db = await this.db.open();
    for (const [, draft] of mine) {
      const stored = await db.get('drafts', [draft.userId, draft.scopeKey, draft.type]);
      if (!stored || stored.savedAt <= draft.savedAt) await db.put('drafts', draft);
    }
    this.updatePending(forget);
  }
}
