/**
 * The inspector's main screen for one signed-in user: a filterable, virtualised tree of global,
 * room and device account data on the left, the selected entry's editor on the right.
 */
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useShallow } from 'zustand/react/shallow';
import type { MatrixClient } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { entryKey } from '../../matrix/entry-key.ts';
import { TreeView, type TreeRowState } from '../../components/tree-view.tsx';
import { Badge } from '../../components/badge.tsx';
import { Banner } from '../../components/banner.tsx';
import { preloadJsonEditor } from '../../editor/json-editor.tsx';
import { ErrorBoundary } from '../../components/error-boundary.tsx';
import { accountDataKeys, accountDataQueries } from './queries.ts';
import { buildTreeRows, GROUP_IDS, entrySummary, prepareFilter, type AccountDataRow } from './tree-model.ts';
import { whenIdle } from '../../lib/idle.ts';
import { deviceRowId, entryRowId, roomRowId } from './row-ids.ts';
import { DeviceTypesDb } from './device-types-db.ts';
import { candidateTypes, useDeviceReads, useRememberedDeviceTypes } from './device-reads.ts';
import {
  createInspectorStore,
  InspectorStoreContext,
  useInspector,
  type InspectorStore,
} from './inspector-store.tsx';
import { DetailPane } from './detail-pane.tsx';
import { ActivityPane } from './activity-pane.tsx';
import { parseDeepLink } from './deep-link.ts';
import { useDeepLinkSync } from './use-deep-link.ts';
import { HistoryReaderContext, useHistoryUpdates, type HistoryReader } from './use-history.ts';
import { NewEntryDialog } from './new-entry-dialog.tsx';
import { useSetAccountData } from './mutations.ts';
import type { PendingWrites } from './pending-writes.ts';
import { DraftsDb } from './drafts-db.ts';
import { resolveSelection, scopeOfSelection } from './selection.ts';
import { deletedTitle, deletionModel, otherClientsSentence } from './deletion-text.ts';
import { useShowDeleted } from './show-deleted.ts';
import { M_TAG } from '../../matrix/known-types.ts';
import type { WriteObserver } from './write-events.ts';
import { ValidationPane } from './support/validation-pane.tsx';
import { ReportPane } from './support/report-pane.tsx';
import { TransferPane } from './support/transfer-pane.tsx';
import type { SupportPaneProps } from './support/support-pane-props.ts';

export type AccountDataViewProps = {
  client: MatrixClient;
  pending: PendingWrites;
  /** Told about every settled write of this view (the app passes the change history's recorder). */
  onWrite?: WriteObserver | undefined;
  /** The change history (History tab, Activity view); absent: none is kept. */
  history?: HistoryReader | undefined;
  /**
   * The inspector store, when the app needs to drive it too (the header's "Key backup" button);
   * absent: the view makes its own from the address bar's deep link.
   */
  store?: InspectorStore | undefined;
  /**
   * The key-backup panel, shown as a main view (`#/key-backup`). The app composes it from another
   * feature; absent: the Overview and the preference entries offer no link to it.
   */
  keyBackupPanel?: ReactNode;
  /**
   * A read-only view (an admin's look at another user's snapshot, ADR 013): every entry refuses
   * writes with this title and reason, New entry and Delete are hidden, and nothing is read through
   * `client` (no devices, no capability or MSC4331 probes) — the caches are filled by the caller.
   */
  readOnly?: { title: string; reason: string } | undefined;
  /** The running sync engine (the app's status store), for the diagnostic report; undefined: unknown. */
  syncTransport?: 'sliding' | 'v3' | null | undefined;
};

/** The support tools (issue #14): view, button label, tooltip. */
const SUPPORT_VIEWS = [
  ['validation', 'Validation', 'Every well-known entry checked against its schema'],
  ['report', 'Diagnostic report', 'A redacted report of this account, ready to paste into a ticket'],
  ['transfer', 'Export / import', 'Export all account data as JSON, or import a file entry by entry'],
] as const;

/** Room `m.tag`, which Synapse builds from the tags table (docs/protocol.md §2). */
const isRoomTag = (row: { scope: AccountDataScope; entry: { type: string } }) =>
  row.scope.kind === 'room' && row.entry.type === M_TAG;

