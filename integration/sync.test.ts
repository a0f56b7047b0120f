/**
 * Sync engines against the real Synapses: live changes, deletions with and without MSC3391,
 * full coverage of a 300-room account, and recovery from an unknown position.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MatrixClient } from '../src/matrix/client.ts';
import type { FetchLike } from '../src/matrix/http.ts';
import { SlidingSyncEngine, type SlidingSyncOptions } from '../src/matrix/sync/sliding-sync.ts';
import { V3SyncEngine } from '../src/matrix/sync/v3-sync.ts';
import type { AccountDataSync, SyncEvent } from '../src/matrix/types.ts';
import {
  api,
  createRoom,
  createUser,
  homeserver,
  putAccountData,
  type TestUser,
} from '../test-support/synapse.ts';
import { EventLog, inBatches, sessionOf, waitFor } from './helpers.ts';

const SLIDING_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
const running: AccountDataSync[] = [];

afterEach(() => {
  for (const engine of running.splice(0)) engine.stop();
});

type Recorded = { url: URL; body: unknown };

/** A fetch that records sync requests and can rewrite the next request's `pos`. */
function recordingFetch(): {
  fetch: FetchLike;
  requests: Recorded[];
  rewriteNextPos: (rewrite: (pos: string) => string) => void;
} {
  const requests: Recorded[] = [];
  let rewriteNext: ((pos: string) => string) | undefined;
  const fetchImpl: FetchLike = (input, init) => {
    const url = new URL(input);
    if (url.pathname === SLIDING_PATH) {
      const pos = url.searchParams.get('pos');
      if (rewriteNext && pos !== null) {
        url.searchParams.set('pos', rewriteNext(pos));
        rewriteNext = undefined;
      }
      requests.push({
        url,
        body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      });
    }
    return fetch(url.href, init);
  };
  return {
    fetch: fetchImpl,
    requests,
    rewriteNextPos: (rewrite) => {
      rewriteNext = rewrite;
    },
  };
}

function startSliding(user: TestUser, options: SlidingSyncOptions = {}, fetchImpl?: FetchLike) {
  const client = new MatrixClient(sessionOf(user), fetchImpl ? { fetch: fetchImpl } : {});
  const engine = new SlidingSyncEngine(client, { pollTimeoutMs: 10_000, ...options });
  const log = new EventLog(engine);
  running.push(engine);
  engine.start();
  return { client, engine, log };
}

const isKind =
  <K extends SyncEvent['kind']>(
    kind: K,
    match: (e: Extract<SyncEvent, { kind: K }>) => boolean = () => true,
  ) =>
  (e: SyncEvent): boolean =>
    e.kind === kind && match(e as Extract<SyncEvent, { kind: K }>);

describe.each([
  ['main', 'DELETE'],
  ['nodelete', 'PUT_EMPTY'],
] as const)('sliding sync on %s', (name, deleteMethod) => {
  it(`delivers a PUT within a second, and a delete (${deleteMethod}) as a deleted event`, async () => {
    const user = await createUser(homeserver(name), { prefix: `ss-${name}` });
    const roomId = await createRoom(user, { name: 'Live room' });
    const { client, log } = startSliding(user);
    await log.next(isKind('initial-complete'), 10_000, 'initial-complete');
    // Synapse sends is_dm only for DMs.
    expect(log.of('room-added').map((e) => e.room)).toEqual([{ roomId, name: 'Live room' }]);

    await client.setAccountData({ kind: 'global' }, 'org.example.live', { n: 1 });
    const written = Date.now();
    const changed = await log.next(
      isKind('changed', (e) => e.type === 'org.example.live'),
      5_000,
      'changed',
    );
    expect(changed.at - written).toBeLessThan(1_000);
    expect(changed.event).toEqual({
      kind: 'changed',
      scope: { kind: 'global' },
      type: 'org.example.live',
      content: { n: 1 },
    });

    await client.setAccountData({ kind: 'room', roomId }, 'org.example.room', { r: 1 });
    const roomWritten = Date.now();
    const roomChanged = await log.next(
      isKind('changed', (e) => e.type === 'org.example.room'),
      5_000,
    );
    expect(roomChanged.at - roomWritten).toBeLessThan(1_000);
    expect(roomChanged.event).toMatchObject({ scope: { kind: 'room', roomId } });

    expect(await client.deleteAccountData({ kind: 'global' }, 'org.example.live')).toEqual({
      method: deleteMethod,
    });
    const deleted = await log.next(
      isKind('deleted', (e) => e.type === 'org.example.live'),
      5_000,
      'deleted',
    );
    expect(deleted.event).toEqual({ kind: 'deleted', scope: { kind: 'global' }, type: 'org.example.live' });
    expect(await client.deleteAccountData({ kind: 'room', roomId }, 'org.example.room')).toEqual({
      method: deleteMethod,
    });
    await log.next(
      isKind('deleted', (e) => e.type === 'org.example.room' && e.scope.kind === 'room'),
      5_000,
    );
    expect(log.of('status').at(-1)?.status).toEqual({ state: 'live' });
  });

  it('reports a previously deleted room type in the first send as deleted, not as data', async () => {
    const user = await createUser(homeserver(name), { prefix: `ss-del-${name}` });
    const roomId = await createRoom(user);
    await putAccountData(user, 'org.example.gone', { v: 1 }, roomId);
    await putAccountData(user, 'org.example.gone', {}, roomId);
    await putAccountData(user, 'org.example.kept', { v: 2 }, roomId);
    const { log } = startSliding(user);
    const snapshot = await log.next(isKind('room-snapshot'), 10_000);
    expect(snapshot.event).toEqual({
      kind: 'room-snapshot',
      roomId,
      data: { 'org.example.kept': { v: 2 } },
      deleted: ['org.example.gone'],
    });
  });
});

