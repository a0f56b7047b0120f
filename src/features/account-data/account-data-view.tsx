/**
 * The inspector's main screen for one signed-in user: a filterable, virtualised tree of global,
 * room and device account data on the left, the selected entry's editor on the right.
 */
import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useShallow } from 'zustand/react/shallow';
import type { MatrixClient } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { effectiveKeyBackup } from '../../matrix/known-types.ts';
import { entryKey } from '../../matrix/entry-key.ts';
import { TreeView, type TreeRowState } from '../../components/tree-view.tsx';
import { Badge } from '../../components/badge.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { preloadJsonEditor } from '../../editor/json-editor.tsx';
import { ErrorBoundary } from '../../components/error-boundary.tsx';
import { accountDataKeys, accountDataQueries } from './queries.ts';
import {
  buildTreeRows,
  entryRowId,
  GROUP_IDS,
  roomRowId,
  entrySummary,
  type AccountDataRow,
} from './tree-model.ts';
import {
  createInspectorStore,
  InspectorStoreContext,
  useInspector,
  type InspectorStore,
} from './inspector-store.tsx';
import { EntryPanel } from './entry-panel.tsx';
import { NewEntryDialog } from './new-entry-dialog.tsx';
import { useSetAccountData } from './mutations.ts';
import type { PendingWrites } from './pending-writes.ts';
import { DraftsDb } from './drafts-db.ts';
import type { RoomsData, ScopeData } from './model.ts';

export type AccountDataViewProps = {
  client: MatrixClient;
  pending: PendingWrites;
};

export function AccountDataView(props: AccountDataViewProps) {
  const [store] = useState<InspectorStore>(createInspectorStore);
  const [draftsDb] = useState(() => new DraftsDb());
  useEffect(() => {
    let isCurrent = true;
    draftsDb
      .all(props.client.userId)
      .then((drafts) => {
        if (isCurrent) store.getState().actions.draftsLoaded(drafts);
      })
      .catch(() => undefined);
    // Warm Monaco up in the background once the tree is on screen.
    const id = window.setTimeout(preloadJsonEditor, 1500);
    return () => {
      isCurrent = false;
      window.clearTimeout(id);
    };
  }, [draftsDb, props.client.userId, store]);
  return (
    <InspectorStoreContext value={store}>
      <Inspector {...props} draftsDb={draftsDb} />
    </InspectorStoreContext>
  );
}

