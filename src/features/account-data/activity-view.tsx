/**
 * The "Activity" view: every change across all scopes, newest first, filterable by scope and type.
 * Each row opens the entry's History tab at that version, whose diff shows what changed. Live: the
 * store notifies after each flush and the list is read again. Presentational; data comes from
 * `use-history.ts`.
 */
import { useId, type ReactNode } from 'react';
import { tryParseEntryKey } from '../../matrix/entry-key.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { formatBytes } from '../../lib/format.ts';
import { describeSource, type VersionRow } from './history-tab.tsx';

/** One change in the activity list: a version plus the entry it belongs to. */
export type ActivityRow = VersionRow & { entry: string };

export type ActivityFilter = { kind?: 'global' | 'room' | 'device'; type?: string };

export type ActivityViewProps = {
  /** Newest first; `undefined` while loading. */
  rows: readonly ActivityRow[] | undefined;
  isAvailable: boolean;
  filter: ActivityFilter;
  onFilterChange: (filter: ActivityFilter) => void;
  /** Open the entry's history at this version. */
  onOpen: (entry: string, versionId: number) => void;
  /** A room's display name, for room-scope rows. */
  roomName: (roomId: string) => string | undefined;
  /** Extra controls beside the filters (export). */
  toolbar?: ReactNode;
};

function describeScope(entry: string, roomName: (roomId: string) => string | undefined): string {
  const scope = tryParseEntryKey(entry)?.scope;
  if (!scope) return 'Unknown scope';
  if (scope.kind === 'global') return 'Global';
  if (scope.kind === 'room') return `Room ${roomName(scope.roomId) ?? scope.roomId}`;
  return `Device ${scope.deviceId}`;
}

const typeOf = (entry: string): string => tryParseEntryKey(entry)?.type ?? entry;

export function ActivityView(props: ActivityViewProps) {
  const kindId = useId();
  const typeId = useId();
  const { rows, filter } = props;
  return (
    <section className="detail activity" aria-label="Activity">
      <h2>Activity</h2>
      <div className="activity__filters">
        <label htmlFor={kindId}>Scope</label>
        <select
          id={kindId}
          value={filter.kind ?? ''}
          onChange={(e) => {
            const kind = e.target.value as ActivityFilter['kind'] | '';
            props.onFilterChange({ ...filter, kind: kind === '' ? undefined : kind });
          }}
        >
          <option value="">All scopes</option>
          <option value="global">Global</option>
          <option value="room">Rooms</option>
          <option value="device">Devices</option>
        </select>
        <label htmlFor={typeId}>Type</label>
        <input
          id={typeId}
          type="search"
          value={filter.type ?? ''}
          placeholder="e.g. m.direct"
          onChange={(e) => {
            props.onFilterChange({ ...filter, type: e.target.value === '' ? undefined : e.target.value });
          }}
        />
        {props.toolbar ? <span className="activity__toolbar">{props.toolbar}</span> : null}
      </div>
      {!props.isAvailable ? (
        <EmptyState title="No history in this browser">
          This browser does not let the inspector keep data, so changes are not recorded.
        </EmptyState>
      ) : !rows ? (
        <p className="hint">Loading activity…</p>
      ) : rows.length === 0 ? (
        <EmptyState title="No changes yet">
          Changes made by any client — and by this app — appear here as they happen.
        </EmptyState>
      ) : (
        <ol className="activity__list" aria-label="Changes, newest first">
          {rows.map((row) => {
            const type = typeOf(row.entry);
            return (
              <li key={row.id}>
                <button
                  type="button"
                  className="activity__open"
                  onClick={() => {
                    props.onOpen(row.entry, row.id);
                  }}
                >
                  <span className="activity__type">{type}</span>
                  <span className="activity__scope">{describeScope(row.entry, props.roomName)}</span>
                  <span className="activity__what">
                    {row.content === null ? 'deleted' : formatBytes(row.size)} · {describeSource(row)}
                  </span>
                  <RelativeTime ts={row.at} className="activity__when" />
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
