import { describe, expect, it } from 'vitest';
import { FakeSlidingServer } from '../matrix/testing/fake-sliding-server.ts';
import { ScriptedFetch, json, matrixError } from '../matrix/testing/scripted-fetch.ts';
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
        meta: { homeserver: 'h', user_id: 'u', sync: 'v3', room_names: { '!z:x': 'Z' } },
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
