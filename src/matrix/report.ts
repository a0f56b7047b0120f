/**
 * The diagnostic report (issue #14): one redacted summary of an account's server, sync transport,
 * capabilities, devices, largest entries, orphans, key-backup state and schema problems, as JSON
 * and as Markdown ready to paste into a support ticket. The app's "Diagnostic report" pane and the
 * CLI's `report` command both build it here.
 *
 * {@link buildReport} is pure. It never copies an entry's content: only types, sizes, counts and
 * what the checks say (secret entries are named, never shown; `src/matrix/redaction.ts`). As a last
 * guard both outputs go through `scrubText` with the session's tokens. {@link readServerSoftware}
 * is the one network read of its own (the server's name and version, without a token).
 */
import { formatBytes } from '../lib/format.ts';
import type { VersionsResponse } from './capabilities.ts';
import { FEATURE_ACCOUNT_DATA_DELETE, FEATURE_SLIDING_SYNC } from './capabilities.ts';
import type { EntryRef } from './entry-key.ts';
import type { FetchLike } from './http.ts';
import { isRecord } from './json.ts';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  keyBackupPreference,
  MEGOLM_BACKUP_SECRET_TYPE,
  preferenceLabel,
  type PreferenceValue,
  type ServerBackup,
} from './key-backup-preference.ts';
import { ELEMENT_CLIENT_INFORMATION_PREFIX, isSecretType } from './known-types.ts';
import { clientInformationOf, findOrphans, type ClientInformation } from './per-device.ts';
import { scrubText } from './redaction.ts';
import { checkAccountData, type AccountDataProblem } from './schema-check.ts';
import type { JsonObject } from './types.ts';

/** Identifies the JSON document. */
export const REPORT_FORMAT = 'account-data-inspector/diagnostic-report';
export const REPORT_FORMAT_VERSION = 1;
/** How many entries "Largest entries" lists. */
export const LARGEST_ENTRIES = 10;

/**
 * Unstable features of `/versions` worth naming in a report (the rest are counted): the ones this
 * app uses or whose account data it shows.
 */
export const RELEVANT_FEATURES: readonly (readonly [string, string])[] = [
  [FEATURE_SLIDING_SYNC, 'Simplified sliding sync (MSC4186)'],
  [FEATURE_ACCOUNT_DATA_DELETE, 'Deleting account data (MSC3391)'],
  ['org.matrix.msc3814', 'Dehydrated devices (MSC3814)'],
  ['org.matrix.msc4155', 'Invite filtering (MSC4155)'],
  ['org.matrix.msc3881', 'Remotely toggling push notifications (MSC3881)'],
  ['org.matrix.msc3882', 'Signing in with a QR code, old (MSC3882)'],
  ['org.matrix.msc4108', 'Signing in with a QR code (MSC4108)'],
  ['org.matrix.msc3575', 'Sliding sync proxy (MSC3575)'],
];

/** The server's software, from the federation version endpoint or Synapse's own. */
export type ServerSoftware = { name: string; version: string; source: string };

/** A device of `GET /devices`. */
export type ReportDevice = { device_id: string; display_name?: string; last_seen_ts?: number };

/** Everything the report is built from; the caller reads it (the app from its caches). */
export type ReportInput = {
  /** When the report was made (ISO 8601 in the output). */
  generatedAt: Date;
  /** What made it, e.g. "Account Data Inspector (web)". */
  generator: string;
  userId: string;
  deviceId: string;
  baseUrl: string;
  /** `/versions`; null when it could not be read. */
  versions: VersionsResponse | null;
  /** The server software, null when not readable. */
  software: ServerSoftware | null;
  /** The sync engine in use; null when none runs (an admin's read-only look, not started yet). */
  transport: 'sliding' | 'v3' | null;
  /** OAuth 2.0 issuer (the server's `auth_metadata`), null: legacy sign-in only; undefined: unknown. */
  oauthIssuer?: string | null | undefined;
  /** Whether the server stores per-device account data (MSC4331); undefined while unknown. */
  deviceSupport: boolean | undefined;
  /** `GET /devices`; undefined when not read. */
  devices: readonly ReportDevice[] | undefined;
  /** Live global account data (deleted entries left out). */
  global: Readonly<Record<string, JsonObject>>;
  /** Live room account data by room ID. */
  rooms: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  /** Live per-device account data (MSC4331) by device ID, where known. */
  deviceData?: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  /** Joined rooms (for the checks: DMs with rooms the user is not in). */
  joinedRoomIds?: ReadonlySet<string>;
  /** `GET /v3/room_keys/version`: null none; an Error unreadable. */
  backup: { version: string; algorithm: string; count: number; etag: string } | null | Error;
  /** The session's tokens and any other exact strings that must never appear (scrubbed last). */
  secrets: readonly (string | undefined)[];
};