function Inspector({ client, pending, draftsDb }: AccountDataViewProps & { draftsDb: DraftsDb }) {
  const userId = client.userId;
  const global = useQuery(accountDataQueries.global(userId)).data;
  const rooms = useQuery(accountDataQueries.rooms(userId)).data;
  const devices = useQuery({
    queryKey: accountDataKeys.devices(userId),
    queryFn: ({ signal }) => client.getDevices({ signal }),
    staleTime: 60_000,
  }).data;

  const { selectedId, expanded, filter, isNewEntryOpen, draftKeys } = useInspector(
    useShallow((s) => ({
      selectedId: s.selectedId,
      expanded: s.expanded,
      filter: s.filter,
      isNewEntryOpen: s.isNewEntryOpen,
      draftKeys: s.drafts,
    })),
  );
  const actions = useInspector((s) => s.actions);
  const filterId = useId();
  const [filterText, setFilterText] = useState(filter);
  // Filtering 10,000 rooms per keystroke is wasteful; apply it once typing pauses.
  useEffect(() => {
    const id = window.setTimeout(() => {
      actions.filterChanged(filterText);
    }, 120);
    return () => {
      window.clearTimeout(id);
    };
  }, [actions, filterText]);

  const rows = useMemo(
    () => buildTreeRows({ global, rooms, devices, currentDeviceId: client.deviceId, expanded, filter }),
    [global, rooms, devices, client.deviceId, expanded, filter],
  );
  const selected = useMemo(() => rows.find((r) => r.id === selectedId), [rows, selectedId]);

  const renderContent = useCallback(
    (row: AccountDataRow, _state: TreeRowState): ReactNode => {
      switch (row.kind) {
        case 'entry': {
          const hasDraft = entryKey(row.scope, row.entry.type) in draftKeys;
          return (
            <>
              <span className="tree-row__summary">{entrySummary(row.entry)}</span>
              {row.badges.map((b) => (
                <Badge key={b} variant={b} />
              ))}
              {hasDraft ? <Badge variant="info">Draft</Badge> : null}
            </>
          );
        }
        case 'group':
        case 'room':
        case 'device':
          return (
            <>
              {row.kind === 'room' ? (
                <span className="tree-row__secondary" title={row.room.info.roomId}>
                  {row.room.info.roomId}
                </span>
              ) : null}
              <span className="tree-row__summary">{row.summary}</span>
            </>
          );
        case 'message':
          return null;
      }
    },
    [draftKeys],
  );

  const setMutation = useSetAccountData(client, pending);
  const selectedScope: AccountDataScope =
    selected?.kind === 'entry'
      ? selected.scope
      : selected?.kind === 'room'
        ? { kind: 'room', roomId: selected.room.info.roomId }
        : { kind: 'global' };

  const onCreate = (scope: AccountDataScope, type: string, content: JsonObject) => {
    actions.newEntryClosed();
    actions.rowsExpanded(
      scope.kind === 'room' ? [GROUP_IDS.rooms, roomRowId(scope.roomId)] : [GROUP_IDS.global],
    );
    actions.rowSelected(entryRowId(scope, type));
    setMutation.mutate({ scope, type, content });
  };

  return (
    <div className="inspector">
      <aside className="inspector__sidebar" aria-label="Account data browser">
        <div className="inspector__toolbar">
          <label htmlFor={filterId} className="visually-hidden">
            Filter
          </label>
          <input
            id={filterId}
            type="search"
            className="inspector__filter"
            placeholder="Filter types and content…"
            value={filterText}
            onChange={(e) => {
              setFilterText(e.target.value);
            }}
            onKeyDown={(e) => {
              // ArrowDown moves from the filter into the tree, as in a combobox.
              if (e.key !== 'ArrowDown') return;
              const row = document.querySelector<HTMLElement>(
                '.inspector__tree [role="treeitem"][tabindex="0"]',
              );
              if (!row) return;
              e.preventDefault();
              row.focus();
            }}
          />
          <button type="button" className="button button--primary" onClick={actions.newEntryOpened}>
            New entry
          </button>
        </div>
        <TreeView<AccountDataRow>
          label="Account data"
          className="inspector__tree"
          nodes={rows}
          selectedId={selectedId}
          onSelect={actions.rowSelected}
          onToggle={actions.rowToggled}
          onExpandSiblings={actions.rowsExpanded}
          renderContent={renderContent}
        />
        {setMutation.isError ? (
          <p className="banner banner--critical" role="alert">
            Could not create the entry: {setMutation.error.message}
          </p>
        ) : null}
      </aside>
      <main className="inspector__main">
        <ErrorBoundary area="The entry pane" resetKey={selectedId}>
          <DetailPane
            row={selected}
            client={client}
            pending={pending}
            draftsDb={draftsDb}
            global={global}
            rooms={rooms}
            roomCount={rooms?.order.length}
            roomsComplete={rooms?.isComplete ?? false}
          />
        </ErrorBoundary>
      </main>
      {isNewEntryOpen ? (
        <NewEntryDialog
          global={global}
          rooms={rooms}
          defaultScope={selectedScope}
          onCancel={actions.newEntryClosed}
          onCreate={onCreate}
        />
      ) : null}
    </div>
  );
}

function DetailPane(props: {
  row: AccountDataRow | undefined;
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
}) {
  const { row } = props;
  if (!row || row.kind === 'message' || row.kind === 'group') {
    return <Overview global={props.global} roomCount={props.roomCount} roomsComplete={props.roomsComplete} />;
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

function Overview(props: {
  global: ScopeData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
}) {
  if (!props.global) {
    return (
      <EmptyState title="Loading your account data…">
        The first sync brings every global entry, then room account data arrives for every joined room.
      </EmptyState>
    );
  }
  const entries = Object.values(props.global);
  const live = entries.filter((e) => !e.isDeleted).length;
  const contentOf = (type: string) => props.global?.[type]?.content ?? undefined;
  const backup = effectiveKeyBackup({
    'm.key_backup': contentOf('m.key_backup'),
    'm.org.matrix.custom.backup_disabled': contentOf('m.org.matrix.custom.backup_disabled'),
  });
  return (
    <section className="detail" aria-label="Overview">
      <h2>Overview</h2>
      <dl className="facts">
        <dt>Global entries</dt>
        <dd>
          {live} live, {entries.length - live} deleted
        </dd>
        <dt>Rooms</dt>
        <dd>
          {props.roomCount ?? 0} joined{props.roomsComplete ? '' : ' (still loading)'}
        </dd>
        <dt>Key backup preference</dt>
        <dd>
          {backup.state === 'undetermined'
            ? 'Not set — each client decides'
            : `${backup.state === 'enabled' ? 'On' : 'Off'} (from ${backup.source ?? ''})`}
          {backup.isDisagreement ? ' — m.key_backup and the unstable backup_disabled disagree' : ''}
        </dd>
      </dl>
      <p className="hint">Select an entry in the tree to view or edit it. Use “New entry” to add one.</p>
    </section>
  );
}
