/**
 * `npm run bench` (the default part): performance targets for 10,000-room accounts, measured on the pure data path the
 * UI runs on every sync batch and keystroke (fold → tree rows → filter), plus what the change
 * history adds to it (issue #8). Each case reports the median of several runs against its target
 * and the script exits non-zero if a target is missed. Targets live here, never in unit tests.
 *
 * `--quick` runs every case once on a 500-room account and judges no target (the targets are for
 * 10,000 rooms): what `npm test` runs to show that the bench itself works (integration/bench.test.ts).
 */
import { performance } from 'node:perf_hooks';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { LocalDb } from '../src/lib/local-db.ts';
import { HistoryStore } from '../src/features/account-data/history/history-store.ts';
import { fingerprint } from '../src/features/account-data/history/fingerprint.ts';
import {
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  type FoldResult,
} from '../src/features/account-data/model.ts';
import { buildTreeRows, GROUP_IDS } from '../src/features/account-data/tree-model.ts';
import { computeStructure } from '../src/components/tree-view.tsx';
import { entryRowId, roomRowId } from '../src/features/account-data/row-ids.ts';
import type { SyncEvent } from '../src/matrix/types.ts';

const QUICK = process.argv.includes('--quick');
const ROOMS = QUICK ? 500 : 10_000;
const WINDOW = QUICK ? 100 : 500;
/** The account size as the case names give it: "10k", or the number below 1,000. */
const SIZE = ROOMS >= 1000 ? `${ROOMS / 1000}k` : String(ROOMS);
/** Timed runs per case: one in a quick run. */
const runs = (n: number) => (QUICK ? 1 : n);

type Case = {
  name: string;
  targetMs: number;
  runs: number;
  /** Timed; awaited when it returns a promise. */
  fn: () => unknown;
  /** Prepares one run, untimed (e.g. a fresh database). */
  before?: () => unknown;
};

function windowBatch(start: number, end: number): SyncEvent[] {
  const batch: SyncEvent[] = [];
  for (let i = start; i < end; i++) {
    const roomId = `!room${i.toString().padStart(5, '0')}:bench.example`;
    batch.push({ kind: 'room-added', room: { roomId, name: `Room ${i % 97} ${i}` } });
    batch.push({
      kind: 'room-snapshot',
      roomId,
      data: {
        'm.tag': { tags: i % 5 === 0 ? { 'm.favourite': { order: i / ROOMS } } : {} },
        'm.fully_read': { event_id: `$event${i}` },
        'org.example.notes': { note: `notes for room ${i}`, pinned: i % 2 === 0 },
      },
      deleted: i % 50 === 0 ? ['org.example.old'] : [],
    });
  }
  return batch;
}

const globalBatch: SyncEvent[] = [
  { kind: 'global-snapshot', data: { 'm.direct': { '@a:x': ['!r:x'] } }, deleted: [] },
];

function loadAll(): FoldResult {
  let state: FoldResult = { global: {}, rooms: emptyRooms, devices: emptyDevices };
  state = foldSyncBatch(state, globalBatch, 0);
  for (let start = 0; start < ROOMS; start += WINDOW) {
    state = foldSyncBatch(state, windowBatch(start, Math.min(ROOMS, start + WINDOW)), 1);
  }
  return state;
}

/** The first sync's batches, built once, so the history comparison times only fold and history. */
const initialBatches: SyncEvent[][] = [globalBatch];
for (let start = 0; start < ROOMS; start += WINDOW) {
  initialBatches.push(windowBatch(start, Math.min(ROOMS, start + WINDOW)));
}

/** What the sync bridge does for the first sync: fold each batch, then hand it to `onBatch`. */
function foldInitialSync(onBatch?: (batch: readonly SyncEvent[]) => void): FoldResult {
  let state: FoldResult = { global: {}, rooms: emptyRooms, devices: emptyDevices };
  for (const batch of initialBatches) {
    state = foldSyncBatch(state, batch, 1);
    onBatch?.(batch);
  }
  return state;
}

/** A history store on a fresh in-memory IndexedDB that only flushes when told. */
function freshHistory(): HistoryStore {
  globalThis.indexedDB = new IDBFactory();
  return new HistoryStore(new LocalDb('bench'), '@bench:example', { schedule: () => undefined });
}

function recordInitialSync(history: HistoryStore): void {
  for (const batch of initialBatches) history.recordBatch(batch, 1);
}

const loaded = loadAll();
const allRoomsExpanded = new Set([GROUP_IDS.global, GROUP_IDS.rooms, ...loaded.rooms.order.map(roomRowId)]);
const treeInput = (filter: string, expanded: ReadonlySet<string>) => ({
  global: loaded.global,
  rooms: loaded.rooms,
  devices: [{ device_id: 'DEV' }],
  currentDeviceId: 'DEV',
  expanded,
  filter,
});

