/**
 * Seeds the `npm run demo` account: dozens of rooms with names, tags and room account data, an
 * `m.direct`, deleted entries, an `m.key_backup` preference and per-device entries.
 *
 * Idempotent: re-running reuses the demo user (and its "Demo phone" device) and only tops up what is
 * missing. Plain Node, shared by `scripts/demo.ts` and the e2e suite (e2e/dev-server.spec.ts signs in to
 * the same account).
 */
import {
  api,
  createRoom,
  createUser,
  homeserver,
  loginAsNewDevice,
  putAccountData,
  setTag,
  type Homeserver,
  type TestUser,
} from './synapse.ts';

/** The demo account's credentials, printed by `npm run demo`. */
export const DEMO_LOCALPART = 'demo';
export const DEMO_PASSWORD = 'demo-password';
/** Rooms the demo account has at least (topped up on re-runs). */
export const DEMO_ROOM_COUNT = 36;
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

async function demoUser(hs: Homeserver): Promise<TestUser> {
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

/** The first `m.direct` partner whose DM room the user is still in, if any. */
async function existingDirectMessage(
  user: TestUser,
  joined: ReadonlySet<string>,
): Promise<{ userId: string; roomId: string } | undefined> {
  let direct: Record<string, unknown>;
  try {
    direct = await api<Record<string, unknown>>(
      user,
      'GET',
      `/v3/user/${enc(user.userId)}/account_data/m.direct`,
    );
  } catch {
    return undefined; // never set (404)
  }
  for (const [userId, roomIds] of Object.entries(direct)) {
    const roomId = Array.isArray(roomIds)
      ? roomIds.find((r): r is string => typeof r === 'string' && joined.has(r))
      : undefined;
    if (roomId) return { userId, roomId };
  }
  return undefined;
}

async function seed(user: TestUser, log: (msg: string) => void): Promise<void> {
  const { joined_rooms } = await api<{ joined_rooms: string[] }>(user, 'GET', '/v3/joined_rooms');
  const rooms = [...joined_rooms];
  for (let i = rooms.length; i < DEMO_ROOM_COUNT; i++) {
    rooms.push(await createRoom(user, { name: ROOM_NAMES[i % ROOM_NAMES.length] ?? `Room ${i}` }));
  }
  log(`${rooms.length} rooms`);

  // Tags (through the tags API: Synapse synthesizes m.tag from it) and custom room account data.
  for (const [i, roomId] of rooms.entries()) {
    if (i % 5 === 0) await setTag(user, roomId, 'm.favourite', (i + 1) / (DEMO_ROOM_COUNT + 1));
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

  // A DM partner for m.direct. Re-runs keep the DM that m.direct already names, so the demo
  // account does not gain a room per run.
  const knownDm = await existingDirectMessage(user, new Set(joined_rooms));
  if (!knownDm) {
    const friend = await createUser(user.homeserver, { prefix: 'friend', displayName: 'Friend' });
    const dm = await createRoom(user, { name: undefined, isDirect: true });
    await api(user, 'POST', `/v3/rooms/${enc(dm)}/invite`, { user_id: friend.userId });
    await api(friend, 'POST', `/v3/join/${enc(dm)}`, {});
    await putAccountData(user, 'm.direct', { [friend.userId]: [dm] });
  }

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
  // (docs/protocol.md §3). The global one is a tombstone only while the app watches it change.
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

/** The seeded demo account. Its seeding device is logged out again; sign in with the password. */
export type DemoAccount = Pick<TestUser, 'homeserver' | 'userId' | 'localpart' | 'password'>;

/**
 * Creates (or reuses) the demo user on `hs` and tops up its data. Progress lines go to `log`.
 * The seeder's own device is not part of the demo: it is logged out before this returns.
 */
export async function seedDemoAccount(
  opts: { homeserver?: Homeserver; log?: (msg: string) => void } = {},
): Promise<DemoAccount> {
  const log = opts.log ?? (() => undefined);
  const user = await demoUser(opts.homeserver ?? homeserver('main'));
  log(`seeding ${user.userId}…`);
  await seed(user, log);
  await api(user, 'POST', '/v3/logout', {});
  return {
    homeserver: user.homeserver,
    userId: user.userId,
    localpart: user.localpart,
    password: user.password,
  };
}
