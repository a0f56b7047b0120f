/**
 * Reads one application-service transaction as the receiver recorded it (issue #12): how many
 * events it carried, and the MSC3682 account data per user, from the unstable field
 * `org.matrix.msc3682.account_data` or the stable `account_data` (`{userId: {events: [{type,
 * content}]}}`). Synapse 1.160 sends neither (its `push_bulk` sends `events`, `ephemeral` /
 * `de.sorunome.msc2409.*` and `org.matrix.msc3202.*` only), so `accountData` is `null` there.
 *
 * Pure and tolerant: a transaction comes from a server we do not control, so every malformed part
 * is skipped with a note instead of failing the whole transaction.
 */
import { isJsonObject, isRecord } from '../../matrix/json.ts';
import type { JsonObject } from '../../matrix/types.ts';

export const UNSTABLE_ACCOUNT_DATA_FIELD = 'org.matrix.msc3682.account_data';
export const STABLE_ACCOUNT_DATA_FIELD = 'account_data';
export type AccountDataField = typeof UNSTABLE_ACCOUNT_DATA_FIELD | typeof STABLE_ACCOUNT_DATA_FIELD;

/** What the receiver streams for each transaction (`event: transaction`). */
export type ReceivedRecord = { txnId: string; receivedAt: number; body: unknown };

export type AccountDataEvent = { type: string; content: JsonObject };
export type UserAccountData = { field: AccountDataField; events: AccountDataEvent[] };

export type ParsedTransaction = {
  txnId: string;
  /** Epoch ms, when the receiver got it. */
  receivedAt: number;
  /** Length of `events` (room events); 0 when absent or malformed. */
  eventCount: number;
  /** Length of `ephemeral` (or MSC2409's unstable field); absent when the server sent neither. */
  ephemeralCount?: number;
  /** Length of `de.sorunome.msc2409.to_device` (or `to_device`); absent when sent neither. */
  toDeviceCount?: number;
  /** Account data per user, or `null` when the transaction has neither account-data field. */
  accountData: Map<string, UserAccountData> | null;
  /** Top-level fields other than the ones counted above, e.g. `org.matrix.msc3202.device_lists`. */
  otherFields: string[];
  /** One sentence per malformed part that was skipped. */
  notes: string[];
};

const EPHEMERAL_FIELDS = ['ephemeral', 'de.sorunome.msc2409.ephemeral'] as const;
const TO_DEVICE_FIELDS = ['to_device', 'de.sorunome.msc2409.to_device'] as const;
const KNOWN_FIELDS = new Set<string>([
  'events',
  ...EPHEMERAL_FIELDS,
  ...TO_DEVICE_FIELDS,
  UNSTABLE_ACCOUNT_DATA_FIELD,
  STABLE_ACCOUNT_DATA_FIELD,
]);
/** Unstable first: when a server sends both, the unstable field is the one we read. */
const ACCOUNT_DATA_FIELDS: readonly AccountDataField[] = [
  UNSTABLE_ACCOUNT_DATA_FIELD,
  STABLE_ACCOUNT_DATA_FIELD,
];

/** A user ID as the spec's grammar allows it, loosely: `@localpart:server`. */
const USER_ID = /^@[^:\s]+:\S+$/u;

/**
 * Validates one SSE `data` payload (a JSON string) as a record; `null` when it is not one, so the
 * caller can report it. The body itself is not checked here: `parseTransaction` tolerates anything.
 */
export function parseReceivedRecord(data: string): ReceivedRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const { txnId, receivedAt, body } = value;
  if (typeof txnId !== 'string' || txnId === '') return null;
  if (typeof receivedAt !== 'number' || !Number.isFinite(receivedAt)) return null;
  return { txnId, receivedAt, body };
}

export function parseTransaction(record: ReceivedRecord): ParsedTransaction {
  const { txnId, receivedAt, body } = record;
  const notes: string[] = [];
  if (!isRecord(body)) {
    notes.push('The transaction body is not a JSON object.');
    return { txnId, receivedAt, eventCount: 0, accountData: null, otherFields: [], notes };
  }
  const parsed: ParsedTransaction = {
    txnId,
    receivedAt,
    eventCount: countList(body, 'events', notes) ?? 0,
    accountData: readAccountData(body, notes),
    otherFields: Object.keys(body)
      .filter((key) => !KNOWN_FIELDS.has(key))
      .sort(),
    notes,
  };
  const ephemeralCount = countFirst(body, EPHEMERAL_FIELDS, notes);
  if (ephemeralCount !== undefined) parsed.ephemeralCount = ephemeralCount;
  const toDeviceCount = countFirst(body, TO_DEVICE_FIELDS, notes);
  if (toDeviceCount !== undefined) parsed.toDeviceCount = toDeviceCount;
  return parsed;
}

/** Length of the list in `field`; undefined when absent; 0 with a note when it is not a list. */
function countList(body: Record<string, unknown>, field: string, notes: string[]): number | undefined {
  if (!Object.hasOwn(body, field)) return undefined;
  const value = body[field];
  if (Array.isArray(value)) return value.length;
  notes.push(`\`${field}\` is not a list; not counted.`);
  return 0;
}

/** The count of the first of `fields` that is present (stable before unstable). */
function countFirst(
  body: Record<string, unknown>,
  fields: readonly string[],
  notes: string[],
): number | undefined {
  for (const field of fields) {
    const count = countList(body, field, notes);
    if (count !== undefined) return count;
  }
  return undefined;
}

/**
 * The account data per user. A user present in both fields is read from the unstable one; a user
 * whose unstable entry is malformed falls back to the stable one. `null` when neither field is in
 * the body; an empty map when a field is there but carries no (well-formed) user.
 */
function readAccountData(
  body: Record<string, unknown>,
  notes: string[],
): Map<string, UserAccountData> | null {
  const present = ACCOUNT_DATA_FIELDS.filter((field) => Object.hasOwn(body, field));
  if (present.length === 0) return null;
  const result = new Map<string, UserAccountData>();
  for (const field of present) {
    const value = body[field];
    if (!isRecord(value)) {
      notes.push(`\`${field}\` is not an object of users; ignored.`);
      continue;
    }
    for (const [userId, entry] of Object.entries(value)) {
      if (result.has(userId)) continue;
      const events = readUserEvents(field, userId, entry, notes);
      if (events) result.set(userId, { field, events });
    }
  }
  return result;
}

function readUserEvents(
  field: AccountDataField,
  userId: string,
  entry: unknown,
  notes: string[],
): AccountDataEvent[] | null {
  const where = `\`${field}\` → ${userId}`;
  if (!USER_ID.test(userId)) {
    notes.push(`${where}: not a user ID; skipped.`);
    return null;
  }
  if (!isRecord(entry) || !Array.isArray(entry['events'])) {
    notes.push(`${where}: no \`events\` list; skipped.`);
    return null;
  }
  const events: AccountDataEvent[] = [];
  entry['events'].forEach((event: unknown, index) => {
    if (!isRecord(event) || typeof event['type'] !== 'string' || event['type'] === '') {
      notes.push(`${where}: event ${index + 1} has no \`type\`; skipped.`);
      return;
    }
    const { type, content } = event;
    if (!isJsonObject(content)) {
      notes.push(`${where}: ${type} has no JSON object \`content\`; skipped.`);
      return;
    }
    events.push({ type, content });
  });
  return events;
}

/** "3 events", "1 event", "2 entries". */
export function countLabel(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
