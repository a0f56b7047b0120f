/**
 * The history as a JSON export: its shape (`HistoryExport`, one `ExportedVersion` per version, scope
 * and type spelled out) and the redaction of secret-holding contents (`isSecretType`) unless the user
 * includes them. Holds no tokens.
 */
import type { HistorySource, HistoryWrite } from '../../../lib/local-db.ts';
import { parseEntryKey } from '../../../matrix/entry-key.ts';
import { isSecretType } from '../../../matrix/known-types.ts';
import type { AccountDataScope, JsonObject } from '../../../matrix/types.ts';
import type { HistoryVersion } from './history-records.ts';

/** One version in an export: plain JSON, scope and type spelled out. */
export type ExportedVersion = {
  id: number;
  scope: AccountDataScope;
  type: string;
  /** Epoch ms, and the same as ISO 8601. */
  at: number;
  time: string;
  source: HistorySource;
  /** Absent when {@link ExportedVersion.redacted}; `null` when deleted. */
  content?: JsonObject | null;
  /** The content held a secret and the export was made without secrets. */
  redacted?: true;
  size: number;
  write?: HistoryWrite;
  /** It changed while the app was not watching (seen at sign-in, differing from the known version). */
  changedSinceLastSeen?: true;
};

/** What `HistoryStore.exportJson` returns: JSON-serialisable, no tokens. */
export type HistoryExport = {
  format: 'account-data-inspector/history';
  formatVersion: 1;
  account: string;
  exportedAt: string;
  /** Whether secret-holding contents are included (else they are redacted). */
  includesSecrets: boolean;
  /** Oldest first. */
  versions: ExportedVersion[];
};

/** The export of `versions` (oldest first) of `account`, made now. */
export function historyExport(
  account: string,
  versions: readonly HistoryVersion[],
  includeSecrets: boolean,
): HistoryExport {
  return {
    format: 'account-data-inspector/history',
    formatVersion: 1,
    account,
    exportedAt: new Date().toISOString(),
    includesSecrets: includeSecrets,
    versions: versions.map((version) => exported(version, includeSecrets)),
  };
}

/** One version as exported; its content redacted when it holds a secret and secrets are left out. */
export function exported(version: HistoryVersion, includeSecrets: boolean): ExportedVersion {
  const { scope, type } = parseEntryKey(version.entry);
  const out: ExportedVersion = {
    id: version.id,
    scope,
    type,
    at: version.at,
    time: new Date(version.at).toISOString(),
    source: version.source,
    size: version.size,
  };
  if (version.content !== null && !includeSecrets && isSecretType(type, version.content)) {
    out.redacted = true;
  } else {
    out.content = version.content;
  }
  if (version.write) out.write = version.write;
  if (version.changedSinceLastSeen) out.changedSinceLastSeen = true;
  return out;
}
