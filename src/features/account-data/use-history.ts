/**
 * Reading the change history for the History tab and the Activity view. The store
 * (`history/history-store.ts`) writes off the render path and notifies after each flush; these
 * hooks read through TanStack Query and re-read when notified, so a change by another client shows
 * up here as soon as it is stored.
 */
import { createContext, useContext, useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { tryParseEntryKey, type EntryKey } from '../../matrix/entry-key.ts';
import type { ActivityFilter, ActivityRow } from './activity-view.tsx';
import type { VersionRow } from './history-tab.tsx';
import { downloadText } from '../../lib/download.ts';

/** What the views need of the history store. */
export interface HistoryReader {
  readonly isAvailable: boolean;
  versions(entry: EntryKey): Promise<readonly VersionRow[]>;
  activity(query: {
    scopeKind?: 'global' | 'room' | 'device';
    limit: number;
  }): Promise<readonly ActivityRow[]>;
  subscribe(listener: () => void): () => void;
  /** How much history is kept; the user can change it. */
  readonly limits: Readonly<{ maxVersionsPerEntry: number; maxBytesPerAccount: number }>;
  setLimits(limits: { maxVersionsPerEntry: number; maxBytesPerAccount: number }): void;
  /** A JSON-serialisable export (no tokens; secret contents redacted unless asked). */
  exportJson(options: { entry?: EntryKey; includeSecrets: boolean }): Promise<unknown>;
}

/** The signed-in user's history, provided by the account-data view (absent: no history kept). */
export const HistoryReaderContext = createContext<HistoryReader | undefined>(undefined);

/** The history reader of the signed-in user, if any. */
export function useHistoryReader(): HistoryReader | undefined {
  return useContext(HistoryReaderContext);
}

/** Saves an export as a JSON file through the browser's download. */
export async function downloadHistory(
  reader: HistoryReader,
  options: { entry?: EntryKey; includeSecrets: boolean; fileName: string },
): Promise<void> {
  const data = await reader.exportJson({
    ...(options.entry ? { entry: options.entry } : {}),
    includeSecrets: options.includeSecrets,
  });
  downloadText(JSON.stringify(data, null, 2), options.fileName);
}

/** A file name for an export: no secrets, just who and when. */
export function exportFileName(userId: string, what: string, now = new Date()): string {
  const who = userId.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `account-data-history-${who}-${what.replace(/[^A-Za-z0-9._-]+/g, '_')}-${now.toISOString().slice(0, 10)}.json`;
}

/** How many changes the Activity view reads at once. */
export const ACTIVITY_PAGE = 500;

const historyKeys = {
  all: (userId: string) => ['history', userId] as const,
  entry: (userId: string, entry: EntryKey) => [...historyKeys.all(userId), 'entry', entry] as const,
  activity: (userId: string, kind: string | undefined) =>
    [...historyKeys.all(userId), 'activity', kind ?? 'all'] as const,
};

/** Re-reads every history query of the user after each store flush. */
export function useHistoryUpdates(reader: HistoryReader | undefined, userId: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!reader) return;
    return reader.subscribe(() => {
      void queryClient.invalidateQueries({ queryKey: historyKeys.all(userId) });
    });
  }, [reader, userId, queryClient]);
}

/** One entry's versions, newest first. */
export function useEntryVersions(
  reader: HistoryReader | undefined,
  userId: string,
  entry: EntryKey,
): readonly VersionRow[] | undefined {
  // eslint-disable-next-line @tanstack/query/exhaustive-deps -- one reader per signed-in user, named by userId
  return useQuery({
    queryKey: historyKeys.entry(userId, entry),
    queryFn: () => (reader ? reader.versions(entry) : Promise.resolve([])),
    enabled: reader?.isAvailable ?? false,
    staleTime: Infinity,
  }).data;
}

/** Changes across the account, newest first, filtered by scope kind (store) and type (here). */
export function useActivity(
  reader: HistoryReader | undefined,
  userId: string,
  filter: ActivityFilter,
): readonly ActivityRow[] | undefined {
  // eslint-disable-next-line @tanstack/query/exhaustive-deps -- one reader per signed-in user, named by userId
  const rows = useQuery({
    queryKey: historyKeys.activity(userId, filter.kind),
    queryFn: () =>
      reader
        ? reader.activity({ ...(filter.kind ? { scopeKind: filter.kind } : {}), limit: ACTIVITY_PAGE })
        : Promise.resolve([]),
    enabled: reader?.isAvailable ?? false,
    staleTime: Infinity,
  }).data;
  const needle = filter.type?.trim().toLowerCase();
  if (!rows || !needle) return rows;
  return rows.filter((row) => typeOfEntry(row.entry).toLowerCase().includes(needle));
}

const typeOfEntry = (entry: string): string => tryParseEntryKey(entry)?.type ?? '';