export function AccountDataView(props: AccountDataViewProps) {
  // A deep link in the address bar (#/entry?…, #/activity) opens that view right away.
  const [store] = useState<InspectorStore>(
    () => props.store ?? createInspectorStore(parseDeepLink(window.location.hash)),
  );
  useDeepLinkSync(store);
  useHistoryUpdates(props.history, props.client.userId);
  const [draftsDb] = useState(() => new DraftsDb());
  const [deviceTypesDb] = useState(() => new DeviceTypesDb());
  useEffect(() => {
    let isCurrent = true;
    draftsDb
      .all(props.client.userId)
      .then((drafts) => {
        if (isCurrent) store.getState().actions.draftsLoaded(drafts);
      })
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [draftsDb, props.client.userId, store]);
  return (
    <InspectorStoreContext value={store}>
      <HistoryReaderContext value={props.history}>
        <Inspector {...props} draftsDb={draftsDb} deviceTypesDb={deviceTypesDb} />
      </HistoryReaderContext>
    </InspectorStoreContext>
  );
}

function Inspector({
  client,
  pending,
  draftsDb,
  deviceTypesDb,
  onWrite,
  keyBackupPanel,
  readOnly,
  syncTransport,
}: AccountDataViewProps & { draftsDb: DraftsDb; deviceTypesDb: DeviceTypesDb }) {
  const userId = client.userId;
  const queryClient = useQueryClient();
  // Cached and shared by the client: no extra request once the session has probed the server.
  const isLive = readOnly === undefined;
  const accountDataDelete = useQuery({
    ...accountDataQueries.capabilities(client),
    select: (capabilities) => capabilities.accountDataDelete,
    enabled: isLive,
  }).data;
  const [showDeleted, showDeletedChanged] = useShowDeleted(userId);
  const showDeletedId = useId();
  const global = useQuery(accountDataQueries.global(userId)).data;
  const rooms = useQuery(accountDataQueries.rooms(userId)).data;
  const deviceData = useQuery(accountDataQueries.deviceData(userId)).data;
  const devices = useQuery({ ...accountDataQueries.devices(client), enabled: isLive }).data;
  const deviceSupport = useQuery({ ...accountDataQueries.deviceSupport(client), enabled: isLive }).data;
  const rememberedTypes = useRememberedDeviceTypes(userId, deviceTypesDb);

  const { selectedId, openId, expanded, filter, isNewEntryOpen, draftKeys, mainView, revealed } =
    useInspector(
      useShallow((s) => ({
        revealed: s.revealed,
        mainView: s.mainView,
        selectedId: s.selectedId,
        openId: s.openId,
        expanded: s.expanded,
        filter: s.filter,
        isNewEntryOpen: s.isNewEntryOpen,
        draftKeys: s.drafts,
      })),
    );
  const actions = useInspector((s) => s.actions);
  const filterId = useId();
  const [filterText, setFilterText] = useState(filter);
  // The field follows every keystroke at once; the tree follows as soon as React has time (a
  // deferred value: a newer keystroke interrupts a stale filtering render). Issue #13: ≤ 100 ms per
  // keystroke on 10,000 rooms, measured by `npm run bench -- --browser --huge`.
  const appliedFilter = useDeferredValue(filterText);
  const isFilterPending = appliedFilter !== filterText;
  useEffect(() => {
    actions.filterChanged(appliedFilter);
  }, [actions, appliedFilter]);

  const rows = useMemo(
    () =>
      buildTreeRows({
        global,
        rooms,
        devices,
        deviceData,
        deviceSupport,
        omitDevices: !isLive,
        currentDeviceId: client.deviceId,
        expanded,
        filter: appliedFilter,
        showDeleted,
        revealed,
      }),
    [
      global,
      rooms,
      devices,
      deviceData,
      deviceSupport,
      isLive,
      client.deviceId,
      expanded,
      appliedFilter,
      showDeleted,
      revealed,
    ],
  );
  // In idle time, prepare what the filter searches, so the first keystroke on 10,000 rooms does not
  // lower-case 30,000 entries at once (issue #13).
  useEffect(() => {
    const steps = prepareFilter(global, rooms, showDeleted);
    return whenIdle((deadline) => {
      while (deadline.timeRemaining() > 1) if (steps.next().done === true) return false;
      return true;
    });
  }, [global, rooms, showDeleted]);
  // Resolved against the data, not the visible rows: collapsing or filtering never closes the editor.
  const selected = useMemo(
    () => resolveSelection(openId, { global, rooms, deviceData, devices, currentDeviceId: client.deviceId }),
    [openId, global, rooms, deviceData, devices, client.deviceId],
  );

  // Per-device data (MSC4331) cannot be listed: read the candidate types on the devices in view.
  const typesToRead = useMemo(
    () => candidateTypes(deviceData, rememberedTypes),
    [deviceData, rememberedTypes],
  );
  const deviceIdsToRead = useMemo(
    () =>
      (devices ?? [])
        .map((d) => d.device_id)
        .filter(
          (id) =>
            expanded.has(deviceRowId(id)) ||
            (selected?.kind === 'device' && selected.device.device_id === id) ||
            (selected?.kind === 'entry' &&
              selected.scope.kind === 'device' &&
              selected.scope.deviceId === id),
        ),
    [devices, expanded, selected],
  );
  const deviceReads = useDeviceReads(client, deviceIdsToRead, typesToRead, deviceSupport);

  const renderContent = useCallback(
    (row: AccountDataRow, _state: TreeRowState): ReactNode => {
      switch (row.kind) {
        case 'entry': {
          const hasDraft = entryKey(row.scope, row.entry.type) in draftKeys;
          const model = deletionModel(row.scope, accountDataDelete, row.entry.type);
          return (
            <>
              <span className="tree-row__summary">{entrySummary(row.entry)}</span>
              {row.badges.map((b) =>
                b === 'deleted' ? (
                  <Badge
                    key={b}
                    variant={b}
                    title={
                      otherClientsSentence(model, { isTags: model === 'deleted' && isRoomTag(row) }) ??
                      undefined
                    }
                  >
                    {deletedTitle(model)}
                  </Badge>
                ) : (
                  <Badge key={b} variant={b} />
                ),
              )}
              {hasDraft ? <Badge variant="info">Draft</Badge> : null}
              {row.isAlias ? (
                <Badge variant="info" title="Stored in global account data; also listed under Global">
                  Global
                </Badge>
              ) : null}
            </>
          );
        }
        case 'group':
        case 'room':
        case 'device':
        case 'orphans':
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
    [draftKeys, accountDataDelete],
  );

  const setMutation = useSetAccountData(client, pending, onWrite);
  /** Remembers a per-device type for this account (IndexedDB) and reads it on every device. */
  const rememberDeviceType = useCallback(
    (type: string) => {
      void deviceTypesDb
        .add(userId, type)
        .catch(() => undefined)
        .then(() => queryClient.invalidateQueries({ queryKey: accountDataKeys.deviceTypes(userId) }));
    },
    [deviceTypesDb, queryClient, userId],
  );
  /** Re-reads the device list now (after our own sign-outs; before deleting orphans). */
  const refreshDevices = useCallback(async (): Promise<ReadonlySet<string>> => {
    const list = await queryClient.query({ ...accountDataQueries.devices(client), staleTime: 0 });
    return new Set(list.map((d) => d.device_id));
  }, [client, queryClient]);
  const onOpenKeyBackup = keyBackupPanel === undefined ? undefined : actions.keyBackupOpened;
  const selectedScope = scopeOfSelection(selected);

  const onCreate = (scope: AccountDataScope, type: string, content: JsonObject) => {
    actions.newEntryClosed();
    actions.rowsExpanded(
      scope.kind === 'room'
        ? [GROUP_IDS.rooms, roomRowId(scope.roomId)]
        : scope.kind === 'device'
          ? [GROUP_IDS.devices, deviceRowId(scope.deviceId)]
          : [GROUP_IDS.global],
    );
    actions.rowSelected(entryRowId(scope, type));
    setMutation.mutate({ scope, type, content });
    // A per-device type created by hand is looked for on every device from now on.
    if (scope.kind === 'device') rememberDeviceType(type);
  };

  const supportProps: SupportPaneProps = {
    client,
    global,
    rooms,
    devices,
    deviceData,
    deviceSupport,
    pending,
    onWrite,
    readOnly,
    syncTransport,
    onOpenEntry: (ref) => {
      actions.deepLinkOpened({ view: 'entry', ref, tab: 'content' });
    },
  };

  return (
    <div className="inspector">
      <aside
        className="inspector__sidebar"
        aria-label="Account data browser"
        aria-busy={isFilterPending}
        data-filter={appliedFilter}
        // Monaco (≈ 1 MB) loads when an editor may be about to open — the pointer over the
        // browser, or focus in it — not on a timer after sign-in (issue #13; ADR 015).
        onPointerOver={preloadJsonEditor}
        onFocus={preloadJsonEditor}
      >
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
          {isLive ? (
            <button type="button" className="button button--primary" onClick={actions.newEntryOpened}>
              New entry
            </button>
          ) : null}
          <button
            type="button"
            className="button button--tertiary"
            onClick={actions.paneClosed}
            disabled={openId === null && mainView === 'detail'}
            title="Close the open entry and show the overview"
          >
            Overview
          </button>
          <button
            type="button"
            className="button button--tertiary"
            onClick={actions.activityOpened}
            aria-pressed={mainView === 'activity'}
            title="Every change across all scopes, newest first"
          >
            Activity
          </button>
        </div>
        <div className="inspector__toolbar" role="group" aria-label="Support tools">
          {SUPPORT_VIEWS.map(([view, label, title]) => (
            <button
              key={view}
              type="button"
              className="button button--tertiary"
              onClick={() => {
                actions.supportViewOpened(view);
              }}
              aria-pressed={mainView === view}
              title={title}
            >
              {label}
            </button>
          ))}
        </div>
        <div className="inspector__toggles">
          <input
            id={showDeletedId}
            type="checkbox"
            role="switch"
            className="switch"
            checked={showDeleted}
            onChange={(e) => {
              showDeletedChanged(e.target.checked);
            }}
          />
          <label htmlFor={showDeletedId}>Show deleted</label>
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
          <Banner tone="critical" title="Could not create the entry">
            {setMutation.error.message}
          </Banner>
        ) : null}
      </aside>
      <main className="inspector__main">
        <ErrorBoundary area="The entry pane" resetKey={`${mainView}:${openId ?? ''}`}>
          {mainView === 'activity' ? (
            <ActivityPane userId={userId} rooms={rooms} />
          ) : mainView === 'validation' ? (
            <ValidationPane {...supportProps} />
          ) : mainView === 'report' ? (
            <ReportPane {...supportProps} />
          ) : mainView === 'transfer' ? (
            <TransferPane {...supportProps} />
          ) : mainView === 'key-backup' && keyBackupPanel !== undefined ? (
            keyBackupPanel
          ) : (
            <DetailPane
              selection={selected}
              client={client}
              pending={pending}
              draftsDb={draftsDb}
              global={global}
              rooms={rooms}
              roomCount={rooms?.order.length}
              roomsComplete={rooms?.isComplete ?? false}
              accountDataDelete={accountDataDelete}
              onWrite={onWrite}
              onOpenKeyBackup={onOpenKeyBackup}
              devices={devices}
              deviceData={deviceData}
              deviceSupport={deviceSupport}
              deviceReads={deviceReads}
              onLookUpDeviceType={rememberDeviceType}
              refreshDevices={refreshDevices}
              readOnly={readOnly}
            />
          )}
        </ErrorBoundary>
      </main>
      {isNewEntryOpen && isLive ? (
        <NewEntryDialog
          global={global}
          rooms={rooms}
          ownDevice={
            deviceSupport ? { deviceId: client.deviceId, data: deviceData?.get(client.deviceId) } : undefined
          }
          defaultScope={selectedScope}
          onCancel={actions.newEntryClosed}
          onCreate={onCreate}
        />
      ) : null}
    </div>
  );
}
