/**
 * The CLI (`npm run cli`) as a child process against the real Synapse.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DumpDocument } from '../src/cli/output.ts';
import {
  api,
  createRoom,
  createUser,
  homeserver,
  loginAsNewDevice,
  putAccountData,
  setTag,
  type TestUser,
} from '../test-support/synapse.ts';
import { clientOf, waitFor } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

type Run = { code: number | null; stdout: string; stderr: string };

/** Starts the CLI; secrets go through the environment, as the help recommends. */
function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(TSX, ['src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done, output: () => stdout, errors: () => stderr };
}

async function devicesOf(user: TestUser): Promise<string[]> {
  return (await clientOf(user).getDevices()).map((d) => d.device_id);
}

describe('CLI against Synapse', () => {
  it('dump prints all account data as one JSON document and logs its device out', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'cli-dump' });
    const roomId = await createRoom(user, { name: 'CLI room' });
    await putAccountData(user, 'org.example.global', { hello: 'world' });
    await putAccountData(user, 'org.example.room', { v: 1 }, roomId);
    await putAccountData(user, 'org.example.deleted', { v: 0 });
    await putAccountData(user, 'org.example.deleted', {});
    await setTag(user, roomId, 'm.favourite', 0.5);
    const before = await devicesOf(user);

    const port = new URL(hs.baseUrl).port;
    const run = await startCli(['dump', '--homeserver', `127.0.0.1:${port}`, '--user', user.localpart], {
      MATRIX_PASSWORD: user.password,
    }).done;
    // Synapse has no MSC4331 (404 M_UNRECOGNIZED on both paths): the one line on stderr (#10).
    expect(run.stderr).toBe('Device account data: not supported by this server (MSC4331); see "notes".\n');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as DumpDocument;
    expect(doc.global['org.example.global']).toEqual({ hello: 'world' });
    expect(doc.global['org.example.deleted']).toBeUndefined();
    expect(Object.keys(doc.global['m.push_rules'] ?? {})).toEqual(['global']);
    expect(doc.rooms).toEqual({
      [roomId]: { 'm.tag': { tags: { 'm.favourite': { order: 0.5 } } }, 'org.example.room': { v: 1 } },
    });
    expect(doc.meta).toMatchObject({ homeserver: hs.baseUrl, user_id: user.userId, sync: 'sliding' });
    expect(doc.meta.room_names).toEqual({ [roomId]: 'CLI room' });
    expect(Object.keys(doc.devices)).toContain(user.deviceId);
    expect(Object.values(doc.devices).every((d) => Object.keys(d).length === 0)).toBe(true);
    expect(
      doc.notes.filter((n) => n.startsWith('Device account data: not supported by this server')),
    ).toEqual([expect.stringMatching(/MSC4331/)]);
    expect(doc.orphans).toEqual([]);
    expect(run.stdout).not.toContain(user.password);
    // The device the dump created is gone again.
    expect(await devicesOf(user)).toEqual(before);
  });

  it('dump lists the client-information entry of a signed-out device as an orphan; Synapse deleted its MSC3890 entry (#10)', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'cli-orphans' });
    const gone = await loginAsNewDevice(user, 'Soon gone');
    const kept = await loginAsNewDevice(user, 'Kept');
    for (const device of [gone, kept]) {
      await putAccountData(device, `io.element.matrix_client_information.${device.deviceId}`, {
        name: 'Element',
        version: '1.11.85',
        url: 'app.element.io',
      });
      await putAccountData(device, `org.matrix.msc3890.local_notification_settings.${device.deviceId}`, {
        is_silenced: true,
      });
    }
    await api(gone, 'POST', '/v3/logout', {});

    const run = await startCli(['dump', '-s', hs.baseUrl, '--compact'], {
      MATRIX_ACCESS_TOKEN: user.accessToken,
    }).done;
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as DumpDocument;
    expect(doc.orphans).toEqual([`io.element.matrix_client_information.${gone.deviceId}`]);
    // msc3890_enabled: deleting the device soft-deleted its notification settings (docs/protocol.md §5).
    expect(doc.global[`org.matrix.msc3890.local_notification_settings.${gone.deviceId}`]).toBeUndefined();
    expect(doc.global[`org.matrix.msc3890.local_notification_settings.${kept.deviceId}`]).toEqual({
      is_silenced: true,
    });
    expect(Object.keys(doc.devices).sort()).toEqual([kept.deviceId, user.deviceId].sort());
  });

  it('dump with a token uses /v3/sync when asked, and leaves the device alone', async () => {
    const hs = homeserver('nodelete');
    const user = await createUser(hs, { prefix: 'cli-token' });
    await putAccountData(user, 'org.example.v3', { ok: true });
    const run = await startCli(['dump', '-s', hs.baseUrl, '--sync', 'v3', '--compact'], {
      MATRIX_ACCESS_TOKEN: user.accessToken,
    }).done;
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(run.stdout) as DumpDocument;
    expect(doc.meta.sync).toBe('v3');
    expect(doc.global['org.example.v3']).toEqual({ ok: true });
    expect(run.stdout).not.toContain(user.accessToken);
    expect(await devicesOf(user)).toEqual([user.deviceId]);
  });

  it('dump includes the key-backup preference computed by MSC4287’s rules, with the real backup (issue #9)', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'cli-backup' });
    await putAccountData(user, 'm.key_backup', { enabled: false });
    await putAccountData(user, 'm.org.matrix.custom.backup_disabled', { disabled: false });
    // A real server-side backup (any curve25519 public key will do for Synapse).
    await api(user, 'POST', '/v3/room_keys/version', {
      algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
      auth_data: { public_key: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo', signatures: {} },
    });
    const run = await startCli(['dump', '-s', hs.baseUrl, '--compact'], {
      MATRIX_ACCESS_TOKEN: user.accessToken,
    }).done;
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as DumpDocument;
    expect(doc.key_backup).toMatchObject({
      preference: 'off',
      unstable: 'on',
      element_web: 'off',
      backup: { state: 'present', algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', count: 0 },
      key_in_secret_storage: false,
      new_sign_in: 'A new sign-in will leave key backup off and should not ask you to turn it on.',
    });
    expect(doc.key_backup?.warnings.map((w) => w.kind)).toEqual([
      'disagreement',
      'off-but-backup-exists',
      'key-not-in-secret-storage',
    ]);
  });

  it('watch prints one line per change until SIGINT, then logs out', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'cli-watch' });
    const roomId = await createRoom(user, { name: 'Watch room' });
    const cli = startCli(['watch', '-s', hs.baseUrl, '-u', user.localpart, '-v'], {
      MATRIX_PASSWORD: user.password,
    });
    await waitFor(() => cli.errors().includes('[sync] live'), 20_000, 'live status');

    await putAccountData(user, 'org.example.watch', { n: 1 });
    await waitFor(() => cli.output().includes('org.example.watch'), 5_000, 'changed line');
    await putAccountData(user, 'org.example.r', { r: 1 }, roomId);
    await waitFor(() => cli.output().includes('org.example.r'), 5_000, 'room line');
    await clientOf(user).deleteAccountData({ kind: 'global' }, 'org.example.watch');
    await waitFor(() => cli.output().includes('"deleted"'), 5_000, 'deleted line');

    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { event: 'changed', scope: 'global', type: 'org.example.watch', content: { n: 1 } },
      { event: 'changed', scope: 'room', room_id: roomId, type: 'org.example.r', content: { r: 1 } },
      { event: 'deleted', scope: 'global', type: 'org.example.watch' },
    ]);
    expect(await devicesOf(user)).toEqual([user.deviceId]);
  });

  it('exits 2 on usage errors and 1 on bad credentials, without echoing secrets', async () => {
    const usage = await startCli(['dump', '--homeserver', 'x']).done;
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Sign in with/);
    const hs = homeserver('main');
    const bad = await startCli(['dump', '-s', hs.baseUrl, '-u', 'nobody-here'], {
      MATRIX_PASSWORD: 'not-the-password',
    }).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/403 M_FORBIDDEN/);
    expect(bad.stderr).not.toContain('not-the-password');
  });
});
