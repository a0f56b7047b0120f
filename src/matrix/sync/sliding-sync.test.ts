import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../client.ts';
import { FakeSlidingServer } from '../testing/fake-sliding-server.ts';
import { ScriptedFetch, json, matrixError, type RecordedRequest } from '../testing/scripted-fetch.ts';
import type { Session, SyncEvent, SyncStatus } from '../types.ts';
import { backoffDelay } from './engine-base.ts';
import { SlidingSyncEngine, type SlidingSyncOptions } from './sliding-sync.ts';

const session: Session = {
  baseUrl: 'https://hs.example',
  userId: '@alice:hs.example',
  deviceId: 'DEV',
  accessToken: 'at-1',
  authApi: 'legacy',
  loginMethod: 'password',
};
const SYNC_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
const roomIds = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `!${prefix}${i}:hs.example`);

type Harness = {
  fake: ScriptedFetch;
  server: FakeSlidingServer;
  engine: SlidingSyncEngine;
  events: SyncEvent[];
  statuses: SyncStatus[];
  syncRequests: () => RecordedRequest[];
};

function setup(options: SlidingSyncOptions = {}, sessionOverride: Partial<Session> = {}): Harness {
  const fake = new ScriptedFetch();
  const server = new FakeSlidingServer();
  fake.fallback = (req) => (req.path === SYNC_PATH ? server.handle(req) : matrixError(404, 'M_UNRECOGNIZED'));
  const client = new MatrixClient(
    { ...session, ...sessionOverride },
    { fetch: fake.fetch, now: () => Date.now() },
  );
  const engine = new SlidingSyncEngine(client, { random: () => 0.5, isOnline: () => true, ...options });
  const events: SyncEvent[] = [];
  const statuses: SyncStatus[] = [];
  engine.subscribe((batch) => {
    events.push(...batch);
    for (const e of batch) if (e.kind === 'status') statuses.push(e.status);
  });
  return { fake, server, engine, events, statuses, syncRequests: () => fake.requestsTo(SYNC_PATH) };
}

/** Lets promise chains and zero-delay timers run. */
async function drain(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await vi.advanceTimersByTimeAsync(0);
}

const ofKind = <K extends SyncEvent['kind']>(events: SyncEvent[], kind: K) =>
  events.filter((e): e is Extract<SyncEvent, { kind: K }> => e.kind === kind);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** When a loading request was sent: any clock reading. */
const anyTime = expect.any(Number) as number;