describe('sliding sync: rooms', () => {
  it('announces joined and left rooms live', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'ss-rooms' });
    const first = await createRoom(user, { name: 'First' });
    const { log } = startSliding(user);
    await log.next(isKind('initial-complete'), 10_000);

    const second = await createRoom(user, { name: 'Second' });
    await log.next(
      isKind('room-added', (e) => e.room.roomId === second),
      5_000,
      'room-added',
    );
    // The room can arrive before its m.room.name event; the name then follows as room-updated.
    await waitFor(
      () =>
        log.events.some(
          ({ event: e }) =>
            (e.kind === 'room-added' || e.kind === 'room-updated') &&
            e.room.roomId === second &&
            e.room.name === 'Second',
        ),
      5_000,
      'room name "Second"',
    );

    await api(user, 'POST', `/v3/rooms/${encodeURIComponent(first)}/leave`, {});
    await log.next(
      isKind('room-removed', (e) => e.roomId === first),
      10_000,
      'room-removed',
    );
    expect(log.of('room-removed').map((e) => e.roomId)).toEqual([first]);
  });

  it('covers every room of a 300-room account, widening the window in steps', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'ss-300' });
    const rooms = await inBatches(
      Array.from({ length: 300 }, (_, i) => i),
      8,
      (i) => createRoom(user, i % 3 === 0 ? {} : { name: `Room ${i}` }),
    );
    const marked = [rooms[0]!, rooms[150]!, rooms[299]!];
    for (const roomId of marked) await putAccountData(user, 'org.example.mark', { roomId }, roomId);

    const recorder = recordingFetch();
    const { log } = startSliding(user, { windowStep: 100 }, recorder.fetch);
    const complete = await log.next(isKind('initial-complete'), 60_000, 'initial-complete');
    expect(complete.event).toEqual({ kind: 'initial-complete', roomCount: 300 });

    const added = new Set(log.of('room-added').map((e) => e.room.roomId));
    expect(added).toEqual(new Set(rooms));
    const snapshots = new Map(log.of('room-snapshot').map((e) => [e.roomId, e.data]));
    expect(new Set(snapshots.keys())).toEqual(new Set(rooms));
    for (const roomId of marked) expect(snapshots.get(roomId)).toEqual({ 'org.example.mark': { roomId } });
    expect(log.of('room-added').find((e) => e.room.roomId === rooms[1])?.room.name).toBe('Room 1');

    const ranges = recorder.requests
      .slice(0, 4)
      .map((r) => (r.body as { lists: { all: { ranges: number[][] } } }).lists.all.ranges);
    expect(ranges).toEqual([[[0, 0]], [[0, 100]], [[0, 200]], [[0, 319]]]);
    // Loading requests carry account_data only; e2ee joins once live (docs/protocol.md §4.7).
    const extensions = recorder.requests.map((r) => (r.body as { extensions: unknown }).extensions);
    for (const e of extensions.slice(0, 4)) {
      expect(e).toEqual({ account_data: { enabled: true, lists: ['*'], rooms: ['*'] } });
    }
    for (const e of extensions.slice(4)) {
      expect(e).toEqual({
        account_data: { enabled: true, lists: ['*'], rooms: ['*'] },
        e2ee: { enabled: true },
      });
    }
    const loading = log.of('status').filter((e) => e.status.state === 'loading');
    expect(loading.length).toBeGreaterThanOrEqual(3);
  }, 240_000);
});

