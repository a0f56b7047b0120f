/**
 * Output shaping for the CLI: the `dump` document from the shared fold, and one JSON object per
 * change for `watch`.
 */
import type { SyncEngineKind } from '../matrix/sync/create-sync.ts';
import type { JsonObject, SyncEvent } from '../matrix/types.ts';
import {
  emptyFoldState,
  entryIn,
  liveContents,
  plainFold,
  type FoldState,
} from '../matrix/account-data-fold.ts';
import type { KeyBackupVersion } from '../matrix/api/key-backup.ts';
import { findOrphans } from '../matrix/per-device.ts';
import { redactContent, REDACTED_CONTENT } from '../matrix/redaction.ts';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  keyBackupPreference,
  MEGOLM_BACKUP_SECRET_TYPE,
  type PreferenceValue,
  type ServerBackup,
} from '../matrix/key-backup-preference.ts';

/** A content as printed: the content, or {@link REDACTED_CONTENT} for a secret entry. */
export type PrintedContent = JsonObject | typeof REDACTED_CONTENT;

/** The `dump` document. Keys are sorted so dumps diff cleanly. */
export type DumpDocument = {
  /** Secret entries' contents are {@link REDACTED_CONTENT} unless `--include-secrets`. */
  global: Record<string, PrintedContent>;
  rooms: Record<string, Record<string, PrintedContent>>;
  /** deviceId → type → content (MSC4331); `{}` per device when nothing was read. */
  devices: Record<string, Record<string, PrintedContent>>;
  /**
   * Live per-device entries of global account data (`io.element.matrix_client_information.<id>`, …)
   * whose device is not in `GET /devices` (`src/matrix/per-device.ts` findOrphans), sorted.
   */
  orphans: string[];
  /** The key-backup preference computed by MSC4287's rules (`src/matrix/key-backup-preference.ts`). */
  key_backup?: KeyBackupSummary;
  meta: {
    homeserver: string;
    user_id: string;
    sync: SyncEngineKind;
    room_names: Record<string, string>;
    /** How many secret entries' contents were replaced by the redaction marker. */
    redacted: number;
  };
  /** Caveats about completeness (unsupported features, left rooms…). */
  notes: string[];
};

/** The computed key-backup state, as the app's panel shows it (snake_case like the rest of the dump). */
export type KeyBackupSummary = {
  preference: PreferenceValue;
  /** `m.org.matrix.custom.backup_disabled`, its sense reversed (`disabled: true` → `off`). */
  unstable: PreferenceValue;
  /** What Element Web concludes (m.key_backup when valid, else the old key). */
  element_web: Exclude<PreferenceValue, 'invalid'>;
  backup:
    | { state: 'present'; version: string; algorithm: string; count: number; etag: string }
    | { state: 'none' }
    | { state: 'unknown'; error?: string };
  key_in_secret_storage: boolean | null;
  new_sign_in: string;
  warnings: { kind: string; message: string }[];
};

/** The summary from the folded global data and the server's backup (null: none; an Error: unreadable). */
export function keyBackupSummary(
  collector: AccountDataCollector,
  backup: KeyBackupVersion | null | Error,
): KeyBackupSummary {
  const content = (type: string) => collector.state.global[type]?.content ?? null;
  const server: ServerBackup =
    backup instanceof Error
      ? { state: 'unknown' }
      : backup === null
        ? { state: 'none' }
        : {
            state: 'present',
            version: backup.version,
            algorithm: backup.algorithm,
            count: backup.count,
            etag: backup.etag,
          };
  const report = keyBackupPreference({
    keyBackup: content(KEY_BACKUP_TYPE),
    backupDisabled: content(BACKUP_DISABLED_TYPE),
    megolmBackupSecret: content(MEGOLM_BACKUP_SECRET_TYPE),
    backup: server,
  });
  return {
    preference: report.preference,
    unstable: report.unstable,
    element_web: report.elementWeb,
    backup: backup instanceof Error ? { state: 'unknown', error: backup.message } : server,
    key_in_secret_storage: report.isKeyInSecretStorage ?? null,
    new_sign_in: report.newSignIn,
    warnings: report.warnings.map((w) => ({ kind: w.kind, message: w.message })),
  };
}

