/**
 * The "History" tab of an entry: every version this app observed, newest first (time, source, size,
 * a one-line summary of the change), the diff between any two (default: the selected version against
 * the one before it) and "Restore this version", which goes through the usual save confirmation.
 * Presentational: the versions come from the history store through `use-entry-history.ts`.
 */
import { useId, useMemo } from 'react';
import type { JsonObject } from '../../matrix/types.ts';
import { DiffView } from '../../editor/diff-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { formatBytes } from '../../lib/format.ts';
import { formatContent } from './model.ts';
import { summariseChange } from './version-summary.ts';

/** One stored version, as the tab needs it (the history store's records have this shape). */
export type VersionRow = {
  id: number;
  at: number;
  source: 'initial' | 'live' | 'this-app';
  /** `null`: deleted. */
  content: JsonObject | null;
  size: number;
  write?: { action: string; outcome: 'ok' | 'failed'; method?: string; error?: string };
  /** It changed while the app was not watching: seen at sign-in, differing from the version known. */
  changedSinceLastSeen?: boolean;
};

export type HistoryTabProps = {
  type: string;
  /** Newest first; `undefined` while loading. */
  versions: readonly VersionRow[] | undefined;
  /** False when the browser keeps no history (IndexedDB unavailable). */
  isAvailable: boolean;
  /** The version shown on the right of the diff; the newest when absent. */
  selectedId: number | undefined;
  /** The version on the left; the one before the selected when absent. */
  compareId: number | undefined;
  onSelect: (id: number) => void;
  onCompare: (id: number | undefined) => void;
  /** Restore through the save confirmation; absent when the entry cannot be written. */
  onRestore?: (content: JsonObject) => void;
};

/** Human wording of where a version came from. */
export function describeSource(version: VersionRow): string {
  switch (version.source) {
    case 'initial':
      return version.changedSinceLastSeen ? 'Changed while away (seen at sign-in)' : 'Initial sync';
    case 'live':
      return 'Live change';
    case 'this-app': {
      const action = version.write?.action ?? 'save';
      if (version.write?.outcome === 'failed') return `This app: ${action} failed`;
      return `This app: ${action}${version.write?.method ? ` (${version.write.method})` : ''}`;
    }
  }
}

const textOf = (version: VersionRow | undefined) => (version?.content ? formatContent(version.content) : '');

export function HistoryTab(props: HistoryTabProps) {
  const { versions, selectedId, compareId } = props;
  const selectId = useId();
  // Only versions that the server held count as "the one before" (a failed write never did).
  const rows = useMemo(() => {
    const list = versions ?? [];
    return list.map((version, i) => {
      const previous = list.slice(i + 1).find((v) => v.write?.outcome !== 'failed');
      return { version, summary: summariseChange(previous ? previous.content : undefined, version.content) };
    });
  }, [versions]);

  if (!props.isAvailable) {
    return (
      <EmptyState title="No history in this browser">
        This browser does not let the inspector keep data (private mode or storage disabled), so versions are
        not recorded.
      </EmptyState>
    );
  }
  if (!versions) return <p className="hint">Loading history…</p>;
  if (versions.length === 0) {
    return (
      <EmptyState title="No versions yet">
        Versions are recorded from the first sync on; changes by any client appear here as they happen.
      </EmptyState>
    );
  }

  const selected = versions.find((v) => v.id === selectedId) ?? versions[0];
  const selectedIndex = selected ? versions.indexOf(selected) : 0;
  const defaultCompare = versions.slice(selectedIndex + 1).find((v) => v.write?.outcome !== 'failed');
  const compare = versions.find((v) => v.id === compareId) ?? defaultCompare;

  return (
    <div className="history-tab">
      <table className="history-table" aria-label={`Versions of ${props.type}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Source</th>
            <th scope="col">Size</th>
            <th scope="col">Change</th>
            <th scope="col">
              <span className="visually-hidden">Show</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ version, summary }) => {
            const isSelected = version.id === selected?.id;
            return (
              <tr
                key={version.id}
                aria-selected={isSelected}
                className={isSelected ? 'is-selected' : undefined}
              >
                <td>
                  <RelativeTime ts={version.at} />
                </td>
                <td>{describeSource(version)}</td>
                <td>{version.content ? formatBytes(version.size) : '—'}</td>
                <td>
                  {version.write?.outcome === 'failed' ? (version.write.error ?? 'not saved') : summary}
                </td>
                <td>
                  <button
                    type="button"
                    className="button button--tertiary"
                    aria-pressed={isSelected}
                    aria-label={`Show version ${version.id}`}
                    onClick={() => {
                      props.onSelect(version.id);
                    }}
                  >
                    Show
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <div className="history-tab__compare">
        <label htmlFor={selectId}>Compare with</label>
        <select
          id={selectId}
          value={compare?.id ?? ''}
          onChange={(e) => {
            props.onCompare(e.target.value === '' ? undefined : Number(e.target.value));
          }}
        >
          <option value="">Nothing (empty)</option>
          {versions
            .filter((v) => v.id !== selected?.id)
            .map((v) => (
              <option key={v.id} value={v.id}>
                {`#${v.id} · ${describeSource(v)} · ${new Date(v.at).toLocaleString()}`}
              </option>
            ))}
        </select>
        {props.onRestore && selected?.content ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              if (selected.content) props.onRestore?.(selected.content);
            }}
          >
            Restore this version
          </button>
        ) : null}
      </div>

      <DiffView
        original={textOf(compare)}
        modified={textOf(selected)}
        originalLabel={compare ? `Version #${compare.id}` : 'Nothing'}
        modifiedLabel={selected ? `Version #${selected.id}${selected.content ? '' : ' (deleted)'}` : ''}
        ariaLabel={`Differences between two versions of ${props.type}`}
        height="18rem"
      />
    </div>
  );
}
