import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LOOPBACK_CLIENT_URI } from '../matrix/oauth.ts';
import { FakeSlidingServer } from '../matrix/testing/fake-sliding-server.ts';
import { ScriptedFetch, json, matrixError } from '../matrix/testing/scripted-fetch.ts';
import { browserGet } from '../test/node/fake-browser.ts';
import { REDACTED_CONTENT } from '../matrix/redaction.ts';
import type { DiagnosticReport } from '../matrix/report.ts';
import { AccountDataCollector, buildDumpDocument, watchRecord, type DumpDocument } from './output.ts';
import { runCli, type CliIo } from './run.ts';

const BASE = 'http://127.0.0.1:8008';
const PASSWORD = 'pw-very-secret';
const TOKEN = 'syt_cli_access_token_123';

function homeserver() {
  const fake = new ScriptedFetch();
  const server = new FakeSlidingServer();
  fake.fallback = (req) => {
    const p = req.path;
    if (p === '/_matrix/client/versions')
      return json(200, { versions: ['v1.12'], unstable_features: { 'org.matrix.simplified_msc3575': true } });
    if (p === '/_matrix/client/v3/login' && req.method === 'POST') {
      return json(200, { user_id: '@alice:localhost', access_token: TOKEN, device_id: 'CLIDEV' });
    }
    if (p === '/_matrix/client/v3/logout') return json(200, {});
    if (p === '/_matrix/client/v3/devices')
      return json(200, { devices: [{ device_id: 'CLIDEV' }, { device_id: 'PHONE' }] });
    if (p === '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync') return server.handle(req);
    return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  };
  return { fake, server };
}

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let interrupt: (() => void) | undefined;
  const cliIo: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        interrupt = undefined;
      };
    },
  };
  return {
    cliIo,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    interrupt: () => interrupt?.(),
    hasInterruptHandler: () => interrupt !== undefined,
  };
}

