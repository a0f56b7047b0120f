/**
 * IDs of the tree's rows. An entry row's ID is its entry key (`src/matrix/entry-key.ts`) behind a
 * prefix, so a selected row ID can be resolved back to the entry without the tree (`selection.ts`).
 *
 * One entry can appear in two places (a global per-device entry sits under Global *and* under its
 * device or "Orphaned entries"). Row IDs must be unique, so the second place gets an *alias* ID —
 * its parent's row ID and the entry's row ID — which {@link canonicalRowId} maps back to the entry:
 * both rows open the same editor, draft and history.
 */
import { entryKey } from '../../matrix/entry-key.ts';
import type { AccountDataScope } from '../../matrix/types.ts';

/** Row-ID prefixes of the rows that open something in the detail pane. */
export const ROW_PREFIX = {
  entry: 'entry:',
  room: 'room:',
  device: 'device:',
  alias: 'alias:',
  orphans: 'orphans',
} as const;

/** The "Orphaned entries" node under Devices. */
export const ORPHANS_ROW_ID = ROW_PREFIX.orphans;

/** Separates an alias row's parent from the entry row it stands for (never in a device or row ID). */
const ALIAS_SEPARATOR = '\u001e';

export const roomRowId = (roomId: string) => `${ROW_PREFIX.room}${roomId}`;
export const deviceRowId = (deviceId: string) => `${ROW_PREFIX.device}${deviceId}`;
export const entryRowId = (scope: AccountDataScope, type: string) =>
  `${ROW_PREFIX.entry}${entryKey(scope, type)}`;

/** The ID of an entry shown a second time, under `parentRowId`. */
export const aliasRowId = (parentRowId: string, scope: AccountDataScope, type: string) =>
  `${ROW_PREFIX.alias}${parentRowId}${ALIAS_SEPARATOR}${entryRowId(scope, type)}`;

/** The entry row an alias stands for; any other ID unchanged. */
export function canonicalRowId(id: string): string {
  if (!id.startsWith(ROW_PREFIX.alias)) return id;
  const at = id.indexOf(ALIAS_SEPARATOR);
  return at < 0 ? id : id.slice(at + 1);
}
