/**
 * Seeds the accounts `npm run bench -- --browser` measures, on the local Synapse
 * (`scripts/homeserver.sh up`): one user per size with N joined rooms, several room account-data
 * entries each (plus a tag on every fifth room) and a large `m.direct` (every fourth room a DM).
 *
 * Idempotent and cached: a marker `.cache/bench/seed-<N>.json` names the account once it is fully
 * seeded; it is reused when it still signs in and is joined to exactly N rooms (a reset homeserver
 * invalidates it). Seeding is resumable: `seed-<N>.partial.json` records the account and every room
 * finished so far, so an interrupted `--huge` seed (10,000 rooms take about an hour on a 2-core
 * machine) goes on where it stopped.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createUser, type Homeserver, type TestUser } from '../../test-support/synapse.ts';
import { SLIDING_SYNC_PATH } from '../../src/matrix/endpoints.ts';

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
    await removeLeftovers(user, marker.userId);
    await api(user, 'POST', '/v3/logout', {});
    return joined_rooms.length === marker.rooms;
  } catch {
    return false;
  }
}

/**
 * Global entries a bench run adds and deletes again (`org.example.bench.live.*`), left behind when
 * a run was killed: they would push the rows the bench watches out of the tree's visible window.
 */
export const LEFTOVER_PREFIX = 'org.example.bench.live.';

/** Deletes leftover bench entries (MSC3391 is on for the main server). */
async function removeLeftovers(user: { homeserver: Homeserver; accessToken: string }, userId: string) {
  // Sliding sync without lists answers with the global account data alone, in milliseconds.
  const body = await api<{
    extensions?: { account_data?: { global?: { type: string; content: object }[] } };
  }>(user, 'POST', `${SLIDING_SYNC_PATH.replace('/_matrix/client', '')}?timeout=0`, {
    conn_id: 'bench-leftovers',
    extensions: { account_data: { enabled: true } },
  });
  const leftovers = (body.extensions?.account_data?.global ?? []).filter(
    (event) => event.type.startsWith(LEFTOVER_PREFIX) && Object.keys(event.content).length > 0,
  );
  for (const { type } of leftovers) {
    await api(
      user,
      'DELETE',
      `/unstable/org.matrix.msc3391/user/${encodeURIComponent(userId)}/account_data/${encodeURIComponent(type)}`,
    );
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
  const partialPath = path.join(BENCH_CACHE, `seed-${rooms}.partial.json`);
  const resumed = await resumePartial(hs, partialPath);
  const partial: Partial & { accessToken: string } = resumed ?? {
    ...(await createUser(hs, { prefix: `bench${rooms}` })),
    version: SEED_VERSION,
    baseUrl: hs.baseUrl,
    roomIds: [],
    seconds: 0,
  };
  const user: TestUser = { ...partial, homeserver: hs };
  if (resumed) await leaveUnfinished(user, partial.roomIds);
  log(
    resumed
      ? `seed ${rooms}: resuming ${user.userId} at ${partial.roomIds.length} rooms …`
      : `seed ${rooms}: seeding ${user.userId} …`,
  );
  const save = () => {
    // Named fields only: never the access token (nor the homeserver's shared secret).
    const { userId, localpart, password, deviceId, version, baseUrl, roomIds } = partial;
    const seconds = partial.seconds + (Date.now() - t0) / 1000;
    const saved: Partial = { userId, localpart, password, deviceId, version, baseUrl, roomIds, seconds };
    writeFileSync(partialPath, `${JSON.stringify(saved, null, 2)}\n`);
  };
  const roomIds = await seedRooms(user, rooms, partial.roomIds, save, log);
  await seedGlobal(user, roomIds);
  const account: SeededAccount = {
    version: SEED_VERSION,
    rooms,
    userId: user.userId,
    localpart: user.localpart,
    password: user.password,
    seedSeconds: Math.round(partial.seconds + (Date.now() - t0) / 1000),
  };
  await api(user, 'POST', '/v3/logout', {});
  writeFileSync(markerPath, `${JSON.stringify({ ...account, baseUrl: hs.baseUrl }, null, 2)}\n`);
  rmSync(partialPath, { force: true });
  log(`seed ${rooms}: done in ${account.seedSeconds} s`);
  return account;
}

/** A seed in progress: the account (never its access token) and the rooms finished so far. */
type Partial = Omit<TestUser, 'homeserver' | 'accessToken'> & {
  version: number;
  baseUrl: string;
  /** Finished rooms (created with all their entries), in seeding order. */
  roomIds: string[];
  /** Seconds spent by earlier, interrupted runs. */
  seconds: number;
};

/** The partial seed at `file` with a fresh token, or null when there is none or it is unusable. */
async function resumePartial(
  hs: Homeserver,
  file: string,
): Promise<(Partial & { accessToken: string }) | null> {
  if (!existsSync(file)) return null;
  try {
    const partial = JSON.parse(readFileSync(file, 'utf8')) as Partial;
    if (partial.version !== SEED_VERSION || partial.baseUrl !== hs.baseUrl) return null;
    const login = await passwordLogin(hs, partial, 'bench seed');
    return { ...partial, accessToken: login.accessToken };
  } catch {
    return null;
  }
}

/** Leaves the rooms an interrupted run created but did not finish (they would be counted as seeded). */
async function leaveUnfinished(user: TestUser, finished: readonly string[]): Promise<void> {
  const known = new Set(finished);
  const { joined_rooms } = await api<{ joined_rooms: string[] }>(user, 'GET', '/v3/joined_rooms');
  await pool(
    joined_rooms.filter((id) => !known.has(id)),
    4,
    async (roomId) => {
      await api(user, 'POST', `/v3/rooms/${enc(roomId)}/leave`, {});
    },
  );
}

async function seedRooms(
  user: TestUser,
  rooms: number,
  finished: string[],
  save: () => void,
  log: (line: string) => void,
): Promise<string[]> {
  const roomIds: (string | undefined)[] = new Array<string | undefined>(rooms);
  finished.slice(0, rooms).forEach((id, i) => (roomIds[i] = id));
  const indexes = Array.from({ length: rooms }, (_, i) => i).filter((i) => roomIds[i] === undefined);
  let done = rooms - indexes.length;
  let lastSave = Date.now();
  await pool(indexes, 12, async (i) => {
    const { room_id } = await api<{ room_id: string }>(user, 'POST', '/v3/createRoom', {
      preset: 'private_chat',
      name: `Bench room ${i}`,
      ...(i % 4 === 0 ? { is_direct: true } : {}),
    });
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
    roomIds[i] = room_id; // finished: created and every entry written
    done++;
    if (done % 500 === 0) log(`seed ${rooms}: ${done} rooms`);
    if (Date.now() - lastSave > 5_000) {
      lastSave = Date.now();
      // Only a prefix without holes is recorded: a room still in flight is redone on resume.
      const firstHole = roomIds.findIndex((id) => id === undefined);
      const prefix = roomIds.slice(0, firstHole === -1 ? rooms : firstHole);
      finished.splice(0, finished.length, ...prefix.filter((id) => id !== undefined));
      save();
    }
  });
  return roomIds.filter((id) => id !== undefined);
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
