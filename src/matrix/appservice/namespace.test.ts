import { describe, expect, it } from 'vitest';
import { compilePythonRegex, isInUserNamespace, isUserIdShaped } from './namespace.ts';

const ns = (...userRegexes: string[]) => ({ senderUserId: '@_inspector:localhost:8008', userRegexes });

/** Python's `re.match(pattern, s) is not None`, as Synapse tests a user ID. */
const pyMatch = (pattern: string, s: string) => isInUserNamespace(ns(pattern), s);

describe('isInUserNamespace: Python re.match semantics (synapse/appservice/__init__.py)', () => {
  it('anchors at the start only: a prefix match is enough, and nothing is matched mid-string', () => {
    expect(pyMatch('@_inspector_.*:localhost:8008', '@_inspector_alice:localhost:8008')).toBe(true);
    // re.match does not anchor at the end: trailing text is allowed.
    expect(pyMatch('@_inspector_.*:localhost', '@_inspector_alice:localhost:8008')).toBe(true);
    expect(pyMatch('@a', '@ab:x')).toBe(true);
    // …but it does anchor at the start: no search inside the string.
    expect(pyMatch('_inspector_.*', '@_inspector_alice:localhost:8008')).toBe(false);
    expect(pyMatch('@_inspector_.*:localhost:8008', '@alice:localhost:8008')).toBe(false);
  });

  it('anchors every alternative at the start (sticky, not a search)', () => {
    expect(pyMatch('@x_.*|@y_.*', '@y_1:hs')).toBe(true);
    expect(pyMatch('@x_.*|y_.*', '@y_1:hs')).toBe(false);
  });

  it('honours an explicit end anchor ($, \\Z)', () => {
    expect(pyMatch('@a:hs$', '@a:hs')).toBe(true);
    expect(pyMatch('@a:hs$', '@a:hs.evil')).toBe(false);
    expect(pyMatch('@a:hs\\Z', '@a:hs.evil')).toBe(false);
    expect(pyMatch('\\A@a', '@a:hs')).toBe(true);
  });

  it('translates Python-only syntax: named groups, backreferences, leading inline flags', () => {
    expect(pyMatch('@(?P<p>[a-z]+)_(?P=p):hs', '@ab_ab:hs')).toBe(true);
    expect(pyMatch('@(?P<p>[a-z]+)_(?P=p):hs', '@ab_cd:hs')).toBe(false);
    expect(pyMatch('(?i)@BRIDGE_.*', '@bridge_x:hs')).toBe(true);
    expect(() => compilePythonRegex('(?x)@a  b')).toThrow(/verbose/);
  });

  it('keeps character classes as they are, including a leading ] literal', () => {
    expect(pyMatch('@[]a]+:hs', '@]a]:hs')).toBe(true);
    expect(pyMatch('@[\\]]:hs', '@]:hs')).toBe(true);
    expect(pyMatch('@[^]]+:hs', '@abc:hs')).toBe(true);
  });

  it('always admits the sender user, even with no user namespace', () => {
    expect(isInUserNamespace(ns(), '@_inspector:localhost:8008')).toBe(true);
    expect(isInUserNamespace(ns(), '@_inspector_a:localhost:8008')).toBe(false);
  });

  it('matches against any of several regexes', () => {
    expect(isInUserNamespace(ns('@a_.*', '@b_.*'), '@b_1:hs')).toBe(true);
  });
});

describe('isUserIdShaped', () => {
  it('wants @localpart:server', () => {
    expect(isUserIdShaped('@a:hs')).toBe(true);
    expect(isUserIdShaped('@a:localhost:8008')).toBe(true);
    expect(isUserIdShaped('a:hs')).toBe(false);
    expect(isUserIdShaped('@a')).toBe(false);
    expect(isUserIdShaped('@a b:hs')).toBe(false);
  });
});
