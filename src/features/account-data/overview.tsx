/** The Overview shown when no entry is selected: counts and the key-backup preference at a glance. */
import { useMemo } from 'react';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  preferenceLabel,
  readBackupDisabled,
  readKeyBackup,
} from '../../matrix/key-backup-preference.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Spinner } from '../../components/spinner.tsx';
import type { RoomsData, ScopeData } from './model.ts';

export type EntryCounts = { live: number; deleted: number };

/** Live entries and tombstones (from the initial data or seen live) of some scopes. */
export function countEntries(scopes: Iterable<ScopeData>): EntryCounts {
  let live = 0;
  let deleted = 0;
  for (const data of scopes) {
    for (const type in data) {
      if (data[type]?.isDeleted) deleted += 1;
      else live += 1;
    }
  }
  return { live, deleted };
}

function roomScopes(rooms: RoomsData): Iterable<ScopeData> {
  return [...rooms.byId.values()].map((room) => room.data);
}

export function Overview(props: {
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
  /** Opens the key-backup panel; absent: the line has no link. */
  onOpenKeyBackup?: (() => void) | undefined;
}) {
  const { rooms } = props;
  const roomCounts = useMemo(() => (rooms ? countEntries(roomScopes(rooms)) : undefined), [rooms]);
  if (!props.global) {
    return (
      <EmptyState title="Loading your account data…">
        <Spinner size="sm" /> The first sync brings every global entry, then room account data arrives for
        every joined room.
      </EmptyState>
    );
  }
  const globalCounts = countEntries([props.global]);
  const contentOf = (type: string) => props.global?.[type]?.content ?? undefined;
  // MSC4287's rules (src/matrix/key-backup-preference.ts): m.key_backup alone decides the word.
  const preference = readKeyBackup(contentOf(KEY_BACKUP_TYPE));
  const unstable = readBackupDisabled(contentOf(BACKUP_DISABLED_TYPE));
  const isStableSet = preference === 'on' || preference === 'off';
  const isUnstableSet = unstable === 'on' || unstable === 'off';
  return (
    <section className="detail" aria-label="Overview">
      <h2>Overview</h2>
      <dl className="facts">
        <dt>Global entries</dt>
        <dd>
          {globalCounts.live} live, {globalCounts.deleted} deleted
        </dd>
        <dt>Rooms</dt>
        <dd>
          {props.roomCount ?? 0} joined{props.roomsComplete ? '' : ' (still loading)'}
        </dd>
        <dt>Room entries</dt>
        <dd>
          {roomCounts?.live ?? 0} live, {roomCounts?.deleted ?? 0} deleted
          {props.roomsComplete ? '' : ' so far'}
        </dd>
        <dt>Key backup preference</dt>
        <dd>
          {preferenceLabel(preference)}
          {!isStableSet && isUnstableSet
            ? ` — Element follows the old key: ${preferenceLabel(unstable)}`
            : ''}
          {isStableSet && isUnstableSet && preference !== unstable
            ? ` — the old key says ${preferenceLabel(unstable)}: clients disagree`
            : ''}
          {props.onOpenKeyBackup ? (
            <>
              {' '}
              <button type="button" className="button button--tertiary" onClick={props.onOpenKeyBackup}>
                Key backup details
              </button>
            </>
          ) : null}
        </dd>
      </dl>
      <p className="hint">Select an entry in the tree to view or edit it. Use “New entry” to add one.</p>
    </section>
  );
}
