/**
 * Seeds the accounts `npm run bench -- --browser` measures, on the local Synapse
 * (`scripts/homeserver.sh up`): one user per size with N joined rooms, several room account-data
 * entries each (plus a tag on every fifth room) and a large `m.direct` (every fourth room a DM).
 *
 * Idempotent and cached: a marker `.cache/bench/seed-<N>.json` names the account once it is fully
 * seeded; it is reused when it still signs in and is joined to exactly N rooms (a reset homeserver
 * invalidates it). A half-seeded account (no marker) is abandoned and a fresh one seeded.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createUser, type Homeserver, type TestUser } from '../../test-support/synapse.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_CACHE = path.join(ROOT, '.cache', 'bench');
/** Bump when the seeded shape changes, so old markers are not reused. */
const SEED_VERSION = 1;

export type SeededAccount = {
  version: number;
  rooms: number;
  userId: string;
  localpart: string;
  password: string;
  /** Seconds the seeding took when it ran (informational). */
  seedSeconds: number;
};

type Marker = SeededAccount & { baseUrl: string };

const enc = encodeURIComponent;

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Password login as a new device; returns the token (the caller signs it out). */
export async function passwordLogin(
  hs: Homeserver,
  account: Pick<SeededAccount, 'localpart' | 'password'>,
  deviceName = 'bench',
): Promise<{ accessToken: string; deviceId: string; userId: string }> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: account.localpart },
      password: account.password,
      initial_device_display_name: deviceName,
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`login failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { access_token: string; device_id: string; user_id: string };
  return { accessToken: body.access_token, deviceId: body.device_id, userId: body.user_id };
}

async function isStillSeeded(hs: Homeserver, marker: Marker): Promise<boolean> {
  if (marker.version !== SEED_VERSION || marker.baseUrl !== hs.baseUrl) return false;
  try {
    const login = await passwordLogin(hs, marker, 'bench seed check');
    const user = { homeserver: hs, accessToken: login.accessToken };
    const { joined_rooms } = await api<{ joined_rooms: string[] }>(user, 'GET', '/v3/joined_rooms');
    await api(user, 'POST', '/v3/logout', {});
    return joined_rooms.length === marker.rooms;
  } catch {
    return false;
  }
}

/** Returns the account seeded with `rooms` rooms, seeding it first when no valid marker exists. */
export async function seededAccount(
  hs: Homeserver,
  rooms: number,
  log: (line: string) => void,
): Promise<SeededAccount> {
  mkdirSync(BENCH_CACHE, { recursive: true });
  const markerPath = path.join(BENCH_CACHE, `seed-${rooms}.json`);
  if (existsSync(markerPath)) {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
    if (await isStillSeeded(hs, marker)) {
      log(`seed ${rooms}: reusing ${marker.userId} (${markerPath})`);
      return marker;
    }
    log(`seed ${rooms}: marker ${markerPath} is stale, seeding again`);
  }
  const t0 = Date.now();
  const user = await createUser(hs, { prefix: `bench${rooms}` });
  log(`seed ${rooms}: seeding ${user.userId} …`);
  const roomIds = await seedRooms(user, rooms, log);
  await seedGlobal(user, roomIds);
  const account: SeededAccount = {
    version: SEED_VERSION,
    rooms,
    userId: user.userId,
    localpart: user.localpart,
    password: user.password,
    seedSeconds: Math.round((Date.now() - t0) / 1000),
  };
  await api(user, 'POST', '/v3/logout', {});
  writeFileSync(markerPath, `${JSON.stringify({ ...account, baseUrl: hs.baseUrl }, null, 2)}\n`);
  log(`seed ${rooms}: done in ${account.seedSeconds} s`);
  return account;
}

async function seedRooms(user: TestUser, rooms: number, log: (line: string) => void): Promise<string[]> {
  const roomIds: string[] = new Array<string>(rooms);
  const indexes = Array.from({ length: rooms }, (_, i) => i);
  let done = 0;
  await pool(indexes, 12, async (i) => {
    const { room_id } = await api<{ room_id: string }>(user, 'POST', '/v3/createRoom', {
      preset: 'private_chat',
      name: `Bench room ${i}`,
      ...(i % 4 === 0 ? { is_direct: true } : {}),
    });
    roomIds[i] = room_id;
    const base = `/v3/user/${enc(user.userId)}/rooms/${enc(room_id)}`;
    await Promise.all([
      api(user, 'PUT', `${base}/account_data/org.example.notes`, {
        note: `notes for room ${i}`,
        pinned: i % 2 === 0,
        tags: ['bench', `group-${i % 10}`],
      }),
      api(user, 'PUT', `${base}/account_data/org.example.prefs`, {
        muted: i % 3 === 0,
        colour: ['red', 'green', 'blue'][i % 3],
        lastOpened: 1_700_000_000_000 + i,
      }),
      api(user, 'PUT', `${base}/account_data/im.vector.bench.layout`, {
        widgets: { left: [`w${i}`], right: [] },
        maximised: null,
      }),
      ...(i % 5 === 0 ? [api(user, 'PUT', `${base}/tags/m.favourite`, { order: i / rooms })] : []),
    ]);
    done++;
    if (done % 500 === 0) log(`seed ${rooms}: ${done} rooms`);
  });
  return roomIds;
}

async function seedGlobal(user: TestUser, roomIds: readonly string[]): Promise<void> {
  const direct: Record<string, string[]> = {};
  roomIds.forEach((roomId, i) => {
    if (i % 4 !== 0) return;
    const peer = `@bench-peer-${Math.floor(i / 8)}:${user.homeserver.serverName}`;
    (direct[peer] ??= []).push(roomId);
  });
  const base = `/v3/user/${enc(user.userId)}/account_data`;
  await api(user, 'PUT', `${base}/m.direct`, direct);
  await api(user, 'PUT', `${base}/im.vector.setting.breadcrumbs`, { recent_rooms: roomIds.slice(0, 20) });
  await api(user, 'PUT', `${base}/org.example.bench.profile`, { theme: 'dark', density: 'compact' });
}
