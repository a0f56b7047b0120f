/**
 * Export and import of account data (issue #14): the file format, reading a file back, and the
 * import plan (what each entry of a file would do to the account now).
 *
 * The file is one JSON document:
 *
 * ```json
 * { "format": "account-data-inspector/export", "formatVersion": 1,
 *   "account": "@alice:example.org", "server": "https://matrix.example.org",
 *   "exportedAt": "2026-12-01T10:00:00.000Z", "includesSecrets": false,
 *   "global": { "m.direct": { … }, "m.secret_storage.default_key": "[redacted: holds encryption secrets]" },
 *   "rooms": { "!room:example.org": { "org.example.note": { … } } },
 *   "devices": { "ABCDEF": { "org.example.setting": { … } } } }
 * ```
 *
 * Secret entries (`isSecretType`) carry {@link REDACTED_CONTENT} instead of their content unless the
 * person chose to include secrets (`src/matrix/redaction.ts`). `devices` is optional and holds only the
 * exporting session's own device (MSC4331), when the server stores per-device data. Deleted entries
 * are not exported. No token or other credential is ever part of the file.
 *
 * Pure TypeScript: no React, no network.
 */
import { entryKey, type EntryKey, type EntryRef } from '../../../matrix/entry-key.ts';
import { writeRoute } from '../../../matrix/known-types.ts';
import { isRedactedContent, isSecretEntry, REDACTED_CONTENT } from '../../../matrix/redaction.ts';
import type { AccountDataScope, JsonObject } from '../../../matrix/types.ts';
import type { DevicesState, EntryState, RoomsState, ScopeState } from '../../../matrix/account-data-fold.ts';
import { jsonEquals } from '../../../editor/json-text.ts';

export const EXPORT_FORMAT = 'account-data-inspector/export';
export const EXPORT_FORMAT_VERSION = 1;

/** One entry's content in a file: the content, or the redaction marker. */
export type ExportContent = JsonObject | typeof REDACTED_CONTENT;
/** Type → content of one scope in a file. */
export type ExportScope = Record<string, ExportContent>;

export type ExportDocument = {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  /** The user ID whose data this is. */
  account: string;
  /** The homeserver's base URL. */
  server: string;
  /** ISO 8601. */
  exportedAt: string;
  /** True when secret entries carry their real content. */
  includesSecrets: boolean;
  global: ExportScope;
  rooms: Record<string, ExportScope>;
  /** Per-device data (MSC4331) of the exporting session's own device, when known. */
  devices?: Record<string, ExportScope>;
};

export type ExportInput = {
  account: string;
  server: string;
  global: ScopeState | undefined;
  rooms: RoomsState | undefined;
  /** The exporting session's own device and its per-device data, when known. */
  ownDevice?: { deviceId: string; data: ScopeState | undefined } | undefined;
  includeSecrets: boolean;
  now?: Date;
};

export type ExportResult = {
  document: ExportDocument;
  /** How many entries are in the file. */
  entries: number;
  /** How many of them carry the redaction marker instead of their content. */
  redacted: number;
};

/** Builds the export document from the cached state (live entries only). */
export function buildExport(input: ExportInput): ExportResult {
  let entries = 0;
  let redacted = 0;
  const scope = (data: ScopeState | undefined): ExportScope => {
    const out: ExportScope = {};
    for (const type of Object.keys(data ?? {}).sort()) {
      const entry = data?.[type];
      if (!entry || entry.isDeleted || entry.content === null) continue;
      entries += 1;
      if (!input.includeSecrets && isSecretEntry(type, entry.content)) {
        redacted += 1;
        out[type] = REDACTED_CONTENT;
      } else {
        out[type] = entry.content;
      }
    }
    return out;
  };
  const rooms: Record<string, ExportScope> = {};
  for (const roomId of [...(input.rooms?.byId.keys() ?? [])].sort()) {
    const data = scope(input.rooms?.byId.get(roomId)?.data);
    if (Object.keys(data).length > 0) rooms[roomId] = data;
  }
  const document: ExportDocument = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    account: input.account,
    server: input.server,
    exportedAt: (input.now ?? new Date()).toISOString(),
    includesSecrets: input.includeSecrets,
    global: scope(input.global),
    rooms,
  };
  if (input.ownDevice?.data) {
    const data = scope(input.ownDevice.data);
    if (Object.keys(data).length > 0) document.devices = { [input.ownDevice.deviceId]: data };
  }
  return { document, entries, redacted };
}

