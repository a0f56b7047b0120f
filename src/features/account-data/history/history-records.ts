/**
 * Reading history records back from IndexedDB. Anything stored can be corrupt (an older build, a
 * browser extension, a half-written profile): every record is checked here, and one that does not
 * have the right shape is skipped, never passed on and never allowed to crash a query.
 */
import type {
  HistoryLatestRecord,
  HistoryRecord,
  HistorySource,
  HistoryWrite,
} from '../../../lib/local-db.ts';
import { parseEntryKey, type EntryKey } from '../../../matrix/entry-key.ts';
import { isJsonObject, isRecord } from '../../../matrix/json.ts';
import type { JsonObject } from '../../../matrix/types.ts';

/**
 * One stored version, checked: its entry key parses and its content is a JSON object (or `null`).
 * `changedSinceLastSeen` (stored as `1` so IndexedDB can index it) reads as `true`.
 */
export type HistoryVersion = Omit<HistoryRecord, 'changedSinceLastSeen'> & {
  entry: EntryKey;
  content: JsonObject | null;
  /** It changed while the app was not watching (see `HistoryRecord`). */
  changedSinceLastSeen?: true;
};

const SOURCES: ReadonlySet<string> = new Set<HistorySource>(['initial', 'live', 'this-app']);
const ACTIONS: ReadonlySet<string> = new Set<HistoryWrite['action']>(['save', 'delete', 'restore']);
const OUTCOMES: ReadonlySet<string> = new Set<HistoryWrite['outcome']>(['ok', 'failed']);

/** Whether `value` is one of the sources. */
export function isHistorySource(value: unknown): value is HistorySource {
  return typeof value === 'string' && SOURCES.has(value);
}

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isCount = (value: unknown): value is number => isId(value) && value >= 0;

function isEntryKey(value: unknown): value is EntryKey {
  if (typeof value !== 'string') return false;
  try {
    parseEntryKey(value);
    return true;
  } catch {
    return false;
  }
}

function toWrite(value: unknown): HistoryWrite | null {
  if (!isRecord(value)) return null;
  const { action, outcome, method, error } = value;
  if (typeof action !== 'string' || !ACTIONS.has(action)) return null;
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return null;
  if (method !== undefined && typeof method !== 'string') return null;
  if (error !== undefined && typeof error !== 'string') return null;
  return {
    action: action as HistoryWrite['action'],
    outcome: outcome as HistoryWrite['outcome'],
    ...(method !== undefined ? { method } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * A stored version of `account`, or `null` when the record is not one. Unknown fields are dropped,
 * and so is a `changedSinceLastSeen` other than `1` (a hint, not worth losing the version for).
 */
export function toVersion(value: unknown, account: string): HistoryVersion | null {
  if (!isRecord(value)) return null;
  const { id, entry, at, source, content, size, write, changedSinceLastSeen } = value;
  if (value.account !== account || !isId(id) || !isEntryKey(entry) || !isTime(at)) return null;
  if (!isHistorySource(source) || !isCount(size)) return null;
  if (content !== null && !isJsonObject(content)) return null;
  const version: HistoryVersion = { id, account, entry, at, source, content, size };
  if (write !== undefined) {
    const checked = toWrite(write);
    if (!checked) return null;
    version.write = checked;
  }
  if (changedSinceLastSeen === 1) version.changedSinceLastSeen = true;
  return version;
}

/** A checked version as it is stored again (`changedSinceLastSeen` back to `1`). */
export function toStored(version: HistoryVersion): HistoryRecord {
  const { changedSinceLastSeen, ...record } = version;
  return changedSinceLastSeen ? { ...record, changedSinceLastSeen: 1 } : record;
}

/** A stored "latest" record of `account`, or `null` when the record is not one. */
export function toLatest(value: unknown, account: string): HistoryLatestRecord | null {
  if (!isRecord(value)) return null;
  const { entry, hash, count, last } = value;
  if (value.account !== account || !isEntryKey(entry) || !isCount(count)) return null;
  if (hash !== undefined && !isId(hash)) return null;
  const record: HistoryLatestRecord = { account, entry, count };
  if (hash !== undefined) record.hash = hash;
  if (isRecord(last) && isId(last.id) && isHistorySource(last.source) && isTime(last.at)) {
    record.last = { id: last.id, source: last.source, at: last.at };
  }
  return record;
}

/** The size of a stored record for the byte total, whatever its shape (0 when unreadable). */
export function storedSize(value: unknown): number {
  return isRecord(value) && isCount(value.size) ? value.size : 0;
}