const cases: Case[] = [
  { name: `fold ${ROOMS} rooms in windows of ${WINDOW}`, targetMs: 400, runs: runs(5), fn: loadAll },
  {
    name: `one live change on a ${SIZE}-room account`,
    targetMs: 5,
    runs: runs(50),
    fn: () =>
      foldSyncBatch(
        loaded,
        [
          {
            kind: 'changed',
            scope: { kind: 'room', roomId: `!room${String(ROOMS / 2).padStart(5, '0')}:bench.example` },
            type: 'x',
            content: { v: 1 },
          },
        ],
        2,
      ),
  },
  {
    name: `tree rows, rooms group expanded (${SIZE} rows)`,
    targetMs: 40,
    runs: runs(20),
    fn: () => buildTreeRows(treeInput('', new Set([GROUP_IDS.global, GROUP_IDS.rooms]))),
  },
  {
    name: `tree rows, every room expanded (${ROOMS >= 1000 ? `${(4 * ROOMS) / 1000}k` : 4 * ROOMS} rows)`,
    targetMs: 120,
    runs: runs(10),
    fn: () => buildTreeRows(treeInput('', allRoomsExpanded)),
  },
  {
    name: `filter by content across ${ROOMS >= 1000 ? `${(3 * ROOMS) / 1000}k` : 3 * ROOMS} entries`,
    targetMs: 120,
    runs: runs(10),
    fn: () => buildTreeRows(treeInput(`notes for room ${ROOMS - 1}`, new Set())),
  },
];

/**
 * The account `bench/browser/seed.ts` seeds (room names, entry types and contents), so the filter
 * finds here what it finds in the browser run: `group-7` matches a tenth of the rooms by content.
 */
function seededAccount(): FoldResult {
  const batch: SyncEvent[] = [];
  const direct: Record<string, string[]> = {};
  for (let i = 0; i < ROOMS; i++) {
    const roomId = `!seed${i.toString().padStart(5, '0')}:bench.example`;
    if (i % 4 === 0) (direct[`@bench-peer-${Math.floor(i / 8)}:bench.example`] ??= []).push(roomId);
    batch.push({ kind: 'room-added', room: { roomId, name: `Bench room ${i}` } });
    batch.push({
      kind: 'room-snapshot',
      roomId,
      data: {
        'org.example.notes': {
          note: `notes for room ${i}`,
          pinned: i % 2 === 0,
          tags: ['bench', `group-${i % 10}`],
        },
        'org.example.prefs': {
          muted: i % 3 === 0,
          colour: ['red', 'green', 'blue'][i % 3] ?? 'red',
          lastOpened: 1_700_000_000_000 + i,
        },
        'im.vector.bench.layout': { widgets: { left: [`w${i}`], right: [] }, maximised: null },
        ...(i % 5 === 0 ? { 'm.tag': { tags: { 'm.favourite': { order: i / ROOMS } } } } : {}),
      },
      deleted: [],
    });
  }
  const global: SyncEvent = {
    kind: 'global-snapshot',
    data: {
      'm.direct': direct,
      'im.vector.setting.breadcrumbs': { recent_rooms: [] },
      'org.example.bench.profile': { theme: 'dark', density: 'compact' },
    },
    deleted: [],
  };
  return foldSyncBatch({ global: {}, rooms: emptyRooms, devices: emptyDevices }, [global, ...batch], 1);
}

/**
 * Issue #13, "filter ≤ 100 ms per keystroke" (the browser run types `group-7` into Filter one key at
 * a time, then backspaces it): the data-path share of each keystroke — the tree's rows for the new
 * filter (Global and Rooms expanded, as in the browser run) and what the tree view derives from them
 * on every new rows array (its structure, the focused and the selected row). Keystrokes run in order,
 * as typed, so that whatever one build keeps for the next counts as it would in the app.
 */