/** A file name for an export: who and when, never anything secret. */
export function exportFileName(account: string, includesSecrets: boolean, now = new Date()): string {
  const who = account.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `account-data-${who}-${now.toISOString().slice(0, 10)}${includesSecrets ? '-with-secrets' : ''}.json`;
}

export type ParseResult = { ok: true; document: ExportDocument } | { ok: false; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one scope of a file; a string explains what is wrong. */
function readScope(value: unknown, where: string): ExportScope | string {
  if (!isObject(value)) return `${where} must be an object of type → content.`;
  for (const [type, content] of Object.entries(value)) {
    if (type.length === 0) return `${where} has an entry with an empty type.`;
    if (!isObject(content) && !isRedactedContent(content)) {
      return `${where} › ${type}: the content must be a JSON object (or the redaction marker).`;
    }
  }
  return value as ExportScope;
}

function readScopes(value: unknown, name: string): Record<string, ExportScope> | string {
  if (!isObject(value)) return `"${name}" must be an object of ID → entries.`;
  const out: Record<string, ExportScope> = {};
  for (const [id, scope] of Object.entries(value)) {
    const read = readScope(scope, `${name} › ${id}`);
    if (typeof read === 'string') return read;
    out[id] = read;
  }
  return out;
}

/**
 * Reads a file's text as an export document. Anything that is not one — not JSON, another format, a
 * newer version, a content that is not an object — is refused as a whole with a message saying what.
 */
export function parseExport(text: string): ParseResult {
  const fail = (message: string): ParseResult => ({ ok: false, message });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`The file is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!isObject(value) || value.format !== EXPORT_FORMAT) {
    return fail(`The file is not an Account Data Inspector export: "format" must be "${EXPORT_FORMAT}".`);
  }
  if (value.formatVersion !== EXPORT_FORMAT_VERSION) {
    return fail(
      `The file's format version ${JSON.stringify(value.formatVersion)} is not supported; this app reads version ${EXPORT_FORMAT_VERSION}.`,
    );
  }
  if (typeof value.account !== 'string') return fail('The file does not say whose data it is ("account").');
  const global = readScope(value.global ?? {}, '"global"');
  if (typeof global === 'string') return fail(`The file is damaged: ${global}`);
  const rooms = readScopes(value.rooms ?? {}, 'rooms');
  if (typeof rooms === 'string') return fail(`The file is damaged: ${rooms}`);
  const document: ExportDocument = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    account: value.account,
    server: typeof value.server === 'string' ? value.server : '',
    exportedAt: typeof value.exportedAt === 'string' ? value.exportedAt : '',
    includesSecrets: value.includesSecrets === true,
    global,
    rooms,
  };
  if (value.devices !== undefined) {
    const devices = readScopes(value.devices, 'devices');
    if (typeof devices === 'string') return fail(`The file is damaged: ${devices}`);
    document.devices = devices;
  }
  return { ok: true, document };
}

/** What importing one entry would do. */
export type ImportStatus = 'new' | 'changed' | 'unchanged' | 'skipped';

export type ImportRow = EntryRef & {
  key: EntryKey;
  status: ImportStatus;
  /** Why a skipped entry is left alone. */
  reason?: string;
  /** The file's content (absent when redacted). */
  incoming?: JsonObject;
  /** The account's current content (absent when the entry does not exist or is deleted). */
  current?: JsonObject;
};

/** The account as it is now, to plan an import against. */
export type ImportTarget = {
  userId: string;
  /** The importing session's device ('' when none). */
  deviceId: string;
  global: ScopeState | undefined;
  rooms: RoomsState | undefined;
  deviceData: DevicesState | undefined;
  /** Whether the server stores per-device data (MSC4331); undefined while unknown. */
  deviceSupport: boolean | undefined;
};

const liveContent = (entry: EntryState | undefined): JsonObject | undefined =>
  entry && !entry.isDeleted && entry.content !== null ? entry.content : undefined;