/** Where an entry lives, in the report's words. */
export type ReportScope =
  { kind: 'global' } | { kind: 'room'; roomId: string } | { kind: 'device'; deviceId: string };

/** The JSON report. */
export type DiagnosticReport = {
  format: typeof REPORT_FORMAT;
  formatVersion: typeof REPORT_FORMAT_VERSION;
  generatedAt: string;
  generator: string;
  account: { userId: string; deviceId: string };
  server: {
    baseUrl: string;
    serverName: string;
    versions: string[];
    /** The relevant unstable features and whether they are on. */
    unstableFeatures: Record<string, boolean>;
    /** How many other unstable features are on. */
    otherUnstableFeaturesOn: number;
    software: ServerSoftware | null;
  };
  sync: { transport: 'sliding' | 'v3' | null };
  capabilities: {
    slidingSync: boolean | null;
    /** MSC3391 DELETE of account data. */
    accountDataDelete: boolean | null;
    /** MSC4331 per-device account data. */
    deviceAccountData: boolean | null;
    /** OAuth 2.0 issuer, or null for the legacy sign-in; undefined when unknown. */
    oauthIssuer: string | null | undefined;
  };
  counts: { globalEntries: number; rooms: number; roomEntries: number; deviceEntries: number };
  devices:
    | {
        deviceId: string;
        displayName: string | null;
        lastSeen: string | null;
        isCurrent: boolean;
        /** From `io.element.matrix_client_information.<device_id>`. */
        client: ClientInformation | null;
        /** Per-device entries (MSC4331) known for it. */
        entries: number;
      }[]
    | null;
  largestEntries: { scope: ReportScope; type: string; bytes: number }[];
  orphans: string[];
  /** Secret entries that exist (types only; their contents are never in a report). */
  secretTypes: string[];
  keyBackup: {
    preference: PreferenceValue;
    unstable: PreferenceValue;
    elementWeb: Exclude<PreferenceValue, 'invalid'>;
    backup:
      | { state: 'present'; version: string; algorithm: string; count: number }
      | { state: 'none' }
      | { state: 'unknown'; error?: string };
    keyInSecretStorage: boolean | null;
    newSignIn: string;
    warnings: { kind: string; message: string }[];
  };
  validation: {
    /** Entries checked (every live entry; well-known ones against their schemas). */
    checkedEntries: number;
    problems: { scope: ReportScope; type: string; severity: string; message: string; path?: string }[];
  };
};

const encoder = new TextEncoder();
const sizeOf = (content: JsonObject) => encoder.encode(JSON.stringify(content)).length;

/** The server name of a user ID (`@alice:example.org` → `example.org`). */
export function serverNameOf(userId: string): string {
  const i = userId.indexOf(':');
  return i < 0 ? '' : userId.slice(i + 1);
}

function scopeOf(scope: EntryRef['scope']): ReportScope {
  return scope.kind === 'global'
    ? { kind: 'global' }
    : scope.kind === 'room'
      ? { kind: 'room', roomId: scope.roomId }
      : { kind: 'device', deviceId: scope.deviceId };
}

/** Builds the report, JSON and Markdown, both scrubbed of `input.secrets` and credential shapes. */
export function buildReport(input: ReportInput): { json: DiagnosticReport; markdown: string } {
  const report = reportJson(input);
  // Last guard: nothing in a report should look like a credential; the strings are masked anyway.
  const json = JSON.parse(scrubText(JSON.stringify(report), input.secrets)) as DiagnosticReport;
  const markdown = scrubText(reportMarkdown(json), input.secrets);
  return { json, markdown };
}

