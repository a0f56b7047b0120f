/**
 * The app's one IndexedDB database: its name, its stores and their versioned upgrades. Every
 * feature that keeps data in the browser (drafts now; change history, the device catalogue and the
 * appservice receiver log next) adds its store here, as a new upgrade step, and reads and writes it
 * through a small store module of its own (e.g. `features/account-data/drafts-db.ts`).
 *
 * Upgrades are a list: step `i` takes a database from version `i` to `i + 1`, so a browser that
 * last ran any older version of the app walks every missing step in order and keeps its data.
 * Never edit a released step; append a new one.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

/** A draft as stored: keyed by user, scope key and type (`src/matrix/entry-key.ts`). */
export type DraftRecord = {
  userId: string;
  scopeKey: string;
  type: string;
  text: string;
  /** The server text when the draft was last saved locally. */
  baseText: string;
  savedAt: number;
};

/** Every store of the database, typed. */
export interface LocalDbSchema extends DBSchema {
  drafts: { key: [string, string, string]; value: DraftRecord; indexes: { byUser: string } };
}

type Upgrade = (
  db: IDBPDatabase<LocalDbSchema>,
  transaction: IDBPTransaction<LocalDbSchema, StoreNames<LocalDbSchema>[], 'versionchange'>,
) => void;

/** Step `i` upgrades version `i` to `i + 1`. Append only. */
const UPGRADES: readonly Upgrade[] = [
  // v1: unsaved drafts (the first release created exactly this store).
  (db) => {
    const drafts = db.createObjectStore('drafts', { keyPath: ['userId', 'scopeKey', 'type'] });
    drafts.createIndex('byUser', 'userId');
  },
];

/** The database name (one per origin). */
export const LOCAL_DB_NAME = 'account-data-inspector';
/** The schema version this build expects: the number of upgrade steps. */
export const LOCAL_DB_VERSION = UPGRADES.length;

/**
 * Opens the database lazily, once, running the missing upgrade steps. Create one per app (or per
 * test with its own name); nothing here is a module-level singleton.
 */
export class LocalDb {
  private dbPromise: Promise<IDBPDatabase<LocalDbSchema>> | null = null;
  readonly name: string;

  constructor(name: string = LOCAL_DB_NAME) {
    this.name = name;
  }

  /** The open database. A failed open is forgotten so the next call tries again. */
  open(): Promise<IDBPDatabase<LocalDbSchema>> {
    if (!this.dbPromise) {
      const opening = openDB<LocalDbSchema>(this.name, LOCAL_DB_VERSION, {
        upgrade(db, oldVersion, _newVersion, transaction) {
          for (let step = oldVersion; step < UPGRADES.length; step++) UPGRADES[step]?.(db, transaction);
        },
        // Another tab runs a newer build: let it upgrade, and reopen on next use.
        blocking: () => {
          this.close();
        },
      });
      this.dbPromise = opening;
      opening.catch(() => {
        if (this.dbPromise === opening) this.dbPromise = null;
      });
    }
    return this.dbPromise;
  }

  /** Closes the connection (if open); a later {@link open} reopens it. */
  close(): void {
    const pending = this.dbPromise;
    this.dbPromise = null;
    pending?.then(
      (db) => {
        db.close();
      },
      () => undefined,
    );
  }
}
