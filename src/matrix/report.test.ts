import { describe, expect, it } from 'vitest';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';
import {
  buildReport,
  LARGEST_ENTRIES,
  readServerSoftware,
  REPORT_FORMAT,
  type ReportInput,
} from './report.ts';

const TOKEN = 'syt_YWxpY2U_report_token_abc123';
const REFRESH = 'syr_refresh_token_xyz789';
const SECRET_MARKER = 'secret-marker-f00d';

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    generatedAt: new Date('2026-11-30T12:00:00Z'),
    generator: 'Account Data Inspector (test)',
    userId: '@alice:example.org',
    deviceId: 'MINE',
    baseUrl: 'https://matrix.example.org',
    versions: {
      versions: ['v1.11', 'v1.12'],
      unstable_features: {
        'org.matrix.simplified_msc3575': true,
        'org.matrix.msc3391': true,
        'org.matrix.msc4155': false,
        'org.example.other': true,
      },
    },
    software: { name: 'Synapse', version: '1.160.0', source: '/_synapse/admin/v1/server_version' },
    transport: 'sliding',
    oauthIssuer: null,
    deviceSupport: false,
    devices: [
      { device_id: 'MINE', display_name: 'Inspector', last_seen_ts: Date.UTC(2026, 10, 30) },
      { device_id: 'PHONE', display_name: 'Element X | Android', last_seen_ts: Date.UTC(2026, 10, 29) },
    ],
    global: {
      'm.direct': { '@bob:example.org': ['!dm:example.org'] },
      'm.secret_storage.key.k1': { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: SECRET_MARKER },
      'm.megolm_backup.v1': { encrypted: { k1: { ciphertext: SECRET_MARKER, iv: 'x', mac: 'y' } } },
      'm.key_backup': { enabled: true },
      'io.element.matrix_client_information.PHONE': { name: 'Element X', version: '25.11.0' },
      'io.element.matrix_client_information.GONE': { name: 'Element Web', version: '1.11.0' },
      'org.example.big': { blob: 'x'.repeat(5000) },
    },
    rooms: { '!dm:example.org': { 'm.tag': { tags: { 'm.favourite': { order: 0.5 } } } } },
    joinedRoomIds: new Set(['!dm:example.org']),
    backup: { version: '3', algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', count: 42, etag: '7' },
    secrets: [TOKEN, REFRESH],
    ...overrides,
  };
}