describe('SlidingSyncEngine: covering every room', () => {
  it('by default asks for one room, then for every room at once (docs/decisions/014-window-schedule.md)', async () => {
    const h = setup({ pollTimeoutMs: 30_000 });
    h.server.addRooms(roomIds(2000));
    h.engine.start();
    await drain();

    const requests = h.syncRequests();
    expect(requests.map((r) => (r.body as { lists: { all: { ranges: unknown } } }).lists.all.ranges)).toEqual(
      [[[0, 0]], [[0, 2019]], [[0, 2019]]],
    );
    expect(requests.map((r) => r.query.timeout)).toEqual(['0', '0', '30000']);
    // The status says what the one big request will bring and since when it runs.
    expect(h.statuses.filter((s) => s.state === 'loading')).toEqual([
      { state: 'loading', roomsLoaded: 1, roomsTotal: 2000, requesting: 2000, since: anyTime },
    ]);
    expect(ofKind(h.events, 'initial-complete')).toEqual([{ kind: 'initial-complete', roomCount: 2000 }]);
    h.engine.stop();
  });

  it('gives a big loading request time in proportion to the rooms it adds (10 ms each beyond the margin)', async () => {
    const h = setup({ pollTimeoutMs: 30_000 });
    h.server.addRooms(roomIds(5000));
    // The server needs 60 s for the request adding 5,000 rooms: more than the 30 s margin alone.
    h.fake.fallback = async (req) => {
      const ranges = (req.body as { lists?: { all?: { ranges?: [number, number][] } } }).lists?.all?.ranges;
      if (req.path === SYNC_PATH && (ranges?.[0]?.[1] ?? 0) > 0 && req.query.timeout === '0') {
        await new Promise((resolve) => setTimeout(resolve, 60_000));
      }
      return req.path === SYNC_PATH ? h.server.handle(req) : matrixError(404, 'M_UNRECOGNIZED');
    };
    h.engine.start();
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(10_000);

    const ranges = h
      .syncRequests()
      .map((r) => (r.body as { lists: { all: { ranges: unknown } } }).lists.all.ranges);
    expect(ranges.slice(0, 3)).toEqual([[[0, 0]], [[0, 5019]], [[0, 5019]]]);
    const untilLive = h.statuses.slice(
      0,
      h.statuses.findIndex((s) => s.state === 'live'),
    );
    expect(untilLive.length).toBeGreaterThan(0);
    expect(untilLive.some((s) => s.state === 'backing-off')).toBe(false);
    expect(ofKind(h.events, 'initial-complete')).toEqual([{ kind: 'initial-complete', roomCount: 5000 }]);
    h.engine.stop();
  });

  it('retries a loading request that timed out with half as many new rooms, and keeps that step', async () => {
    const h = setup({ pollTimeoutMs: 30_000 });
    h.server.addRooms(roomIds(5000));
    // This server cannot answer more than 3,000 new rooms before the client gives up.
    h.fake.fallback = async (req) => {
      const ranges = (req.body as { lists?: { all?: { ranges?: [number, number][] } } }).lists?.all?.ranges;
      const end = ranges?.[0]?.[1] ?? 0;
      if (req.path === SYNC_PATH && req.query.timeout === '0' && end - loadedBefore(req) > 3000) {
        // Still working when the client gives up (its abort ends the wait).
        await new Promise((resolve) => {
          const id = setTimeout(resolve, 600_000);
          req.signal?.addEventListener('abort', () => {
            clearTimeout(id);
            resolve(undefined);
          });
        });
        // The client gave up: this reply is never sent (the fake would otherwise count it as sent).
        if (req.signal?.aborted) return 'hang';
      }
      return req.path === SYNC_PATH ? h.server.handle(req) : matrixError(404, 'M_UNRECOGNIZED');
    };
    let answeredUpTo = -1;
    const loadedBefore = (req: { query: Record<string, string | undefined> }) =>
      req.query.pos ? answeredUpTo + 1 : 0;
    h.engine.subscribe((batch) => {
      for (const e of batch)
        if (e.kind === 'status' && e.status.state === 'loading') answeredUpTo = e.status.roomsLoaded - 1;
    });
    h.engine.start();
    for (let i = 0; i < 40; i++) await vi.advanceTimersByTimeAsync(10_000);

    const ranges = h
      .syncRequests()
      .map((r) => (r.body as { lists: { all: { ranges: unknown } } }).lists.all.ranges);
    // [0,5019] timed out (after 30 s + 5,019 × 10 ms); then 2,509 rooms more, then the rest.
    expect(ranges.slice(0, 4)).toEqual([[[0, 0]], [[0, 5019]], [[0, 2509]], [[0, 5019]]]);
    const untilLive = h.statuses.slice(
      0,
      h.statuses.findIndex((s) => s.state === 'live'),
    );
    expect(untilLive.filter((s) => s.state === 'backing-off')).toHaveLength(1);
    expect(ofKind(h.events, 'initial-complete')).toEqual([{ kind: 'initial-complete', roomCount: 5000 }]);
    expect(new Set(ofKind(h.events, 'room-snapshot').map((e) => e.roomId)).size).toBe(5000);
    h.engine.stop();
  });

  it('learns count with [[0,0]], widens in steps with timeout=0, then long-polls', async () => {
    const h = setup({ windowStep: 500, windowHeadroom: 20, pollTimeoutMs: 30_000 });
    h.server.addRooms(roomIds(1200));
    h.server.setGlobal('m.direct', { '@b:x': ['!r0:hs.example'] });
    h.server.setRoom('!r5:hs.example', 'org.example.r', { v: 5 });
    h.engine.start();
    await drain();

    const requests = h.syncRequests();
    expect(requests.map((r) => (r.body as { lists: { all: { ranges: unknown } } }).lists.all.ranges)).toEqual(
      [[[0, 0]], [[0, 500]], [[0, 1000]], [[0, 1219]], [[0, 1219]]],
    );
    expect(requests.map((r) => r.query.timeout)).toEqual(['0', '0', '0', '0', '30000']);
    expect(requests[0]?.query.pos).toBeUndefined();
    expect(requests[1]?.query.pos).toBeDefined();

    expect(new Set(ofKind(h.events, 'room-added').map((e) => e.room.roomId)).size).toBe(1200);
    const snapshots = ofKind(h.events, 'room-snapshot');
    expect(new Set(snapshots.map((e) => e.roomId)).size).toBe(1200);
    expect(snapshots.find((e) => e.roomId === '!r5:hs.example')?.data).toEqual({ 'org.example.r': { v: 5 } });
    expect(ofKind(h.events, 'global-snapshot')).toEqual([
      { kind: 'global-snapshot', data: { 'm.direct': { '@b:x': ['!r0:hs.example'] } }, deleted: [] },
    ]);
    expect(ofKind(h.events, 'initial-complete')).toEqual([{ kind: 'initial-complete', roomCount: 1200 }]);
    expect(h.statuses[0]).toEqual({ state: 'connecting' });
    expect(h.statuses.filter((s) => s.state === 'loading')).toEqual([
      { state: 'loading', roomsLoaded: 1, roomsTotal: 1200, requesting: 501, since: anyTime },
      { state: 'loading', roomsLoaded: 501, roomsTotal: 1200, requesting: 1001, since: anyTime },
      { state: 'loading', roomsLoaded: 1001, roomsTotal: 1200, requesting: 1200, since: anyTime },
    ]);
    expect(h.engine.status).toEqual({ state: 'live' });
    h.engine.stop();
  });

  it('sends the full body with the account_data extension and the same conn_id every time', async () => {
    const h = setup({ windowStep: 2 });
    h.server.addRooms(roomIds(5));
    h.engine.start();
    await drain();
    h.server.setGlobal('org.example.g', { a: 1 });
    await drain();
    const requests = h.syncRequests();
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const r of requests) {
      const body = r.body as {
        extensions: unknown;
        conn_id: string;
        lists: { all: { timeline_limit: number; required_state: unknown[] } };
      };
      expect(body.extensions).toMatchObject({
        account_data: { enabled: true, lists: ['*'], rooms: ['*'] },
      });
      expect(body.conn_id).toBe(h.engine.connId);
      expect(body.lists.all.timeline_limit).toBe(0);
      expect(body.lists.all.required_state).toContainEqual(['m.room.name', '']);
      expect(r.headers.authorization).toBe('Bearer at-1');
      expect(r.url.search).not.toContain('access_token');
    }
    expect(new SlidingSyncEngine(new MatrixClient(session)).connId).not.toBe(h.engine.connId);
    h.engine.stop();
  });

  it('re-widens when count grows and announces added and removed rooms', async () => {
    const h = setup({ windowStep: 10, windowHeadroom: 2 });
    h.server.addRooms(roomIds(3), (id) => `Name ${id}`);
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'initial-complete')).toHaveLength(1);
    h.events.length = 0;

    h.server.addRooms(roomIds(8, 'new'));
    await drain();
    const added = ofKind(h.events, 'room-added').map((e) => e.room.roomId);
    expect(added.sort()).toEqual(roomIds(8, 'new').sort());
    expect(ofKind(h.events, 'room-removed')).toEqual([]);
    expect(
      ofKind(h.events, 'room-snapshot')
        .map((e) => e.roomId)
        .sort(),
    ).toEqual(roomIds(8, 'new').sort());
    const last = h.syncRequests().at(-1)?.body as { lists: { all: { ranges: number[][] } } };
    expect(last.lists.all.ranges).toEqual([[0, 12]]);

    h.events.length = 0;
    h.server.removeRoom('!r1:hs.example');
    await drain();
    expect(ofKind(h.events, 'room-removed')).toEqual([{ kind: 'room-removed', roomId: '!r1:hs.example' }]);
    expect(h.engine.knownRooms.find((r) => r.roomId === '!r0:hs.example')?.name).toBe('Name !r0:hs.example');
    h.engine.stop();
  });
});

