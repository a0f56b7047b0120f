/**
 * What this browser's history remembers about a tombstone the current session did not see happen
 * (e.g. after a reload, a room type arrives as `{}` with no previous content): the last content the
 * server held, for Restore, and who deleted it, how and when.
 */
import type { Deletion } from '../../matrix/account-data-fold.ts';
import type { JsonObject } from '../../matrix/types.ts';
import type { VersionRow } from './history-tab.tsx';

const METHODS = new Set<string>(['DELETE', 'PUT_EMPTY', 'TAGS']);

export type RememberedDeletion = { lastContent?: JsonObject; deletion?: Deletion };

/** From an entry's versions (newest first). Failed writes never count: the server did not hold them. */
export function rememberedDeletion(versions: readonly VersionRow[] | undefined): RememberedDeletion {
  const held = (versions ?? []).filter((v) => v.write?.outcome !== 'failed');
  const newest = held[0];
  const out: RememberedDeletion = {};
  const lastContent = held.find((v) => v.content !== null)?.content;
  if (lastContent) out.lastContent = lastContent;
  // A deletion first seen in an initial sync says nothing about who deleted it or when.
  if (newest?.content === null && newest.source !== 'initial') {
    const method = newest.write?.method;
    out.deletion =
      newest.source === 'this-app'
        ? {
            by: 'this-app',
            at: newest.at,
            ...(method && METHODS.has(method) ? { method: method as NonNullable<Deletion['method']> } : {}),
          }
        : { by: 'elsewhere', at: newest.at };
  }
  return out;
}
