/**
 * Drives the production build (`vite preview`) in headless Chromium (/usr/bin/chromium, never a
 * downloaded browser) through a password sign-in on a seeded account and measures what a user
 * waits for. Times are taken inside the page (`performance.now()` of the sign-in click's event and
 * of the DOM mutation that shows a row), so Playwright's own round trips are not in them.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from '@playwright/test';
import { api, type Homeserver } from '../../test-support/synapse.ts';
import type { SeededAccount } from './seed.ts';
import { uiSample, type UiSample } from './ui.ts';

export type AppSample = {
  /** Sign-in click → first global entry row in the tree. */
  firstDataMs: number;
  /** Sign-in click → status "Live" (every room loaded). */
  allRoomsMs: number;
  /** The app's `/login` answered (resource timing) → status "Live": the app's sync path alone. */
  afterLoginMs: number;
  /** The rooms group's row text at "Live" (shows the room count). */
  roomsRowText: string;
  /** Another client's PUT (its 200) → the new entry's row in the DOM, one per change. */
  liveLatenciesMs: number[];
  /** JS the page loaded before the first click, gzip bytes per file (file → bytes). */
  jsBeforeInteraction: Record<string, number>;
  /** JS loaded up to "Live" (gzip bytes per file). */
  jsAtLive: Record<string, number>;
  /** Files among `jsBeforeInteraction` that contain Monaco (must be none). */
  monacoBeforeInteraction: string[];
  /** Files among `jsAtLive` that contain Monaco although no editor was opened. */
  monacoAtLive: string[];
  /** CDP `Runtime.getHeapUsage().usedSize` at "Live", after a forced GC. */
  heapUsedBytes: number;
  /** Scrolling and filtering the tree once "Live" (ui.ts). */
  ui: UiSample;
  /** Heap after the scrolling and filtering, after a forced GC. */
  heapAfterUiBytes: number;
};

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

type BenchWindow = {
  __bench: {
    click: number | null;
    firstGlobal: number | null;
    /** The rooms group first counted every room of the account (`__benchRooms`). */
    allRoomsShown: number | null;
    live: number | null;
    watch: Map<string, number | null>;
  };
  /** The account's room count, set before the probe runs. */
  __benchRooms?: number;
};