describe('SlidingSyncEngine: leaving a room', () => {
  it('re-polls at once when our membership changes, so the room leaves the list promptly', async () => {
    const h = setup({ pollTimeoutMs: 30_000 });
    const ops = (ids: string[]) => ({
      all: { count: ids.length, ops: [{ op: 'SYNC', range: [0, 20], room_ids: ids }] },
    });
    const ext = { account_data: { global: [], rooms: {} } };
    h.fake
      .on(
        'POST',
        SYNC_PATH,
        json(200, {
          pos: 'p1',
          lists: ops(['!a:x', '!b:x']),
          rooms: { '!a:x': { initial: true, name: 'A' }, '!b:x': { initial: true, name: 'B' } },
          extensions: ext,
        }),
      )
      .on(
        'POST',
        SYNC_PATH,
        json(200, { pos: 'p1b', lists: ops(['!a:x', '!b:x']), rooms: {}, extensions: ext }),
      )
      // Synapse's reply carrying the leave still lists the room (observed on 1.160).
      .on(
        'POST',
        SYNC_PATH,
        json(200, {
          pos: 'p2',
          lists: ops(['!a:x', '!b:x']),
          rooms: {
            '!a:x': {
              required_state: [
                { type: 'm.room.member', state_key: '@alice:hs.example', content: { membership: 'leave' } },
              ],
            },
          },
          extensions: ext,
        }),
      )
      .on('POST', SYNC_PATH, json(200, { pos: 'p3', lists: ops(['!b:x']), rooms: {}, extensions: ext }))
      .on('POST', SYNC_PATH, 'hang');
    h.engine.start();
    await drain();
    const timeouts = h.syncRequests().map((r) => r.query.timeout);
    // [[0,0]] → widen → long-poll → (leave) immediate re-poll → long-poll.
    expect(timeouts).toEqual(['0', '0', '30000', '0', '30000']);
    expect(ofKind(h.events, 'room-removed')).toEqual([{ kind: 'room-removed', roomId: '!a:x' }]);
    expect(h.engine.knownRooms.map((r) => r.roomId)).toEqual(['!b:x']);
    const body = h.syncRequests()[0]?.body as { lists: { all: { required_state: unknown[] } } };
    expect(body.lists.all.required_state).toContainEqual(['m.room.member', '$ME']);
    h.engine.stop();
  });
});

