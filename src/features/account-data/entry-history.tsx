/**
 * The History tab of the open entry, wired: versions from the history store, the selected and
 * compared versions from the inspector store (so deep links carry them), restore through the
 * panel's usual save confirmation, and an export of this entry's history.
 */
import { entryKey } from '../../matrix/entry-key.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { HistoryTab } from './history-tab.tsx';
import { useInspector } from './inspector-store.tsx';
import { useEntryVersions, useHistoryReader } from './use-history.ts';
import { ExportHistoryControls } from './export-history-controls.tsx';

export type EntryHistoryProps = {
  userId: string;
  scope: AccountDataScope;
  type: string;
  /** Absent when the entry cannot be written (server-managed). */
  onRestore?: ((content: JsonObject) => void) | undefined;
};

export function EntryHistory({ userId, scope, type, onRestore }: EntryHistoryProps) {
  const reader = useHistoryReader();
  const key = entryKey(scope, type);
  const versions = useEntryVersions(reader, userId, key);
  const selectedId = useInspector((s) => s.historyVersion);
  const compareId = useInspector((s) => s.historyCompare);
  const actions = useInspector((s) => s.actions);
  return (
    <>
      <HistoryTab
        type={type}
        versions={versions}
        isAvailable={reader?.isAvailable ?? false}
        selectedId={selectedId}
        compareId={compareId}
        onSelect={actions.historyVersionSelected}
        onCompare={actions.historyCompareSelected}
        {...(onRestore ? { onRestore } : {})}
      />
      {reader?.isAvailable && versions && versions.length > 0 ? (
        <ExportHistoryControls reader={reader} userId={userId} label="Export history" entry={{ key, type }} />
      ) : null}
    </>
  );
}
