import { describe, expect, it } from 'vitest';
import { parseRegistration, RegistrationError } from './registration.ts';

const FULL = `
id: inspector-test
url: 'http://127.0.0.1:9010'
as_token: as-secret-token
hs_token: hs-secret-token
sender_localpart: _inspector
namespaces:
  users:
    - exclusive: true
      regex: '@_inspector_.*:localhost:8008'
    - { exclusive: false, regex: '@bridge_[a-z]+:example\\.org' }
  aliases: []
  rooms: []
rate_limited: false
`;

function reason(text: string): string {
  try {
    parseRegistration(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistrationError);
    return (error as Error).message;
  }
  throw new Error('expected a RegistrationError');
}

describe('parseRegistration', () => {
  it('keeps id, as_token, sender_localpart and the user regexes, and drops the hs_token', () => {
    const registration = parseRegistration(FULL);
    expect(registration).toEqual({
      id: 'inspector-test',
      asToken: 'as-secret-token',
      senderLocalpart: '_inspector',
      userRegexes: ['@_inspector_.*:localhost:8008', '@bridge_[a-z]+:example\\.org'],
      url: 'http://127.0.0.1:9010',
    });
    expect(JSON.stringify(registration)).not.toContain('hs-secret-token');
  });

  it('accepts a registration without a users namespace (only the sender then)', () => {
    expect(parseRegistration('id: a\nas_token: t\nsender_localpart: s\n').userRegexes).toEqual([]);
    expect(
      parseRegistration('id: a\nas_token: t\nsender_localpart: s\nnamespaces: {rooms: []}\n').userRegexes,
    ).toEqual([]);
  });

  it('names every missing required field', () => {
    expect(reason('id: a\nhs_token: h\n')).toBe(
      'The registration lacks as_token, sender_localpart (strings the homeserver requires too).',
    );
    expect(reason('id: a\nas_token: 12\nsender_localpart: s\n')).toContain('lacks as_token');
    expect(reason('id: a\nas_token: "  "\nsender_localpart: s\n')).toContain('lacks as_token');
  });

  it('explains invalid YAML with its position, without quoting the source line (it may hold a token)', () => {
    const message = reason('id: a\nas_token: "unterminated-secret\nsender_localpart: s\n');
    expect(message).toMatch(/^The registration is not valid YAML: .+\(line \d+, column \d+\)\.$/);
    expect(message).not.toContain('unterminated-secret');
    expect(reason('id: a\nid: b\nas_token: t\nsender_localpart: s\n')).toContain('not valid YAML');
  });

  it('refuses a document that is not a mapping, and an empty text', () => {
    expect(reason('- id: a\n')).toContain('must be a YAML mapping');
    expect(reason('just text')).toContain('must be a YAML mapping');
    expect(reason('   ')).toBe('Paste the registration YAML first.');
  });

  it('refuses malformed namespaces and invalid regexes, naming the entry', () => {
    expect(reason('id: a\nas_token: t\nsender_localpart: s\nnamespaces: [1]\n')).toContain(
      'namespaces must be a mapping',
    );
    expect(reason('id: a\nas_token: t\nsender_localpart: s\nnamespaces: {users: {regex: x}}\n')).toContain(
      'namespaces.users must be a list',
    );
    expect(
      reason('id: a\nas_token: t\nsender_localpart: s\nnamespaces: {users: [{exclusive: true}]}\n'),
    ).toBe('namespaces.users[0] has no regex (a string).');
    expect(
      reason(
        "id: a\nas_token: t\nsender_localpart: s\nnamespaces: {users: [{regex: '@ok.*'}, {regex: '@(a'}]}\n",
      ),
    ).toMatch(/^namespaces\.users\[1\]\.regex is not a valid regular expression: /);
  });
});