describe('SlidingSyncEngine: account data', () => {
  it('reports global {} rows of the initial reply in global-snapshot.deleted, MSC3391 off (#8)', async () => {
    const h = setup();
    h.server.dropEmptyGlobalOnInitial = false;
    h.server.setGlobal('org.emptied', {});
    h.server.setGlobal('org.kept', { v: 1 });
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'global-snapshot')).toEqual([
      { kind: 'global-snapshot', data: { 'org.kept': { v: 1 } }, deleted: ['org.emptied'] },
    ]);
    h.engine.stop();
  });

  it('has nothing to report in global-snapshot.deleted when the server drops {} rows (MSC3391 on)', async () => {
    const h = setup();
    h.server.setGlobal('org.emptied', {});
    h.server.setGlobal('org.kept', { v: 1 });
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'global-snapshot')).toEqual([
      { kind: 'global-snapshot', data: { 'org.kept': { v: 1 } }, deleted: [] },
    ]);
    h.engine.stop();
  });

  it('emits changed and deleted deltas, and {} in a first send goes to room-snapshot.deleted', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.server.setRoom('!a:x', 'org.gone', {});
    h.server.setRoom('!a:x', 'org.here', { v: 1 });
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'room-snapshot')).toEqual([
      { kind: 'room-snapshot', roomId: '!a:x', data: { 'org.here': { v: 1 } }, deleted: ['org.gone'] },
    ]);
    h.events.length = 0;

    h.server.setGlobal('org.g', { x: 1 });
    await drain();
    h.server.setGlobal('org.g', {});
    await drain();
    h.server.setRoom('!a:x', 'org.here', {});
    await drain();
    expect(h.events.filter((e) => e.kind !== 'status')).toEqual([
      { kind: 'changed', scope: { kind: 'global' }, type: 'org.g', content: { x: 1 } },
      { kind: 'deleted', scope: { kind: 'global' }, type: 'org.g' },
      { kind: 'deleted', scope: { kind: 'room', roomId: '!a:x' }, type: 'org.here' },
    ]);
    h.engine.stop();
  });

  it('drops an expired pos and treats the next reply as a snapshot (M_UNKNOWN_POS)', async () => {
    const onError = vi.fn();
    const h = setup({ onError });
    h.server.addRooms(['!a:x']);
    h.server.setGlobal('org.old', { v: 1 });
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'global-snapshot')).toHaveLength(1);
    h.events.length = 0;

    // While the connection is forgotten, a type disappears and another appears.
    h.server.forgetConnections();
    h.server.setGlobal('org.old', {});
    h.server.setGlobal('org.new', { v: 2 });
    await drain();

    const requests = h.syncRequests();
    // The first request after the initial one that carries no pos is the resync.
    const resyncIndex = requests.findIndex((r, i) => i > 0 && r.query.pos === undefined);
    expect(resyncIndex).toBeGreaterThan(1);
    expect(requests[resyncIndex - 1]?.query.pos).toBeDefined();
    expect(requests[resyncIndex]?.query.timeout).toBe('0');
    h.events.splice(
      0,
      h.events.findIndex((e) => e.kind === 'global-snapshot'),
    );
    expect(ofKind(h.events, 'global-snapshot')).toEqual([
      { kind: 'global-snapshot', data: { 'org.new': { v: 2 } }, deleted: [] },
    ]);
    expect(ofKind(h.events, 'room-snapshot').map((e) => e.roomId)).toEqual(['!a:x']);
    expect(ofKind(h.events, 'initial-complete')).toHaveLength(1);
    expect(ofKind(h.events, 'room-added')).toEqual([]);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ errcode: 'M_UNKNOWN_POS' }),
      expect.any(String),
    );
    h.engine.stop();
  });

  it('backs off instead of resyncing in a tight loop when the position keeps expiring', async () => {
    const h = setup({ backoffBaseMs: 1_000, random: () => 1 });
    const snapshot = json(200, {
      pos: 'p',
      lists: { all: { count: 0, ops: [] } },
      extensions: { account_data: { global: [], rooms: {} } },
    });
    h.fake.fallback = (req) =>
      req.query.pos === undefined ? snapshot : matrixError(400, 'M_UNKNOWN_POS', 'Unknown position');
    h.engine.start();
    await drain();
    // snapshot, 400 → resync at once, snapshot, 400 again → back off.
    expect(h.syncRequests().map((r) => r.query.pos ?? '-')).toEqual(['-', 'p', '-', 'p']);
    expect(h.engine.status).toMatchObject({ state: 'backing-off', reason: 'position keeps expiring' });
    await vi.advanceTimersByTimeAsync(1_000);
    await drain();
    expect(h.syncRequests().length).toBeGreaterThan(4);
    expect(h.syncRequests()[4]?.query.pos).toBeUndefined();
    h.engine.stop();
  });

  it('also resyncs on 400 M_UNKNOWN "Invalid stream token"', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    h.engine.stop();
    h.fake.on('POST', SYNC_PATH, matrixError(400, 'M_UNKNOWN', 'Invalid stream token'));
    h.events.length = 0;
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'global-snapshot')).toHaveLength(1);
    expect(h.engine.status).toEqual({ state: 'live' });
    h.engine.stop();
  });
});