const isEmpty = (content: JsonObject | undefined): boolean =>
  content === undefined || Object.keys(content).length === 0;

/** Where an entry lives, in words: `global`, `room !id`, `device ABC`. */
export function scopeLabel(scope: AccountDataScope): string {
  switch (scope.kind) {
    case 'global':
      return 'global';
    case 'room':
      return `room ${scope.roomId}`;
    case 'device':
      return `device ${scope.deviceId}`;
  }
}

/**
 * What each entry of `document` would do to the account now: new, changed, unchanged, or skipped
 * with the reason (redacted in the file; a server-managed type; a room this account is not in or
 * not loaded yet; another device's data). Global first, then rooms and devices by ID, types sorted.
 */
export function planImport(document: ExportDocument, target: ImportTarget): ImportRow[] {
  const rows: ImportRow[] = [];
  const otherAccount = document.account !== target.userId ? ` (the file is ${document.account}'s data)` : '';

  const plan = (
    scope: AccountDataScope,
    entries: ExportScope,
    current: ScopeState | undefined,
    scopeSkip: string | undefined,
  ) => {
    for (const type of Object.keys(entries).sort()) {
      const content = entries[type];
      const key = entryKey(scope, type);
      const base = { scope, type, key };
      const skip = (reason: string) => {
        rows.push({ ...base, status: 'skipped', reason });
      };
      if (isRedactedContent(content) || content === undefined) {
        skip('Redacted in the file (exported without secrets): there is no content to import.');
        continue;
      }
      if (scopeSkip) {
        rows.push({ ...base, status: 'skipped', reason: scopeSkip, incoming: content });
        continue;
      }
      const route = writeRoute(type, scope, { ownDeviceId: target.deviceId || undefined });
      if (route.kind === 'refuse') {
        rows.push({ ...base, status: 'skipped', reason: route.reason, incoming: content });
        continue;
      }
      if (route.kind === 'tags') {
        rows.push({
          ...base,
          status: 'skipped',
          reason:
            'm.tag is managed by the server in a room (written through the tags API); the import leaves room tags alone.',
          incoming: content,
        });
        continue;
      }
      const now = liveContent(current?.[type]);
      const row: ImportRow = { ...base, status: 'new', incoming: content };
      if (now !== undefined) row.current = now;
      if (now === undefined) row.status = isEmpty(content) ? 'unchanged' : 'new';
      else row.status = jsonEquals(now, content) ? 'unchanged' : 'changed';
      rows.push(row);
    }
  };

  plan({ kind: 'global' }, document.global, target.global, undefined);
  for (const roomId of Object.keys(document.rooms).sort()) {
    const room = target.rooms?.byId.get(roomId);
    let skip: string | undefined;
    if (!room) {
      skip =
        target.rooms?.isComplete === true
          ? `This account is not in room ${roomId}${otherAccount}; account data can only be written to joined rooms.`
          : `Room ${roomId} is not loaded yet (rooms are still loading); try again when the inspector is Live.`;
    }
    plan({ kind: 'room', roomId }, document.rooms[roomId] ?? {}, room?.data, skip);
  }
  for (const deviceId of Object.keys(document.devices ?? {}).sort()) {
    let skip: string | undefined;
    if (target.deviceSupport !== true) {
      skip = 'This server does not store per-device account data (MSC4331).';
    } else if (deviceId !== target.deviceId) {
      skip = `Per-device data of device ${deviceId}: only that device can write it (MSC4331), and this session is ${target.deviceId ? `device ${target.deviceId}` : 'no device'}.`;
    }
    plan(
      { kind: 'device', deviceId },
      document.devices?.[deviceId] ?? {},
      target.deviceData?.get(deviceId),
      skip,
    );
  }
  return rows;
}

/** How many rows of each status. */
export function countByStatus(rows: readonly ImportRow[]): Record<ImportStatus, number> {
  const counts: Record<ImportStatus, number> = { new: 0, changed: 0, unchanged: 0, skipped: 0 };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/** True for rows an import can write. */
export const isApplicable = (row: ImportRow): boolean => row.status === 'new' || row.status === 'changed';
