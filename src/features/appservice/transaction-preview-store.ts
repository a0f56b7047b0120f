/**
 * The live state of the MSC3682 transaction preview: which users it covers (all by default) and the
 * transactions made so far (`transaction-preview.ts` builds them). The app feeds it each user's global
 * account data after every sync batch of that user.
 */
import { createStore } from 'zustand';
import { advancePreview, emptyPreview, type GlobalState, type PreviewState } from './transaction-preview.ts';

export type TransactionPreviewState = {
  /** Every user the inspector acts for. */
  users: readonly string[];
  /** Users unticked in the preview (new users are included). */
  excluded: readonly string[];
  preview: PreviewState;
  actions: {
    usersChanged: (users: readonly string[]) => void;
    /** A user's global account data after a sync batch (live entries only). */
    observed: (userId: string, global: GlobalState) => void;
    included: (userId: string, isIncluded: boolean) => void;
  };
};

/** How many transactions the preview keeps. */
export const PREVIEW_LIMIT = 20;

export function createTransactionPreviewStore(now: () => number = Date.now) {
  return createStore<TransactionPreviewState>()((set, get) => {
    const advance = (
      next: Pick<TransactionPreviewState, 'users' | 'excluded'>,
      observed?: Record<string, GlobalState>,
    ) => {
      const selected = next.users.filter((u) => !next.excluded.includes(u));
      const preview = advancePreview(get().preview, {
        ...(observed ? { observed } : {}),
        selected,
        at: now(),
        limit: PREVIEW_LIMIT,
      });
      set({ ...next, preview });
    };
    return {
      users: [],
      excluded: [],
      preview: emptyPreview,
      actions: {
        usersChanged: (users) => {
          const { excluded } = get();
          advance({ users, excluded: excluded.filter((u) => users.includes(u)) });
        },
        observed: (userId, global) => {
          const { users, excluded } = get();
          advance({ users, excluded }, { [userId]: global });
        },
        included: (userId, isIncluded) => {
          const { users, excluded } = get();
          advance({
            users,
            excluded: isIncluded ? excluded.filter((u) => u !== userId) : [...excluded, userId],
          });
        },
      },
    };
  });
}

export type TransactionPreviewStore = ReturnType<typeof createTransactionPreviewStore>;