const extensionsOf = (r: RecordedRequest) => (r.body as { extensions: Record<string, unknown> }).extensions;

describe('SlidingSyncEngine: device lists (e2ee extension, docs/protocol.md §4.7)', () => {
  it('asks for e2ee only once live, keeps it while re-widening, and drops it on a resync', async () => {
    const h = setup({ windowStep: 2, windowHeadroom: 1 });
    h.server.addRooms(roomIds(5));
    h.engine.start();
    await drain();
    const loading = h.syncRequests();
    // [[0,0]], [[0,2]], [[0,5]] are loading requests; the long-poll after them is live.
    expect(loading.map((r) => 'e2ee' in extensionsOf(r))).toEqual([false, false, false, true]);
    expect(extensionsOf(loading[3]!).e2ee).toEqual({ enabled: true });
    expect(loading[3]?.query.timeout).toBe('30000');

    // count outgrows the window: the re-widening requests still carry e2ee (nothing is sticky).
    h.server.addRooms(roomIds(6, 'more'));
    await drain();
    const afterGrowth = h.syncRequests().slice(loading.length);
    expect(afterGrowth.length).toBeGreaterThan(1);
    expect(afterGrowth.every((r) => 'e2ee' in extensionsOf(r))).toBe(true);

    // A resync starts loading again, without e2ee until live.
    const before = h.syncRequests().length;
    h.server.forgetConnections();
    h.server.setGlobal('org.wake', { v: 1 });
    await drain();
    const resync = h.syncRequests().slice(before);
    const firstWithoutPos = resync.findIndex((r) => r.query.pos === undefined);
    expect(firstWithoutPos).toBeGreaterThanOrEqual(0);
    expect(resync.slice(0, firstWithoutPos).every((r) => 'e2ee' in extensionsOf(r))).toBe(true);
    const reloading = resync.slice(firstWithoutPos).filter((r) => r.query.timeout === '0');
    expect(reloading.length).toBeGreaterThan(1);
    expect(reloading.some((r) => 'e2ee' in extensionsOf(r))).toBe(false);
    expect('e2ee' in extensionsOf(h.syncRequests().at(-1)!)).toBe(true);
    h.engine.stop();
  });

  it('emits one device-list-changed when the changed users include our own, never for others', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    h.events.length = 0;

    h.server.changeDeviceList('@bob:hs.example');
    await drain();
    expect(ofKind(h.events, 'device-list-changed')).toEqual([]);

    const batches: SyncEvent[][] = [];
    h.engine.subscribe((batch) => batches.push(batch));
    h.server.changeDeviceList('@alice:hs.example');
    await drain();
    expect(ofKind(h.events, 'device-list-changed')).toEqual([{ kind: 'device-list-changed' }]);
    expect(batches.filter((b) => b.some((e) => e.kind === 'device-list-changed'))).toHaveLength(1);
    // No account data came with it.
    expect(h.events.filter((e) => e.kind === 'changed' || e.kind === 'deleted')).toEqual([]);
    h.engine.stop();
  });

  it('ignores a malformed device_lists', async () => {
    const h = setup();
    h.fake.on(
      'POST',
      SYNC_PATH,
      json(200, {
        pos: 'p1',
        lists: { all: { count: 0, ops: [] } },
        extensions: { account_data: { global: [] } },
      }),
    );
    for (const deviceLists of [
      { changed: '@alice:hs.example' },
      { changed: [{ user_id: '@alice:hs.example' }] },
      'junk',
      { left: ['@alice:hs.example'] },
    ]) {
      h.fake.on(
        'POST',
        SYNC_PATH,
        json(200, {
          pos: 'p2',
          lists: { all: { count: 0, ops: [] } },
          extensions: { account_data: { global: [] }, e2ee: { device_lists: deviceLists } },
        }),
      );
    }
    h.fake.on('POST', SYNC_PATH, 'hang');
    h.engine.start();
    await drain();
    expect(h.syncRequests()).toHaveLength(6);
    expect(ofKind(h.events, 'device-list-changed')).toEqual([]);
    h.engine.stop();
  });
});