function reportJson(input: ReportInput): DiagnosticReport {
  const unstable = input.versions?.unstable_features ?? {};
  const relevant: Record<string, boolean> = {};
  for (const [feature] of RELEVANT_FEATURES) {
    if (feature in unstable) relevant[feature] = unstable[feature] === true;
  }
  const otherOn = Object.entries(unstable).filter(([k, v]) => v && !(k in relevant)).length;

  const sized: { scope: ReportScope; type: string; bytes: number }[] = [];
  const secretTypes = new Set<string>();
  const visit = (scope: ReportScope, data: Readonly<Record<string, JsonObject>>) => {
    for (const [type, content] of Object.entries(data)) {
      sized.push({ scope, type, bytes: sizeOf(content) });
      if (isSecretType(type, content)) secretTypes.add(type);
    }
  };
  visit({ kind: 'global' }, input.global);
  let roomEntries = 0;
  for (const [roomId, data] of Object.entries(input.rooms)) {
    visit({ kind: 'room', roomId }, data);
    roomEntries += Object.keys(data).length;
  }
  let deviceEntries = 0;
  for (const [deviceId, data] of Object.entries(input.deviceData ?? {})) {
    visit({ kind: 'device', deviceId }, data);
    deviceEntries += Object.keys(data).length;
  }
  const largestEntries = sized
    .sort((a, b) => b.bytes - a.bytes || a.type.localeCompare(b.type))
    .slice(0, LARGEST_ENTRIES);

  const devices = input.devices
    ? [...input.devices]
        .sort(
          (a, b) => (b.last_seen_ts ?? 0) - (a.last_seen_ts ?? 0) || a.device_id.localeCompare(b.device_id),
        )
        .map((d) => {
          const info = input.global[`${ELEMENT_CLIENT_INFORMATION_PREFIX}${d.device_id}`];
          const client = info ? clientInformationOf(info) : null;
          return {
            deviceId: d.device_id,
            displayName: d.display_name ?? null,
            lastSeen: d.last_seen_ts === undefined ? null : new Date(d.last_seen_ts).toISOString(),
            isCurrent: d.device_id === input.deviceId,
            client: client && Object.keys(client).length > 0 ? client : null,
            entries: Object.keys(input.deviceData?.[d.device_id] ?? {}).length,
          };
        })
    : null;

  const backup: ServerBackup =
    input.backup instanceof Error
      ? { state: 'unknown' }
      : input.backup === null
        ? { state: 'none' }
        : { state: 'present', ...input.backup };
  const kb = keyBackupPreference({
    keyBackup: input.global[KEY_BACKUP_TYPE] ?? null,
    backupDisabled: input.global[BACKUP_DISABLED_TYPE] ?? null,
    megolmBackupSecret: input.global[MEGOLM_BACKUP_SECRET_TYPE] ?? null,
    backup,
  });

  const problems: AccountDataProblem[] = checkAccountData({
    global: input.global,
    rooms: input.rooms,
    ...(input.joinedRoomIds ? { joinedRoomIds: input.joinedRoomIds } : {}),
    userId: input.userId,
  });

  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    generator: input.generator,
    account: { userId: input.userId, deviceId: input.deviceId },
    server: {
      baseUrl: input.baseUrl,
      serverName: serverNameOf(input.userId),
      versions: input.versions?.versions ?? [],
      unstableFeatures: relevant,
      otherUnstableFeaturesOn: otherOn,
      software: input.software,
    },
    sync: { transport: input.transport },
    capabilities: {
      slidingSync: input.versions ? unstable[FEATURE_SLIDING_SYNC] === true : null,
      accountDataDelete: input.versions ? unstable[FEATURE_ACCOUNT_DATA_DELETE] === true : null,
      deviceAccountData: input.deviceSupport ?? null,
      oauthIssuer: input.oauthIssuer,
    },
    counts: {
      globalEntries: Object.keys(input.global).length,
      rooms: Object.keys(input.rooms).length,
      roomEntries,
      deviceEntries,
    },
    devices,
    largestEntries,
    orphans: input.devices
      ? findOrphans(
          Object.keys(input.global),
          input.devices.map((d) => d.device_id),
        )
      : [],
    secretTypes: [...secretTypes].sort(),
    keyBackup: {
      preference: kb.preference,
      unstable: kb.unstable,
      elementWeb: kb.elementWeb,
      backup:
        input.backup instanceof Error
          ? { state: 'unknown', error: input.backup.message }
          : input.backup === null
            ? { state: 'none' }
            : {
                state: 'present',
                version: input.backup.version,
                algorithm: input.backup.algorithm,
                count: input.backup.count,
              },
      keyInSecretStorage: kb.isKeyInSecretStorage ?? null,
      newSignIn: kb.newSignIn,
      warnings: kb.warnings.map((w) => ({ kind: w.kind, message: w.message })),
    },
    validation: {
      checkedEntries: sized.length,
      problems: problems.map((p) => ({
        scope: scopeOf(p.ref.scope),
        type: p.ref.type,
        severity: p.severity,
        message: p.message,
        ...(p.path === undefined ? {} : { path: p.path }),
      })),
    },
  };
}

