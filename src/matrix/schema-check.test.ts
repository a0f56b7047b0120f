import { describe, expect, it } from 'vitest';
import { checkAccountData, checkEntry, type AccountDataProblem } from './schema-check.ts';
import { GLOBAL_SCOPE } from './entry-key.ts';

const ME = '@me:example.org';

function summary(problems: AccountDataProblem[]) {
  return problems.map((p) => ({
    scope: p.ref.scope.kind === 'room' ? p.ref.scope.roomId : p.ref.scope.kind,
    type: p.ref.type,
    severity: p.severity,
    path: p.path,
  }));
}

describe('checkAccountData', () => {
  it('finds nothing in well-formed account data', () => {
    const problems = checkAccountData({
      userId: ME,
      global: {
        'm.direct': { '@bob:example.org': ['!dm:example.org'] },
        'm.ignored_user_list': { ignored_users: { '@spam:example.org': {} } },
        'm.key_backup': { enabled: true },
        'com.example.custom': { anything: [1, 2, 3] },
      },
      rooms: { '!dm:example.org': { 'm.tag': { tags: { 'm.favourite': { order: 0.5 } } } } },
      joinedRoomIds: new Set(['!dm:example.org']),
    });
    expect(problems).toEqual([]);
  });

  it('reports an m.direct value that is not an array once, as an error at its path', () => {
    const problems = checkAccountData({
      userId: ME,
      global: { 'm.direct': { '@bob:example.org': '!dm:example.org' } },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      ref: { scope: GLOBAL_SCOPE, type: 'm.direct' },
      severity: 'error',
      path: '/@bob:example.org',
    });
    expect(problems[0]?.message).toContain('not an array');
  });

  it('warns about DM rooms the user is not joined to, and skips the check without a membership set', () => {
    const global = { 'm.direct': { '@bob:example.org': ['!joined:example.org', '!left:example.org'] } };
    const problems = checkAccountData({
      userId: ME,
      global,
      joinedRoomIds: new Set(['!joined:example.org']),
    });
    expect(summary(problems)).toEqual([
      { scope: 'global', type: 'm.direct', severity: 'warning', path: '/@bob:example.org/1' },
    ]);
    expect(problems[0]?.message).toContain('!left:example.org');
    expect(checkAccountData({ userId: ME, global })).toEqual([]);
  });

  it('reports room IDs that are not room IDs with the schema wording, and odd keys', () => {
    const problems = checkAccountData({
      userId: ME,
      global: { 'm.direct': { bob: ['not-a-room'], 'carol@example.org': ['!r:example.org'] } },
    });
    expect(summary(problems)).toEqual([
      { scope: 'global', type: 'm.direct', severity: 'error', path: '/bob/0' },
      { scope: 'global', type: 'm.direct', severity: 'warning', path: '/bob' },
      { scope: 'global', type: 'm.direct', severity: 'info', path: '/carol@example.org' },
    ]);
    expect(problems[0]?.message).toBe(
      '"not-a-room": Expected a room ID: "!opaque:example.org", or "!" and 43 URL-safe base64 characters (room version 12).',
    );
  });

  it('reports the same room as a DM with two users', () => {
    const problems = checkAccountData({
      userId: ME,
      global: { 'm.direct': { '@a:x.org': ['!r:x.org'], '@b:x.org': ['!r:x.org'] } },
    });
    expect(summary(problems)).toEqual([
      { scope: 'global', type: 'm.direct', severity: 'warning', path: '/@b:x.org/0' },
    ]);
  });

  it('checks m.ignored_user_list: shape, keys that are not user IDs, ignoring oneself', () => {
    expect(
      checkAccountData({
        userId: ME,
        global: { 'm.ignored_user_list': { ignored_users: ['@a:x.org'] } },
      }).map((p) => p.message),
    ).toEqual(['Expected an object, found an array.']);
    expect(
      checkAccountData({ userId: ME, global: { 'm.ignored_user_list': {} } }).map((p) => p.message),
    ).toEqual(['The object does not have required property "ignored_users".']);
    const badKey = checkAccountData({
      userId: ME,
      global: { 'm.ignored_user_list': { ignored_users: { bob: {} } } },
    });
    expect(badKey.map((p) => p.message)).toEqual([
      'Key "bob": Keys must be user IDs such as "@alice:example.org".',
    ]);
    const self = checkAccountData({
      userId: ME,
      global: { 'm.ignored_user_list': { ignored_users: { [ME]: {} } } },
    });
    expect(summary(self)).toEqual([
      {
        scope: 'global',
        type: 'm.ignored_user_list',
        severity: 'error',
        path: '/ignored_users/@me:example.org',
      },
    ]);
  });

  it('checks room entries with room schemas and accepts a Map of rooms', () => {
    const problems = checkAccountData({
      userId: ME,
      rooms: new Map([['!r:x.org', { 'm.tag': { tags: 'favourite' } }]]),
    });
    expect(summary(problems)).toEqual([
      { scope: '!r:x.org', type: 'm.tag', severity: 'error', path: '/tags' },
    ]);
  });

  it('warns about a type stored in the wrong scope', () => {
    const problems = checkAccountData({
      userId: ME,
      global: { 'm.tag': { tags: {} } },
      rooms: { '!r:x.org': { 'm.direct': {} } },
    });
    expect(summary(problems)).toEqual([
      { scope: 'global', type: 'm.tag', severity: 'warning', path: undefined },
      { scope: '!r:x.org', type: 'm.direct', severity: 'warning', path: undefined },
    ]);
  });

  it('reports content that is not an object', () => {
    const problems = checkEntry(GLOBAL_SCOPE, 'm.direct', ['x'], { userId: ME });
    expect(problems.map((p) => p.message)).toEqual(['Content is an array, not a JSON object.']);
  });

  it('never quotes a secret entry’s values in its messages', () => {
    const marker = 'SECRETMARKER%%not-base64';
    const problems = checkAccountData({
      userId: ME,
      global: {
        'm.megolm_backup.v1': { encrypted: { key1: { iv: marker, ciphertext: marker, mac: 42 } } },
        'm.secret_storage.key.key1': {
          algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
          iv: marker,
          mac: marker,
        },
      },
    });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(JSON.stringify(problem)).not.toContain('SECRETMARKER');
  });

  it('reports a default secret-storage key without description and secrets encrypted with unknown keys', () => {
    const problems = checkAccountData({
      userId: ME,
      global: {
        'm.secret_storage.default_key': { key: 'gone' },
        'm.cross_signing.master': { encrypted: { gone: { iv: 'AAAA', ciphertext: 'AAAA', mac: 'AAAA' } } },
      },
    });
    expect(summary(problems)).toEqual([
      { scope: 'global', type: 'm.cross_signing.master', severity: 'warning', path: '/encrypted' },
      { scope: 'global', type: 'm.secret_storage.default_key', severity: 'error', path: '/key' },
    ]);
  });

  it('reports contradicting key-backup preferences', () => {
    const problems = checkAccountData({
      userId: ME,
      global: {
        'm.key_backup': { enabled: true },
        'm.org.matrix.custom.backup_disabled': { disabled: true },
      },
    });
    expect(summary(problems)).toEqual([
      {
        scope: 'global',
        type: 'm.org.matrix.custom.backup_disabled',
        severity: 'warning',
        path: '/disabled',
      },
    ]);
  });
});
