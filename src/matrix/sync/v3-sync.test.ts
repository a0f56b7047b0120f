import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../client.ts';
import { ScriptedFetch, json, matrixError } from '../testing/scripted-fetch.ts';
import type { Session, SyncEvent } from '../types.ts';
import { chooseSyncKind, createAccountDataSync } from './create-sync.ts';
import { SlidingSyncEngine } from './sliding-sync.ts';
import { V3SyncEngine } from './v3-sync.ts';

const session: Session = {
  baseUrl: 'https://hs.example',
  userId: '@alice:hs.example',
  deviceId: 'DEV',
  accessToken: 'at-1',
  authApi: 'legacy',
  loginMethod: 'password',
};
const SYNC = '/_matrix/client/v3/sync';

async function drain(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await vi.advanceTimersByTimeAsync(0);
}

function setup() {
  const fake = new ScriptedFetch();
  const client = new MatrixClient(session, { fetch: fake.fetch });
  const engine = new V3SyncEngine(client, { random: () => 0.5, isOnline: () => true });
  const events: SyncEvent[] = [];
  engine.subscribe((batch) => events.push(...batch));
  return { fake, engine, events };
}

const initialReply = {
  next_batch: 's1',
  account_data: {
    events: [
      { type: 'm.direct', content: { '@b:x': ['!a:x'] } },
      { type: 'org.empty', content: {} },
    ],
  },
  rooms: {
    join: {
      '!a:x': {
        account_data: {
          events: [
            { type: 'm.tag', content: { tags: { 'm.favourite': {} } } },
            { type: 'org.gone', content: {} },
          ],
        },
        state: { events: [{ type: 'm.room.name', state_key: '', content: { name: 'Alpha' } }] },
        summary: { 'm.joined_member_count': 2 },
      },
      '!b:x': {
        summary: { 'm.heroes': ['@bob:x'], 'm.joined_member_count': 2, 'm.invited_member_count': 0 },
      },
    },
  },
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('V3SyncEngine', () => {
  it('turns the initial sync into snapshots and the filter into the query', async () => {
    const { fake, engine, events } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    fake.on('GET', SYNC, 'hang');
    engine.start();
    await drain();
    expect(events.filter((e) => e.kind !== 'status')).toEqual([
      // `{}` in the initial sync (MSC3391 off) is reported as deleted, not dropped (#8).
      { kind: 'global-snapshot', data: { 'm.direct': { '@b:x': ['!a:x'] } }, deleted: ['org.empty'] },
      { kind: 'room-added', room: { roomId: '!a:x', name: 'Alpha' } },
      {
        kind: 'room-snapshot',
        roomId: '!a:x',
        data: { 'm.tag': { tags: { 'm.favourite': {} } } },
        deleted: ['org.gone'],
      },
      { kind: 'room-added', room: { roomId: '!b:x', name: '@bob:x' } },
      { kind: 'room-snapshot', roomId: '!b:x', data: {}, deleted: [] },
      { kind: 'initial-complete', roomCount: 2 },
    ]);
    expect(engine.status).toEqual({ state: 'live' });
    const [first, second] = fake.requestsTo(SYNC);
    expect(first?.query.set_presence).toBe('offline');
    expect(first?.query.since).toBeUndefined();
    // Initial syncs get a varied timeout to dodge Synapse's 2-minute response cache.
    expect(Number(first?.query.timeout)).toBeGreaterThan(0);
    const filter = JSON.parse(first?.query.filter ?? '{}') as {
      presence: unknown;
      room: { timeline: unknown };
    };
    expect(filter.presence).toEqual({ types: [] });
    // One membership/naming event per room keeps joins, leaves and renames visible (see accountDataFilter).
    expect(filter.room.timeline).toEqual({
      limit: 1,
      types: ['m.room.member', 'm.room.name', 'm.room.canonical_alias', 'm.room.create'],
    });
    expect(second?.query).toMatchObject({ since: 's1', timeout: '30000' });
    engine.stop();
  });

  it('emits deltas, deletions and left rooms from incremental syncs', async () => {
    const { fake, engine, events } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    fake.on(
      'GET',
      SYNC,
      json(200, {
        next_batch: 's2',
        account_data: {
          events: [
            { type: 'm.direct', content: {} },
            { type: 'org.new', content: { v: 1 } },
          ],
        },
        rooms: {
          join: {
            '!a:x': {
              account_data: { events: [{ type: 'org.r', content: { x: 1 } }] },
              timeline: {
                events: [
                  { type: 'm.room.name', state_key: '', content: { name: 'Renamed' } },
                  { type: 'm.room.message', content: { body: 'not state' } },
                ],
              },
            },
          },
          leave: { '!b:x': {} },
        },
      }),
    );
    fake.on('GET', SYNC, 'hang');
    engine.start();
    await drain();
    const incremental = events.slice(events.findIndex((e) => e.kind === 'initial-complete') + 1);
    expect(incremental.filter((e) => e.kind !== 'status')).toEqual([
      { kind: 'deleted', scope: { kind: 'global' }, type: 'm.direct' },
      { kind: 'changed', scope: { kind: 'global' }, type: 'org.new', content: { v: 1 } },
      { kind: 'room-updated', room: { roomId: '!a:x', name: 'Renamed' } },
      { kind: 'changed', scope: { kind: 'room', roomId: '!a:x' }, type: 'org.r', content: { x: 1 } },
      { kind: 'room-removed', roomId: '!b:x' },
    ]);
    engine.stop();
  });

  it('never repeats a (since, timeout) pair inside the response-cache window', async () => {
    const { fake, engine } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    // Nothing changes: Synapse answers with the same next_batch.
    fake.on('GET', SYNC, json(200, { next_batch: 's1' }), 3);
    fake.on('GET', SYNC, 'hang');
    engine.start();
    await drain();
    const keys = fake.requestsTo(SYNC).map((r) => `${r.query.since ?? ''}|${r.query.timeout ?? ''}`);
    expect(keys.slice(1)).toEqual(['s1|30000', 's1|30001', 's1|30002', 's1|30003']);
    expect(new Set(keys).size).toBe(keys.length);
    engine.stop();
  });

  it('restarts from scratch when the since token is rejected', async () => {
    const { fake, engine, events } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    fake.on('GET', SYNC, matrixError(400, 'M_UNKNOWN', 'Invalid stream token'));
    fake.on(
      'GET',
      SYNC,
      json(200, { ...initialReply, rooms: { join: { '!a:x': initialReply.rooms.join['!a:x'] } } }),
    );
    fake.on('GET', SYNC, 'hang');
    engine.start();
    await drain();
    const requests = fake.requestsTo(SYNC);
    expect(requests[2]?.query.since).toBeUndefined();
    expect(events.filter((e) => e.kind === 'global-snapshot')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'room-removed')).toEqual([
      { kind: 'room-removed', roomId: '!b:x' },
    ]);
    engine.stop();
  });
});

