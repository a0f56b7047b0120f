/**
 * Per-device (MSC4331) types the user looked up by hand, remembered per account in the app's
 * IndexedDB (`src/lib/local-db.ts`, v4). No endpoint lists a device's types (docs/protocol.md §5),
 * so the app reads these on every device next to the catalogue and the types sync reported.
 */
import { LocalDb } from '../../lib/local-db.ts';

export class DeviceTypesDb {
  private readonly db: LocalDb;

  constructor(db: LocalDb = new LocalDb()) {
    this.db = db;
  }

  /** The account's remembered types, sorted. */
  async all(account: string): Promise<string[]> {
    const records = await (await this.db.open()).getAllFromIndex('deviceTypes', 'byAccount', account);
    return records.map((r) => r.type).sort();
  }

  async add(account: string, type: string, now: number = Date.now()): Promise<void> {
    await (await this.db.open()).put('deviceTypes', { account, type, addedAt: now });
  }

  async remove(account: string, type: string): Promise<void> {
    await (await this.db.open()).delete('deviceTypes', [account, type]);
  }
}
