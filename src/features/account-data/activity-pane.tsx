/**
 * The Activity view wired to the history store and the inspector store: filter state lives in the
 * store (so deep links carry it), a row opens the entry's History tab at that version, and the
 * whole history can be exported.
 */
import { tryParseEntryKey } from '../../matrix/entry-key.ts';
import { ActivityView } from './activity-view.tsx';
import { HistorySettings } from './history-settings.tsx';
import { saveHistoryLimits } from './history/history-limits.ts';
import { useInspector } from './inspector-store.tsx';
import type { RoomsData } from './model.ts';
import { useActivity, useHistoryReader } from './use-history.ts';
import { ExportHistoryControls } from './export-history-controls.tsx';

export function ActivityPane({ userId, rooms }: { userId: string; rooms: RoomsData | undefined }) {
  const reader = useHistoryReader();
  const filter = useInspector((s) => s.activityFilter);
  const actions = useInspector((s) => s.actions);
  const rows = useActivity(reader, userId, filter);
  return (
    <ActivityView
      rows={rows}
      isAvailable={reader?.isAvailable ?? false}
      filter={filter}
      onFilterChange={actions.activityFilterChanged}
      onOpen={(entry, versionId) => {
        // A corrupt record names no entry; nothing to open.
        const ref = tryParseEntryKey(entry);
        if (ref) actions.deepLinkOpened({ view: 'entry', ref, tab: 'history', version: versionId });
      }}
      roomName={(roomId) => rooms?.byId.get(roomId)?.info.name}
      toolbar={
        reader?.isAvailable ? (
          <>
            <HistorySettings
              limits={reader.limits}
              onChange={(limits) => {
                reader.setLimits(limits);
                saveHistoryLimits(userId, limits);
              }}
            />
            <ExportHistoryControls reader={reader} userId={userId} label="Export all history" />
          </>
        ) : null
      }
    />
  );
}
