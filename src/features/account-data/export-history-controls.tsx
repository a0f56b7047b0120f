/**
 * "Include secrets" and an export button, shared by the History tab (one entry) and the Activity
 * view (everything). Secret-holding contents are redacted unless the box is ticked.
 */
import { useId, useState } from 'react';
import type { EntryKey } from '../../matrix/entry-key.ts';
import { downloadHistory, exportFileName, type HistoryReader } from './use-history.ts';

export type ExportHistoryControlsProps = {
  reader: HistoryReader;
  userId: string;
  /** The button's text, e.g. "Export history" or "Export all history". */
  label: string;
  /** One entry's history, or everything when absent. */
  entry?: { key: EntryKey; type: string };
};

export function ExportHistoryControls({ reader, userId, label, entry }: ExportHistoryControlsProps) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const secretsId = useId();
  return (
    <span className="history-tab__export">
      <input
        id={secretsId}
        type="checkbox"
        checked={includeSecrets}
        onChange={(e) => {
          setIncludeSecrets(e.target.checked);
        }}
      />
      <label htmlFor={secretsId}>Include secrets</label>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          void downloadHistory(reader, {
            ...(entry ? { entry: entry.key } : {}),
            includeSecrets,
            fileName: exportFileName(userId, entry?.type ?? 'all'),
          });
        }}
      >
        {label}
      </button>
    </span>
  );
}
