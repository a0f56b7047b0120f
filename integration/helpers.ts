/**
 * Helpers for integration tests against the real Synapse of `scripts/homeserver.sh`.
 */
import { MatrixClient } from '../src/matrix/client.ts';
import type { AccountDataSync, Session, SyncEvent } from '../src/matrix/types.ts';
import type { TestUser } from '../test-support/synapse.ts';

/** A session for a test user's existing device (from shared-secret registration). */
export function sessionOf(user: TestUser): Session {
  return {
    baseUrl: user.homeserver.baseUrl,
    userId: user.userId,
    deviceId: user.deviceId,
    accessToken: user.accessToken,
    authApi: 'legacy',
    loginMethod: 'token',
  };
}

/** A client on the user's registration device. */
export function clientOf(user: TestUser): MatrixClient {
  return new MatrixClient(sessionOf(user));
}

/** Resolves when `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Records every event of an engine, with arrival times. */
export class EventLog {
  readonly events: { at: number; event: SyncEvent }[] = [];
  private readonly unsubscribe: () => void;

  constructor(engine: AccountDataSync) {
    this.unsubscribe = engine.subscribe((batch) => {
      const at = Date.now();
      for (const event of batch) this.events.push({ at, event });
    });
  }

  of<K extends SyncEvent['kind']>(kind: K): Extract<SyncEvent, { kind: K }>[] {
    return this.events
      .map((e) => e.event)
      .filter((e): e is Extract<SyncEvent, { kind: K }> => e.kind === kind);
  }

  /** Waits for an event matching `predicate`; returns it and when it arrived. */
  async next(
    predicate: (event: SyncEvent) => boolean,
    timeoutMs = 10_000,
    what = 'event',
  ): Promise<{ at: number; event: SyncEvent }> {
    let found: { at: number; event: SyncEvent } | undefined;
    await waitFor(
      () => {
        found = this.events.find((e) => predicate(e.event));
        return found !== undefined;
      },
      timeoutMs,
      what,
    );
    return found!;
  }

  close(): void {
    this.unsubscribe();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}
