import { useCallback, useSyncExternalStore } from 'react';

// One interval per period, shared by every subscriber and stopped when the last one leaves, so a
// screenful of relative times costs one timer.
type Ticker = { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | undefined };

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: Date.now(), listeners: new Set(), timer: undefined };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

/** The current time in epoch ms, re-rendering the caller every `intervalMs`. */
export function useNow(intervalMs = 60_000): number {
  const subscribe = useCallback(
    (listener: () => void) => {
      const ticker = tickerFor(intervalMs);
      ticker.listeners.add(listener);
      if (ticker.timer === undefined) {
        const tick = () => {
          ticker.now = Date.now();
          for (const notify of ticker.listeners) notify();
        };
        ticker.timer = setInterval(tick, intervalMs);
        // The clock did not run while nobody listened.
        tick();
      }
      return () => {
        ticker.listeners.delete(listener);
        if (ticker.listeners.size === 0) {
          clearInterval(ticker.timer);
          ticker.timer = undefined;
        }
      };
    },
    [intervalMs],
  );
  const getSnapshot = useCallback(() => {
    const ticker = tickerFor(intervalMs);
    // Idle tickers refresh on read so the first render after a quiet spell is not stale; a value
    // younger than the period is kept, so repeated reads during one render agree.
    if (ticker.timer === undefined && Date.now() - ticker.now >= intervalMs) ticker.now = Date.now();
    return ticker.now;
  }, [intervalMs]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