describe('buildReport (issue #14)', () => {
  it('covers server, transport, capabilities, devices and clients, largest entries, orphans, key backup', () => {
    const { json: r, markdown } = buildReport(input());
    expect(r.format).toBe(REPORT_FORMAT);
    expect(r.server).toMatchObject({
      baseUrl: 'https://matrix.example.org',
      serverName: 'example.org',
      versions: ['v1.11', 'v1.12'],
      unstableFeatures: {
        'org.matrix.simplified_msc3575': true,
        'org.matrix.msc3391': true,
        'org.matrix.msc4155': false,
      },
      otherUnstableFeaturesOn: 1,
      software: { name: 'Synapse', version: '1.160.0' },
    });
    expect(r.sync.transport).toBe('sliding');
    expect(r.capabilities).toEqual({
      slidingSync: true,
      accountDataDelete: true,
      deviceAccountData: false,
      oauthIssuer: null,
    });
    expect(r.devices?.map((d) => [d.deviceId, d.isCurrent, d.client])).toEqual([
      ['MINE', true, null],
      ['PHONE', false, { name: 'Element X', version: '25.11.0' }],
    ]);
    expect(r.largestEntries[0]).toEqual({ scope: { kind: 'global' }, type: 'org.example.big', bytes: 5011 });
    expect(r.orphans).toEqual(['io.element.matrix_client_information.GONE']);
    expect(r.secretTypes).toEqual(['m.megolm_backup.v1', 'm.secret_storage.key.k1']);
    expect(r.keyBackup).toMatchObject({
      preference: 'on',
      backup: { state: 'present', version: '3', count: 42 },
      keyInSecretStorage: true,
    });

    expect(markdown).toContain('## Server');
    expect(markdown).toContain('- Homeserver: https://matrix.example.org');
    expect(markdown).toContain('- Software: Synapse 1.160.0');
    expect(markdown).toContain('- Spec versions: v1.11, v1.12');
    expect(markdown).toContain('`org.matrix.msc3391` on (Deleting account data (MSC3391))');
    expect(markdown).toContain('- Sync transport: Simplified sliding sync (MSC4186)');
    expect(markdown).toContain('- Per-device account data (MSC4331): no');
    expect(markdown).toContain('| `PHONE` | Element X \\| Android | Element X 25.11.0 |');
    expect(markdown).toContain('| `org.example.big` | global | 4.9 KB (5011 B) |');
    expect(markdown).toContain(
      'Orphans (per-device global entries whose device is gone): `io.element.matrix_client_information.GONE`',
    );
    expect(markdown).toContain('- Server backup: version 3, m.megolm_backup.v1.curve25519-aes-sha2, 42 keys');
  });

  it('names secret entries but never their contents; tokens never appear, even when an entry holds one', () => {
    const { json: r, markdown } = buildReport(
      input({
        global: {
          ...input().global,
          // A token pasted into an ordinary entry: a report lists types and sizes only, and scrubs.
          'org.example.notes': { text: `my token is ${TOKEN}` },
        },
      }),
    );
    const text = JSON.stringify(r);
    for (const out of [text, markdown]) {
      expect(out).not.toContain(SECRET_MARKER);
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(REFRESH);
    }
    expect(markdown).toContain('`m.secret_storage.key.k1`');
    expect(markdown).toContain('`m.megolm_backup.v1`');
  });

  it('scrubs the session tokens from every text as a last guard (a device named after one)', () => {
    const { json: r, markdown } = buildReport(
      input({ devices: [{ device_id: 'MINE', display_name: `dev ${REFRESH}` }] }),
    );
    expect(JSON.stringify(r)).not.toContain(REFRESH);
    expect(markdown).not.toContain(REFRESH);
    expect(markdown).toContain('dev [redacted]');
  });

  it('lists the schema problems of well-known entries with their scope', () => {
    const { json: r, markdown } = buildReport(
      input({
        global: { 'm.direct': { '@bob:example.org': '!notalist:example.org' } },
        rooms: {},
      }),
    );
    const direct = r.validation.problems.filter((p) => p.type === 'm.direct');
    expect(direct.length).toBeGreaterThan(0);
    expect(direct[0]?.scope).toEqual({ kind: 'global' });
    expect(markdown).toMatch(/## Validation\n\n\d+ problems? in 1 entry/);
    expect(markdown).toMatch(/- error: `m\.direct` \(global\)/);
  });

  it('says what is unknown instead of guessing', () => {
    const { json: r, markdown } = buildReport(
      input({
        versions: null,
        software: null,
        transport: null,
        oauthIssuer: undefined,
        deviceSupport: undefined,
        devices: undefined,
        global: {},
        rooms: {},
        backup: new Error('502 Bad Gateway'),
      }),
    );
    expect(r.capabilities).toEqual({
      slidingSync: null,
      accountDataDelete: null,
      deviceAccountData: null,
      oauthIssuer: undefined,
    });
    expect(markdown).toContain('- Software: not readable');
    expect(markdown).toContain('- Spec versions: unknown (/versions not readable)');
    expect(markdown).toContain('- Sync transport: none running');
    expect(markdown).toContain('The device list was not read.');
    expect(markdown).toContain('- Server backup: unknown (502 Bad Gateway)');
    expect(markdown).toContain('No problems found in 0 entries.');
  });

  it(`lists at most ${LARGEST_ENTRIES} largest entries, biggest first, across scopes`, () => {
    const global = Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [`org.t${i}`, { v: 'x'.repeat(i * 10) }]),
    );
    const { json: r } = buildReport(
      input({ global, rooms: { '!r:x': { 'org.room': { v: 'y'.repeat(1000) } } }, deviceData: {} }),
    );
    expect(r.largestEntries).toHaveLength(LARGEST_ENTRIES);
    expect(r.largestEntries[0]).toMatchObject({ scope: { kind: 'room', roomId: '!r:x' }, type: 'org.room' });
    expect(r.largestEntries.map((e) => e.bytes)).toEqual(
      [...r.largestEntries.map((e) => e.bytes)].sort((a, b) => b - a),
    );
  });
});

describe('readServerSoftware', () => {
  it('uses the federation version when the client listener serves it', async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/federation/v1/version',
      json(200, { server: { name: 'Conduwuit', version: '0.5' } }),
    );
    expect(await readServerSoftware('http://hs', { fetch: fake.fetch })).toEqual({
      name: 'Conduwuit',
      version: '0.5',
      source: '/_matrix/federation/v1/version',
    });
  });

  it("falls back to Synapse's server_version, sends no token, and gives null when neither answers", async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/federation/v1/version',
      matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'),
    );
    fake.on('GET', '/_synapse/admin/v1/server_version', json(200, { server_version: '1.160.0' }));
    expect(await readServerSoftware('http://hs/', { fetch: fake.fetch })).toMatchObject({
      name: 'Synapse',
      version: '1.160.0',
    });
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    const none = new ScriptedFetch();
    none.fallback = () => matrixError(404, 'M_UNRECOGNIZED', 'no');
    expect(await readServerSoftware('http://hs', { fetch: none.fetch })).toBeNull();
  });
});
