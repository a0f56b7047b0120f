/**
 * What the app's own writes report once they settle, for whoever keeps a record of them (the change
 * history). Mutations call a {@link WriteObserver}; they do not know who listens.
 */
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';

/** How a write reached the server. */
export type WriteMethod =
  /** `PUT …/account_data/{type}` (global, room). */
  | 'PUT'
  /** MSC3391 `DELETE` (docs/protocol.md §3). */
  | 'DELETE'
  /** `PUT {}` where the server lacks MSC3391 DELETE. */
  | 'PUT_EMPTY'
  /** Room `m.tag` through the tags API. */
  | 'TAGS'
  /** MSC4331 per-device account data. */
  | 'DEVICE';

/** One settled write of this app. */
export type WriteEvent = {
  scope: AccountDataScope;
  type: string;
  action: 'save' | 'delete' | 'restore';
  /** The content written; `null` for a delete. */
  content: JsonObject | null;
  /** When the write settled, epoch ms. */
  at: number;
} & (
  | { outcome: 'ok'; method: WriteMethod }
  /** The server refused or could not be reached; the cache was rolled back. */
  | { outcome: 'failed'; error: string }
);

/** Receives every settled write. */
export type WriteObserver = (event: WriteEvent) => void;
