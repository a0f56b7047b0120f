/**
 * The account-data state as the UI sees it: the fold of `src/matrix/account-data-fold.ts` with each
 * entry decorated by its pretty-printed text (for the filter and the editor) and its size. The
 * folding rules — tombstones, idempotent repeats, structural sharing — live in the fold, once.
 */
import {
  createAccountDataFold,
  emptyDevices,
  type Deletion,
  emptyRooms,
  type DevicesState,
  type EntryState,
  type FoldState,
  type RoomState,
  type RoomsState,
  type ScopeState,
} from '../../matrix/account-data-fold.ts';
import { formatContent } from '../../editor/json-text.ts';

/** One account-data entry in one scope, decorated for display. */
export type Entry = EntryState & {
  /** Pretty-printed JSON of `content` (empty string when deleted); cached for the filter and the editor. */
  text: string;
  /** UTF-8 size of the compact JSON content in bytes (0 when deleted). */
  size: number;
  /**
   * Shown before sync delivered it: read at sign-in through Synapse's admin API (the admin fast path,
   * `provisional.ts`); sync replaces it as it arrives.
   */
  isProvisional?: true;
};

/** Type → entry for one scope. */
export type ScopeData = ScopeState<Entry>;
export type RoomData = RoomState<Entry>;
export type RoomsData = RoomsState<Entry>;
export type DevicesData = DevicesState<Entry>;
/** The result of folding one batch: only the parts that changed are new objects. */
export type FoldResult = FoldState<Entry>;

export { emptyDevices, emptyRooms };

const encoder = new TextEncoder();

/** The editor's own formatting, so a clean editor is byte-identical to the cached text. */
export { formatContent };

function decorate(entry: EntryState): Entry {
  if (entry.content === null) return { ...entry, text: '', size: 0 };
  return {
    ...entry,
    text: formatContent(entry.content),
    size: encoder.encode(JSON.stringify(entry.content)).length,
  };
}

export const { liveEntry, tombstone, applyChange, replaceScope, foldSyncBatch } =
  createAccountDataFold<Entry>(decorate);

/**
 * Records on a tombstone how it came about (this app's own delete: method and time). Returns the
 * same object when the entry is not deleted (a newer write revived it meanwhile).
 */
export function withDeletion(data: ScopeData, type: string, deletion: Deletion): ScopeData {
  const entry = data[type];
  if (!entry?.isDeleted) return data;
  return { ...data, [type]: { ...entry, deletion } };
}
