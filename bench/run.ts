/**
 * `npm run bench`: performance targets for 10,000-room accounts, measured on the pure data path the
 * UI runs on every sync batch and keystroke (fold → tree rows → filter). Each case reports the median
 * of several runs against its target and the script exits non-zero if a target is missed.
 * Targets live here, never in unit tests.
 */
import { performance } from 'node:perf_hooks';
import {
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  type FoldResult,
} from '../src/features/account-data/model.ts';
import { buildTreeRows, GROUP_IDS } from '../src/features/account-data/tree-model.ts';
import { roomRowId } from '../src/features/account-data/row-ids.ts';
import type { SyncEvent } from '../src/matrix/types.ts';

const ROOMS = 10_000;
const WINDOW = 500;

type Case = { name: string; targetMs: number; runs: number; fn: () => unknown };

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

function loadAll(): FoldResult {
  let state: FoldResult = { global: {}, rooms: emptyRooms, devices: emptyDevices };
  state = foldSyncBatch(state, [{ kind: 'global-snapshot', data: { 'm.direct': { '@a:x': ['!r:x'] } } }], 0);
  for (let start = 0; start < ROOMS; start += WINDOW) {
    state = foldSyncBatch(state, windowBatch(start, Math.min(ROOMS, start + WINDOW)), 1);
  }
  return state;
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
  { name: `fold ${ROOMS} rooms in windows of ${WINDOW}`, targetMs: 400, runs: 5, fn: loadAll },
  {
    name: 'one live change on a 10k-room account',
    targetMs: 5,
    runs: 50,
    fn: () =>
      foldSyncBatch(
        loaded,
        [
          {
            kind: 'changed',
            scope: { kind: 'room', roomId: '!room05000:bench.example' },
            type: 'x',
            content: { v: 1 },
          },
        ],
        2,
      ),
  },
  {
    name: 'tree rows, rooms group expanded (10k rows)',
    targetMs: 40,
    runs: 20,
    fn: () => buildTreeRows(treeInput('', new Set([GROUP_IDS.global, GROUP_IDS.rooms]))),
  },
  {
    name: 'tree rows, every room expanded (40k rows)',
    targetMs: 120,
    runs: 10,
    fn: () => buildTreeRows(treeInput('', allRoomsExpanded)),
  },
  {
    name: 'filter by content across 30k entries',
    targetMs: 120,
    runs: 10,
    fn: () => buildTreeRows(treeInput('notes for room 9999', new Set())),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

let failed = 0;
for (const c of cases) {
  c.fn(); // warm up
  const times: number[] = [];
  for (let i = 0; i < c.runs; i++) {
    const t0 = performance.now();
    c.fn();
    times.push(performance.now() - t0);
  }
  const m = median(times);
  const ok = m <= c.targetMs;
  if (!ok) failed++;
  process.stdout.write(
    `${ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(48)} median ${m.toFixed(2).padStart(8)} ms   target ≤ ${c.targetMs} ms\n`,
  );
}
process.stdout.write(`${cases.length - failed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
