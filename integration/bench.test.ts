/**
 * `npm run bench` is a command the README gives, so `npm test` runs it, small: the data path with
 * `--quick` (500 rooms, one run per case) and `--browser` on a 5-room account against the real
 * Synapse and the production build (`npm test` builds it before these tests). They check that the
 * bench works and reports what the README says it does; they judge no performance target (those need
 * the full sizes and a quiet machine, README "Benchmarks").
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Run = { code: number | null; stdout: string; stderr: string };

/** `npm run bench -- <args>`, exactly as the README gives it. */
function bench(args: string[]): Promise<Run> {
  const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
afterAll(() => {
  rmSync(resultsDir, { recursive: true, force: true });
});

/** A table row's cells, by its metric (`| metric | value | reference | ratio | target | pass |`). */
function tableRow(stdout: string, metric: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`| ${metric} `));
  if (!line) throw new Error(`no row "${metric}" in:\n${stdout}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe('npm run bench', () => {
  it('runs every data-path case with --quick and prints a number for each', async () => {
    const run = await bench(['--quick']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const cases = [
      'fold 500 rooms in windows of 100',
      'one live change on a 500-room account',
      'tree rows, rooms group expanded (500 rows)',
      'tree rows, every room expanded (2000 rows)',
      'filter by content across 1500 entries',
      'filter keystroke, 500 rooms, p50',
      'filter keystroke, 500 rooms, p95',
      'fold 500 rooms (prebuilt batches)',
      'fold + history enqueue, 500 rooms',
      'history fingerprints of the 500-room first sync',
      'history flush of the 500-room first sync',
      'history flush, same 500 rooms signed in again',
    ];
    for (const name of cases) {
      const line = run.stdout.split('\n').find((l) => l.includes(name));
      expect(line, name).toMatch(/^RAN {2}.* (median|p95) +\d+\.\d\d ms.* target /);
    }
    expect(run.stdout).toContain(`${cases.length} cases ran (quick: no target judged)`);
  }, 120_000);

  it('--browser measures a 5-room account on the real Synapse: the table, and the JSON in --results', async () => {
    expect(existsSync(path.join(ROOT, 'dist', 'index.html')), 'run `npx vite build` first').toBe(true);
    const run = await bench([
      '--browser',
      '--rooms',
      '5',
      '--runs',
      '1',
      '--live',
      '3',
      '--no-js-sdk',
      '--no-build',
      '--results',
      resultsDir,
    ]);
    expect(run.code, run.stderr).toBe(0);

    // The table: the floor, the app's times next to it, and the targets judged at every size.
    expect(tableRow(run.stdout, '5 rooms: raw /login')[1]).toMatch(/^\d+ ms$/);
    expect(tableRow(run.stdout, '5 rooms: raw sliding sync, all rooms [0,4]')[1]).toMatch(/^\d+ ms$/);
    const firstData = tableRow(run.stdout, '5 rooms: app: click → first global entry');
    expect(firstData[1]).toMatch(/^\d+ ms$/);
    expect(firstData[2]).toMatch(/^\d+ ms \(login \+ first window\)$/);
    expect(firstData[3]).toMatch(/^\d+\.\d\d ×$/);
    expect(firstData[5]).toMatch(/^(PASS|FAIL)$/);
    expect(tableRow(run.stdout, '5 rooms: app: click → "Live", all rooms')[1]).toMatch(/^\d+ ms$/);
    expect(tableRow(run.stdout, '5 rooms: app: live change p50 (after server 200)')[1]).toMatch(/^\d+ ms$/);
    const js = tableRow(run.stdout, '5 rooms: app: JS before first interaction (gzip)');
    expect(js[1]).toMatch(/^\d+\.\d KB$/);
    expect(js[2]).toBe('no Monaco');
    expect(tableRow(run.stdout, '5 rooms: app: tree scroll, rooms expanded (frames/s)')[1]).toMatch(
      /^\d+\.\d fps$/,
    );
    expect(tableRow(run.stdout, '5 rooms: app: filter, keystroke → painted (p95)')[1]).toMatch(/^\d+ ms$/);
    expect(tableRow(run.stdout, '5 rooms: app as admin: click → every room shown (admin API)')[1]).toMatch(
      /^\d+ ms$/,
    );
    // No matrix-js-sdk row with --no-js-sdk.
    expect(run.stdout).not.toContain('matrix-js-sdk');

    // The JSON: written where --results says, with the run's samples and medians.
    const files = readdirSync(resultsDir).filter((f) => f.endsWith('-5.json'));
    expect(files).toHaveLength(1);
    expect(run.stdout).toContain(`results: ${path.relative(ROOT, path.join(resultsDir, files[0] ?? ''))}`);
    const doc = JSON.parse(readFileSync(path.join(resultsDir, files[0] ?? ''), 'utf8')) as {
      commit: string;
      targets: Record<string, number>;
      results: {
        rooms: number;
        runs: number;
        medians: Record<string, number | null>;
        app: { roomsRowText: string; liveLatenciesMs: number[] }[];
        liveLatenciesMs: number[];
      }[];
    };
    expect(doc.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(doc.targets.allRoomsRatio).toBe(1.15);
    const [result] = doc.results;
    expect(result?.rooms).toBe(5);
    expect(result?.runs).toBe(1);
    expect(result?.liveLatenciesMs).toHaveLength(3);
    expect(result?.app[0]?.roomsRowText).toMatch(/5 rooms/);
    for (const key of [
      'loginMs',
      'firstWindowMs',
      'rawAllRoomsMs',
      'firstDataMs',
      'appAllRoomsMs',
      'liveP50Ms',
      'jsBeforeInteractionBytes',
      'heapUsedBytes',
      'scrollFps',
      'filterP95Ms',
    ]) {
      expect(result?.medians[key], key).toBeGreaterThan(0);
    }
    // Nothing secret in what a run leaves behind.
    expect(JSON.stringify(doc)).not.toMatch(/syt_|access_?token/i);
  }, 300_000);
});