describe('SlidingSyncEngine: MSC4331 device updates (account_data.devices, docs/protocol.md §5)', () => {
  it('turns both shapes into device-scoped changed/deleted deltas, never a snapshot', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    h.events.length = 0;

    h.server.sendDeviceUpdates({
      DEVA: [
        { type: 'm.local_notification_settings', content: { is_silenced: true } },
        { type: 'org.example.gone', content: {} },
      ],
      DEVB: { events: [{ type: 'io.element.matrix_client_information', content: { name: 'Element' } }] },
    });
    await drain();
    expect(h.events.filter((e) => e.kind !== 'status')).toEqual([
      {
        kind: 'changed',
        scope: { kind: 'device', deviceId: 'DEVA' },
        type: 'm.local_notification_settings',
        content: { is_silenced: true },
      },
      { kind: 'deleted', scope: { kind: 'device', deviceId: 'DEVA' }, type: 'org.example.gone' },
      {
        kind: 'changed',
        scope: { kind: 'device', deviceId: 'DEVB' },
        type: 'io.element.matrix_client_information',
        content: { name: 'Element' },
      },
    ]);
    h.engine.stop();
  });

  it('drops malformed device updates and keeps the well-formed ones', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    h.events.length = 0;

    h.server.sendDeviceUpdates({
      '': [{ type: 'org.no-device', content: { v: 1 } }],
      DEVA: 'junk',
      DEVB: { events: 'junk' },
      DEVC: [
        { type: 42, content: {} },
        { type: 'org.no-content' },
        'junk',
        { type: 'org.ok', content: { v: 1 } },
      ],
      DEVD: { type: 'org.single', content: { v: 1 } },
    });
    await drain();
    expect(h.events.filter((e) => e.kind !== 'status')).toEqual([
      { kind: 'changed', scope: { kind: 'device', deviceId: 'DEVC' }, type: 'org.ok', content: { v: 1 } },
    ]);
    h.engine.stop();
  });
});