/** Installed before any page script: records the sign-in click and the rows appearing. */
function pageProbe(): void {
  const w = window as unknown as BenchWindow;
  const state: BenchWindow['__bench'] = {
    click: null,
    firstGlobal: null,
    allRoomsShown: null,
    live: null,
    watch: new Map(),
  };
  w.__bench = state;
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const button = target?.closest('button');
      if (state.click === null && button?.textContent.trim() === 'Sign in') state.click = performance.now();
    },
    true,
  );
  const check = () => {
    if (state.click === null) return;
    const now = performance.now();
    if (
      state.firstGlobal === null &&
      document.querySelector('[role="tree"] [role="treeitem"][aria-level="2"]')
    ) {
      state.firstGlobal = now;
    }
    if (state.allRoomsShown === null && w.__benchRooms !== undefined) {
      for (const row of document.querySelectorAll('[role="tree"] [role="treeitem"][aria-level="1"]')) {
        const m = /^Rooms\D*([\d,]+) rooms?/.exec(row.textContent);
        if (m && Number(m[1]?.replace(/,/g, '')) >= w.__benchRooms) state.allRoomsShown = now;
      }
    }
    if (state.live === null) {
      const status = document.querySelector('[role="status"][aria-label="Sync status"]');
      if (status?.textContent.includes('Live')) state.live = now;
    }
    let pending = false;
    for (const seen of state.watch.values()) if (seen === null) pending = true;
    if (!pending) return;
    const texts = [...document.querySelectorAll('[role="tree"] [role="treeitem"][aria-level="2"]')].map(
      (row) => row.textContent,
    );
    for (const [type, seen] of state.watch) {
      if (seen === null && texts.some((t) => t.startsWith(type))) {
        state.watch.set(type, performance.timeOrigin + now);
      }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

function gzipSizes(dist: string, urls: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const url of urls) {
    const file = new URL(url).pathname.replace(/^\//, '');
    const full = path.join(dist, file);
    if (existsSync(full)) out[file] = gzipSync(readFileSync(full), { level: 9 }).length;
  }
  return out;
}

function containsMonaco(dist: string, file: string): boolean {
  const map = path.join(dist, `${file}.map`);
  if (!existsSync(map)) return false;
  const sources = (JSON.parse(readFileSync(map, 'utf8')) as { sources?: string[] }).sources ?? [];
  return sources.some((s) => s.includes('node_modules/monaco-editor/'));
}

async function waitFor(
  page: Page,
  what: 'firstGlobal' | 'allRoomsShown' | 'live',
  timeoutMs: number,
): Promise<number> {
  const handle = await page.waitForFunction((key) => (window as unknown as BenchWindow).__bench[key], what, {
    timeout: timeoutMs,
    polling: 50,
  });
  return (await handle.jsonValue()) as number;
}

export type AppRunOptions = {
  baseUrl: string;
  dist: string;
  hs: Homeserver;
  account: SeededAccount;
  /** A second device of the account: writes the live changes ("another client"). */
  writer: { accessToken: string };
  liveChanges: number;
  runTag: string;
};

const enc = encodeURIComponent;

/** A password sign-in from the sign-in page; returns the page-clock time of the "Sign in" click. */
async function signIn(page: Page, opts: Pick<AppRunOptions, 'hs' | 'account'>): Promise<number> {
  await page.getByRole('textbox', { name: 'Homeserver' }).fill(opts.hs.baseUrl);
  await page.getByRole('button', { name: 'Continue' }).click();
  const form = page.getByRole('form', { name: 'Sign in with password' });
  await form.getByLabel('Username').fill(opts.account.localpart);
  await form.getByLabel('Password').fill(opts.account.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  // Off the tree: a row under the pointer would preload Monaco on hover (json-editor.tsx).
  await page.mouse.move(0, 0);
  return (await page.evaluate(() => (window as unknown as BenchWindow).__bench.click)) ?? NaN;
}

/** What an admin waits for (ADR 013): the admin API's snapshot first, sync's "Live" after. */
export type AdminPathSample = {
  /** Sign-in click → first global entry row. */
  firstDataMs: number;
  /** Sign-in click → the rooms group counts every room (the admin snapshot, before sync has them). */
  allRoomsShownMs: number;
  /** Sign-in click → "Live". */
  liveMs: number;
};

/**
 * One cold sign-in of an account that is a Synapse admin (the caller promotes it): the app
 * preloads every room's account data from the admin API while sliding sync loads.
 */
export async function adminPathSample(
  browser: Browser,
  opts: Pick<AppRunOptions, 'baseUrl' | 'hs' | 'account'>,
): Promise<AdminPathSample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.addInitScript({ content: `window.__benchRooms = ${String(opts.account.rooms)};` });
  await page.addInitScript(pageProbe);
  const timeoutMs = 60_000 + opts.account.rooms * 60;
  try {
    await page.goto(opts.baseUrl, { waitUntil: 'networkidle' });
    const click = await signIn(page, opts);
    const firstGlobal = await waitFor(page, 'firstGlobal', timeoutMs);
    const allRoomsShown = await waitFor(page, 'allRoomsShown', timeoutMs);
    const live = await waitFor(page, 'live', timeoutMs);
    return { firstDataMs: firstGlobal - click, allRoomsShownMs: allRoomsShown - click, liveMs: live - click };
  } finally {
    await context.close();
  }
}

/** One cold sign-in in a fresh browser context (no storage, no cache). */
export async function appSample(browser: Browser, opts: AppRunOptions): Promise<AppSample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') scripts.add(res.url());
  });
  // tsx (esbuild, keepNames) wraps named functions in `__name(…)`, which the page lacks.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.addInitScript(pageProbe);
  const timeoutMs = 60_000 + opts.account.rooms * 60;
  try {
    await page.goto(opts.baseUrl, { waitUntil: 'networkidle' });
    const jsBeforeInteraction = gzipSizes(opts.dist, scripts);
    const monacoBeforeInteraction = Object.keys(jsBeforeInteraction).filter((f) =>
      containsMonaco(opts.dist, f),
    );

    const click = await signIn(page, opts);
    const firstGlobal = await waitFor(page, 'firstGlobal', timeoutMs);
    const live = await waitFor(page, 'live', timeoutMs);
    const loginAnswered = await page.evaluate(
      () =>
        // The last one: the sign-in's POST (the GET of the login flows comes before it).
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).findLast(
          (e) => e.name.includes('/_matrix/client/v3/login') && e.name.indexOf('?') === -1,
        )?.responseEnd ?? NaN,
    );
    const roomsRowText =
      (await page
        .locator('[role="tree"] [role="treeitem"][aria-level="1"]')
        .filter({ hasText: /^Rooms/ })
        .first()
        .textContent({ timeout: 2_000 })
        .catch(() => null)) ?? '';
    const jsAtLive = gzipSizes(opts.dist, scripts);
    const monacoAtLive = Object.keys(jsAtLive).filter((f) => containsMonaco(opts.dist, f));

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');

    const liveLatenciesMs: number[] = [];
    const types: string[] = [];
    for (let i = 0; i < opts.liveChanges; i++) {
      const type = `org.example.bench.live.${opts.runTag}.${i.toString().padStart(2, '0')}`;
      types.push(type);
      await page.evaluate((t) => {
        (window as unknown as BenchWindow).__bench.watch.set(t, null);
      }, type);
      await api(
        { homeserver: opts.hs, accessToken: opts.writer.accessToken },
        'PUT',
        `/v3/user/${enc(opts.account.userId)}/account_data/${enc(type)}`,
        { n: i, at: Date.now() },
      );
      const accepted = performance.timeOrigin + performance.now();
      const seen = await page.waitForFunction(
        (t) => (window as unknown as BenchWindow).__bench.watch.get(t),
        type,
        { timeout: 20_000, polling: 20 },
      );
      liveLatenciesMs.push(((await seen.jsonValue()) as number) - accepted);
      await page.waitForTimeout(100);
    }
    const ui = await uiSample(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heapAfterUi = await cdp.send('Runtime.getHeapUsage');
    // Leave the account as seeded: the live entries are deleted again (MSC3391 is on, main server).
    for (const type of types) {
      await api(
        { homeserver: opts.hs, accessToken: opts.writer.accessToken },
        'DELETE',
        `/unstable/org.matrix.msc3391/user/${enc(opts.account.userId)}/account_data/${enc(type)}`,
      ).catch(() => undefined);
    }
    return {
      firstDataMs: firstGlobal - click,
      allRoomsMs: live - click,
      afterLoginMs: live - loginAnswered,
      roomsRowText: roomsRowText.trim(),
      liveLatenciesMs,
      jsBeforeInteraction,
      jsAtLive,
      monacoBeforeInteraction,
      monacoAtLive,
      heapUsedBytes: heap.usedSize,
      ui,
      heapAfterUiBytes: heapAfterUi.usedSize,
    };
  } finally {
    await context.close();
  }
}
