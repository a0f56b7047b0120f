// Export / import (issue #14): the file format, reading it back, and the import plan.
import { describe, expect, it } from 'vitest';
import { REDACTED_CONTENT } from '../../../matrix/redaction.ts';
import { liveEntry, replaceScope, tombstone, type RoomsData, type ScopeData } from '../model.ts';
import {
  buildExport,
  countByStatus,
  EXPORT_FORMAT,
  exportFileName,
  parseExport,
  planImport,
  type ExportDocument,
  type ImportTarget,
} from './transfer.ts';

const USER = '@alice:hs.test';
const ROOM = '!joined:hs.test';
const KEY_TYPE = 'm.secret_storage.key.abc';

const global: ScopeData = {
  ...replaceScope(
    undefined,
    {
      'm.direct': { '@bob:hs.test': ['!dm:hs.test'] },
      [KEY_TYPE]: { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: 'SECRET-IV' },
      'org.example.encrypted': { encrypted: { k: { ciphertext: 'SECRET-CT' } } },
    },
    [],
    1,
  ),
  'org.example.gone': tombstone('org.example.gone', liveEntry('org.example.gone', { v: 1 }), 2),
};

const rooms: RoomsData = {
  order: [ROOM],
  byId: new Map([
    [
      ROOM,
      {
        info: { roomId: ROOM, name: 'Joined' },
        data: {
          'org.example.note': liveEntry('org.example.note', { text: 'old' }),
          'm.fully_read': liveEntry('m.fully_read', { event_id: '$e' }),
          'm.tag': liveEntry('m.tag', { tags: { 'm.favourite': {} } }),
        },
      },
    ],
  ]),
  isComplete: true,
};

const NOW = new Date('2026-12-01T10:00:00.000Z');

describe('buildExport', () => {
  it('writes the documented format, live entries only, secrets redacted by default', () => {
    const { document, entries, redacted } = buildExport({
      account: USER,
      server: 'https://hs.test',
      global,
      rooms,
      includeSecrets: false,
      now: NOW,
    });
    expect(document).toMatchObject({
      format: EXPORT_FORMAT,
      formatVersion: 1,
      account: USER,
      server: 'https://hs.test',
      exportedAt: '2026-12-01T10:00:00.000Z',
      includesSecrets: false,
    });
    expect(document.global).toEqual({
      'm.direct': { '@bob:hs.test': ['!dm:hs.test'] },
      [KEY_TYPE]: REDACTED_CONTENT,
      'org.example.encrypted': REDACTED_CONTENT,
    });
    expect(Object.keys(document.rooms[ROOM] ?? {})).toEqual(['m.fully_read', 'm.tag', 'org.example.note']);
    expect(document.devices).toBeUndefined();
    expect(entries).toBe(6);
    expect(redacted).toBe(2);
    const text = JSON.stringify(document);
    expect(text).not.toContain('SECRET-IV');
    expect(text).not.toContain('SECRET-CT');
  });

  it('includes secrets only when asked, and the own device’s data when known', () => {
    const { document, redacted } = buildExport({
      account: USER,
      server: 'https://hs.test',
      global,
      rooms: undefined,
      ownDevice: { deviceId: 'DEV', data: { 'org.d': liveEntry('org.d', { on: true }) } },
      includeSecrets: true,
      now: NOW,
    });
    expect(redacted).toBe(0);
    expect(document.includesSecrets).toBe(true);
    expect(JSON.stringify(document)).toContain('SECRET-IV');
    expect(document.rooms).toEqual({});
    expect(document.devices).toEqual({ DEV: { 'org.d': { on: true } } });
  });

  it('names the file after the account and the day, marking a file with secrets', () => {
    expect(exportFileName(USER, false, NOW)).toBe('account-data-alice_hs.test-2026-12-01.json');
    expect(exportFileName(USER, true, NOW)).toBe('account-data-alice_hs.test-2026-12-01-with-secrets.json');
  });
});

