/**
 * The MSC3682 transaction preview's pure core (docs/protocol.md §7): what an application service would
 * receive in `PUT /_matrix/app/v1/transactions/{txnId}` for its users' account data, if the server
 * implemented MSC3682 (Synapse 1.160 does not):
 *
 * ```json
 * { "org.matrix.msc3682.account_data": { "@user:hs": { "events": [{ "type": "…", "content": {…} }] } },
 *   "account_data": { …the same… } }
 * ```
 *
 * Both the unstable and the stable field name are filled. The MSC only shows **global** account data,
 * so that is all a preview transaction carries (room and per-device data are not part of it). The
 * first transaction for a user carries everything currently known; each later one only what changed
 * since the previous one for that user: new or changed types with their content, deleted types with
 * `{}` content (a deletion, as MSC3391 writes it). Several changes between two transactions collapse
 * into the net change, as a homeserver batching by stream position would send them.
 */
import { jsonEqual } from '../../matrix/json.ts';
import type { JsonObject } from '../../matrix/types.ts';
import type { ScopeState } from '../../matrix/account-data-fold.ts';

/** The unstable field name of MSC3682. */
export const MSC3682_FIELD = 'org.matrix.msc3682.account_data';
/** The field name once MSC3682 is stable. */
export const STABLE_FIELD = 'account_data';

/** One account-data event as a transaction carries it. */
export type AccountDataEvent = { type: string; content: JsonObject };
/** User ID → `{events}`. */
export type AccountDataByUser = Record<string, { events: AccountDataEvent[] }>;
/** The account-data part of a transaction body. */
export type Msc3682Body = { [MSC3682_FIELD]: AccountDataByUser; [STABLE_FIELD]: AccountDataByUser };

/** A preview transaction: a running number, when it was made, and its body. */
export type PreviewTransaction = { txnId: number; at: number; body: Msc3682Body };

/** Type → content of a user's live global account data (no deleted types). */
export type GlobalState = Readonly<Record<string, JsonObject>>;

/** The live entries of a scope as the cache folds them (tombstones left out). */
export function liveContents(scope: ScopeState | undefined): GlobalState {
  const out: Record<string, JsonObject> = {};
  for (const [type, entry] of Object.entries(scope ?? {})) {
    if (!entry.isDeleted && entry.content !== null) out[type] = entry.content;
  }
  return out;
}

/**
 * The events that take a receiver from `previous` to `current`. `previous` undefined: nothing was
 * sent yet, so everything current. Types in sorted order, so a transaction reads predictably.
 */
export function diffGlobal(previous: GlobalState | undefined, current: GlobalState): AccountDataEvent[] {
  const events: AccountDataEvent[] = [];
  const types = new Set([...Object.keys(previous ?? {}), ...Object.keys(current)]);
  for (const type of [...types].sort()) {
    const before = previous?.[type];
    const now = current[type];
    if (now === undefined) {
      if (before !== undefined) events.push({ type, content: {} });
    } else if (before === undefined || !jsonEqual(before, now)) {
      events.push({ type, content: now });
    }
  }
  return events;
}

/** The transaction body for per-user events (users without events left out), or null when empty. */
export function transactionBody(perUser: Readonly<Record<string, AccountDataEvent[]>>): Msc3682Body | null {
  const byUser: AccountDataByUser = {};
  for (const userId of Object.keys(perUser).sort()) {
    const events = perUser[userId] ?? [];
    if (events.length > 0) byUser[userId] = { events };
  }
  if (Object.keys(byUser).length === 0) return null;
  return { [MSC3682_FIELD]: byUser, [STABLE_FIELD]: structuredClone(byUser) };
}

/** What the preview remembers between transactions. */
export type PreviewState = {
  /** Each user's latest known global state. */
  current: Readonly<Record<string, GlobalState>>;
  /** What the receiver has been sent, per user (absent: nothing yet). */
  sent: Readonly<Record<string, GlobalState>>;
  /** Newest first, at most `limit`. */
  transactions: readonly PreviewTransaction[];
  /** How many transactions were made (the last `txnId`). */
  count: number;
};

export const emptyPreview: PreviewState = { current: {}, sent: {}, transactions: [], count: 0 };

/**
 * Records users' latest global state (`observed`, e.g. after a sync batch) and makes the next
 * transaction for the `selected` users whose state differs from what was sent to them. Users not
 * selected are remembered but not sent; once selected, their first transaction carries everything.
 */
export function advancePreview(
  state: PreviewState,
  args: {
    observed?: Readonly<Record<string, GlobalState>>;
    selected: readonly string[];
    at: number;
    /** How many transactions to keep. Default 20. */
    limit?: number;
  },
): PreviewState {
  const current = args.observed ? { ...state.current, ...args.observed } : state.current;
  const perUser: Record<string, AccountDataEvent[]> = {};
  const sent: Record<string, GlobalState> = { ...state.sent };
  for (const userId of args.selected) {
    const now = current[userId];
    // Nothing known yet (the user's first sync has not landed): nothing to send.
    if (now === undefined) continue;
    const events = diffGlobal(state.sent[userId], now);
    if (events.length > 0) perUser[userId] = events;
    sent[userId] = now;
  }
  const body = transactionBody(perUser);
  if (body === null) return current === state.current ? state : { ...state, current, sent };
  const txnId = state.count + 1;
  return {
    current,
    sent,
    count: txnId,
    transactions: [{ txnId, at: args.at, body }, ...state.transactions].slice(0, args.limit ?? 20),
  };
}
