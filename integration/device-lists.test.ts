/**
 * The user's own device list changing, live, against the real Synapse (issue #10): a device
 * signing in and one signing out each wake the long-poll with the user's own ID in
 * `device_lists.changed` (sliding sync's `e2ee` extension, `/v3/sync`'s top level), and the
 * engines turn that into one `device-list-changed` (docs/protocol.md §4.7).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MatrixClient } from '../src/matrix/client.ts';
import type { FetchLike } from '../src/matrix/http.ts';
import { SlidingSyncEngine } from '../src/matrix/sync/sliding-sync.ts';
import { V3SyncEngine } from '../src/matrix/sync/v3-sync.ts';
import type { AccountDataSync } from '../src/matrix/types.ts';
import {
  api,
  createRoom,
  createUser,
  homeserver,
  loginAsNewDevice,
  putAccountData,
  type TestUser,
} from '../test-support/synapse.ts';
import { EventLog, sessionOf, waitFor } from './helpers.ts';

const SLIDING_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
/** Long enough that an event arriving "promptly" cannot be the poll timing out. */
const POLL_TIMEOUT_MS = 20_000;
/** What "promptly" means: a small fraction of the poll timeout. */
const PROMPT_MS = 3_000;

const running: AccountDataSync[] = [];
afterEach(() => {
  for (const engine of running.splice(0)) engine.stop();
});

type Kind = 'sliding' | 'v3';

/** Starts an engine on the user's registration device, recording the sliding-sync request bodies. */
function start(kind: Kind, user: TestUser) {
  const bodies: { hasPos: boolean; extensions: Record<string, unknown> }[] = [];
  const fetchImpl: FetchLike = (input, init) => {
    const url = new URL(input);
    if (url.pathname === SLIDING_PATH && typeof init.body === 'string') {
      const body = JSON.parse(init.body) as { extensions: Record<string, unknown> };
      bodies.push({ hasPos: url.searchParams.has('pos'), extensions: body.extensions });
    }
    return fetch(input, init);
  };
  const client = new MatrixClient(sessionOf(user), { fetch: fetchImpl });
  const options = { pollTimeoutMs: POLL_TIMEOUT_MS };
  const engine =
    kind === 'sliding' ? new SlidingSyncEngine(client, options) : new V3SyncEngine(client, options);
  running.push(engine);
  const log = new EventLog(engine);
  engine.start();
  return { engine, log, bodies };
}

/** Waits for a `device-list-changed` that arrived at or after `since`; returns its arrival time. */
async function nextDeviceListChange(log: EventLog, since: number, what: string): Promise<number> {
  const find = () => log.events.find((r) => r.at >= since && r.event.kind === 'device-list-changed');
  await waitFor(() => find() !== undefined, POLL_TIMEOUT_MS / 2, what);
  return find()?.at ?? Number.NaN;
}

describe.each(['sliding', 'v3'] as const)('%s engine: our own device list (#10)', (kind) => {
  it('reports a new device signing in, and signing out, without waiting for the poll timeout', async () => {
    const user = await createUser(homeserver('main'), { prefix: `devlist-${kind}` });
    const { log, bodies } = start(kind, user);
    await log.next((e) => e.kind === 'initial-complete', 15_000, 'initial-complete');
    expect(log.of('device-list-changed')).toEqual([]);

    const beforeLogin = Date.now();
    const second = await loginAsNewDevice(user, 'Device-list test');
    const loggedIn = Date.now();
    const loginSeen = await nextDeviceListChange(log, beforeLogin, 'device-list-changed after login');
    expect(loginSeen - loggedIn).toBeLessThan(PROMPT_MS);

    const beforeLogout = Date.now();
    await api(second, 'POST', '/v3/logout', {});
    const loggedOut = Date.now();
    const logoutSeen = await nextDeviceListChange(log, beforeLogout, 'device-list-changed after logout');
    expect(logoutSeen - loggedOut).toBeLessThan(PROMPT_MS);

    if (kind === 'sliding') {
      // e2ee only once live: the no-pos request and loading requests go without it (§4.7).
      expect(bodies[0]).toMatchObject({ hasPos: false });
      expect('e2ee' in (bodies[0]?.extensions ?? {})).toBe(false);
      expect(bodies.at(-1)?.extensions.e2ee).toEqual({ enabled: true });
    }
  });

  it('stays quiet when only another user sharing a room changes devices', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: `devlist-own-${kind}` });
    const other = await createUser(hs, { prefix: `devlist-other-${kind}` });
    const roomId = await createRoom(user, { name: 'Shared' });
    await api(user, 'POST', `/v3/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: other.userId });
    await api(other, 'POST', `/v3/join/${encodeURIComponent(roomId)}`, {});
    const { log } = start(kind, user);
    await log.next((e) => e.kind === 'initial-complete', 15_000, 'initial-complete');

    const otherDevice = await loginAsNewDevice(other, 'Other user device');
    await api(otherDevice, 'POST', '/v3/logout', {});
    // A marker written afterwards: once it arrives, the device changes before it were processed.
    await putAccountData(user, 'org.example.marker', { done: true });
    await log.next(
      (e) => e.kind === 'changed' && e.type === 'org.example.marker',
      POLL_TIMEOUT_MS / 2,
      'marker',
    );
    expect(log.of('device-list-changed')).toEqual([]);
  });
});