const until = async (predicate: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('runCli dump', () => {
  it('prints one JSON document, notes the missing MSC4331, and logs its own device out', async () => {
    const { fake, server } = homeserver();
    server.addRooms(['!b:localhost', '!a:localhost'], (id) => `Room ${id}`);
    server.setGlobal('m.direct', { '@bob:localhost': ['!a:localhost'] });
    server.setGlobal('org.deleted', {});
    server.setRoom('!a:localhost', 'org.r', { v: 1 });
    const t = io();
    const code = await runCli(['dump', '-s', BASE, '-u', 'alice', '-p', PASSWORD], t.cliIo, {
      fetch: fake.fetch,
    });
    // The one line on stderr: MSC4331 is missing (issue #10).
    expect(t.stderr()).toBe('Device account data: not supported by this server (MSC4331); see "notes".\n');
    expect(code).toBe(0);
    const doc = JSON.parse(t.stdout()) as DumpDocument;
    expect(doc.global).toEqual({ 'm.direct': { '@bob:localhost': ['!a:localhost'] } });
    expect(doc.rooms).toEqual({ '!a:localhost': { 'org.r': { v: 1 } }, '!b:localhost': {} });
    expect(doc.devices).toEqual({ CLIDEV: {}, PHONE: {} });
    expect(doc.orphans).toEqual([]);
    expect(
      doc.notes.filter((n) => n.startsWith('Device account data: not supported by this server')),
    ).toEqual([expect.stringMatching(/MSC4331.*under "global"/)]);
    // Only the probe on our own device, stable then unstable path; nothing per device.
    expect(
      fake.requestsTo(/\/devices\/[^/]+\/(account_data|net\.zemos\.account_data)\//).map((r) => r.path),
    ).toEqual([
      '/_matrix/client/v3/user/%40alice%3Alocalhost/devices/CLIDEV/account_data/m.inspector.probe',
      '/_matrix/client/v3/user/%40alice%3Alocalhost/devices/CLIDEV/net.zemos.account_data/m.inspector.probe',
    ]);
    expect(doc.meta).toEqual({
      homeserver: BASE,
      user_id: '@alice:localhost',
      sync: 'sliding',
      room_names: { '!a:localhost': 'Room !a:localhost', '!b:localhost': 'Room !b:localhost' },
      redacted: 0,
    });
    expect(doc.notes.join(' ')).toMatch(/MSC4331/);
    expect(t.stdout()).not.toContain(TOKEN);
    expect(t.stdout()).not.toContain(PASSWORD);
    const login = fake.requestsTo('/_matrix/client/v3/login', 'POST')[0];
    expect(login?.body).toMatchObject({ initial_device_display_name: 'Account Data Inspector (CLI)' });
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(1);
    expect(t.hasInterruptHandler()).toBe(false);
  });

  it('does not log out a device it did not create', async () => {
    const { fake } = homeserver();
    fake.on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@alice:localhost', device_id: 'MINE' }),
    );
    const t = io({ MATRIX_ACCESS_TOKEN: TOKEN });
    const code = await runCli(['dump', '-s', BASE, '--compact'], t.cliIo, { fetch: fake.fetch });
    expect(code).toBe(0);
    expect(t.stdout().trim().split('\n')).toHaveLength(1);
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(0);
  });

  it('exits 1 with a clear, secret-free message on a server error', async () => {
    const { fake } = homeserver();
    fake.on(
      'POST',
      '/_matrix/client/v3/login',
      matrixError(403, 'M_FORBIDDEN', 'Invalid username or password'),
    );
    const t = io();
    const code = await runCli(['dump', '-s', BASE, '-u', 'alice', '-p', PASSWORD], t.cliIo, {
      fetch: fake.fetch,
    });
    expect(code).toBe(1);
    expect(t.stderr()).toMatch(/^error: .*403 M_FORBIDDEN: Invalid username or password\n$/);
    expect(t.stderr()).not.toContain(PASSWORD);
    expect(t.stdout()).toBe('');
  });

  it('exits 1 when discovery fails', async () => {
    const fake = new ScriptedFetch();
    fake.fallback = new TypeError('fetch failed');
    const t = io();
    expect(await runCli(['dump', '-s', 'example.org', '-t', 'x'], t.cliIo, { fetch: fake.fetch })).toBe(1);
    expect(t.stderr()).toMatch(/Could not reach a homeserver at example.org/);
  });

  it('exits 2 on usage errors and 0 on --help', async () => {
    const t = io();
    expect(await runCli(['dump'], t.cliIo)).toBe(2);
    expect(t.stderr()).toMatch(/--help/);
    const h = io();
    expect(await runCli(['--help'], h.cliIo)).toBe(0);
    expect(h.stdout()).toMatch(/Usage:/);
  });
});

describe('runCli dump: per-device data (issue #10)', () => {
  it('lists orphaned per-device global entries: live ones whose device is not in GET /devices', async () => {
    const { fake, server } = homeserver();
    server.setGlobal('io.element.matrix_client_information.PHONE', { name: 'Element', version: '1.11.85' });
    server.setGlobal('io.element.matrix_client_information.GONE', { name: 'Element', version: '1.11.1' });
    server.setGlobal('org.matrix.msc3890.local_notification_settings.GONE', { is_silenced: true });
    // Deleted with its device (Synapse, MSC3890): a tombstone is no orphan.
    server.setGlobal('org.matrix.msc3890.local_notification_settings.OLD', {});
    const t = io({ MATRIX_ACCESS_TOKEN: TOKEN });
    fake.on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@alice:localhost', device_id: 'CLIDEV' }),
    );
    expect(await runCli(['dump', '-s', BASE], t.cliIo, { fetch: fake.fetch })).toBe(0);
    const doc = JSON.parse(t.stdout()) as DumpDocument;
    expect(doc.orphans).toEqual([
      'io.element.matrix_client_information.GONE',
      'org.matrix.msc3890.local_notification_settings.GONE',
    ]);
    expect(Object.keys(doc)).toEqual([
      'global',
      'rooms',
      'devices',
      'orphans',
      'key_backup',
      'meta',
      'notes',
    ]);
  });

  it('on an MSC4331 server, reads the catalogue and every --device-type on every device', async () => {
    const { fake } = homeserver();
    const stored: Record<string, Record<string, object>> = {
      CLIDEV: { 'm.local_notification_settings': { is_silenced: false } },
      PHONE: {
        'io.element.matrix_client_information': { name: 'Element X', version: '25.1' },
        'org.example.extra': { x: 1 },
      },
    };
    const deviceData =
      /^\/_matrix\/client\/v3\/user\/%40alice%3Alocalhost\/devices\/([^/]+)\/account_data\/([^/]+)$/;
    fake.on(
      'GET',
      deviceData,
      (req) => {
        const [, deviceId = '', type = ''] = deviceData.exec(req.path) ?? [];
        const content = stored[deviceId]?.[decodeURIComponent(type)];
        return content ? json(200, content) : matrixError(404, 'M_NOT_FOUND', 'Account data not found');
      },
      100,
    );
    const t = io();
    const code = await runCli(
      ['dump', '-s', BASE, '-u', 'alice', '-p', PASSWORD, '--device-type', 'org.example.extra'],
      t.cliIo,
      { fetch: fake.fetch },
    );
    expect(t.stderr()).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(t.stdout()) as DumpDocument;
    expect(doc.devices).toEqual({
      CLIDEV: { 'm.local_notification_settings': { is_silenced: false } },
      PHONE: {
        'io.element.matrix_client_information': { name: 'Element X', version: '25.1' },
        'org.example.extra': { x: 1 },
      },
    });
    const read = fake
      .requestsTo(deviceData)
      .map((r) => r.path.replace('/_matrix/client/v3/user/%40alice%3Alocalhost/devices/', ''));
    expect(new Set(read)).toEqual(
      new Set(
        ['CLIDEV', 'PHONE'].flatMap((d) =>
          [
            'io.element.matrix_client_information',
            'm.local_notification_settings',
            'org.matrix.msc3890.local_notification_settings',
            'org.example.extra',
          ].map((type) => `${d}/account_data/${type}`),
        ),
      ).add('CLIDEV/account_data/m.inspector.probe'),
    );
    expect(doc.notes.some((n) => n.startsWith('Device account data: not supported'))).toBe(false);
    expect(doc.notes.join('\n')).toMatch(/--device-type/);
  });
});

