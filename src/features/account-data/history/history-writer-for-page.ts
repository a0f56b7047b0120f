/**
 * The history writer the app uses: the shared history worker where the browser has workers, the
 * inline writer elsewhere (tests in jsdom, old environments). See `history-writer.ts`.
 */
import type { LocalDb } from '../../../lib/local-db.ts';
import {
  forwardUserActivity,
  InlineHistoryWriter,
  WorkerHistoryWriter,
  type HistoryWriter,
  type WorkerLike,
} from './history-writer.ts';

let shared: Promise<WorkerLike> | null = null;

/** The page's one history worker, loaded (its own chunk) on the first flush. */
function sharedWorker(): Promise<WorkerLike> {
  if (!shared) {
    const loading = import('./history-worker.ts?worker').then(({ default: HistoryWorker }) => {
      const worker = new HistoryWorker({ name: 'history' }) as WorkerLike;
      // For the page's lifetime, like the worker: big flushes give way while the user interacts.
      forwardUserActivity(window, worker);
      return worker;
    });
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = null;
    });
  }
  return shared;
}

export function historyWriterForPage(db: LocalDb, account: string): HistoryWriter {
  if (typeof Worker === 'undefined') return new InlineHistoryWriter(db, account);
  return new WorkerHistoryWriter(db, account, sharedWorker);
}
