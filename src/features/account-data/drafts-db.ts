/**
 * Unsaved drafts in the app's IndexedDB (`src/lib/local-db.ts`), so no user edit is lost to a
 * reload, a crash or a sign-out by accident. Keyed by user, scope and type; each draft remembers
 * the server text it was based on, so a restored draft can tell whether the server moved meanwhile.
 */
import { LocalDb, type DraftRecord } from '../../lib/local-db.ts';

export type Draft = DraftRecord;

export class DraftsDb {
  private readonly db: LocalDb;

  constructor(db: LocalDb = new LocalDb()) {
    this.db = db;
  }

  async all(userId: string): Promise<Draft[]> {
    return (await this.db.open()).getAllFromIndex('drafts', 'byUser', userId);
  }

  async put(draft: Draft): Promise<void> {
    await (await this.db.open()).put('drafts', draft);
  }

  async delete(userId: string, scopeKey: string, type: string): Promise<void> {
    await (await this.db.open()).delete('drafts', [userId, scopeKey, type]);
  }
}
