import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  RegistrationError,
  defaultUserRegex,
  escapeRegex,
  generateRegistrationYaml,
  parseRegistration,
} from './registration.ts';

const VALID = `
id: inspector-test
url: 'http://127.0.0.1:9010'
as_token: the-as-token
hs_token: the-hs-token
sender_localpart: _inspector
namespaces:
  users:
    - exclusive: true
      regex: '@_inspector_.*:localhost:8008'
  aliases: []
rate_limited: false
`;

function problemsOf(text: string): string[] {
  try {
    parseRegistration(text);
  } catch (e) {
    if (e instanceof RegistrationError) return e.problems;
    throw e;
  }
  throw new Error('expected a RegistrationError');
}

describe('parseRegistration', () => {
  it('reads the fields the receiver uses', () => {
    expect(parseRegistration(VALID)).toEqual({
      id: 'inspector-test',
      url: 'http://127.0.0.1:9010',
      asToken: 'the-as-token',
      hsToken: 'the-hs-token',
      senderLocalpart: '_inspector',
      namespaces: {
        users: [{ exclusive: true, regex: '@_inspector_.*:localhost:8008' }],
        aliases: [],
        rooms: [],
      },
    });
  });

  it('takes an explicit null url (push nothing) but not a missing one, as Synapse does', () => {
    expect(parseRegistration(VALID.replace(/^url: .*$/m, 'url: null')).url).toBeNull();
    expect(problemsOf(VALID.replace(/^url: .*$/m, ''))).toEqual([
      '"url" is missing (a string, or an explicit null meaning "push nothing")',
    ]);
    expect(problemsOf(VALID.replace(/^url: .*$/m, 'url: 9010'))).toEqual(['"url" must be a string or null']);
  });

  it('names every missing or mistyped field at once', () => {
    const problems = problemsOf('url: null\nas_token: 5\nnamespaces: []\n');
    expect(problems).toEqual([
      '"id" must be a non-empty string',
      '"as_token" must be a non-empty string',
      '"hs_token" must be a non-empty string',
      '"sender_localpart" must be a non-empty string',
      '"namespaces" must be a mapping (users, aliases, rooms)',
    ]);
  });

  it('checks namespace entries: exclusive is a boolean, regex a regular expression', () => {
    const text = VALID.replace(
      "      regex: '@_inspector_.*:localhost:8008'",
      "      regex: '@_inspector_(:localhost'\n    - regex: 'x'\n    - 'plain string'",
    );
    expect(problemsOf(text)).toEqual([
      '"namespaces.users[0].regex" is not a regular expression (JavaScript syntax): @_inspector_(:localhost',
      '"namespaces.users[1].exclusive" must be true or false',
      '"namespaces.users[2]" must be a mapping with "exclusive" and "regex"',
    ]);
    expect(problemsOf(VALID.replace('  aliases: []', '  aliases: {}'))).toEqual([
      '"namespaces.aliases" must be a list',
    ]);
  });

  it('refuses a sender_localpart that needs URL escaping (Synapse does)', () => {
    expect(problemsOf(VALID.replace('sender_localpart: _inspector', 'sender_localpart: "bad name"'))).toEqual(
      ['"sender_localpart" must not need URL escaping (Synapse refuses "bad name")'],
    );
  });

  it('refuses what is not a YAML mapping, naming the source', () => {
    expect(problemsOf('- a\n- b\n')).toEqual(['the document is not a mapping of keys to values']);
    expect(problemsOf('id: [unclosed\n')[0]).toMatch(/^not YAML: /);
    expect(() => parseRegistration('[]', 'reg.yaml')).toThrow(
      /^reg\.yaml is not a valid application-service/,
    );
  });

  it('never puts a token in its error message', () => {
    const text = VALID.replace('sender_localpart: _inspector', 'sender_localpart: 7');
    expect(() => parseRegistration(text)).toThrow(RegistrationError);
    expect(problemsOf(text).join('\n')).not.toMatch(/the-(as|hs)-token/);
  });
});

describe('generateRegistrationYaml', () => {
  it('writes distinct 64-hex tokens and the fixed settings, and parses back', () => {
    const text = generateRegistrationYaml({
      id: 'inspector-test',
      url: 'http://127.0.0.1:9010',
      senderLocalpart: '_inspector',
      userRegex: defaultUserRegex('_inspector', 'matrix.example.org'),
    });
    const reg = parseRegistration(text);
    expect(reg.asToken).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.hsToken).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.asToken).not.toBe(reg.hsToken);
    expect(reg).toMatchObject({
      id: 'inspector-test',
      url: 'http://127.0.0.1:9010',
      senderLocalpart: '_inspector',
      namespaces: { users: [{ exclusive: true, regex: '@_inspector_.*:matrix\\.example\\.org' }] },
    });
    const raw = parse(text) as Record<string, unknown>;
    expect(raw.rate_limited).toBe(false);
    expect(raw.receive_ephemeral).toBe(false);

    const again = parseRegistration(
      generateRegistrationYaml({ id: 'x', url: 'http://h', senderLocalpart: 'x', userRegex: 'x' }),
    );
    expect(new Set([reg.asToken, reg.hsToken, again.asToken, again.hsToken]).size).toBe(4);
  });

  it('escapes a server name so the namespace matches it literally', () => {
    expect(escapeRegex('a.b+c(d)[e]{f}|g^h$i*j?k\\l')).toBe(
      'a\\.b\\+c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\*j\\?k\\\\l',
    );
    const regex = new RegExp(`^${defaultUserRegex('_bot', 'example.org:8448')}`);
    expect(regex.test('@_bot_alice:example.org:8448')).toBe(true);
    expect(regex.test('@_bot_alice:exampleXorg:8448')).toBe(false);
    expect(regex.test('@alice:example.org:8448')).toBe(false);
  });
});