describe('V3SyncEngine: device lists and MSC4331 device updates (docs/protocol.md §4.7, §5)', () => {
  it('emits device-list-changed once, only when device_lists.changed names our own user', async () => {
    const { fake, engine, events } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    fake.on('GET', SYNC, json(200, { next_batch: 's2', device_lists: { changed: ['@bob:x'], left: [] } }));
    fake.on('GET', SYNC, json(200, { next_batch: 's3', device_lists: { changed: '@alice:hs.example' } }));
    fake.on('GET', SYNC, json(200, { next_batch: 's4', device_lists: { left: ['@alice:hs.example'] } }));
    fake.on(
      'GET',
      SYNC,
      json(200, { next_batch: 's5', device_lists: { changed: ['@bob:x', '@alice:hs.example'] } }),
    );
    fake.on('GET', SYNC, 'hang');
    const batches: SyncEvent[][] = [];
    engine.subscribe((batch) => batches.push(batch));
    engine.start();
    await drain();
    expect(fake.requestsTo(SYNC)).toHaveLength(6);
    expect(events.filter((e) => e.kind === 'device-list-changed')).toEqual([{ kind: 'device-list-changed' }]);
    // It came with the reply that named us (s5), the last one answered.
    expect(batches.at(-1)).toEqual([{ kind: 'device-list-changed' }]);
    engine.stop();
  });

  it('turns account_data.devices (both shapes) into device-scoped deltas and drops malformed parts', async () => {
    const { fake, engine, events } = setup();
    fake.on('GET', SYNC, json(200, initialReply));
    fake.on(
      'GET',
      SYNC,
      json(200, {
        next_batch: 's2',
        account_data: {
          events: [{ type: 'org.g', content: { g: 1 } }],
          devices: {
            DEVA: [
              { type: 'm.local_notification_settings', content: { is_silenced: false } },
              { type: 'org.gone', content: {} },
              { type: 7, content: {} },
            ],
            DEVB: { events: [{ type: 'org.b', content: { b: 1 } }, 'junk'] },
            DEVC: 'junk',
            '': [{ type: 'org.no-device', content: { v: 1 } }],
          },
        },
      }),
    );
    fake.on('GET', SYNC, json(200, { next_batch: 's3', account_data: { events: [], devices: ['junk'] } }));
    fake.on('GET', SYNC, 'hang');
    engine.start();
    await drain();
    const incremental = events.slice(events.findIndex((e) => e.kind === 'initial-complete') + 1);
    expect(incremental.filter((e) => e.kind !== 'status')).toEqual([
      { kind: 'changed', scope: { kind: 'global' }, type: 'org.g', content: { g: 1 } },
      {
        kind: 'changed',
        scope: { kind: 'device', deviceId: 'DEVA' },
        type: 'm.local_notification_settings',
        content: { is_silenced: false },
      },
      { kind: 'deleted', scope: { kind: 'device', deviceId: 'DEVA' }, type: 'org.gone' },
      { kind: 'changed', scope: { kind: 'device', deviceId: 'DEVB' }, type: 'org.b', content: { b: 1 } },
    ]);
    engine.stop();
  });
});

describe('createAccountDataSync', () => {
  it('chooses sliding sync only when the authenticated /versions advertises it', async () => {
    expect(chooseSyncKind({ slidingSync: true })).toBe('sliding');
    expect(chooseSyncKind({ slidingSync: false })).toBe('v3');
    expect(chooseSyncKind({ slidingSync: true }, 'v3')).toBe('v3');

    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/client/versions',
      json(200, { versions: ['v1.12'], unstable_features: { 'org.matrix.simplified_msc3575': true } }),
    );
    fake.fallback = matrixError(404, 'M_UNRECOGNIZED');
    const client = new MatrixClient(session, { fetch: fake.fetch });
    const sliding = await createAccountDataSync(client);
    expect(sliding.kind).toBe('sliding');
    expect(sliding.engine).toBeInstanceOf(SlidingSyncEngine);
    expect(fake.requestsTo('/_matrix/client/versions')[0]?.headers.authorization).toBe('Bearer at-1');

    const fake2 = new ScriptedFetch();
    fake2.on('GET', '/_matrix/client/versions', json(200, { versions: ['v1.12'] }));
    fake2.fallback = matrixError(404, 'M_UNRECOGNIZED');
    const v3 = await createAccountDataSync(new MatrixClient(session, { fetch: fake2.fetch }));
    expect(v3.engine).toBeInstanceOf(V3SyncEngine);
  });
});