describe('parseExport', () => {
  const good = (): ExportDocument =>
    buildExport({ account: USER, server: 'https://hs.test', global, rooms, includeSecrets: false, now: NOW })
      .document;

  it('reads back what buildExport wrote', () => {
    const parsed = parseExport(JSON.stringify(good()));
    expect(parsed).toEqual({ ok: true, document: good() });
  });

  it.each([
    ['not JSON', '{"format":', /not JSON/],
    ['another format', JSON.stringify({ format: 'something-else' }), /not an Account Data Inspector export/],
    ['an array', '[]', /not an Account Data Inspector export/],
    [
      'a newer version',
      JSON.stringify({ ...good(), formatVersion: 2 }),
      /format version 2 is not supported; this app reads version 1/,
    ],
    ['no account', JSON.stringify({ ...good(), account: undefined }), /whose data/],
    [
      'a content that is not an object',
      JSON.stringify({ ...good(), global: { 'm.direct': [1, 2] } }),
      /"global" › m\.direct: the content must be a JSON object/,
    ],
    [
      'a room that is not an object',
      JSON.stringify({ ...good(), rooms: { [ROOM]: 'x' } }),
      /rooms › !joined:hs\.test must be an object/,
    ],
    ['an empty type', JSON.stringify({ ...good(), global: { '': {} } }), /empty type/],
  ])('refuses %s with a message saying why', (_name, text, message) => {
    const parsed = parseExport(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('planImport', () => {
  const target: ImportTarget = {
    userId: USER,
    deviceId: 'DEV',
    global,
    rooms,
    deviceData: new Map([['DEV', { 'org.d': liveEntry('org.d', { on: true }) }]]),
    deviceSupport: true,
  };
  const file = (over: Partial<ExportDocument>): ExportDocument => ({
    format: EXPORT_FORMAT,
    formatVersion: 1,
    account: USER,
    server: 'https://hs.test',
    exportedAt: NOW.toISOString(),
    includesSecrets: false,
    global: {},
    rooms: {},
    ...over,
  });

  it('classifies every entry: new, changed, unchanged, skipped with the reason', () => {
    const rows = planImport(
      file({
        global: {
          'm.direct': { '@bob:hs.test': ['!dm:hs.test'] }, // same
          'org.example.new': { v: 1 },
          'org.example.gone': { v: 2 }, // deleted now → new
          'org.example.empty': {}, // absent and empty → nothing to do
          [KEY_TYPE]: REDACTED_CONTENT,
          'm.push_rules': { global: {} },
        },
        rooms: {
          [ROOM]: {
            'org.example.note': { text: 'new' },
            'm.fully_read': { event_id: '$other' },
            'm.tag': { tags: {} },
          },
          '!left:hs.test': { 'org.example.note': { text: 'x' } },
        },
        devices: { DEV: { 'org.d': { on: false } }, OTHER: { 'org.d': { on: true } } },
      }),
      target,
    );
    const summary = rows.map((r) => [r.key.replace('\u001f', ' '), r.status]);
    expect(summary).toEqual([
      ['global m.direct', 'unchanged'],
      ['global m.push_rules', 'skipped'],
      [`global ${KEY_TYPE}`, 'skipped'],
      ['global org.example.empty', 'unchanged'],
      ['global org.example.gone', 'new'],
      ['global org.example.new', 'new'],
      ['room:!joined:hs.test m.fully_read', 'skipped'],
      ['room:!joined:hs.test m.tag', 'skipped'],
      ['room:!joined:hs.test org.example.note', 'changed'],
      ['room:!left:hs.test org.example.note', 'skipped'],
      ['device:DEV org.d', 'changed'],
      ['device:OTHER org.d', 'skipped'],
    ]);
    const reason = (type: string, scope: string) =>
      rows.find((r) => r.type === type && r.key.startsWith(scope))?.reason;
    expect(reason(KEY_TYPE, 'global')).toMatch(/Redacted in the file/);
    expect(reason('m.push_rules', 'global')).toMatch(/managed by the server/);
    expect(reason('m.fully_read', 'room')).toMatch(/managed by the server/);
    expect(reason('m.tag', 'room')).toMatch(/tags API/);
    expect(reason('org.example.note', 'room:!left')).toMatch(/not in room !left:hs\.test/);
    expect(reason('org.d', 'device:OTHER')).toMatch(/only that device can write it/);
    const note = rows.find((r) => r.type === 'org.example.note' && r.status === 'changed');
    expect(note?.current).toEqual({ text: 'old' });
    expect(note?.incoming).toEqual({ text: 'new' });
    expect(countByStatus(rows)).toEqual({ new: 2, changed: 2, unchanged: 2, skipped: 6 });
  });

  it('says when a file is another account’s, and waits for rooms still loading', () => {
    const doc = file({ account: '@bob:hs.test', rooms: { '!other:hs.test': { 'org.x': { v: 1 } } } });
    expect(planImport(doc, target)[0]?.reason).toMatch(
      /not in room !other:hs\.test \(the file is @bob:hs\.test's data\)/,
    );
    const loading = planImport(doc, { ...target, rooms: { ...rooms, isComplete: false } });
    expect(loading[0]?.reason).toMatch(/not loaded yet/);
  });

  it('skips per-device data when the server has none', () => {
    const rows = planImport(file({ devices: { DEV: { 'org.d': { on: false } } } }), {
      ...target,
      deviceSupport: false,
    });
    expect(rows[0]?.status).toBe('skipped');
    expect(rows[0]?.reason).toMatch(/does not store per-device/);
  });
});