/**
 * Folds sync batches into the current account data with the shared fold
 * (`src/matrix/account-data-fold.ts`), as the app's caches do.
 */
export class AccountDataCollector {
  state: FoldState = emptyFoldState();

  apply(batch: readonly SyncEvent[]): void {
    this.state = plainFold.foldSyncBatch(this.state, batch, Date.now());
  }
}

/**
 * Builds the `dump` document from collected data: live entries only (tombstones are not data), keys
 * sorted so dumps diff cleanly. Device data read over REST is merged over what sync reported.
 * `devices` has every device of `GET /devices` as a key: orphans are computed against them.
 */
export function buildDumpDocument(args: {
  collector: AccountDataCollector;
  devices: Record<string, Record<string, JsonObject>>;
  keyBackup?: KeyBackupSummary;
  meta: Omit<DumpDocument['meta'], 'room_names' | 'redacted'>;
  notes: string[];
  /** `--include-secrets`: print secret entries' contents. Default false (redacted). */
  isSecretsIncluded?: boolean;
}): DumpDocument {
  const redactor = new Redactor(args.isSecretsIncluded ?? false);
  const { state } = args.collector;
  const rooms: Record<string, Record<string, PrintedContent>> = {};
  const roomNames: Record<string, string> = {};
  for (const roomId of [...state.rooms.byId.keys()].sort()) {
    const room = state.rooms.byId.get(roomId);
    rooms[roomId] = redactor.scope(liveContents(room?.data));
    roomNames[roomId] = room?.info.name ?? '';
  }
  const devices: Record<string, Record<string, PrintedContent>> = {};
  const deviceIds = new Set([...state.devices.keys(), ...Object.keys(args.devices)]);
  for (const deviceId of [...deviceIds].sort()) {
    const merged = { ...liveContents(state.devices.get(deviceId)), ...args.devices[deviceId] };
    devices[deviceId] = redactor.scope(
      Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
  }
  const global = liveContents(state.global);
  return {
    global: redactor.scope(global),
    rooms,
    devices,
    orphans: findOrphans(Object.keys(global), Object.keys(args.devices)),
    ...(args.keyBackup ? { key_backup: args.keyBackup } : {}),
    meta: { ...args.meta, room_names: roomNames, redacted: redactor.count },
    notes: args.notes,
  };
}

/**
 * Redacts secret entries' contents (`src/matrix/redaction.ts`, the one rule for every output) and
 * counts them, for the stderr note of `dump` and `watch`.
 */
export class Redactor {
  /** Secret contents replaced so far. */
  count = 0;

  constructor(readonly isSecretsIncluded: boolean) {}

  content(type: string, content: JsonObject): PrintedContent {
    const out = redactContent(type, content, this.isSecretsIncluded);
    if (out === REDACTED_CONTENT) this.count++;
    return out ?? content;
  }

  scope(data: Readonly<Record<string, JsonObject>>): Record<string, PrintedContent> {
    const out: Record<string, PrintedContent> = {};
    for (const [type, content] of Object.entries(data)) out[type] = this.content(type, content);
    return out;
  }
}

/** The stderr line after a command redacted `count` secret contents (none: no line). */
export function redactionNote(count: number): string {
  if (count === 0) return '';
  const what = count === 1 ? '1 secret entry was' : `${count} secret entries were`;
  return `${what} redacted (encryption secrets and their metadata); --include-secrets prints them.\n`;
}

/**
 * One `watch` line (as an object) for an event, or null when the event is not printed. Snapshots
 * are printed only when `isInitialIncluded`; room-set changes only after the initial coverage.
 */
export function watchRecord(
  event: SyncEvent,
  state: { isInitialComplete: boolean; isInitialIncluded: boolean },
  redactor: Redactor = new Redactor(false),
): Record<string, unknown> | null {
  switch (event.kind) {
    case 'changed':
    case 'deleted': {
      const scope =
        event.scope.kind === 'global'
          ? { scope: 'global' }
          : event.scope.kind === 'room'
            ? { scope: 'room', room_id: event.scope.roomId }
            : { scope: 'device', device_id: event.scope.deviceId };
      return event.kind === 'changed'
        ? {
            event: 'changed',
            ...scope,
            type: event.type,
            content: redactor.content(event.type, event.content),
          }
        : { event: 'deleted', ...scope, type: event.type };
    }
    // `deleted`: types whose content is `{}` (a server without MSC3391 keeps them; docs/protocol.md §3).
    case 'global-snapshot':
      return state.isInitialIncluded
        ? { event: 'snapshot', scope: 'global', data: redactor.scope(event.data), deleted: event.deleted }
        : null;
    case 'room-snapshot':
      return state.isInitialIncluded
        ? {
            event: 'snapshot',
            scope: 'room',
            room_id: event.roomId,
            data: redactor.scope(event.data),
            deleted: event.deleted,
          }
        : null;
    case 'room-added':
    case 'room-updated':
      return state.isInitialComplete || state.isInitialIncluded
        ? { event: event.kind, room_id: event.room.roomId, name: event.room.name }
        : null;
    case 'room-removed':
      return state.isInitialComplete || state.isInitialIncluded
        ? { event: 'room-removed', room_id: event.roomId }
        : null;
    case 'initial-complete':
      return state.isInitialIncluded ? { event: 'initial-complete', room_count: event.roomCount } : null;
    case 'device-list-changed':
      return { event: 'device-list-changed' };
    case 'status':
      return null;
  }
}

/**
 * Drops repeats from `watch`: Synapse may deliver the same account-data value more than once (it
 * re-emits unchanged content, and a re-sent position replays its delta; docs/protocol.md §9), and a
 * watch log should show each change once. The shared fold applies changes idempotently, so a change
 * is a repeat exactly when folding it leaves a known entry as it was.
 */
export class WatchDeduper {
  private state: FoldState = emptyFoldState();

  /** Feeds one event; returns true when it repeats what was already reported or known. */
  isRepeat(event: SyncEvent): boolean {
    const before =
      event.kind === 'changed' || event.kind === 'deleted'
        ? entryIn(this.state, event.scope, event.type)
        : undefined;
    this.state = plainFold.foldSyncBatch(this.state, [event], Date.now());
    if (event.kind !== 'changed' && event.kind !== 'deleted') return false;
    return before !== undefined && entryIn(this.state, event.scope, event.type) === before;
  }
}

/** The small page the loopback listener shows the browser after a sign-in answer (`loopback.ts`). */
export function callbackPage(outcome: { ok: boolean; message: string }): string {
  const title = outcome.ok ? 'Signed in' : 'Sign-in did not complete';
  // The inline script takes the login token or code out of the address bar and the history.
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · Account Data Inspector CLI</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(outcome.message)}</p>
<script>history.replaceState(null, '', location.pathname)</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What to tell the user on stderr before waiting for the browser (no secret is in `url`). */
export function signInPrompt(args: {
  /** `sso`: the homeserver's SSO redirect; `oauth`: the authorization endpoint of `issuerHost`. */
  method: 'sso' | 'oauth';
  url: string;
  redirectUri: string;
  timeout: string;
  issuerHost?: string;
  /** SSO: the identity providers the server lists, when none was chosen. */
  providers?: readonly { id: string; name: string }[];
}): string {
  const lines =
    args.method === 'sso'
      ? ['Sign in with single sign-on: open this address in your browser:']
      : [
          `Sign in through ${args.issuerHost ?? 'your account provider'} (OAuth 2.0): open this address in your browser:`,
        ];
  lines.push('', `  ${args.url}`, '');
  if (args.providers && args.providers.length > 0) {
    lines.push(
      `Identity providers: ${args.providers.map((p) => `${p.id} (${p.name})`).join(', ')}. The server lets you choose; --sso <id> goes straight to one.`,
    );
  }
  lines.push(
    `Waiting for the browser to come back to ${args.redirectUri} (for up to ${args.timeout}; Ctrl-C gives up).`,
  );
  if (args.method === 'sso') {
    lines.push(
      `Synapse asks you to confirm that you want to continue to ${new URL(args.redirectUri).origin}/ unless that address is in its sso.client_whitelist; confirm it (pass --redirect-port to keep the address the same from run to run).`,
    );
  }
  return `${lines.join('\n')}\n`;
}
