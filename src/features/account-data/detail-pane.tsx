/**
 * The right-hand pane: the selected entry's editor, a room's or a device's facts, or the Overview
 * when nothing (or a group) is selected. It is fed a resolved {@link Selection}, not a tree row, so
 * what the tree shows never decides what stays open here.
 */
import type { MatrixClient } from '../../matrix/client.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { EntryPanel } from './entry-panel.tsx';
import type { DraftsDb } from './drafts-db.ts';
import type { RoomsData, ScopeData } from './model.ts';
import { Overview } from './overview.tsx';
import type { PendingWrites } from './pending-writes.ts';
import type { Selection } from './selection.ts';
import type { WriteObserver } from './write-events.ts';

export function DetailPane(props: {
  selection: Selection | undefined;
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
  /** `ServerCapabilities.accountDataDelete`; undefined while unknown. */
  accountDataDelete?: boolean | undefined;
  /** Told about every settled write (the change history). */
  onWrite?: WriteObserver | undefined;
  /** Opens the key-backup panel (Overview line, the preference entries); absent: not offered. */
  onOpenKeyBackup?: (() => void) | undefined;
}) {
  const row = props.selection;
  if (!row) {
    return (
      <Overview
        global={props.global}
        rooms={props.rooms}
        roomCount={props.roomCount}
        roomsComplete={props.roomsComplete}
        onOpenKeyBackup={props.onOpenKeyBackup}
      />
    );
  }
  if (row.kind === 'entry') {
    const scopeLabel =
      row.scope.kind === 'global'
        ? 'Global'
        : row.scope.kind === 'room'
          ? `Room ${props.rooms?.byId.get(row.scope.roomId)?.info.name ?? ''} (${row.scope.roomId})`
          : `Device ${row.scope.deviceId}`;
    return (
      <EntryPanel
        client={props.client}
        pending={props.pending}
        draftsDb={props.draftsDb}
        scope={row.scope}
        entry={row.entry}
        scopeLabel={scopeLabel}
        accountDataDelete={props.accountDataDelete}
        onWrite={props.onWrite}
        onOpenKeyBackup={props.onOpenKeyBackup}
      />
    );
  }
  if (row.kind === 'room') {
    const { info, data } = row.room;
    const live = Object.values(data).filter((e) => !e.isDeleted).length;
    return (
      <section className="detail" aria-label={`Room ${info.name}`}>
        <h2>{info.name}</h2>
        <dl className="facts">
          <dt>Room ID</dt>
          <dd>
            <code>{info.roomId}</code>
          </dd>
          {info.canonicalAlias ? (
            <>
              <dt>Alias</dt>
              <dd>
                <code>{info.canonicalAlias}</code>
              </dd>
            </>
          ) : null}
          <dt>Entries</dt>
          <dd>
            {live} live, {Object.keys(data).length - live} deleted
          </dd>
        </dl>
        <p className="hint">Expand the room in the tree to open its entries.</p>
      </section>
    );
  }
  const d = row.device;
  return (
    <section className="detail" aria-label={`Device ${d.device_id}`}>
      <h2>{d.display_name || d.device_id}</h2>
      <dl className="facts">
        <dt>Device ID</dt>
        <dd>
          <code>{d.device_id}</code>
        </dd>
        {d.last_seen_ts ? (
          <>
            <dt>Last seen</dt>
            <dd>
              <RelativeTime ts={d.last_seen_ts} />
            </dd>
          </>
        ) : null}
      </dl>
      {row.isCurrent ? (
        <p className="hint">This is the inspector&apos;s own device; signing out removes it.</p>
      ) : null}
      <p className="hint">Per-device account data (MSC4331) will be listed here.</p>
    </section>
  );
}