function filterKeystrokes(): void {
  const PASSES = runs(10);
  const seeded = seededAccount();
  const text = 'group-7';
  const filters = [
    ...Array.from({ length: text.length }, (_, i) => text.slice(0, i + 1)),
    ...Array.from({ length: text.length }, (_, i) => text.slice(0, text.length - 1 - i)),
  ];
  const expanded = new Set([GROUP_IDS.global, GROUP_IDS.rooms]);
  // Focus on the Rooms row (the browser run expands it by keyboard); an entry of room 5007 selected.
  const selected = entryRowId(
    { kind: 'room', roomId: `!seed${String(ROOMS / 2 + 7).padStart(5, '0')}:bench.example` },
    'org.example.notes',
  );
  const keystroke = (filter: string) => {
    const rows = buildTreeRows({
      global: seeded.global,
      rooms: seeded.rooms,
      devices: [{ device_id: 'DEV' }],
      currentDeviceId: 'DEV',
      expanded,
      filter,
    });
    const structure = computeStructure(rows);
    structure.indexOf(GROUP_IDS.rooms, 1);
    structure.indexOf(selected);
  };
  keystroke('');
  for (const filter of filters) keystroke(filter); // warm up
  const times: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    for (const filter of filters) {
      const t0 = performance.now();
      keystroke(filter);
      times.push(performance.now() - t0);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p50 = median(times);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
  // A third of the browser's 100 ms at the median leaves the rest to React, layout and paint.
  report(p50 <= 30, `filter keystroke, ${SIZE} rooms, p50`, ms(p50), '≤ 30 ms');
  report(
    p95 <= 60,
    `filter keystroke, ${SIZE} rooms, p95`,
    `p95    ${p95.toFixed(2).padStart(8)} ms`,
    '≤ 60 ms',
  );
}

/** The history's IndexedDB work runs in a later task, off the render path: measured on its own. */
const historyFlushCases: Case[] = [];
// fake-indexeddb is plain JavaScript, so these are upper bounds of a browser's main-thread work.
let flushHistory = freshHistory();
let returningHistory = freshHistory();
historyFlushCases.push(
  {
    // The CPU part of a flush: every entry's content hash and size, compared with the latest.
    name: `history fingerprints of the ${SIZE}-room first sync`,
    targetMs: 60,
    runs: runs(10),
    fn: () => {
      for (const batch of initialBatches) {
        for (const event of batch) {
          if (event.kind === 'room-snapshot')
            for (const content of Object.values(event.data)) fingerprint(content);
        }
      }
    },
  },
  {
    name: `history flush of the ${SIZE}-room first sync`,
    targetMs: 8000,
    runs: runs(3),
    before: () => {
      flushHistory = freshHistory();
      recordInitialSync(flushHistory);
    },
    fn: () => flushHistory.flush(),
  },
  {
    name: `history flush, same ${SIZE} rooms signed in again`,
    targetMs: 2000,
    runs: runs(3),
    before: async () => {
      returningHistory = freshHistory();
      recordInitialSync(returningHistory);
      await returningHistory.flush();
      // A new session on the same database: its first flush loads what is stored.
      returningHistory = new HistoryStore(new LocalDb('bench'), '@bench:example', {
        schedule: () => undefined,
      });
      recordInitialSync(returningHistory);
    },
    fn: () => returningHistory.flush(),
  },
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

let failed = 0;
let passed = 0;
let ran = 0;
function report(ok: boolean, name: string, value: string, target: string): void {
  ran++;
  if (ok) passed++;
  else failed++;
  const verdict = QUICK ? 'RAN ' : ok ? 'PASS' : 'FAIL';
  process.stdout.write(`${verdict}  ${name.padEnd(48)} ${value}   target ${target}\n`);
}
const ms = (m: number) => `median ${m.toFixed(2).padStart(8)} ms`;

async function run(list: readonly Case[]): Promise<void> {
  for (const c of list) {
    await c.before?.();
    await c.fn(); // warm up
    const times: number[] = [];
    for (let i = 0; i < c.runs; i++) {
      await c.before?.();
      const t0 = performance.now();
      await c.fn();
      times.push(performance.now() - t0);
    }
    const m = median(times);
    report(m <= c.targetMs, c.name, ms(m), `≤ ${c.targetMs} ms`);
  }
}

/**
 * Issue #8: recording history must not slow a 10,000-room first sync by more than 10 %. What runs
 * on the sync path is the bridge's `onBatch` → `recordBatch` (a queue append); the store never
 * opens its database here because its flush is never scheduled. Fold alone and fold + history
 * alternate (ABBA) and are compared pair by pair, so drift and garbage collection affect both alike.
 */
function compareHistoryOverhead(): void {
  const RUNS = QUICK ? 2 : 20;
  const alone: number[] = [];
  const withHistory: number[] = [];
  const time = (list: number[], fn: () => void) => {
    const t0 = performance.now();
    fn();
    list.push(performance.now() - t0);
  };
  const foldAlone = () => {
    foldInitialSync();
  };
  const foldWithHistory = () => {
    const history = new HistoryStore(new LocalDb('never-opened'), '@bench:example', {
      schedule: () => undefined,
    });
    foldInitialSync((batch) => {
      history.recordBatch(batch, 1);
    });
  };
  foldAlone();
  foldWithHistory();
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      time(alone, foldAlone);
      time(withHistory, foldWithHistory);
    } else {
      time(withHistory, foldWithHistory);
      time(alone, foldAlone);
    }
  }
  const base = median(alone);
  // The median of paired ratios: robust against a machine that speeds up or slows down meanwhile.
  const slower = median(alone.map((a, i) => (withHistory[i] ?? a) / a)) - 1;
  report(true, `fold ${ROOMS} rooms (prebuilt batches)`, ms(base), 'baseline');
  report(
    slower <= 0.1,
    `fold + history enqueue, ${SIZE} rooms`,
    `${ms(median(withHistory))} (${slower >= 0 ? '+' : ''}${(slower * 100).toFixed(1)} %)`,
    '≤ +10 % of fold alone',
  );
}

if (QUICK) process.stdout.write(`quick run: ${ROOMS} rooms, one run per case; no target judged\n`);
await run(cases);
filterKeystrokes();
compareHistoryOverhead();
await run(historyFlushCases);
if (QUICK) {
  process.stdout.write(`${ran} cases ran (quick: no target judged)\n`);
  process.exit(0);
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
