/**
 * The tree under load (issue #13's 10,000-room targets), measured in the page once the app is
 * "Live": scrolling the expanded rooms group (frames per second, slow frames) and the filter
 * (each keystroke → the tree showing that filter, painted). Times come from the page's own clock
 * (`requestAnimationFrame` timestamps, `performance.now()` at the key's `keydown`).
 */
import { expect, type Page } from '@playwright/test';

export type UiSample = {
  /** Rooms the expanded rooms group holds (its row's count). */
  roomRows: number;
  /** Frames painted per second while the tree scrolls by `SCROLL_PX_PER_FRAME` each frame. */
  scrollFps: number;
  /** 95th percentile of the time between two painted frames while scrolling. */
  scrollP95FrameMs: number;
  /** Frames that took longer than 50 ms (a visible hitch). */
  scrollSlowFrames: number;
  /** Per keystroke typed into "Filter": keydown → the tree shows the new filter, next frame painted. */
  filterKeystrokeMs: number[];
};

const SCROLL_MS = 3_000;
/** About three rows per frame: a brisk wheel scroll. */
const SCROLL_PX_PER_FRAME = 90;
/** Typed one key at a time, each waited for: a narrowing filter, then a widening one (backspaces). */
const FILTER_TEXT = 'group-7';

export async function uiSample(page: Page): Promise<UiSample> {
  const tree = page.getByRole('tree', { name: 'Account data' });
  const group = (name: RegExp) => tree.locator('[role="treeitem"][aria-level="1"]').filter({ hasText: name });
  // Global collapsed first: its entries (more after the live changes) would otherwise push the Rooms
  // row, and the rooms, down, out of the rows rendered, and the scroll would measure global rows.
  const globalRow = group(/^Global/);
  if ((await globalRow.getAttribute('aria-expanded')) === 'true') {
    await globalRow.click();
    await globalRow.press('ArrowLeft');
    await expect(globalRow).toHaveAttribute('aria-expanded', 'false');
  }
  const roomsRow = group(/^Rooms/);
  if ((await roomsRow.getAttribute('aria-expanded')) !== 'true') {
    await roomsRow.click();
    await roomsRow.press('ArrowRight');
  }
  const roomRows = Number(/([\d,]+) rooms?/.exec(await roomsRow.innerText())?.[1]?.replace(/,/g, '') ?? NaN);
  // The rooms rendered: a screenful on a big account, every room on a small one.
  await page.waitForFunction(
    (least) => document.querySelectorAll('[role="tree"] [role="treeitem"][aria-level="2"]').length >= least,
    Math.min(20, Number.isFinite(roomRows) ? roomRows : 20),
  );

  const frames = await page.evaluate(
    async ({ ms, step }) => {
      const el = document.querySelector<HTMLElement>('[role="tree"]');
      if (!el) throw new Error('no tree');
      el.scrollTop = 0;
      const stamps: number[] = [];
      await new Promise<void>((resolve) => {
        const frame = (t: number) => {
          stamps.push(t);
          if (t - (stamps[0] ?? t) >= ms) {
            resolve();
            return;
          }
          el.scrollTop += step;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) el.scrollTop = 0;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      el.scrollTop = 0;
      return stamps;
    },
    { ms: SCROLL_MS, step: SCROLL_PX_PER_FRAME },
  );
  const deltas = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
  const span = (frames.at(-1) ?? 0) - (frames[0] ?? 0);
  const sorted = [...deltas].sort((a, b) => a - b);

  const filter = page.getByRole('searchbox', { name: 'Filter' });
  await filter.click();
  // In the page: each keydown's time, and — watched by a MutationObserver on the sidebar's
  // `data-filter` / `aria-busy` — the first frame painted after the tree shows that filter.
  await page.evaluate(() => {
    const w = window as unknown as { __filter: { keydownAt: number; done: Map<string, number> } };
    const state = { keydownAt: 0, done: new Map<string, number>() };
    w.__filter = state;
    document.addEventListener(
      'keydown',
      () => {
        state.keydownAt = performance.now();
      },
      true,
    );
    const aside = document.querySelector<HTMLElement>('[aria-label="Account data browser"]');
    if (!aside) throw new Error('no sidebar');
    const check = () => {
      const value = aside.dataset.filter;
      if (value === undefined || aside.getAttribute('aria-busy') === 'true' || state.done.has(value)) return;
      const since = state.keydownAt;
      requestAnimationFrame(() => {
        if (!state.done.has(value)) state.done.set(value, performance.now() - since);
      });
    };
    new MutationObserver(check).observe(aside, {
      attributes: true,
      attributeFilter: ['data-filter', 'aria-busy'],
    });
  });
  const filterKeystrokeMs: number[] = [];
  const keys = [...FILTER_TEXT.split(''), ...FILTER_TEXT.split('').map(() => 'Backspace')];
  let typed = '';
  for (const key of keys) {
    typed = key === 'Backspace' ? typed.slice(0, -1) : typed + key;
    // A value seen before (on the way back) would count at once: forget it first.
    await page.evaluate((v) => {
      (window as unknown as { __filter: { done: Map<string, number> } }).__filter.done.delete(v);
    }, typed);
    await page.keyboard.press(key);
    const handle = await page.waitForFunction(
      (v) => (window as unknown as { __filter: { done: Map<string, number> } }).__filter.done.get(v) ?? false,
      typed,
      { timeout: 30_000 },
    );
    filterKeystrokeMs.push((await handle.jsonValue()) as number);
    await page.waitForTimeout(150);
  }
  return {
    roomRows,
    scrollFps: span > 0 ? ((frames.length - 1) * 1000) / span : NaN,
    scrollP95FrameMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN,
    scrollSlowFrames: deltas.filter((d) => d > 50).length,
    filterKeystrokeMs,
  };
}