describe('SlidingSyncEngine: errors and stopping', () => {
  it('backs off on network errors with jittered, capped exponential delays, then recovers', async () => {
    const h = setup({ backoffBaseMs: 1_000, backoffMaxMs: 8_000, random: () => 1 });
    h.server.addRooms(['!a:x']);
    h.fake.on('POST', SYNC_PATH, new TypeError('fetch failed'), 6);
    const start = Date.now();
    h.engine.start();
    await drain();
    // attempt n waits min(8000, 1000·2^(n-1)) with random()=1 → the full step.
    const expectedWaits = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];
    let elapsed = 0;
    for (const [i, wait] of expectedWaits.entries()) {
      expect(h.syncRequests()).toHaveLength(i + 1);
      expect(h.engine.status).toMatchObject({
        state: 'backing-off',
        attempt: i + 1,
        retryAt: start + elapsed + wait,
      });
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(h.syncRequests()).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      await drain(3);
      elapsed += wait;
    }
    await drain();
    expect(h.engine.status).toEqual({ state: 'live' });
    // Every retry after an error used timeout=0.
    expect(
      h
        .syncRequests()
        .slice(0, 7)
        .every((r) => r.query.timeout === '0'),
    ).toBe(true);
    h.engine.stop();
  });

  it('draws the jitter from [step/2, step]', () => {
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 60_000, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 60_000, random: () => 0.999_999 })).toBe(1000);
    expect(backoffDelay(3, { baseMs: 1000, maxMs: 60_000, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(30, { baseMs: 1000, maxMs: 60_000, random: () => 0.999_999 })).toBe(60_000);
    const samples = Array.from({ length: 50 }, () =>
      backoffDelay(4, { baseMs: 1000, maxMs: 60_000, random: Math.random }),
    );
    expect(samples.every((d) => d >= 4000 && d <= 8000)).toBe(true);
  });

  it('reports offline when the platform has no network', async () => {
    const h = setup({ isOnline: () => false });
    h.fake.on('POST', SYNC_PATH, new TypeError('Failed to fetch'));
    h.engine.start();
    await drain();
    expect(h.engine.status).toEqual({ state: 'offline', reason: 'network error' });
    h.engine.stop();
  });

  it('waits the server’s retry_after_ms on 429', async () => {
    const h = setup({ backoffBaseMs: 10 });
    h.server.addRooms(['!a:x']);
    h.fake.on(
      'POST',
      SYNC_PATH,
      matrixError(429, 'M_LIMIT_EXCEEDED', 'slow down', { retry_after_ms: 5_000 }),
    );
    const start = Date.now();
    h.engine.start();
    await drain();
    expect(h.engine.status).toEqual({
      state: 'backing-off',
      retryAt: start + 5_000,
      attempt: 1,
      reason: 'rate limited',
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(h.syncRequests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await drain();
    expect(h.syncRequests().length).toBeGreaterThan(1);
    expect(h.engine.status).toEqual({ state: 'live' });
    h.engine.stop();
  });

  it('aborts the in-flight long-poll at once on stop() and sends nothing more', async () => {
    const h = setup({ pollTimeoutMs: 30_000 });
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    const inflight = h.syncRequests().at(-1);
    expect(inflight?.query.timeout).toBe('30000');
    expect(inflight?.signal?.aborted).toBe(false);
    const before = h.syncRequests().length;
    h.engine.stop();
    expect(inflight?.signal?.aborted).toBe(true);
    expect(h.engine.status).toEqual({ state: 'stopped' });
    h.server.setGlobal('org.late', { v: 1 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.syncRequests()).toHaveLength(before);
    expect(ofKind(h.events, 'changed')).toEqual([]);
    expect(h.statuses.at(-1)).toEqual({ state: 'stopped' });
  });

  it('stops during a backoff wait without retrying', async () => {
    const h = setup();
    h.fake.on('POST', SYNC_PATH, new TypeError('fetch failed'));
    h.engine.start();
    await drain();
    expect(h.engine.status.state).toBe('backing-off');
    h.engine.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.syncRequests()).toHaveLength(1);
  });

  it('resumes from its pos after stop/start, with a zero timeout first', async () => {
    const h = setup();
    h.server.addRooms(['!a:x']);
    h.engine.start();
    await drain();
    const pos = h.engine.pos;
    h.engine.stop();
    h.server.setGlobal('org.while-stopped', { v: 1 });
    h.engine.start();
    await drain();
    const resumed = h
      .syncRequests()
      .find((r, i, all) => i > 0 && all[i - 1]?.signal?.aborted && r.query.pos === pos);
    expect(resumed?.query.timeout).toBe('0');
    expect(ofKind(h.events, 'changed')).toEqual([
      { kind: 'changed', scope: { kind: 'global' }, type: 'org.while-stopped', content: { v: 1 } },
    ]);
    h.engine.stop();
  });

  it('stops with status expired on 401 M_UNKNOWN_TOKEN (no refresh possible)', async () => {
    const h = setup();
    h.fake.on('POST', SYNC_PATH, matrixError(401, 'M_UNKNOWN_TOKEN', 'gone', { soft_logout: false }));
    h.engine.start();
    await drain();
    expect(h.engine.status).toEqual({ state: 'expired', softLogout: false });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.syncRequests()).toHaveLength(1);
    expect(h.engine.isRunning).toBe(false);
  });

  it('refreshes the token and carries on when the client can refresh', async () => {
    const h = setup({}, { refreshToken: 'rt-1' });
    h.server.addRooms(['!a:x']);
    h.fake.on('POST', SYNC_PATH, matrixError(401, 'M_UNKNOWN_TOKEN', 'expired', { soft_logout: true }));
    h.fake.on(
      'POST',
      '/_matrix/client/v3/refresh',
      json(200, { access_token: 'at-2', refresh_token: 'rt-2' }),
    );
    h.engine.start();
    await drain();
    expect(h.engine.status).toEqual({ state: 'live' });
    expect(h.syncRequests().at(-1)?.headers.authorization).toBe('Bearer at-2');
    h.engine.stop();
  });

  it('survives malformed rooms and a throwing listener', async () => {
    const onError = vi.fn();
    const h = setup({ onError });
    h.engine.subscribe(() => {
      throw new Error('listener bug');
    });
    h.fake.on(
      'POST',
      SYNC_PATH,
      json(200, {
        pos: 'p1',
        lists: { all: { count: 2, ops: [{ op: 'SYNC', range: [0, 0], room_ids: ['!ok:x'] }] } },
        rooms: { '!bad:x': 'not an object', '!ok:x': { initial: true, name: 'OK' } },
        extensions: {
          account_data: {
            global: [{ type: 'org.g', content: { a: 1 } }, { type: 42 }, 'junk'],
            rooms: { '!bad:x': 'nope', '!ok:x': [{ type: 'org.r', content: { b: 2 } }] },
          },
        },
      }),
    );
    h.fake.on('POST', SYNC_PATH, 'hang');
    h.engine.start();
    await drain();
    expect(ofKind(h.events, 'global-snapshot')).toEqual([
      { kind: 'global-snapshot', data: { 'org.g': { a: 1 } }, deleted: [] },
    ]);
    expect(ofKind(h.events, 'room-snapshot')).toEqual([
      { kind: 'room-snapshot', roomId: '!ok:x', data: { 'org.r': { b: 2 } }, deleted: [] },
    ]);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }), 'listener');
    expect(h.syncRequests()).toHaveLength(2);
    h.engine.stop();
  });

  it('backs off (keeping its pos) when a reply has no pos', async () => {
    const h = setup();
    h.fake.on('POST', SYNC_PATH, json(200, { lists: {} }));
    h.engine.start();
    await drain();
    expect(h.engine.status).toMatchObject({ state: 'backing-off', reason: 'unexpected reply' });
    expect(h.engine.pos).toBeUndefined();
    h.engine.stop();
  });
});