describe('sliding sync: unknown position', () => {
  it('resyncs with a snapshot when its pos is unknown (400 M_UNKNOWN_POS), also after a restart', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'ss-pos' });
    await createRoom(user, { name: 'Pos room' });
    await putAccountData(user, 'org.example.before', { v: 1 });
    const errors: unknown[] = [];
    const recorder = recordingFetch();
    const { engine, log } = startSliding(
      user,
      { onError: (e) => errors.push(e), pollTimeoutMs: 2_000 },
      recorder.fetch,
    );
    await log.next(isKind('initial-complete'), 10_000);

    // Stop, change data while stopped, and restart with a position the server does not hold
    // (Synapse formats pos as <connection_position>/<stream token>, docs/protocol.md §4.2).
    engine.stop();
    await putAccountData(user, 'org.example.before', {});
    await putAccountData(user, 'org.example.after', { v: 2 });
    recorder.rewriteNextPos((pos) => `999999/${pos.split('/')[1] ?? ''}`);
    engine.start();

    await waitFor(() => log.of('global-snapshot').length >= 2, 20_000, 'second global-snapshot');
    expect(errors).toContainEqual(expect.objectContaining({ status: 400, errcode: 'M_UNKNOWN_POS' }));
    const snapshot = log.of('global-snapshot').at(-1)!;
    expect(snapshot.data['org.example.after']).toEqual({ v: 2 });
    expect(snapshot.data['org.example.before']).toBeUndefined();
    expect(log.of('room-snapshot')).toHaveLength(2);
    await waitFor(() => engine.status.state === 'live', 10_000, 'live again');
    // The request after the 400 carried no pos.
    const rejected = recorder.requests.findIndex((r) => r.url.searchParams.get('pos')?.startsWith('999999/'));
    expect(recorder.requests[rejected + 1]?.url.searchParams.has('pos')).toBe(false);
  });

  it('resyncs after a malformed pos (400 M_UNKNOWN "Invalid stream token")', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'ss-badpos' });
    const recorder = recordingFetch();
    const errors: unknown[] = [];
    const { client, log } = startSliding(
      user,
      { onError: (e) => errors.push(e), pollTimeoutMs: 1_000 },
      recorder.fetch,
    );
    await log.next(isKind('initial-complete'), 10_000);
    recorder.rewriteNextPos(() => 'garbage');
    await waitFor(() => log.of('global-snapshot').length >= 2, 10_000, 'resync');
    expect(errors).toContainEqual(expect.objectContaining({ status: 400, errcode: 'M_UNKNOWN' }));
    await client.setAccountData({ kind: 'global' }, 'org.example.after-reset', { ok: true });
    await log.next(
      isKind('changed', (e) => e.type === 'org.example.after-reset'),
      5_000,
    );
  });
});

/** `account_data_key` of a Synapse pos `<conn>/s<room>_<presence>_<typing>_<receipt>_<account_data>_…`. */
function accountDataKeyOf(pos: string): string | undefined {
  return pos.split('/')[1]?.split('_')[4];
}

describe('sliding sync: a write racing a sync computation', () => {
  // Synapse 1.160 stamps a reply with the stream token taken when it *started* computing it
  // (handlers/sliding_sync/__init__.py wait_for_sync_for_user → next_pos=to_token), but reads
  // account data with no upper bound (storage/databases/main/account_data.py
  // get_updated_global_account_data_for_user: `stream_id > from`; extensions.py marks it
  // "TODO: This should take into account the `from_token` and `to_token`"). A write committed
  // meanwhile is in this reply AND in the next one. The engine must pass the repeat on unchanged
  // (consumers are idempotent) and must itself never re-send a position or overlap requests.
  it('chains every pos and keeps one request in flight; repeats carry the same content', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'ss-race' });
    await createRoom(user, { name: 'Race room' });
    type Exchange = { pos: string | null; timeout: string | null; replyPos?: string; globalTypes?: string[] };
    const exchanges: Exchange[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let written: Promise<void> | undefined;
    const fetchImpl: FetchLike = async (input, init) => {
      const url = new URL(input);
      if (url.pathname !== SLIDING_PATH) return fetch(input, init);
      const exchange: Exchange = {
        pos: url.searchParams.get('pos'),
        timeout: url.searchParams.get('timeout'),
      };
      exchanges.push(exchange);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Write while Synapse computes the first long-poll's immediate answer (the CLI `watch` race).
      if (exchange.pos !== null && exchange.timeout !== '0' && !written) {
        written = putAccountData(user, 'org.example.race', { n: 1 });
      }
      try {
        const response = await fetch(input, init);
        const body = (await response.clone().json()) as {
          pos?: string;
          extensions?: { account_data?: { global?: { type: string }[] } };
        };
        if (body.pos !== undefined) exchange.replyPos = body.pos;
        exchange.globalTypes = body.extensions?.account_data?.global?.map((e) => e.type) ?? [];
        return response;
      } finally {
        inFlight--;
      }
    };
    const { log } = startSliding(user, {}, fetchImpl);
    await log.next(
      isKind('changed', (e) => e.type === 'org.example.race'),
      10_000,
      'changed',
    );
    await written;
    // Give a possible repeat (the next long-poll answers at once) time to arrive.
    await putAccountData(user, 'org.example.marker', { done: true });
    await log.next(
      isKind('changed', (e) => e.type === 'org.example.marker'),
      5_000,
      'marker',
    );

    expect(maxInFlight).toBe(1);
    const replied = exchanges.filter((e) => e.replyPos !== undefined);
    for (let i = 1; i < replied.length; i++) expect(replied[i]!.pos).toBe(replied[i - 1]!.replyPos);

    const changes = log.of('changed').filter((e) => e.type === 'org.example.race');
    expect(changes.map((e) => e.content)).toEqual(changes.map(() => ({ n: 1 })));
    const carriers = replied.filter((e) => e.globalTypes?.includes('org.example.race'));
    expect(carriers).toHaveLength(changes.length);
    if (carriers.length > 1) {
      // The repeat is Synapse's: the first carrier did not advance the account-data position.
      expect(accountDataKeyOf(carriers[0]!.replyPos!)).toBe(accountDataKeyOf(carriers[0]!.pos!));
    }
  });
});

