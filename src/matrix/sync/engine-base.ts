/**
 * Shared loop of the sync engines: start/stop, listeners, status, and the error policy of
 * docs/architecture.md "Sync → state" and docs/protocol.md §4.5:
 *
 * - network failures and server errors → jittered, capped exponential backoff;
 * - `429 M_LIMIT_EXCEEDED` → wait the body's `retry_after_ms`;
 * - an expired position (`400 M_UNKNOWN_POS`, or `400 M_UNKNOWN` "Invalid stream token") → drop it
 *   and resync at once, the reply being a snapshot;
 * - `401` that the client could not cure by refreshing → stop with status `expired`;
 * - a zero server timeout on the first poll and after every error.
 *
 * Subclasses implement {@link SyncEngineBase.request} (one HTTP round trip) and
 * {@link SyncEngineBase.process} (turn the reply into events and commit the new position). The
 * reply is processed synchronously right after it arrives, and dropped uncommitted if the engine
 * was stopped meanwhile, so stopping never loses changes.
 */
import { sessionInvalidation } from '../auth.ts';
import type { Transport } from '../transport.ts';
import { MatrixApiError, MatrixNetworkError } from '../errors.ts';
import type { AccountDataSync, SyncEvent, SyncListener, SyncStatus } from '../types.ts';

/** Options common to both engines. */
export type SyncEngineOptions = {
  /** First backoff step, ms. Default 1 000. */
  backoffBaseMs?: number;
  /** Backoff cap, ms. Default 60 000. */
  backoffMaxMs?: number;
  /** Random source in [0,1) for jitter (tests). */
  random?: () => number;
  /** Clock, epoch ms (tests). */
  now?: () => number;
  /** Whether the platform reports a network; default `navigator.onLine` where it exists. */
  isOnline?: () => boolean;
  /** Diagnostics: failures that did not stop the loop (one room, a listener, a request). */
  onError?: (error: unknown, context: string) => void;
  /** Server-side long-poll timeout, ms. Default 30 000. */
  pollTimeoutMs?: number;
  /** Client-side HTTP timeout = server timeout + this, ms. Default 30 000. */
  requestTimeoutMarginMs?: number;
};

/**
 * What an engine needs of the layer: one request path and the user it syncs for. A
 * {@link Transport} of any identity (a user's session, an appservice asserting a user) fits.
 */
export type SyncTransport = Pick<Transport, 'userId' | 'request'>;

/** Default server-side long-poll timeout, ms. */
export const DEFAULT_POLL_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MARGIN_MS = 30_000;

/**
 * Equal-jitter exponential backoff: the step doubles per attempt from `baseMs` up to `maxMs`,
 * and the wait is uniformly drawn from [step/2, step].
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; random: () => number },
): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + options.random() * (step / 2));
}

type ErrorDecision =
  | { kind: 'expired'; softLogout: boolean }
  | { kind: 'reset' }
  | { kind: 'wait'; delayMs?: number; reason: string; isNetwork: boolean };

/** Base class of {@link SlidingSyncEngine} and {@link V3SyncEngine}. */
export abstract class SyncEngineBase implements AccountDataSync {
  protected readonly client: SyncTransport;
  protected readonly baseOptions: SyncEngineOptions;
  private readonly listeners = new Set<SyncListener>();
  private currentStatus: SyncStatus = { state: 'stopped' };
  private controller: AbortController | undefined;

  protected constructor(client: SyncTransport, options: SyncEngineOptions) {
    this.client = client;
    this.baseOptions = options;
  }

  /** The long-poll timeout for live requests. */
  protected pollTimeoutMs(): number {
    return this.baseOptions.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
  }

  /** The client-side HTTP timeout for a request whose server-side timeout is `timeout`: always longer. */
  protected requestTimeoutMs(timeout: number): number {
    return timeout + (this.baseOptions.requestTimeoutMarginMs ?? DEFAULT_REQUEST_TIMEOUT_MARGIN_MS);
  }

  /** Told about every failed request the loop retries (after backing off), before the retry. */
  protected requestFailed(_error: unknown): void {
    // Nothing by default; the sliding-sync engine narrows a window that timed out.
  }

  /** Current connection status; changes are also emitted as `status` events. */
  get status(): SyncStatus {
    return this.currentStatus;
  }

  /** Whether the loop is running. */
  get isRunning(): boolean {
    return this.controller !== undefined;
  }

