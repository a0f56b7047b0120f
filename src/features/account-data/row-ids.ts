/**
 * IDs of the tree's rows. An entry row's ID is its entry key (`src/matrix/entry-key.ts`) behind a
 * prefix, so a selected row ID can be resolved back to the entry without the tree (`selection.ts`).
 */
import { entryKey } from '../../matrix/entry-key.ts';
import type { AccountDataScope } from '../../matrix/types.ts';

/** Row-ID prefixes. */
export const ROW_PREFIX = { entry: 'entry:', room: 'room:', device: 'device:' } as const;

export const roomRowId = (roomId: string) => `${ROW_PREFIX.room}${roomId}`;
export const deviceRowId = (deviceId: string) => `${ROW_PREFIX.device}${deviceId}`;
export const entryRowId = (scope: AccountDataScope, type: string) =>
  `${ROW_PREFIX.entry}${entryKey(scope, type)}`;
