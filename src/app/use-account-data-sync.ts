/**
 * What exists per identity whose account data the app shows live: its pending writes, its change
 * history (fed by every sync batch and every own write), and its sync engine bridged into the
 * shared TanStack Query caches (keyed by user ID, docs/architecture.md "Sync → state"). The user's
 * own session (`inspector-shell.tsx`) uses it once; the application-service view
 * (`appservice-shell.tsx`) once per user it acts for, all running side by side. Unmounting stops the
 * engine and aborts its in-flight request at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { MatrixClient } from '../matrix/client.ts';
import { createAccountDataSync } from '../matrix/sync/create-sync.ts';
import type { SyncEvent } from '../matrix/types.ts';
import { PendingWrites } from '../features/account-data/pending-writes.ts';
import type { ProvisionalSnapshot } from '../features/account-data/provisional.ts';
import { historyWriterForPage } from '../features/account-data/history/history-writer-for-page.ts';
import { HistoryStore } from '../features/account-data/history/history-store.ts';
import { readHistoryLimits } from '../features/account-data/history/history-limits.ts';
import type { WriteEvent } from '../features/account-data/write-events.ts';
import type { SyncStatusStore } from '../features/sync-status/sync-status-store.ts';
import { LocalDb } from '../lib/local-db.ts';
import { connectSyncToCaches } from './sync-bridge.ts';

export type AccountDataSyncOptions = {
  /** Where the engine's connection status goes. */
  statusStore: SyncStatusStore;
  /** Told about every batch after it reached the caches (besides the history). */
  onBatch?: (batch: readonly SyncEvent[]) => void;
  /** False: no engine runs (an identity the server will not sync). Default true. */
  enabled?: boolean;
  /**
   * The admin fast path (ADR 013): started with the engine, never awaited by it; what it resolves
   * to is merged into the caches as provisional data while sync loads.
   */
  preload?: (signal: AbortSignal) => Promise<ProvisionalSnapshot | null>;
};

export type AccountDataSyncSetup = {
  pending: PendingWrites;
  history: HistoryStore;
  /** The `WriteObserver` for the account-data view: records own writes in the history. */
  recordWrite: (event: WriteEvent) => void;
  /** Why the engine could not start (the capability probe failed), or null. */
  startError: string | null;
};

export function useAccountDataSync(
  client: MatrixClient,
  options: AccountDataSyncOptions,
): AccountDataSyncSetup {
  const queryClient = useQueryClient();
  const { statusStore, enabled = true } = options;
  const onBatch = useRef(options.onBatch);
  const preload = useRef(options.preload);
  useEffect(() => {
    onBatch.current = options.onBatch;
    preload.current = options.preload;
  });
  const [pending] = useState(() => new PendingWrites());
  // One per identity; it writes off the render path (docs/architecture.md "Sync → state").
  const [history] = useState(() => {
    const db = new LocalDb();
    // The flushes run in the history worker (history-writer.ts): a 10,000-room first sync's
    // versions are stored off the page's thread.
    return new HistoryStore(db, client.userId, {
      limits: readHistoryLimits(client.userId),
      writer: historyWriterForPage(db, client.userId),
    });
  });
  const recordWrite = useCallback(
    (event: WriteEvent) => {
      history.recordWrite(event);
    },
    [history],
  );
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let stop: (() => void) | undefined;
    statusStore.getState().actions.statusChanged({ state: 'connecting' });
    statusStore.getState().actions.preloaded(null);
    // Started now, in parallel with the capability read and the first sync request.
    const preloaded = preload.current?.(controller.signal).catch(() => null);
    createAccountDataSync(client, { signal: controller.signal })
      .then(({ engine, kind }) => {
        if (controller.signal.aborted) return;
        statusStore.getState().actions.transportChosen(kind);
        const off = connectSyncToCaches({
          engine,
          queryClient,
          userId: client.userId,
          statusStore,
          pendingWrites: pending,
          ...(preloaded ? { preload: preloaded } : {}),
          onBatch: (batch) => {
            history.recordBatch(batch, Date.now());
            onBatch.current?.(batch);
          },
        });
        engine.start();
        stop = () => {
          off();
          engine.stop();
        };
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setStartError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      controller.abort();
      stop?.();
      statusStore.getState().actions.statusChanged({ state: 'stopped' });
    };
  }, [client, pending, queryClient, history, statusStore, enabled]);

  return { pending, history, recordWrite, startError };
}