  /** Starts the loop (no-op when running). Keeps the position of a previous run. */
  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.setStatus({ state: 'connecting' });
    void this.run(controller.signal);
  }

  /** Stops the loop and aborts the in-flight request at once. */
  stop(): void {
    const controller = this.controller;
    if (!controller) return;
    this.controller = undefined;
    controller.abort();
    this.setStatus({ state: 'stopped' });
  }

  /** Adds a listener; returns its unsubscribe function. */
  subscribe(listener: SyncListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** One HTTP round trip. `immediate`: first poll or after an error → server timeout 0. */
  protected abstract request(signal: AbortSignal, immediate: boolean): Promise<unknown>;

  /** Turns a reply into events and commits the new position. Must isolate per-room failures. */
  protected abstract process(response: unknown): SyncEvent[];

  /** Drops the position after it expired; returns false when there was none to drop. */
  protected abstract resetPosition(): boolean;

  /** Whether the next request continues from a position (i.e. is incremental). */
  protected abstract hasPosition(): boolean;

  /**
   * Sets the status. With `batch`, the event is appended to it (emitted with the reply);
   * otherwise it is emitted on its own. Unchanged statuses are not re-emitted.
   */
  protected setStatus(status: SyncStatus, batch?: SyncEvent[]): void {
    if (JSON.stringify(status) === JSON.stringify(this.currentStatus)) return;
    this.currentStatus = status;
    const event: SyncEvent = { kind: 'status', status };
    if (batch) batch.push(event);
    else this.emit([event]);
  }

  /** Reports a non-fatal failure to `onError`. */
  protected reportError(error: unknown, context: string): void {
    try {
      this.baseOptions.onError?.(error, context);
    } catch {
      // A failing diagnostics hook must not break the loop.
    }
  }

  protected now(): number {
    return (this.baseOptions.now ?? Date.now)();
  }

  private emit(batch: SyncEvent[]): void {
    if (batch.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch (error) {
        this.reportError(error, 'listener');
      }
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let immediate = true;
    /** Position resets with no successful incremental reply in between. */
    let resetStreak = 0;
    while (!signal.aborted) {
      let batch: SyncEvent[];
      const isIncremental = this.hasPosition();
      try {
        const response = await this.request(signal, immediate);
        // Stopped while waiting: drop the reply uncommitted (the next start re-requests it).
        if (isAborted(signal)) return;
        batch = this.process(response);
      } catch (error) {
        if (isAborted(signal)) return;
        let decision = this.classify(error);
        if (decision.kind === 'expired') {
          this.controller = undefined;
          this.setStatus({ state: 'expired', softLogout: decision.softLogout });
          return;
        }
        immediate = true;
        if (decision.kind === 'reset') {
          this.reportError(error, 'position expired; resyncing');
          resetStreak++;
          if (resetStreak === 1) continue;
          // Expiring again right after a resync points at the server: resync, but not in a tight loop.
          decision = { kind: 'wait', reason: 'position keeps expiring', isNetwork: false };
        }
        failures++;
        this.reportError(error, decision.reason);
        this.requestFailed(error);
        const delay =
          decision.delayMs ??
          backoffDelay(failures, {
            baseMs: this.baseOptions.backoffBaseMs ?? 1_000,
            maxMs: this.baseOptions.backoffMaxMs ?? 60_000,
            random: this.baseOptions.random ?? Math.random,
          });
        const isOffline = decision.isNetwork && !(this.baseOptions.isOnline ?? defaultIsOnline)();
        this.setStatus(
          isOffline
            ? { state: 'offline', reason: decision.reason }
            : {
                state: 'backing-off',
                retryAt: this.now() + delay,
                attempt: failures,
                reason: decision.reason,
              },
        );
        try {
          await waitOrOnline(delay, signal);
        } catch {
          return;
        }
        continue;
      }
      failures = 0;
      if (isIncremental) resetStreak = 0;
      immediate = false;
      this.emit(batch);
    }
  }

  private classify(error: unknown): ErrorDecision {
    const invalidation = sessionInvalidation(error);
    if (invalidation) return { kind: 'expired', softLogout: invalidation.softLogout };
    if (error instanceof MatrixApiError) {
      // docs/protocol.md §4.5: unknown or malformed position → resync from scratch (only if we had one).
      if (error.status === 400 && (error.errcode === 'M_UNKNOWN_POS' || error.errcode === 'M_UNKNOWN')) {
        if (this.resetPosition()) return { kind: 'reset' };
      }
      if (error.status === 429) {
        return {
          kind: 'wait',
          reason: 'rate limited',
          isNetwork: false,
          ...(error.retryAfterMs === undefined ? {} : { delayMs: error.retryAfterMs }),
        };
      }
      return { kind: 'wait', reason: `server error ${error.status} ${error.errcode}`, isNetwork: false };
    }
    if (error instanceof MatrixNetworkError) {
      return {
        kind: 'wait',
        reason: error.isTimeout ? 'request timed out' : 'network error',
        isNetwork: true,
      };
    }
    return { kind: 'wait', reason: 'unexpected reply', isNetwork: false };
  }
}

/** Reads `aborted` through a call so TypeScript does not narrow it across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function defaultIsOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine !== false;
}

/** Sleeps `ms`, cut short by the platform's `online` event (browsers); rejects on abort. */
function waitOrOnline(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    const canListen =
      typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function';
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (canListen) globalThis.removeEventListener('online', onOnline);
    };
    const onAbort = () => {
      cleanup();
      reject(new DOMException('The operation was aborted', 'AbortError'));
    };
    const onOnline = () => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, ms);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    if (canListen) globalThis.addEventListener('online', onOnline);
  });
}
