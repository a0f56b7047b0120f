/**
 * The server's floor for one account, measured from Node with plain `fetch` (no app code in the
 * path): `/login`, one sliding-sync request for every room's account data, a first small window,
 * and the Synapse admin API's whole-account listing (the admin fast path of issue #13).
 */
import { performance } from 'node:perf_hooks';
import { api, type Homeserver, type TestUser } from '../../test-support/synapse.ts';
import { SLIDING_SYNC_PATH } from '../../src/matrix/endpoints.ts';
import { SLIDING_REQUIRED_STATE } from '../../src/matrix/sync/sliding-sync.ts';
import { passwordLogin, type SeededAccount } from './seed.ts';

export type RawSample = {
  loginMs: number;
  /** One request, list range [0, N-1]: every room's account data at once. */
  allRoomsMs: number;
  /** Rooms the all-rooms reply carried (a sanity check: should be N). */
  allRoomsCount: number;
  allRoomsBytes: number;
  firstWindowMs: number;
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

async function timedSliding(
  hs: Homeserver,
  token: string,
  end: number,
): Promise<{ ms: number; rooms: number; bytes: number }> {
  const connId = `bench-${Math.random().toString(36).slice(2)}`;
  const t0 = performance.now();
  const res = await fetch(`${hs.baseUrl}${SLIDING_SYNC_PATH}?timeout=0`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(slidingBody(end, connId)),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`sliding sync failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { extensions?: { account_data?: { rooms?: Record<string, unknown> } } };
  return { ms, rooms: Object.keys(body.extensions?.account_data?.rooms ?? {}).length, bytes: text.length };
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
      adminAccountDataMs,
      adminAccountDataRooms,
    };
  } finally {
    await api({ homeserver: hs, accessToken: login.accessToken }, 'POST', '/v3/logout', {});
  }
}