const yesNo = (value: boolean | null | undefined) =>
  value === true ? 'yes' : value === false ? 'no' : 'unknown';

/** Markdown inline code: backticks in the text cannot end it. */
function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function scopeLabel(scope: ReportScope): string {
  return scope.kind === 'global'
    ? 'global'
    : scope.kind === 'room'
      ? `room ${code(scope.roomId)}`
      : `device ${code(scope.deviceId)}`;
}

const TRANSPORT_LABELS = {
  sliding: 'Simplified sliding sync (MSC4186)',
  v3: '/v3/sync (fallback)',
} as const;

/** The Markdown text of a report. */
export function reportMarkdown(r: DiagnosticReport): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push(
    '# Account Data Inspector — diagnostic report',
    '',
    `Generated ${r.generatedAt} by ${r.generator}. Secret contents and tokens are never included.`,
    '',
    '## Server',
    '',
    `- Account: ${code(r.account.userId)}${r.account.deviceId ? ` (device ${code(r.account.deviceId)})` : ''}`,
    `- Homeserver: ${r.server.baseUrl}`,
    `- Server name: ${r.server.serverName || 'unknown'}`,
    `- Software: ${r.server.software ? `${r.server.software.name} ${r.server.software.version}` : 'not readable'}`,
    `- Spec versions: ${r.server.versions.length > 0 ? r.server.versions.join(', ') : 'unknown (/versions not readable)'}`,
  );
  const features = RELEVANT_FEATURES.filter(([f]) => f in r.server.unstableFeatures).map(
    ([f, label]) => `${code(f)} ${r.server.unstableFeatures[f] ? 'on' : 'off'} (${label})`,
  );
  push(
    `- Unstable features: ${features.length > 0 ? features.join('; ') : 'none of the relevant ones listed'}${r.server.otherUnstableFeaturesOn > 0 ? `; ${r.server.otherUnstableFeaturesOn} other(s) on` : ''}`,
    '',
    '## Sync and capabilities',
    '',
    `- Sync transport: ${r.sync.transport ? TRANSPORT_LABELS[r.sync.transport] : 'none running'}`,
    `- Sliding sync offered: ${yesNo(r.capabilities.slidingSync)}`,
    `- Deleting account data (MSC3391): ${yesNo(r.capabilities.accountDataDelete)}`,
    `- Per-device account data (MSC4331): ${yesNo(r.capabilities.deviceAccountData)}`,
    `- OAuth 2.0 (next-gen auth): ${r.capabilities.oauthIssuer === undefined ? 'unknown' : r.capabilities.oauthIssuer === null ? 'no (legacy sign-in)' : `yes, issuer ${r.capabilities.oauthIssuer}`}`,
    '',
    '## Account data',
    '',
    `- ${r.counts.globalEntries} global entries; ${r.counts.roomEntries} room entries in ${r.counts.rooms} room${r.counts.rooms === 1 ? '' : 's'}; ${r.counts.deviceEntries} per-device entries`,
    `- Secret entries (named only, contents never included): ${r.secretTypes.length > 0 ? r.secretTypes.map(code).join(', ') : 'none'}`,
    `- Orphans (per-device global entries whose device is gone): ${r.orphans.length > 0 ? r.orphans.map(code).join(', ') : 'none'}`,
    '',
    `### Largest entries (top ${LARGEST_ENTRIES})`,
    '',
  );
  if (r.largestEntries.length === 0) push('No entries.');
  else {
    push('| Type | Scope | Size |', '| --- | --- | ---: |');
    for (const e of r.largestEntries) {
      push(
        `| ${cell(code(e.type))} | ${cell(scopeLabel(e.scope))} | ${e.bytes < 1024 ? `${e.bytes} B` : `${formatBytes(e.bytes)} (${e.bytes} B)`} |`,
      );
    }
  }
  push('', '## Devices', '');
  if (r.devices === null) push('The device list was not read.');
  else if (r.devices.length === 0) push('No devices.');
  else {
    push('| Device | Name | Client | Last seen | Per-device entries |', '| --- | --- | --- | --- | ---: |');
    for (const d of r.devices) {
      const client = d.client
        ? [d.client.name, d.client.version].filter((x) => x !== undefined).join(' ') || (d.client.url ?? '')
        : '';
      push(
        `| ${cell(code(d.deviceId))}${d.isCurrent ? ' (this session)' : ''} | ${cell(d.displayName ?? '')} | ${cell(client)} | ${d.lastSeen ?? ''} | ${d.entries} |`,
      );
    }
  }
  const kb = r.keyBackup;
  const backup =
    kb.backup.state === 'present'
      ? `version ${kb.backup.version}, ${kb.backup.algorithm}, ${kb.backup.count} keys`
      : kb.backup.state === 'none'
        ? 'none'
        : `unknown${kb.backup.error ? ` (${kb.backup.error})` : ''}`;
  push(
    '',
    '## Key backup',
    '',
    `- Preference ${code(KEY_BACKUP_TYPE)} (MSC4287): ${preferenceLabel(kb.preference)}`,
    `- Old key ${code(BACKUP_DISABLED_TYPE)}: ${preferenceLabel(kb.unstable)}`,
    `- Element Web concludes: ${preferenceLabel(kb.elementWeb)}`,
    `- Server backup: ${backup}`,
    `- Backup key in secret storage: ${yesNo(kb.keyInSecretStorage)}`,
    `- A new sign-in: ${kb.newSignIn}`,
  );
  for (const w of kb.warnings) push(`- Warning: ${w.message}`);
  const { problems } = r.validation;
  const entriesWithProblems = new Set(problems.map((p) => `${JSON.stringify(p.scope)} ${p.type}`)).size;
  push(
    '',
    '## Validation',
    '',
    problems.length === 0
      ? `No problems found in ${r.validation.checkedEntries} entries.`
      : `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${entriesWithProblems} entr${entriesWithProblems === 1 ? 'y' : 'ies'} (${r.validation.checkedEntries} checked):`,
  );
  if (problems.length > 0) push('');
  for (const p of problems) {
    push(
      `- ${p.severity}: ${code(p.type)} (${scopeLabel(p.scope)})${p.path ? ` at ${code(p.path)}` : ''}: ${p.message.replace(/\r?\n/g, ' ')}`,
    );
  }
  push('');
  return lines.join('\n');
}

/**
 * The server software's name and version, without a token: the spec's federation version endpoint
 * (often not on the client listener), then Synapse's `/_synapse/admin/v1/server_version` (no
 * authentication needed). Null when neither answers; never throws.
 */
export async function readServerSoftware(
  baseUrl: string,
  options: { fetch?: FetchLike; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ServerSoftware | null> {
  const doFetch = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<unknown> => {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const res = await doFetch(`${base}${path}`, { method: 'GET', signal, credentials: 'omit' });
      return res.ok ? await res.json() : undefined;
    } catch {
      return undefined;
    }
  };
  const federation = await get('/_matrix/federation/v1/version');
  if (isRecord(federation) && isRecord(federation.server)) {
    const { name, version } = federation.server;
    if (typeof name === 'string' && typeof version === 'string') {
      return { name, version, source: '/_matrix/federation/v1/version' };
    }
  }
  const synapse = await get('/_synapse/admin/v1/server_version');
  if (isRecord(synapse) && typeof synapse.server_version === 'string') {
    return { name: 'Synapse', version: synapse.server_version, source: '/_synapse/admin/v1/server_version' };
  }
  return null;
}
