/**
 * `npm run demo`: start the local Synapse, seed a demo account and serve the app.
 *
 * Idempotent: re-running reuses the demo user and only tops up what is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_LOCALPART = 'demo';
const DEMO_PASSWORD = 'demo-password';
const ROOM_COUNT = 36;
const enc = encodeURIComponent;

const ROOM_NAMES = [
  'General',
  'Random',
  'Design',
  'Engineering',
  'Support',
  'Releases',
  'Matrix HQ',
  'Off-topic',
  'Book club',
  'Climbing',
  'Coffee',
  'Security',
  'Infra',
  'Frontend',
  'Backend',
  'Mobile',
  'Docs',
  'Product',
  'Marketing',
  'Sales',
  'Hiring',
  'Onboarding',
  'Incidents',
  'Alerts',
  'Music',
  'Photography',
  'Running',
  'Cooking',
  'Gardening',
  'Travel',
  'Movies',
  'Games',
  'Family',
  'Neighbours',
  'Volunteering',
  'Announcements',
];

function log(msg: string): void {
  process.stdout.write(`[demo] ${msg}\n`);
}

async function demoUser(): Promise<TestUser> {
  const hs = homeserver('main');
  try {
    return await createUser(hs, {
      localpart: DEMO_LOCALPART,
      password: DEMO_PASSWORD,
      displayName: 'Demo User',
    });
  } catch (err) {
    if (!String(err).includes('M_USER_IN_USE')) throw err;
    const stub: TestUser = {
      homeserver: hs,
      userId: `@${DEMO_LOCALPART}:${hs.serverName}`,
      localpart: DEMO_LOCALPART,
      password: DEMO_PASSWORD,
      accessToken: '',
      deviceId: '',
    };
    return loginAsNewDevice(stub, 'Demo seeder');
  }
}

async function seed(user: TestUser): Promise<void> {
  const { joined_rooms } = await api<{ joined_rooms: string[] }>(user, 'GET', '/v3/joined_rooms');
  const rooms = [...joined_rooms];
  for (let i = rooms.length; i < ROOM_COUNT; i++) {
    rooms.push(await createRoom(user, { name: ROOM_NAMES[i % ROOM_NAMES.length] ?? `Room ${i}` }));
  }
  log(`${rooms.length} rooms`);

  // Tags (through the tags API: Synapse synthesizes m.tag from it) and custom room account data.
  for (const [i, roomId] of rooms.entries()) {
    if (i % 5 === 0) await setTag(user, roomId, 'm.favourite', (i + 1) / (ROOM_COUNT + 1));
    if (i % 7 === 3) await setTag(user, roomId, 'm.lowpriority');
    if (i % 4 === 1) await setTag(user, roomId, 'u.work');
    if (i % 3 === 0)
      await putAccountData(
        user,
        'org.example.room_notes',
        { note: `Notes for room ${i}`, pinned: i % 2 === 0 },
        roomId,
      );
    if (i % 6 === 2) await putAccountData(user, 'm.marked_unread', { unread: true }, roomId);
    if (i % 9 === 4)
      await putAccountData(
        user,
        'org.matrix.msc3230.space_order',
        { order: String.fromCharCode(97 + (i % 26)) },
        roomId,
      );
  }

  // A DM partner for m.direct.
  const friend = await createUser(user.homeserver, { prefix: 'friend', displayName: 'Friend' });
  const dm = await createRoom(user, { name: undefined, isDirect: true });
  await api(user, 'POST', `/v3/rooms/${enc(dm)}/invite`, { user_id: friend.userId });
  await api(friend, 'POST', `/v3/join/${enc(dm)}`, {});
  await putAccountData(user, 'm.direct', { [friend.userId]: [dm] });

  // Global settings a real account tends to have.
  await putAccountData(user, 'm.key_backup', { enabled: true });
  await putAccountData(user, 'm.org.matrix.custom.backup_disabled', { disabled: false });
  await putAccountData(user, 'io.element.recovery', { enabled: true });
  await putAccountData(user, 'm.identity_server', { base_url: null });
  await putAccountData(user, 'm.accepted_terms', { accepted: ['https://example.org/terms/v1'] });
  await putAccountData(user, 'im.vector.setting.breadcrumbs', { recent_rooms: rooms.slice(0, 5) });
  await putAccountData(user, 'im.vector.web.settings', {
    theme: 'dark',
    useCompactLayout: true,
    language: 'en',
  });
  await putAccountData(user, 'im.vector.analytics', { pseudonymousAnalyticsOptIn: false });
  await putAccountData(user, 'm.ignored_user_list', { ignored_users: {} });

  // Per-device entries stored in global account data, as Element does, for a real second device.
  // Reuse the demo's "phone" on re-runs instead of piling up devices.
  const { devices } = await api<{ devices: { device_id: string; display_name?: string }[] }>(
    user,
    'GET',
    '/v3/devices',
  );
  const existingPhone = devices.find((d) => d.display_name === 'Demo phone');
  const phone = existingPhone
    ? { ...user, deviceId: existingPhone.device_id }
    : await loginAsNewDevice(user, 'Demo phone');
  await putAccountData(user, `io.element.matrix_client_information.${phone.deviceId}`, {
    name: 'Element',
    version: '1.11.90',
    url: 'app.element.io',
  });
  await putAccountData(user, `org.matrix.msc3890.local_notification_settings.${phone.deviceId}`, {
    is_silenced: false,
  });
  // An orphan: a device that no longer exists.
  await putAccountData(user, 'io.element.matrix_client_information.GONEDEVICE', {
    name: 'Element Desktop',
    version: '1.11.2',
  });

  // Deleted entries (MSC3391 DELETE, enabled on the demo server). The room one shows as a tombstone
  // on every sign-in: Synapse's sliding sync sends deleted room types as {} on a room's first send
  // (PROTOCOL §3). The global one is a tombstone only while the app watches it change.
  const deletedIn = rooms[0];
  if (deletedIn !== undefined) {
    await putAccountData(user, 'org.example.retired_room_setting', { muted: true }, deletedIn);
    await api(
      user,
      'DELETE',
      `/unstable/org.matrix.msc3391/user/${enc(user.userId)}/rooms/${enc(deletedIn)}/account_data/org.example.retired_room_setting`,
    );
  }
  await putAccountData(user, 'org.example.obsolete_setting', { enabled: true, note: 'about to be deleted' });
  await api(
    user,
    'DELETE',
    `/unstable/org.matrix.msc3391/user/${enc(user.userId)}/account_data/org.example.obsolete_setting`,
  );
}

async function main(): Promise<void> {
  const up = spawnSync('bash', [path.join(ROOT, 'scripts/homeserver.sh'), 'up', 'main'], {
    stdio: 'inherit',
  });
  if (up.status !== 0) process.exit(up.status ?? 1);

  const user = await demoUser();
  log(`seeding ${user.userId}…`);
  await seed(user);
  // The seeder's own device is not part of the demo.
  await api(user, 'POST', '/v3/logout', {});

  const port = process.env.PORT ?? '5173';
  const server = spawn('npx', ['vite', '--port', port, '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  process.stdout.write(
    [
      '',
      'Account Data Inspector demo is ready.',
      `  App:         ${url}`,
      `  Homeserver:  ${user.homeserver.baseUrl}  (or type the user ID ${user.userId})`,
      `  Username:    ${DEMO_LOCALPART}`,
      `  Password:    ${DEMO_PASSWORD}`,
      '',
      'Press Ctrl-C to stop the app (the homeserver keeps running; `npm run homeserver -- down` stops it).',
      '',
    ].join('\n'),
  );
  const stop = () => {
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
