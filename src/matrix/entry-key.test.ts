import { describe, expect, it } from 'vitest';
import {
  entryKey,
  isSameScope,
  parseEntryKey,
  parseScopeKey,
  scopeKey,
  tryParseEntryKey,
} from './entry-key.ts';
import type { AccountDataScope } from './types.ts';

const scopes: AccountDataScope[] = [
  { kind: 'global' },
  { kind: 'room', roomId: '!a:example.org' },
  { kind: 'device', deviceId: 'ABCDEF' },
];

describe('entry identity (one module, issue #7)', () => {
  it('formats and parses every scope', () => {
    expect(scopes.map(scopeKey)).toEqual(['global', 'room:!a:example.org', 'device:ABCDEF']);
    for (const scope of scopes) expect(parseScopeKey(scopeKey(scope))).toEqual(scope);
  });

  it('round-trips entry keys, including types with colons, slashes and separators', () => {
    for (const scope of scopes) {
      for (const type of ['m.direct', 'a/b', 'x:y', 'weird\u001ftype', '']) {
        expect(parseEntryKey(entryKey(scope, type))).toEqual({ scope, type });
      }
    }
  });

  it('keeps global, room and device namespaces apart', () => {
    const keys = new Set(scopes.map((s) => entryKey(s, 'm.tag')));
    expect(keys.size).toBe(3);
    expect(isSameScope({ kind: 'room', roomId: '!a:x' }, { kind: 'room', roomId: '!a:x' })).toBe(true);
    expect(isSameScope({ kind: 'room', roomId: '!a:x' }, { kind: 'device', deviceId: '!a:x' })).toBe(false);
  });

  it('refuses strings no scope or entry produces', () => {
    expect(() => parseScopeKey('room:')).toThrow(/Not a scope key/);
    expect(() => parseScopeKey('elsewhere')).toThrow(/Not a scope key/);
    expect(() => parseEntryKey('global')).toThrow(/Not an entry key/);
  });
});

describe('tryParseEntryKey', () => {
  it('parses like parseEntryKey and answers undefined instead of throwing', () => {
    const key = entryKey({ kind: 'room', roomId: '!a:x' }, 'm.tag');
    expect(tryParseEntryKey(key)).toEqual(parseEntryKey(key));
    expect(tryParseEntryKey('garbage')).toBeUndefined();
  });
});
