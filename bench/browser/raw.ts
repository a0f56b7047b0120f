/**
 * The server's floor for one account, measured from Node with plain `fetch` (no app code in the
 * path): `/login`, one sliding-sync request for every room's account data, a first small window,
 * and the Synapse admin API's whole-account listing (the admin fast path of issue #13).
 */
import { performance } from 'node:perf_hooks';
import { api, type Homeserver, type TestUser } from '../../test-support/synapse.ts';
import { SLIDING_SYNC_PATH } from '../../src/matrix/endpoints.ts';
import { SLIDING_REQUIRED_STATE } from '../../src/matrix/sync/sliding-sync.ts';
import { LEFTOVER_PREFIX, passwordLogin, type SeededAccount } from './seed.ts';

export type RawSample = {
  loginMs: number;
  /** One request, list range [0, N-1]: every room's account data at once. */
  allRoomsMs: number;
  /** Rooms the all-rooms reply carried (a sanity check: should be N). */
  allRoomsCount: number;
  allRoomsBytes: number;
  firstWindowMs: number;
  /**
   * The server alone, live: a global entry PUT while the all-rooms connection long-polls → that
   * poll's reply received, per change (the app's "live change" measures the same span, plus itself).
   */
  liveLatenciesMs: number[];
  /** `GET /_synapse/admin/v1/users/{u}/accountdata` with an admin's token. */
  adminAccountDataMs: number | undefined;
  adminAccountDataRooms: number | undefined;
};

/** The body the app sends (sliding-sync.ts `buildBody`), for a window [0, end], on a fresh connection. */
export function slidingBody(end: number, connId: string): Record<string, unknown> {
  return {
    conn_id: connId,
    lists: {
      all: {
        ranges: [[0, end]],
        timeline_limit: 0,
        required_state: SLIDING_REQUIRED_STATE,
        filters: { is_invite: false },
      },
    },
    extensions: { account_data: { enabled: true, lists: ['*'], rooms: ['*'] } },
  };
}

type SlidingReply = {
  pos?: string;
  extensions?: { account_data?: { global?: { type: string }[]; rooms?: Record<string, unknown> } };
};

async function sliding(
  hs: Homeserver,
  token: string,
  body: Record<string, unknown>,
  query: { pos?: string; timeout: number },
): Promise<{ ms: number; body: SlidingReply; bytes: number }> {
  const params = new URLSearchParams({ timeout: String(query.timeout) });
  if (query.pos !== undefined) params.set('pos', query.pos);
  const t0 = performance.now();
  const res = await fetch(`${hs.baseUrl}${SLIDING_SYNC_PATH}?${params.toString()}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`sliding sync failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { ms, body: JSON.parse(text) as SlidingReply, bytes: text.length };
}

async function timedSliding(
  hs: Homeserver,
  token: string,
  end: number,
): Promise<{
  ms: number;
  rooms: number;
  bytes: number;
  pos: string | undefined;
  body: Record<string, unknown>;
}> {
  const request = slidingBody(end, `bench-${Math.random().toString(36).slice(2)}`);
  const { ms, body, bytes } = await sliding(hs, token, request, { timeout: 0 });
  return {
    ms,
    rooms: Object.keys(body.extensions?.account_data?.rooms ?? {}).length,
    bytes,
    pos: body.pos,
    body: request,
  };
}

/** How many live changes each raw sample times. */
const LIVE_CHANGES = 5;

/**
 * Times `LIVE_CHANGES` global changes on a connection that covers every room, as the app's does
 * once Live: long-poll, PUT (same account), reply received. Each entry is deleted again.
 */
async function liveFloor(
  hs: Homeserver,
  account: SeededAccount,
  token: string,
  connection: { pos: string | undefined; body: Record<string, unknown> },
): Promise<number[]> {
  const user = { homeserver: hs, accessToken: token };
  const path = (type: string) =>
    `/user/${encodeURIComponent(account.userId)}/account_data/${encodeURIComponent(type)}`;
  let pos = connection.pos;
  const out: number[] = [];
  for (let i = 0; i < LIVE_CHANGES; i++) {
    const type = `${LEFTOVER_PREFIX}raw.${Date.now().toString(36)}.${i}`;
    const poll = sliding(hs, token, connection.body, { pos, timeout: 30_000 });
    // Let the long-poll reach the server and wait before the change happens.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await api(user, 'PUT', `/v3${path(type)}`, { n: i });
    const accepted = performance.now();
    const reply = await poll;
    const received = performance.now();
    pos = reply.body.pos;
    if ((reply.body.extensions?.account_data?.global ?? []).some((e) => e.type === type)) {
      out.push(received - accepted);
    }
    await api(user, 'DELETE', `/unstable/org.matrix.msc3391${path(type)}`);
    // Take the deletion, so the next long-poll waits for the next change.
    await new Promise((resolve) => setTimeout(resolve, 100));
    pos = (await sliding(hs, token, connection.body, { pos, timeout: 0 })).body.pos;
  }
  return out;
}

/** One sample of every raw measurement; each request on its own fresh connection. */
export async function rawSample(
  hs: Homeserver,
  account: SeededAccount,
  admin: TestUser | undefined,
): Promise<RawSample> {
  const t0 = performance.now();
  const login = await passwordLogin(hs, account, 'bench raw');
  const loginMs = performance.now() - t0;
  try {
    const firstWindow = await timedSliding(hs, login.accessToken, 19);
    const all = await timedSliding(hs, login.accessToken, account.rooms - 1);
    const liveLatenciesMs = await liveFloor(hs, account, login.accessToken, all);
    let adminAccountDataMs: number | undefined;
    let adminAccountDataRooms: number | undefined;
    if (admin) {
      const a0 = performance.now();
      const res = await fetch(
        `${hs.baseUrl}/_synapse/admin/v1/users/${encodeURIComponent(account.userId)}/accountdata`,
        { headers: { Authorization: `Bearer ${admin.accessToken}` } },
      );
      const text = await res.text();
      adminAccountDataMs = performance.now() - a0;
      if (res.ok) {
        const body = JSON.parse(text) as { account_data?: { rooms?: Record<string, unknown> } };
        adminAccountDataRooms = Object.keys(body.account_data?.rooms ?? {}).length;
      }
    }
    return {
      loginMs,
      allRoomsMs: all.ms,
      allRoomsCount: all.rooms,
      allRoomsBytes: all.bytes,
      firstWindowMs: firstWindow.ms,
      liveLatenciesMs,
      adminAccountDataMs,
      adminAccountDataRooms,
    };
  } finally {
    await api({ homeserver: hs, accessToken: login.accessToken }, 'POST', '/v3/logout', {});
  }
}
