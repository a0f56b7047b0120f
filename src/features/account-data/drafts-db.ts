/**
 * Unsaved drafts in IndexedDB, so no user edit is lost to a reload, a crash or a sign-out by
 * accident. Keyed by user, scope and type; each draft remembers the server text it was based on, so
 * a restored draft can tell whether the server moved meanwhile.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type Draft = {
  userId: string;
  scopeKey: string;
  type: string;
  text: string;
  /** The server text when the draft was last saved locally. */
  baseText: string;
  savedAt: number;
};

interface DraftsSchema extends DBSchema {
  drafts: { key: [string, string, string]; value: Draft; indexes: { byUser: string } };
}

const DB_NAME = 'account-data-inspector';
const DB_VERSION = 1;

export class DraftsDb {
  private dbPromise: Promise<IDBPDatabase<DraftsSchema>> | null = null;

  private db(): Promise<IDBPDatabase<DraftsSchema>> {
    this.dbPromise ??= openDB<DraftsSchema>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        const store = db.createObjectStore('drafts', { keyPath: ['userId', 'scopeKey', 'type'] });
        store.createIndex('byUser', 'userId');
      },
    });
    return this.dbPromise;
  }

  async all(userId: string): Promise<Draft[]> {
    return (await this.db()).getAllFromIndex('drafts', 'byUser', userId);
  }

  async put(draft: Draft): Promise<void> {
    await (await this.db()).put('drafts', draft);
  }

  async delete(userId: string, scopeKey: string, type: string): Promise<void> {
    await (await this.db()).delete('drafts', [userId, scopeKey, type]);
  }
}