describe('runCli watch', () => {
  it('prints one line per change, including deletions, until interrupted; then logs out', async () => {
    const { fake, server } = homeserver();
    server.addRooms(['!a:localhost']);
    const t = io();
    const done = runCli(['watch', '-s', BASE, '-u', 'alice', '-p', PASSWORD], t.cliIo, { fetch: fake.fetch });
    await until(
      () => fake.requestsTo('/_matrix/client/unstable/org.matrix.simplified_msc3575/sync').length >= 2,
    );
    server.setGlobal('org.g', { v: 1 });
    await until(() => t.stdout().includes('org.g'));
    server.setRoom('!a:localhost', 'org.r', {});
    await until(() => t.stdout().includes('org.r'));
    server.addRooms(['!new:localhost']);
    await until(() => t.stdout().includes('!new:localhost'));
    t.interrupt();
    expect(await done).toBe(0);
    const lines = t
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { event: 'changed', scope: 'global', type: 'org.g', content: { v: 1 } },
      { event: 'deleted', scope: 'room', room_id: '!a:localhost', type: 'org.r' },
      { event: 'room-added', room_id: '!new:localhost', name: 'Empty Room' },
    ]);
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(1);
    const lastSync = fake.requestsTo('/_matrix/client/unstable/org.matrix.simplified_msc3575/sync').at(-1);
    expect(lastSync?.signal?.aborted).toBe(true);
  });
});

