/**
 * Fuzz: both sync engines are fed 1,000 malformed replies each, from a seeded PRNG (wrong types,
 * missing fields, huge values, duplicate rooms, deep nesting, bodies that are not JSON, server
 * errors with garbage bodies), each followed by a good reply carrying a marker. Whatever the
 * malformed reply does, no exception escapes the loop (an unhandled rejection fails the run), the
 * failures go to `onError`, the engine never stops, and the next good reply is processed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../client.ts';
import { ScriptedFetch, type Reply } from '../testing/scripted-fetch.ts';
import type { Session, SyncEvent, SyncStatus } from '../types.ts';
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
const V3_PATH = '/_matrix/client/v3/sync';
const SLIDING_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';
const ROUNDS = 1000;
const MARKER = 'org.fuzz.marker';

/** mulberry32: a small seeded PRNG, so a failure reproduces with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function deep(depth: number, leaf: unknown, rng: Rng): unknown {
  let value = leaf;
  // One reference per level: sharing `value` twice would double the JSON at every level.
  for (let i = 0; i < depth; i++)
    value = rng() < 0.5 ? [value] : { [pick(rng, ['k', 'events', 'content'])]: value };
  return value;
}

/** A value of a random wrong kind (or a plausible one), sometimes huge or deeply nested. */
function garbage(rng: Rng, depth = 0): unknown {
  const roll = rng();
  if (roll < 0.08) return null;
  if (roll < 0.16) return pick(rng, [0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53]);
  if (roll < 0.24) return pick(rng, [true, false]);
  if (roll < 0.32) return pick(rng, ['', ' ', 'x', '!r0:hs.example', '@alice:hs.example', '\u0000\uffff']);
  if (roll < 0.36) return 'x'.repeat(Math.floor(rng() * 200_000));
  if (roll < 0.42) return deep(200 + Math.floor(rng() * 800), garbage(rng, depth + 1), rng);
  if (roll < 0.55 || depth > 3) return [];
  if (roll < 0.7) return Array.from({ length: 1 + Math.floor(rng() * 4) }, () => garbage(rng, depth + 1));
  if (roll < 0.8) return {};
  const obj: Record<string, unknown> = {};
  for (let i = 0, n = 1 + Math.floor(rng() * 4); i < n; i++) {
    obj[
      pick(rng, ['type', 'content', 'events', 'pos', 'next_batch', '__proto__', 'constructor', 'rooms', 'x'])
    ] = garbage(rng, depth + 1);
  }
  return obj;
}

/** Replaces or deletes a random key somewhere in `value` (mutates). */
function mutate(value: unknown, rng: Rng): void {
  let node = value;
  for (let step = 0; step < 6; step++) {
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = pick(rng, keys);
    const child = (node as Record<string, unknown>)[key];
    if (rng() < 0.4 || child === null || typeof child !== 'object') {
      if (rng() < 0.3) Reflect.deleteProperty(node, key);
      else (node as Record<string, unknown>)[key] = garbage(rng);
      return;
    }
    node = child;
  }
}

const accountEvents = (rng: Rng) => [
  { type: 'm.direct', content: { '@b:hs.example': ['!r0:hs.example'] } },
  { type: `org.fuzz.${Math.floor(rng() * 5)}`, content: rng() < 0.3 ? {} : { v: garbage(rng) } },
];

function v3Reply(rng: Rng, round: number): Record<string, unknown> {
  const room = () => ({
    account_data: { events: accountEvents(rng) },
    state: { events: [{ type: 'm.room.name', state_key: '', content: { name: 'R' } }] },
    timeline: { events: [] },
    summary: { 'm.joined_member_count': 2, 'm.heroes': ['@bob:hs.example'] },
  });
  return {
    next_batch: `bad${round}`,
    account_data: { events: accountEvents(rng) },
    rooms: {
      join: { '!r0:hs.example': room(), '!r1:hs.example': room() },
      // The same room joined and left in one reply.
      leave: rng() < 0.3 ? { '!r0:hs.example': {} } : {},
    },
    device_lists: { changed: ['@alice:hs.example'] },
  };
}

function slidingReply(rng: Rng, round: number): Record<string, unknown> {
  const ids = ['!r0:hs.example', '!r1:hs.example'];
  return {
    pos: `bad${round}`,
    lists: {
      all: {
        count: 2,
        // Duplicate rooms in the window.
        ops: [{ op: 'SYNC', range: [0, 3], room_ids: rng() < 0.3 ? [...ids, ...ids] : ids }],
      },
    },
    rooms: Object.fromEntries(ids.map((id) => [id, { name: 'R', initial: rng() < 0.5, heroes: [] }])),
    extensions: {
      account_data: {
        global: accountEvents(rng),
        rooms: Object.fromEntries(ids.map((id) => [id, accountEvents(rng)])),
      },
      e2ee: { device_lists: { changed: ['@alice:hs.example'] } },
    },
  };
}

