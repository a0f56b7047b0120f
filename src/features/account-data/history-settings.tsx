/**
 * "History settings": how many versions per entry and how many megabytes per account the browser
 * keeps. Applied at once (the oldest versions beyond the new bounds are dropped on the next flush)
 * and remembered per account.
 */
import { useId, useState, type SyntheticEvent } from 'react';
import type { HistoryLimits } from './history/history-store.ts';

const MB = 1024 * 1024;

export type HistorySettingsProps = {
  limits: HistoryLimits;
  onChange: (limits: HistoryLimits) => void;
};

export function HistorySettings({ limits, onChange }: HistorySettingsProps) {
  const versionsId = useId();
  const sizeId = useId();
  const [versions, setVersions] = useState(String(limits.maxVersionsPerEntry));
  const [megabytes, setMegabytes] = useState(String(Math.round(limits.maxBytesPerAccount / MB)));
  const [message, setMessage] = useState<string | null>(null);
  const onSubmit = (e: SyntheticEvent) => {
    e.preventDefault();
    const v = Number(versions);
    const mb = Number(megabytes);
    if (!Number.isSafeInteger(v) || v < 1 || v > 10_000) {
      setMessage('Versions per entry must be a whole number from 1 to 10,000.');
      return;
    }
    if (!Number.isSafeInteger(mb) || mb < 1 || mb > 10_000) {
      setMessage('The size limit must be a whole number of megabytes from 1 to 10,000.');
      return;
    }
    onChange({ maxVersionsPerEntry: v, maxBytesPerAccount: mb * MB });
    setMessage('Saved. Older versions beyond the new limits are dropped.');
  };
  return (
    <details className="history-settings">
      <summary>History settings</summary>
      <form aria-label="History settings" onSubmit={onSubmit} className="history-settings__form" noValidate>
        <label htmlFor={versionsId}>Versions kept per entry</label>
        <input
          id={versionsId}
          type="number"
          min={1}
          max={10_000}
          step={1}
          value={versions}
          onChange={(e) => {
            setVersions(e.target.value);
          }}
        />
        <label htmlFor={sizeId}>History size limit (MB)</label>
        <input
          id={sizeId}
          type="number"
          min={1}
          max={10_000}
          step={1}
          value={megabytes}
          onChange={(e) => {
            setMegabytes(e.target.value);
          }}
        />
        <button type="submit" className="button button--secondary">
          Apply
        </button>
        {message ? (
          <p role="status" className="hint">
            {message}
          </p>
        ) : null}
      </form>
    </details>
  );
}
