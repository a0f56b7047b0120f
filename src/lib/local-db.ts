/**
 * The app's one IndexedDB database: its name, its stores and their versioned upgrades. Every
 * feature that keeps data in the browser (drafts, change history, remembered per-device types; the
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

/**
 * JSON as stored. Structurally the same as `JsonObject` in `src/matrix/types.ts` (src/lib imports
 * nothing of ours), so the two are assignable both ways.
 */
export type StoredJsonValue =
  string | number | boolean | null | StoredJsonValue[] | { [key: string]: StoredJsonValue };
/** A JSON object as stored. */
export type StoredJsonObject = { [key: string]: StoredJsonValue };

/** Where a version came from: the first sync, a later sync, or a write of this app. */
export type HistorySource = 'initial' | 'live' | 'this-app';

/** For versions written by this app: what it did and how that went. */
export type HistoryWrite = {
  action: 'save' | 'delete' | 'restore';
  outcome: 'ok' | 'failed';
  /** How it reached the server (`WriteMethod`), when it did. */
  method?: string;
  /** The server's or the network's reason, when it failed. */
  error?: string;
};

/**
 * One observed version of one account-data entry. General on purpose (account, entry, time,
 * content), so versions can be compared across accounts and points in time.
 */
export type HistoryRecord = {
  /** Assigned by the store, increasing: the order in which versions were stored. */
  id: number;
  /** The account's user ID. */
  account: string;
  /** The entry's key (`entryKey` of `src/matrix/entry-key.ts`). */
  entry: string;
  /** When the app observed (or wrote) it, epoch ms. */
  at: number;
  source: HistorySource;
  /** `null`: deleted (or a delete this app attempted). */
  content: StoredJsonObject | null;
  /** UTF-8 bytes of the compact JSON content; 0 when deleted. */
  size: number;
  write?: HistoryWrite;
  /**
   * Present (always `1`) on a version that differs from the entry's latest version the history
   * already knew, where the app was not watching when it changed: seen in a snapshot at sign-in
   * (or when a room's data is first sent again), including a known type missing from it (deleted
   * meanwhile). Never on the first version of an entry, so a first sign-in flags nothing. `1`, not
   * `true`, because IndexedDB cannot index a boolean: the `byChangedSinceLastSeen` index (v3) lists
   * only versions that have it. Readers get `true` (`history-records.ts`).
   */
  changedSinceLastSeen?: 1;
};

/**
 * Per account and entry: what the history knows without reading its versions — the latest version
 * the *server* held (for "store only what changed") and how many versions are stored.
 */
export type HistoryLatestRecord = {
  account: string;
  entry: string;
  /** Hash of the latest server content (`null` content included); absent when none was seen. */
  hash?: number;
  /** Number of stored versions of the entry. */
  count: number;
  /** The newest stored version of the entry. */
  last?: { id: number; source: HistorySource; at: number };
};

/** Per account: the running total of stored version bytes (kept incrementally). */
export type HistoryTotalsRecord = { account: string; bytes: number };

/**
 * A per-device account-data type (MSC4331) the user looked up by hand, remembered per account:
 * no endpoint lists a device's types, so the app reads remembered types on every device.
 */
export type DeviceTypeRecord = { account: string; type: string; addedAt: number };

/** Every store of the database, typed. */
export interface LocalDbSchema extends DBSchema {
  drafts: { key: [string, string, string]; value: DraftRecord; indexes: { byUser: string } };
  /** `id` is generated on `add`, so the value may come without one. */
  history: {
    key: number;
    value: Omit<HistoryRecord, 'id'> & { id?: number };
    indexes: {
      /** One entry's versions in order. */
      byEntry: [string, string, number];
      /** One account's versions in order (activity, byte eviction). */
      byAccount: [string, number];
      /** One account's versions of one source in order (activity without the initial snapshot). */
      bySource: [string, string, number];
      /** One account's versions flagged `changedSinceLastSeen` in order (v3; others are not in it). */
      byChangedSinceLastSeen: [string, number, number];
    };
  };
  historyLatest: { key: [string, string]; value: HistoryLatestRecord };
  historyTotals: { key: string; value: HistoryTotalsRecord };
  /** v4: per-device types looked up by hand, per account. */
  deviceTypes: { key: [string, string]; value: DeviceTypeRecord; indexes: { byAccount: string } };
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
  // v2: change history (issue #8). The generated `id` is part of each index key, so every index
  // lists versions in the order they were stored.
  (db) => {
    const history = db.createObjectStore('history', { keyPath: 'id', autoIncrement: true });
    history.createIndex('byEntry', ['account', 'entry', 'id']);
    history.createIndex('byAccount', ['account', 'id']);
    history.createIndex('bySource', ['account', 'source', 'id']);
    db.createObjectStore('historyLatest', { keyPath: ['account', 'entry'] });
    db.createObjectStore('historyTotals', { keyPath: 'account' });
  },
  // v3: versions that changed while the app was not watching (issue #8), for the Activity view.
  // Only records with `changedSinceLastSeen` are in the index; v2 records never have it.
  (_db, transaction) => {
    transaction
      .objectStore('history')
      .createIndex('byChangedSinceLastSeen', ['account', 'changedSinceLastSeen', 'id']);
  },
  // v4: per-device (MSC4331) types the user looked up by hand (issue #10).
  (db) => {
    const deviceTypes = db.createObjectStore('deviceTypes', { keyPath: ['account', 'type'] });
    deviceTypes.createIndex('byAccount', 'account');
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