describe('runCli: secret contents are redacted unless --include-secrets (issue #14)', () => {
  const SECRET_MARKER = 'secret-marker-4d1f';
  const seedSecrets = (server: FakeSlidingServer) => {
    server.setGlobal('m.secret_storage.key.abc', {
      algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
      iv: SECRET_MARKER,
    });
    server.setGlobal('m.megolm_backup.v1', { encrypted: { abc: { ciphertext: SECRET_MARKER } } });
    server.setGlobal('m.direct', { '@bob:localhost': ['!a:localhost'] });
  };

  it('dump: secret entries are the marker, named and counted on stderr; other entries unchanged', async () => {
    const { fake, server } = homeserver();
    seedSecrets(server);
    const t = io();
    const code = await runCli(['dump', '-s', BASE, '-u', 'alice', '-p', PASSWORD], t.cliIo, {
      fetch: fake.fetch,
    });
    expect(code).toBe(0);
    expect(t.stdout()).not.toContain(SECRET_MARKER);
    const doc = JSON.parse(t.stdout()) as DumpDocument;
    expect(doc.global).toEqual({
      'm.direct': { '@bob:localhost': ['!a:localhost'] },
      'm.megolm_backup.v1': REDACTED_CONTENT,
      'm.secret_storage.key.abc': REDACTED_CONTENT,
    });
    expect(doc.meta.redacted).toBe(2);
    expect(t.stderr()).toContain(
      '2 secret entries were redacted (encryption secrets and their metadata); --include-secrets prints them.\n',
    );
  });

  it('dump --include-secrets: the contents as stored, no note', async () => {
    const { fake, server } = homeserver();
    seedSecrets(server);
    const t = io();
    const code = await runCli(
      ['dump', '-s', BASE, '-u', 'alice', '-p', PASSWORD, '--include-secrets'],
      t.cliIo,
      { fetch: fake.fetch },
    );
    expect(code).toBe(0);
    const doc = JSON.parse(t.stdout()) as DumpDocument;
    expect(doc.global['m.megolm_backup.v1']).toEqual({ encrypted: { abc: { ciphertext: SECRET_MARKER } } });
    expect(doc.meta.redacted).toBe(0);
    expect(t.stderr()).not.toContain('redacted');
  });

  it('watch: a changed secret entry and the --initial snapshot are redacted; the count on exit', async () => {
    const { fake, server } = homeserver();
    seedSecrets(server);
    const t = io();
    const done = runCli(['watch', '-s', BASE, '-u', 'alice', '-p', PASSWORD, '--initial'], t.cliIo, {
      fetch: fake.fetch,
    });
    await until(
      () => fake.requestsTo('/_matrix/client/unstable/org.matrix.simplified_msc3575/sync').length >= 2,
    );
    server.setGlobal('m.cross_signing.master', { encrypted: { abc: { mac: SECRET_MARKER } } });
    await until(() => t.stdout().includes('m.cross_signing.master'));
    t.interrupt();
    expect(await done).toBe(0);
    expect(t.stdout()).not.toContain(SECRET_MARKER);
    const lines = t
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.event === 'snapshot' && l.scope === 'global')?.data).toMatchObject({
      'm.secret_storage.key.abc': REDACTED_CONTENT,
      'm.megolm_backup.v1': REDACTED_CONTENT,
      'm.direct': { '@bob:localhost': ['!a:localhost'] },
    });
    expect(lines.at(-1)).toEqual({
      event: 'changed',
      scope: 'global',
      type: 'm.cross_signing.master',
      content: REDACTED_CONTENT,
    });
    expect(t.stderr()).toContain('--include-secrets prints them');
    expect(t.stderr()).toContain('3 secret entries were redacted');
  });

  it('watch --include-secrets: the content as stored', async () => {
    const { fake, server } = homeserver();
    const t = io();
    const done = runCli(['watch', '-s', BASE, '-u', 'alice', '-p', PASSWORD, '--include-secrets'], t.cliIo, {
      fetch: fake.fetch,
    });
    await until(
      () => fake.requestsTo('/_matrix/client/unstable/org.matrix.simplified_msc3575/sync').length >= 2,
    );
    server.setGlobal('m.megolm_backup.v1', { encrypted: { abc: { ciphertext: SECRET_MARKER } } });
    await until(() => t.stdout().includes('m.megolm_backup.v1'));
    t.interrupt();
    expect(await done).toBe(0);
    expect(t.stdout()).toContain(SECRET_MARKER);
    expect(t.stderr()).toBe('');
  });
});