/** One malformed reply: a mutated plausible body, pure garbage, a non-JSON body, or an error status. */
function malformed(
  rng: Rng,
  round: number,
  plausible: (rng: Rng, round: number) => Record<string, unknown>,
): Reply {
  const roll = rng();
  if (roll < 0.05)
    return { status: 200, text: pick(rng, ['', '{', '<html>502</html>', 'null', '[]', '"x"']) };
  if (roll < 0.1) return { status: pick(rng, [500, 502, 503, 504]), text: '<html>Bad Gateway</html>' };
  if (roll < 0.13) return { status: 500, json: garbage(rng) };
  if (roll < 0.25) return { status: 200, json: garbage(rng) };
  const body = plausible(rng, round);
  for (let i = 0, n = 1 + Math.floor(rng() * 5); i < n; i++) mutate(body, rng);
  return { status: 200, json: body };
}

type Harness = {
  events: SyncEvent[];
  statuses: SyncStatus[];
  errors: [unknown, string][];
  /** Malformed replies no engine can use (error status, not JSON, no position): each must be reported. */
  unreadable: { count: number };
  stop: () => void;
};

/** Whether a reply is a 200 JSON object with a string position (the rest may still be garbage). */
function isReadable(reply: Reply, positionKey: string): boolean {
  if ((reply.status ?? 200) !== 200 || reply.json === undefined) return false;
  const body = reply.json;
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as Record<string, unknown>)[positionKey] === 'string'
  );
}

function run(kind: 'v3' | 'sliding', seed: number): Harness {
  const rng = prng(seed);
  const fake = new ScriptedFetch();
  const path = kind === 'v3' ? V3_PATH : SLIDING_PATH;
  // Replies in order: a good first one, then (malformed, good with marker i) × ROUNDS, then hang.
  let index = 0;
  const unreadable = { count: 0 };
  fake.fallback = (req) => {
    if (req.path !== path) return { status: 404, json: { errcode: 'M_UNRECOGNIZED' } };
    const step = index++;
    if (step > 2 * ROUNDS) return 'hang';
    const round = Math.ceil(step / 2);
    if (step % 2 === 1) {
      const reply = malformed(rng, round, kind === 'v3' ? v3Reply : slidingReply);
      if (!isReadable(reply, kind === 'v3' ? 'next_batch' : 'pos')) unreadable.count++;
      return reply;
    }
    const marker = [{ type: MARKER, content: { round } }];
    return {
      status: 200,
      json:
        kind === 'v3'
          ? { next_batch: `good${round}`, account_data: { events: marker } }
          : {
              pos: `good${round}`,
              lists: { all: { count: 0, ops: [{ op: 'SYNC', range: [0, 0], room_ids: [] }] } },
              rooms: {},
              extensions: { account_data: { global: marker, rooms: {} } },
            },
    };
  };
  const client = new MatrixClient(session, { fetch: fake.fetch, now: () => Date.now() });
  const errors: [unknown, string][] = [];
  const options = {
    random: rng,
    isOnline: () => true,
    backoffBaseMs: 1,
    backoffMaxMs: 1,
    onError: (error: unknown, context: string) => errors.push([error, context]),
  };
  const engine = kind === 'v3' ? new V3SyncEngine(client, options) : new SlidingSyncEngine(client, options);
  const events: SyncEvent[] = [];
  const statuses: SyncStatus[] = [];
  engine.subscribe((batch) => {
    events.push(...batch);
    for (const e of batch) if (e.kind === 'status') statuses.push(e.status);
  });
  engine.start();
  return {
    events,
    statuses,
    errors,
    unreadable,
    stop: () => {
      engine.stop();
    },
  };
}

/** The marker rounds the engine delivered, in order (as a change or inside a snapshot). */
function markers(events: SyncEvent[]): number[] {
  const rounds: number[] = [];
  for (const e of events) {
    const content =
      e.kind === 'changed' && e.type === MARKER
        ? e.content
        : e.kind === 'global-snapshot'
          ? e.data[MARKER]
          : undefined;
    if (content && typeof content.round === 'number' && rounds.at(-1) !== content.round)
      rounds.push(content.round);
  }
  return rounds;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ['v3', 0x5eed],
  ['sliding', 0xfa11],
] as const)('%s engine under 1,000 malformed replies (seed %i)', (kind, seed) => {
  it('never lets an exception escape, reports the failures, keeps going, and processes every good reply', async () => {
    const h = run(kind, seed);
    for (let i = 0; i < 20_000 && markers(h.events).at(-1) !== ROUNDS; i++) {
      await vi.advanceTimersByTimeAsync(2);
    }
    const statuses = [...h.statuses];
    h.stop();
    // Every good reply after a malformed one was processed, in order.
    expect(markers(h.events)).toEqual(Array.from({ length: ROUNDS + 1 }, (_, i) => i));
    // Failures were reported, not swallowed: at least every reply that could not be read at all.
    expect(h.unreadable.count).toBeGreaterThan(ROUNDS / 10);
    expect(h.errors.length).toBeGreaterThanOrEqual(h.unreadable.count);
    for (const [error, context] of h.errors) {
      expect(error).toBeInstanceOf(Error);
      expect(typeof context).toBe('string');
    }
    // Seen as backing-off (with a reason) and Live again; never stopped or expired.
    expect(statuses.some((s) => s.state === 'backing-off' && s.reason.length > 0)).toBe(true);
    expect(statuses.some((s) => s.state === 'expired' || s.state === 'stopped')).toBe(false);
    expect(statuses.at(-1)?.state).toBe('live');
  }, 120_000);
});