describe('/v3/sync fallback', () => {
  it('delivers changes, deletions (PUT {}) and joined rooms', async () => {
    const user = await createUser(homeserver('nodelete'), { prefix: 'v3' });
    const roomId = await createRoom(user, { name: 'V3 room' });
    await putAccountData(user, 'org.example.initial', { v: 0 });
    const client = new MatrixClient(sessionOf(user));
    const engine = new V3SyncEngine(client, { pollTimeoutMs: 10_000 });
    running.push(engine);
    const log = new EventLog(engine);
    engine.start();
    await log.next(isKind('initial-complete'), 10_000);
    expect(log.of('global-snapshot')[0]?.data['org.example.initial']).toEqual({ v: 0 });
    expect(log.of('room-added').map((e) => e.room)).toEqual([{ roomId, name: 'V3 room' }]);

    await client.setAccountData({ kind: 'global' }, 'org.example.v3', { n: 1 });
    const written = Date.now();
    const changed = await log.next(
      isKind('changed', (e) => e.type === 'org.example.v3'),
      5_000,
    );
    expect(changed.at - written).toBeLessThan(1_000);
    expect(await client.deleteAccountData({ kind: 'global' }, 'org.example.v3')).toEqual({
      method: 'PUT_EMPTY',
    });
    await log.next(
      isKind('deleted', (e) => e.type === 'org.example.v3'),
      5_000,
    );

    const second = await createRoom(user, { name: 'Second' });
    await log.next(
      isKind('room-added', (e) => e.room.roomId === second),
      5_000,
    );
    await waitFor(() => engine.knownRooms.some((r) => r.roomId === second && r.name === 'Second'), 5_000);

    await api(user, 'POST', `/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
    await log.next(
      isKind('room-removed', (e) => e.roomId === roomId),
      5_000,
      'room-removed',
    );
  });
});

describe.each([
  ['main', false],
  ['nodelete', true],
] as const)('a global {} written before the first sync, on %s (#8)', (name, isKept) => {
  const engines = {
    sliding: (user: TestUser) => new SlidingSyncEngine(new MatrixClient(sessionOf(user)), {}),
    v3: (user: TestUser) => new V3SyncEngine(new MatrixClient(sessionOf(user)), {}),
  };
  it.each(Object.keys(engines) as (keyof typeof engines)[])(
    `is ${isKept ? 'in' : 'absent from'} the %s global-snapshot's deleted list`,
    async (kind) => {
      const user = await createUser(homeserver(name), { prefix: `empty-${name}` });
      await putAccountData(user, 'org.example.emptied', { was: 'here' });
      await putAccountData(user, 'org.example.emptied', {});
      await putAccountData(user, 'org.example.kept', { k: 1 });
      const engine = engines[kind](user);
      running.push(engine);
      const log = new EventLog(engine);
      engine.start();
      await log.next(isKind('initial-complete'), 10_000, 'initial-complete');
      const snapshot = log.of('global-snapshot')[0];
      expect(snapshot?.data['org.example.kept']).toEqual({ k: 1 });
      expect(snapshot?.data['org.example.emptied']).toBeUndefined();
      // MSC3391 on: Synapse leaves `{}` rows out of initial syncs; off: they are sent, and kept (§3, §9).
      expect(snapshot?.deleted).toEqual(isKept ? ['org.example.emptied'] : []);
    },
  );
});