describe('runCli report (issue #14)', () => {
  it('prints the Markdown report: server, transport, devices, secret types named but not shown, no token', async () => {
    const { fake, server } = homeserver();
    server.addRooms(['!a:localhost']);
    server.setGlobal('m.secret_storage.key.abc', {
      algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
      iv: 'marker-77',
    });
    server.setGlobal('m.direct', { '@bob:localhost': '!a:localhost' });
    fake.on('GET', '/_synapse/admin/v1/server_version', json(200, { server_version: '1.160.0' }));
    const t = io();
    const code = await runCli(['report', '-s', BASE, '-u', 'alice', '-p', PASSWORD], t.cliIo, {
      fetch: fake.fetch,
    });
    expect(code).toBe(0);
    const md = t.stdout();
    expect(md).toMatch(/^# Account Data Inspector — diagnostic report\n/);
    expect(md).toContain(`- Homeserver: ${BASE}`);
    expect(md).toContain('- Software: Synapse 1.160.0');
    expect(md).toContain('- Sync transport: Simplified sliding sync (MSC4186)');
    expect(md).toContain('| `CLIDEV` (this session) |');
    expect(md).toContain('| `PHONE` |');
    expect(md).toContain('`m.secret_storage.key.abc`');
    expect(md).toMatch(/- error: `m\.direct` \(global\)/);
    expect(md).not.toContain('marker-77');
    expect(md).not.toContain(TOKEN);
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(1);
  });

  it('--json prints the JSON document', async () => {
    const { fake } = homeserver();
    const t = io();
    const code = await runCli(['report', '-s', BASE, '-u', 'alice', '-p', PASSWORD, '--json'], t.cliIo, {
      fetch: fake.fetch,
    });
    expect(code).toBe(0);
    const doc = JSON.parse(t.stdout()) as DiagnosticReport;
    expect(doc).toMatchObject({
      format: 'account-data-inspector/diagnostic-report',
      account: { userId: '@alice:localhost', deviceId: 'CLIDEV' },
      sync: { transport: 'sliding' },
      server: { baseUrl: BASE, software: null },
    });
  });
});

describe('output shaping', () => {
  it('folds snapshots and deltas into a sorted dump document', () => {
    const c = new AccountDataCollector();
    c.apply([
      { kind: 'global-snapshot', data: { 'b.type': { b: 1 }, 'a.type': { a: 1 } }, deleted: [] },
      { kind: 'room-added', room: { roomId: '!z:x', name: 'Z' } },
      { kind: 'room-snapshot', roomId: '!z:x', data: { t: { v: 1 } }, deleted: ['gone'] },
      { kind: 'changed', scope: { kind: 'global' }, type: 'c.type', content: { c: 1 } },
      { kind: 'deleted', scope: { kind: 'global' }, type: 'a.type' },
      { kind: 'room-added', room: { roomId: '!y:x', name: 'Y' } },
      { kind: 'room-removed', roomId: '!y:x' },
    ]);
    const doc = buildDumpDocument({
      collector: c,
      devices: { D2: { 'z.t': { z: 1 }, 'a.t': { a: 1 } }, D1: {} },
      meta: { homeserver: 'h', user_id: 'u', sync: 'v3' },
      notes: [],
    });
    expect(JSON.stringify(doc)).toBe(
      JSON.stringify({
        global: { 'b.type': { b: 1 }, 'c.type': { c: 1 } },
        rooms: { '!z:x': { t: { v: 1 } } },
        devices: { D1: {}, D2: { 'a.t': { a: 1 }, 'z.t': { z: 1 } } },
        orphans: [],
        meta: { homeserver: 'h', user_id: 'u', sync: 'v3', room_names: { '!z:x': 'Z' }, redacted: 0 },
        notes: [],
      }),
    );
  });

  it('shapes watch records and hides the initial load unless asked', () => {
    const live = { isInitialComplete: true, isInitialIncluded: false };
    const loading = { isInitialComplete: false, isInitialIncluded: false };
    expect(
      watchRecord({ kind: 'deleted', scope: { kind: 'device', deviceId: 'D' }, type: 't' }, live),
    ).toEqual({
      event: 'deleted',
      scope: 'device',
      device_id: 'D',
      type: 't',
    });
    expect(watchRecord({ kind: 'room-added', room: { roomId: '!a', name: 'A' } }, loading)).toBeNull();
    expect(watchRecord({ kind: 'global-snapshot', data: {}, deleted: [] }, live)).toBeNull();
    expect(
      watchRecord(
        { kind: 'global-snapshot', data: { a: { b: 1 } }, deleted: [] },
        { ...loading, isInitialIncluded: true },
      ),
    ).toEqual({ event: 'snapshot', scope: 'global', data: { a: { b: 1 } }, deleted: [] });
    // A `{}` row kept by a server without MSC3391 is printed as deleted, not dropped.
    expect(
      watchRecord(
        { kind: 'global-snapshot', data: {}, deleted: ['gone'] },
        { ...loading, isInitialIncluded: true },
      ),
    ).toEqual({ event: 'snapshot', scope: 'global', data: {}, deleted: ['gone'] });
    expect(
      watchRecord(
        { kind: 'room-snapshot', roomId: '!r', data: {}, deleted: ['old'] },
        { ...loading, isInitialIncluded: true },
      ),
    ).toEqual({ event: 'snapshot', scope: 'room', room_id: '!r', data: {}, deleted: ['old'] });
    expect(watchRecord({ kind: 'status', status: { state: 'live' } }, live)).toBeNull();
    expect(watchRecord({ kind: 'device-list-changed' }, live)).toEqual({ event: 'device-list-changed' });
  });
});

describe('runCli --sso / --oauth: the browser comes back to a loopback listener (issue #11)', () => {
  const LOGIN_TOKEN = 'loginToken_secret_42';
  const REFRESH = 'mar_refresh_secret';
  const CODE = 'code_secret_7';
  const META = {
    issuer: 'http://auth.test/',
    authorization_endpoint: 'http://auth.test/authorize',
    token_endpoint: 'http://auth.test/oauth2/token',
    revocation_endpoint: 'http://auth.test/oauth2/revoke',
    registration_endpoint: 'http://auth.test/oauth2/registration',
  };
  const SSO_FLOWS = {
    flows: [
      {
        type: 'm.login.sso',
        identity_providers: [
          { id: 'testidp', name: 'Test IdP' },
          { id: 'other', name: 'Other' },
        ],
      },
      { type: 'm.login.token' },
      { type: 'm.login.password' },
    ],
  };

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** The address printed for the user to open. */
  const printedUrl = (stderr: string) => new URL(/^ {2}(\S+)$/m.exec(stderr)?.[1] ?? 'invalid:');

  it('--sso <idp>: prints the SSO address with a loopback redirectUrl, takes the loginToken from the browser, signs in as its own device and logs it out', async () => {
    const { fake, server } = homeserver();
    server.setGlobal('m.direct', {});
    fake.on('GET', '/_matrix/client/v3/login', json(200, SSO_FLOWS));
    fake.on(
      'POST',
      '/_matrix/client/v3/login',
      json(200, { user_id: '@alice:localhost', access_token: TOKEN, device_id: 'SSODEV' }),
    );
    const t = io();
    const done = runCli(['dump', '-s', BASE, '--sso', 'testidp'], t.cliIo, { fetch: fake.fetch });
    await until(() => t.stderr().includes('Waiting for the browser'));
    const ssoUrl = printedUrl(t.stderr());
    expect(`${ssoUrl.origin}${ssoUrl.pathname}`).toBe(`${BASE}/_matrix/client/v3/login/sso/redirect/testidp`);
    const redirectUrl = ssoUrl.searchParams.get('redirectUrl') ?? '';
    expect(redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(t.stderr()).toContain(
      `Waiting for the browser to come back to ${redirectUrl} (for up to 5 minutes`,
    );
    expect(t.stderr()).toMatch(/Synapse asks you to confirm .* sso\.client_whitelist/);

    const page = await browserGet(`${redirectUrl}?loginToken=${LOGIN_TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in as @alice:localhost. You can close this tab');
    expect(await done).toBe(0);

    expect(fake.requestsTo('/_matrix/client/v3/login', 'POST').map((r) => r.body)).toEqual([
      {
        type: 'm.login.token',
        token: LOGIN_TOKEN,
        initial_device_display_name: 'Account Data Inspector (CLI)',
        refresh_token: true,
      },
    ]);
    expect((JSON.parse(t.stdout()) as DumpDocument).meta.user_id).toBe('@alice:localhost');
    expect(t.stderr()).toContain('Signed in as @alice:localhost (device SSODEV).');
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(1);
    for (const secret of [LOGIN_TOKEN, TOKEN]) {
      expect(t.stderr()).not.toContain(secret);
      expect(t.stdout()).not.toContain(secret);
    }
    // The listener is gone.
    await expect(browserGet(redirectUrl)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--sso without a provider: the server chooses, and the providers are listed; --redirect-port fixes the address', async () => {
    const port = await freePort();
    const { fake } = homeserver();
    fake.on('GET', '/_matrix/client/v3/login', json(200, SSO_FLOWS));
    fake.on(
      'POST',
      '/_matrix/client/v3/login',
      json(200, { user_id: '@alice:localhost', access_token: TOKEN, device_id: 'SSODEV' }),
    );
    const t = io();
    const done = runCli(['dump', '-s', BASE, '--sso', '--redirect-port', String(port)], t.cliIo, {
      fetch: fake.fetch,
    });
    await until(() => t.stderr().includes('Waiting for the browser'));
    const ssoUrl = printedUrl(t.stderr());
    expect(ssoUrl.pathname).toBe('/_matrix/client/v3/login/sso/redirect');
    expect(ssoUrl.searchParams.get('redirectUrl')).toBe(`http://127.0.0.1:${port}/callback`);
    expect(t.stderr()).toContain('Identity providers: testidp (Test IdP), other (Other).');
    await browserGet(`http://127.0.0.1:${port}/callback?loginToken=${LOGIN_TOKEN}`);
    expect(await done).toBe(0);
  });

  it('--sso: a refused login token fails the sign-in, the browser and the terminal say so', async () => {
    const { fake } = homeserver();
    fake.on('GET', '/_matrix/client/v3/login', json(200, SSO_FLOWS));
    fake.on('POST', '/_matrix/client/v3/login', matrixError(403, 'M_FORBIDDEN', 'Invalid login token'));
    const t = io();
    const done = runCli(['dump', '-s', BASE, '--sso', 'testidp'], t.cliIo, { fetch: fake.fetch });
    await until(() => t.stderr().includes('Waiting for the browser'));
    const redirectUrl = printedUrl(t.stderr()).searchParams.get('redirectUrl') ?? '';
    const page = await browserGet(`${redirectUrl}?loginToken=${LOGIN_TOKEN}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in did not complete');
    expect(page.body).toContain('Invalid login token');
    expect(await done).toBe(1);
    expect(t.stderr()).toMatch(/error: .*403 M_FORBIDDEN: Invalid login token/);
    expect(t.stderr()).not.toContain(LOGIN_TOKEN);
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(0);
  });

  it('--sso: gives up after --redirect-timeout, saying so', async () => {
    const { fake } = homeserver();
    fake.on('GET', '/_matrix/client/v3/login', json(200, SSO_FLOWS));
    const t = io();
    const code = await runCli(['dump', '-s', BASE, '--sso', '--redirect-timeout', '0.2'], t.cliIo, {
      fetch: fake.fetch,
    });
    expect(code).toBe(1);
    expect(t.stderr()).toContain('(for up to 0.2 seconds; Ctrl-C gives up)');
    expect(t.stderr()).toMatch(
      /error: No sign-in answer reached http:\/\/127\.0\.0\.1:\d+\/callback within 0\.2 seconds; run the command again\./,
    );
    expect(fake.requestsTo('/_matrix/client/v3/login', 'POST')).toHaveLength(0);
    expect(t.hasInterruptHandler()).toBe(false);
  });

  it('--sso: Ctrl-C while waiting ends the command', async () => {
    const { fake } = homeserver();
    fake.on('GET', '/_matrix/client/v3/login', json(200, SSO_FLOWS));
    const t = io();
    const done = runCli(['dump', '-s', BASE, '--sso'], t.cliIo, { fetch: fake.fetch });
    await until(() => t.stderr().includes('Waiting for the browser'));
    t.interrupt();
    expect(await done).toBe(1);
    expect(t.stderr()).toContain('error: Interrupted.');
  });

  it.each([
    [
      '--sso on a server with a password only',
      ['--sso'],
      { flows: [{ type: 'm.login.password' }] },
      null,
      /does not offer single sign-on \(m\.login\.sso\)\. It offers a password \(--user\)\./,
    ],
    [
      '--sso on an OAuth-only server',
      ['--sso'],
      null,
      META,
      /does not offer single sign-on \(m\.login\.sso\)\. It offers OAuth 2\.0 through auth\.test \(--oauth\)\./,
    ],
    [
      '--oauth on an SSO server',
      ['--oauth'],
      SSO_FLOWS,
      null,
      /does not offer OAuth 2\.0 sign-in \(no auth_metadata\)\. It offers single sign-on \(--sso\), a password \(--user\)\./,
    ],
    [
      '--oauth on a server offering neither',
      ['--oauth'],
      { flows: [{ type: 'm.login.application_service' }] },
      null,
      /does not offer OAuth 2\.0 sign-in \(no auth_metadata\)\. It offers neither single sign-on nor OAuth 2\.0; sign in with --token instead\./,
    ],
    [
      '--sso with an unknown provider',
      ['--sso', 'nope'],
      SSO_FLOWS,
      null,
      /has no identity provider "nope"; it offers testidp \(Test IdP\), other \(Other\)\./,
    ],
  ])('%s: a clear error, before any listener', async (_name, flags, flows, metadata, message) => {
    const { fake } = homeserver();
    if (flows) fake.on('GET', '/_matrix/client/v3/login', json(200, flows));
    if (metadata) fake.on('GET', '/_matrix/client/v1/auth_metadata', json(200, metadata));
    const t = io();
    expect(await runCli(['dump', '-s', BASE, ...flags], t.cliIo, { fetch: fake.fetch })).toBe(1);
    expect(t.stderr()).toMatch(message);
    expect(t.stderr()).not.toContain('Waiting for the browser');
  });

  /** An OAuth-only homeserver (MAS): auth_metadata, no /login; token and revocation via the global fetch. */
  function oauthHomeserver() {
    const { fake, server } = homeserver();
    vi.stubGlobal('fetch', fake.fetch);
    fake.on('GET', '/_matrix/client/v1/auth_metadata', json(200, META));
    fake.on('POST', '/oauth2/registration', json(201, { client_id: 'cli-client' }));
    return { fake, server };
  }

  async function startOAuth(fake: ScriptedFetch, t: ReturnType<typeof io>) {
    const done = runCli(['dump', '-s', BASE, '--oauth'], t.cliIo, { fetch: fake.fetch });
    await until(() => t.stderr().includes('Waiting for the browser'));
    const authorize = printedUrl(t.stderr());
    const scope = authorize.searchParams.get('scope') ?? '';
    return {
      done,
      authorize,
      redirectUri: authorize.searchParams.get('redirect_uri') ?? '',
      state: authorize.searchParams.get('state') ?? '',
      deviceId: scope.replace(/^.*urn:matrix:client:device:/, ''),
    };
  }

  it('--oauth: registers a native client with the port-less loopback redirect, exchanges the code from the browser, and revokes at the end', async () => {
    const { fake } = oauthHomeserver();
    const t = io();
    const { done, authorize, redirectUri, state, deviceId } = await startOAuth(fake, t);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(META.authorization_endpoint);
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authorize.searchParams.get('client_id')).toBe('cli-client');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe(
      `urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`,
    );
    expect(t.stderr()).toContain('Sign in through auth.test (OAuth 2.0): open this address in your browser:');
    expect(t.stderr()).not.toContain('client_whitelist');
    expect(fake.requestsTo('/oauth2/registration')[0]?.body).toEqual({
      client_name: 'Account Data Inspector',
      client_uri: DEFAULT_LOOPBACK_CLIENT_URI,
      redirect_uris: ['http://127.0.0.1/callback'],
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    });

    fake.on(
      'POST',
      '/oauth2/token',
      json(200, { access_token: TOKEN, refresh_token: REFRESH, token_type: 'Bearer', expires_in: 300 }),
    );
    fake.on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@alice:localhost', device_id: deviceId }),
    );
    fake.on('POST', '/oauth2/revoke', { status: 200 }, 2);
    const page = await browserGet(`${redirectUri}?code=${CODE}&state=${state}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab');
    expect(await done).toBe(0);

    expect(fake.requestsTo('/oauth2/token')[0]?.form).toMatchObject({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: redirectUri,
      client_id: 'cli-client',
    });
    expect((JSON.parse(t.stdout()) as DumpDocument).meta.user_id).toBe('@alice:localhost');
    // Signed out by revoking both tokens, not by the legacy /logout.
    expect(fake.requestsTo('/oauth2/revoke').map((r) => r.form?.token_type_hint)).toEqual([
      'refresh_token',
      'access_token',
    ]);
    expect(fake.requestsTo('/_matrix/client/v3/logout')).toHaveLength(0);
    for (const secret of [TOKEN, REFRESH, CODE]) {
      expect(t.stderr()).not.toContain(secret);
      expect(t.stdout()).not.toContain(secret);
    }
  });

  it('--oauth: denied consent fails with the provider’s reason, exchanges nothing', async () => {
    const { fake } = oauthHomeserver();
    const t = io();
    const { done, redirectUri, state } = await startOAuth(fake, t);
    const page = await browserGet(
      `${redirectUri}?error=access_denied&error_description=${encodeURIComponent('The user said no')}&state=${state}`,
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in did not complete');
    expect(await done).toBe(1);
    expect(t.stderr()).toMatch(/error: auth\.test says access was denied \(The user said no\)/);
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(0);
  });

  it('--oauth: an answer with another state is a state mismatch, exchanges nothing', async () => {
    const { fake } = oauthHomeserver();
    const t = io();
    const { done, redirectUri } = await startOAuth(fake, t);
    await browserGet(`${redirectUri}?code=${CODE}&state=forged`);
    expect(await done).toBe(1);
    expect(t.stderr()).toMatch(/state mismatch/);
    expect(t.stderr()).not.toContain(CODE);
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(0);
  });
});

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}
