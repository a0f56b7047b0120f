/**
 * The store's in-memory picture of what is stored, per session: the hash of each entry's latest
 * server version and, per scope, the types that have one. It is a pre-filter only (the flush's
 * transaction checks again against `historyLatest`): it lets a flush skip unchanged versions without
 * reading IndexedDB, and it tells which known types a snapshot lacks (deleted meanwhile).
 */
import { parseEntryKey, scopeKey } from '../../../matrix/entry-key.ts';

export class KnownVersions {
  /** Entry → hash of its latest server version. */
  private readonly hashes = new Map<string, number>();
  /** Scope key → types with a known version. */
  private readonly typesByScope = new Map<string, Set<string>>();

  /** The hash of the entry's latest server version, if one is known. */
  hashOf(key: string): number | undefined {
    return this.hashes.get(key);
  }

  /** The types of one scope (its `scopeKey`) that have a known version; a copy, safe to iterate. */
  typesOf(scope: string): string[] {
    const types = this.typesByScope.get(scope);
    return types ? [...types] : [];
  }

  /** Records the entry's latest server version. Pass scope key and type when at hand (saves a parse). */
  remember(key: string, hash: number, scope?: string, type?: string): void {
    if (!this.hashes.has(key)) {
      if (scope === undefined || type === undefined) {
        const ref = parseEntryKey(key);
        scope = scopeKey(ref.scope);
        type = ref.type;
      }
      let types = this.typesByScope.get(scope);
      if (!types) this.typesByScope.set(scope, (types = new Set()));
      types.add(type);
    }
    this.hashes.set(key, hash);
  }

  clear(): void {
    this.hashes.clear();
    this.typesByScope.clear();
  }
}
