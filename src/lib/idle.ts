/**
 * Work in the browser's idle time: `step` runs in idle callbacks (a plain timer where there are none,
 * e.g. jsdom or Safari) until it returns false. Returns a function that stops it.
 */
export type IdleStep = (deadline: { timeRemaining(): number }) => boolean;

/** How long a step may run where there is no idle callback to say so. */
const FALLBACK_BUDGET_MS = 8;

export function whenIdle(step: IdleStep): () => void {
  const scope = globalThis as {
    requestIdleCallback?: (cb: (deadline: IdleDeadline) => void) => number;
    cancelIdleCallback?: (handle: number) => void;
  };
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
