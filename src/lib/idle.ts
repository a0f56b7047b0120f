/**
 * Work in the browser's idle time: `step` runs in idle callbacks (a plain timer where there are none,
 * e.g. jsdom or Safari) until it returns false. Returns a function that stops it.
 */
export type IdleStep = (deadline: { timeRemaining(): number }) => boolean;

/** How long a step may run where there is no idle callback to say so. */
const FALLBACK_BUDGET_MS = 8;

type IdleScope = {
  requestIdleCallback?: (cb: (deadline: IdleDeadline) => void, options?: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/**
 * Resolves in the browser's next idle moment, or after `timeoutMs` at the latest (a plain macrotask
 * where there are no idle callbacks). For work that yields between slices, e.g. a history flush.
 */
export function nextIdle(timeoutMs: number): Promise<void> {
  const scope = globalThis as IdleScope;
  return new Promise((resolve) => {
    if (scope.requestIdleCallback)
      scope.requestIdleCallback(
        () => {
          resolve();
        },
        { timeout: timeoutMs },
      );
    else setTimeout(resolve, 0);
  });
}

export function whenIdle(step: IdleStep): () => void {
  const scope = globalThis as IdleScope;
  let stopped = false;
  let cancel: () => void = () => undefined;
  const schedule = () => {
    if (scope.requestIdleCallback && scope.cancelIdleCallback) {
      const { cancelIdleCallback } = scope;
      const handle = scope.requestIdleCallback(run);
      cancel = () => {
        cancelIdleCallback(handle);
      };
    } else {
      const handle = setTimeout(() => {
        const end = performance.now() + FALLBACK_BUDGET_MS;
        run({ timeRemaining: () => Math.max(0, end - performance.now()) });
      }, 50);
      cancel = () => {
        clearTimeout(handle);
      };
    }
  };
  const run = (deadline: { timeRemaining(): number }) => {
    if (stopped) return;
    if (step(deadline)) schedule();
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
