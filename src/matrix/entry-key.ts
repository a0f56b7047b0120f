/**
 * The one identity of scopes and entries. Global, room and device account data are separate
 * namespaces (docs/protocol.md §2, §5), so an entry is (scope, type). Caches, drafts, pending
 * writes, the tree, the editor, the history and the CLI all key entries with these functions;
 * nothing else builds such a key.
 *
 * - {@link scopeKey}: `global`, `room:<room ID>` or `device:<device ID>`.
 * - {@link entryKey}: `<scope key>` U+001F `<type>`. U+001F (unit separator) cannot occur in a
 *   room or device ID, so the first one splits the key; a type may contain anything.
 */
import type { AccountDataScope } from './types.ts';

/** A scope as a string: `global`, `room:<id>` or `device:<id>`. */
export type ScopeKey = string & { readonly __scopeKey: true };
/** An entry as a string: scope key, U+001F, type. */
export type EntryKey = string & { readonly __entryKey: true };

/** One entry's identity. */
export type EntryRef = { scope: AccountDataScope; type: string };

const SEPARATOR = '\u001f';

/** The global scope (one shared object; scopes are plain data). */
export const GLOBAL_SCOPE: AccountDataScope = Object.freeze({ kind: 'global' });

/** The key of a scope. */
export function scopeKey(scope: AccountDataScope): ScopeKey {
  switch (scope.kind) {
    case 'global':
      return 'global' as ScopeKey;
    case 'room':
      return `room:${scope.roomId}` as ScopeKey;
    case 'device':
      return `device:${scope.deviceId}` as ScopeKey;
  }
}

/**
 * Inverse of {@link scopeKey}.
 *
 * @throws Error for a string that no scope produces.
 */
export function parseScopeKey(key: string): AccountDataScope {
  if (key === 'global') return GLOBAL_SCOPE;
  if (key.startsWith('room:') && key.length > 5) return { kind: 'room', roomId: key.slice(5) };
  if (key.startsWith('device:') && key.length > 7) return { kind: 'device', deviceId: key.slice(7) };
  throw new Error(`Not a scope key: ${JSON.stringify(key)}`);
}

/** The key of one entry. */
export function entryKey(scope: AccountDataScope, type: string): EntryKey {
  return `${scopeKey(scope)}${SEPARATOR}${type}` as EntryKey;
}

/** The key of one entry from an already built scope key (e.g. one stored with a draft). */
export function entryKeyIn(scope: ScopeKey | string, type: string): EntryKey {
  return `${scope}${SEPARATOR}${type}` as EntryKey;
}

/**
 * Inverse of {@link entryKey}.
 *
 * @throws Error for a string that no entry produces.
 */
export function parseEntryKey(key: string): EntryRef {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) throw new Error(`Not an entry key: ${JSON.stringify(key)}`);
  return { scope: parseScopeKey(key.slice(0, at)), type: key.slice(at + 1) };
}

/** {@link parseEntryKey} for keys read from storage or a URL: undefined instead of throwing. */
export function tryParseEntryKey(key: string): EntryRef | undefined {
  try {
    return parseEntryKey(key);
  } catch {
    return undefined;
  }
}

/** Whether two scopes are the same namespace. */
export function isSameScope(a: AccountDataScope, b: AccountDataScope): boolean {
  return scopeKey(a) === scopeKey(b);
}
