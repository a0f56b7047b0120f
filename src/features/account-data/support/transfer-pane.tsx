/**
 * Export and import (issue #14). Export: every live entry (global, joined rooms, this device's own
 * per-device data) as one JSON file, secrets redacted unless "Include secrets" is ticked. Import: a
 * file is read and checked, then each entry is listed with what it would do (new, changed with its
 * diff, unchanged, or skipped with the reason); the selected ones are written one by one through the
 * usual write path, each with its outcome. Entries that are not selected are never touched. A
 * read-only view (admin mode) offers the export only. Format and planning: `transfer.ts`.
 */
import { useId, useMemo, useState, type ChangeEvent, type ReactNode } from 'react';
import { DiffView } from '../../../editor/diff-view.tsx';
import { formatContent } from '../../../editor/json-text.ts';
import { entryKey, type EntryKey } from '../../../matrix/entry-key.ts';
import { useSetAccountData } from '../mutations.ts';
import { writeErrorMessage } from '../write-errors.ts';
import type { SupportPaneProps } from './support-pane-props.ts';
import {
  buildExport,
  countByStatus,
  exportFileName,
  isApplicable,
  parseExport,
  planImport,
  scopeLabel,
  type ExportDocument,
  type ImportRow,
} from './transfer.ts';
import './transfer.css';
import { downloadText } from '../../../lib/download.ts';

/** Above this many changed entries, diffs start collapsed (each is a Monaco instance). */
const OPEN_DIFFS_LIMIT = 10;
/** Above this many skipped entries, the list starts collapsed. */
const OPEN_SKIPPED_LIMIT = 50;

export function TransferPane(props: SupportPaneProps) {
  return (
    <section className="support-pane transfer-pane" aria-label="Export and import">
      <h2>Export and import</h2>
      <ExportSection {...props} />
      {props.readOnly ? (
        <section aria-label="Import" className="transfer-pane__section">
          <h3>Import</h3>
          <p>
            Import is off: {props.readOnly.title}. {props.readOnly.reason}
          </p>
        </section>
      ) : (
        <ImportSection {...props} />
      )}
    </section>
  );
}

function ExportSection({ client, global, rooms, deviceData }: SupportPaneProps) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const secretsId = useId();
  const warningId = useId();
  const ownData = client.deviceId ? deviceData?.get(client.deviceId) : undefined;
  const ownDevice = useMemo(
    () => (client.deviceId ? { deviceId: client.deviceId, data: ownData } : undefined),
    [client, ownData],
  );
  const preview = useMemo(
    () =>
      buildExport({
        account: client.userId,
        server: client.baseUrl,
        global,
        rooms,
        ownDevice,
        includeSecrets: false,
      }),
    [client, global, rooms, ownDevice],
  );
  return (
    <section aria-label="Export" className="transfer-pane__section">
      <h3>Export</h3>
      <p>
        {preview.entries} {preview.entries === 1 ? 'entry' : 'entries'} (global, joined rooms
        {ownDevice?.data ? ', this device' : ''}) as one JSON file.{' '}
        {preview.redacted > 0 && !includeSecrets
          ? `${preview.redacted} ${preview.redacted === 1 ? 'entry holds' : 'entries hold'} encryption secrets and will be redacted.`
          : ''}
      </p>
      {rooms && !rooms.isComplete ? (
        <p className="transfer-pane__note">Rooms are still loading: an export now would miss some rooms.</p>
      ) : null}
      <div className="transfer-pane__row">
        <input
          id={secretsId}
          type="checkbox"
          checked={includeSecrets}
          aria-describedby={includeSecrets ? warningId : undefined}
          onChange={(e) => {
            setIncludeSecrets(e.target.checked);
          }}
        />
        <label htmlFor={secretsId}>Include secrets</label>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            const now = new Date();
            const { document } = buildExport({
              account: client.userId,
              server: client.baseUrl,
              global,
              rooms,
              ownDevice,
              includeSecrets,
              now,
            });
            downloadText(
              JSON.stringify(document, null, 2),
              exportFileName(client.userId, includeSecrets, now),
            );
          }}
        >
          Export JSON
        </button>
      </div>
      {includeSecrets ? (
        <p id={warningId} role="alert" className="transfer-pane__warning">
          The file will contain your encryption secrets (secret storage keys, cross-signing and key backup
          data). Anyone who gets it may be able to read your encrypted messages: do not share it.
        </p>
      ) : null}
    </section>
  );
}

type Outcome = { key: EntryKey; label: string; state: 'saving' | 'saved' | 'failed'; message?: string };

type LoadedFile = { name: string; document: ExportDocument };

function ImportSection({
  client,
  global,
  rooms,
  deviceData,
  deviceSupport,
  pending,
  onWrite,
  onOpenEntry,
}: SupportPaneProps) {
  const inputId = useId();
  const [file, setFile] = useState<LoadedFile>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<ReadonlySet<EntryKey>>(new Set());
  const [outcomes, setOutcomes] = useState<readonly Outcome[]>([]);
  const [applying, setApplying] = useState(false);
  const save = useSetAccountData(client, pending, onWrite);

  const rows = useMemo(
    () =>
      file
        ? planImport(file.document, {
            userId: client.userId,
            deviceId: client.deviceId,
            global,
            rooms,
            deviceData,
            deviceSupport,
          })
        : [],
    [file, client, global, rooms, deviceData, deviceSupport],
  );
  const counts = countByStatus(rows);
  const applicable = rows.filter(isApplicable);
  const unchanged = rows.filter((r) => r.status === 'unchanged');
  const skipped = rows.filter((r) => r.status === 'skipped');
  const chosen = applicable.filter((r) => selected.has(r.key));

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const picked = event.target.files?.[0];
    event.target.value = '';
    if (!picked) return;
    setOutcomes([]);
    let text: string;
    try {
      text = await picked.text();
    } catch {
      setFile(undefined);
      setError(`The file ${picked.name} could not be read.`);
      return;
    }
    const parsed = parseExport(text);
    if (!parsed.ok) {
      setFile(undefined);
      setError(`${picked.name}: ${parsed.message} Nothing was changed.`);
      return;
    }
    setError(undefined);
    setFile({ name: picked.name, document: parsed.document });
    // Everything that would change starts selected; the person unticks what to leave alone.
    setSelected(
      new Set(
        planImport(parsed.document, {
          userId: client.userId,
          deviceId: client.deviceId,
          global,
          rooms,
          deviceData,
          deviceSupport,
        })
          .filter(isApplicable)
          .map((r) => r.key),
      ),
    );
  };

  const apply = async () => {
    const batch = chosen.filter((r) => r.incoming !== undefined);
    setApplying(true);
    const results: Outcome[] = batch.map((r) => ({
      key: r.key,
      label: `${r.type} (${scopeLabel(r.scope)})`,
      state: 'saving',
    }));
    setOutcomes([...results]);
    for (const [index, row] of batch.entries()) {
      const result = results[index];
      if (!result || !row.incoming) continue;
      try {
        await save.mutateAsync({ scope: row.scope, type: row.type, content: row.incoming });
        results[index] = { ...result, state: 'saved' };
      } catch (failure) {
        results[index] = { ...result, state: 'failed', message: writeErrorMessage(failure) };
      }
      setOutcomes([...results]);
    }
    setSelected((old) => {
      const next = new Set(old);
      for (const r of results) if (r.state === 'saved') next.delete(r.key);
      return next;
    });
    setApplying(false);
  };

  const toggle = (key: EntryKey, on: boolean) => {
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  };

  const saved = outcomes.filter((o) => o.state === 'saved').length;
  const failed = outcomes.filter((o) => o.state === 'failed').length;

  return (
    <section aria-label="Import" className="transfer-pane__section">
      <h3>Import</h3>
      <div className="transfer-pane__row">
        <label htmlFor={inputId}>Import file</label>
        <input
          id={inputId}
          type="file"
          accept="application/json,.json"
          disabled={applying}
          onChange={(e) => {
            void onFile(e);
          }}
        />
      </div>
      {error ? (
        <p role="alert" className="transfer-pane__error">
          {error}
        </p>
      ) : null}
      {file ? (
        <>
          <p role="status" aria-label="Import summary">
            {file.name}: {file.document.account}
            {file.document.server ? ` on ${file.document.server}` : ''}
            {file.document.exportedAt ? `, exported ${file.document.exportedAt}` : ''}
            {file.document.includesSecrets ? ', with secrets' : ''}. {counts.new} new, {counts.changed}{' '}
            changed, {counts.unchanged} unchanged, {counts.skipped} skipped.
          </p>
          {file.document.account !== client.userId ? (
            <p className="transfer-pane__note">
              This file holds {file.document.account}&rsquo;s data; you are signed in as {client.userId}.
              Rooms are matched by room ID.
            </p>
          ) : null}
          {applicable.length > 0 ? (
            <ul className="transfer-pane__list" aria-label="Entries to import">
              {applicable.map((row) => (
                <ApplicableRow
                  key={row.key}
                  row={row}
                  checked={selected.has(row.key)}
                  disabled={applying}
                  diffOpen={counts.changed <= OPEN_DIFFS_LIMIT}
                  onToggle={toggle}
                  onOpen={() => {
                    onOpenEntry({ scope: row.scope, type: row.type });
                  }}
                />
              ))}
            </ul>
          ) : (
            <p>Nothing in this file would change the account.</p>
          )}
          <div className="transfer-pane__row">
            <button
              type="button"
              className="button button--primary"
              disabled={applying || chosen.length === 0}
              onClick={() => {
                void apply();
              }}
            >
              Apply selected
            </button>
            <span>
              {chosen.length} of {applicable.length} selected
            </span>
          </div>
          {outcomes.length > 0 ? (
            <section aria-label="Import results" className="transfer-pane__results">
              <p role="status">
                {applying
                  ? `Applying ${outcomes.filter((o) => o.state !== 'saving').length + 1} of ${outcomes.length}…`
                  : `Applied: ${saved} saved${failed > 0 ? `, ${failed} failed` : ''}.`}
              </p>
              <ul aria-label="Outcome per entry">
                {outcomes.map((o) => (
                  <li key={o.key}>
                    {o.label}:{' '}
                    {o.state === 'saving'
                      ? 'saving…'
                      : o.state === 'saved'
                        ? 'saved'
                        : `failed — ${o.message ?? ''}`}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {skipped.length > 0 ? (
            <LazyDetails
              initiallyOpen={skipped.length <= OPEN_SKIPPED_LIMIT}
              summary={`${String(skipped.length)} skipped ${skipped.length === 1 ? 'entry' : 'entries'}`}
            >
              <ul className="transfer-pane__list" aria-label="Skipped entries">
                {skipped.map((row) => (
                  <li key={row.key}>
                    <code>{row.type}</code> ({scopeLabel(row.scope)}): skipped — {row.reason}
                  </li>
                ))}
              </ul>
            </LazyDetails>
          ) : null}
          {unchanged.length > 0 ? (
            <LazyDetails
              initiallyOpen={false}
              summary={`${String(unchanged.length)} unchanged ${unchanged.length === 1 ? 'entry' : 'entries'}`}
            >
              <ul className="transfer-pane__list" aria-label="Unchanged entries">
                {unchanged.map((row) => (
                  <li key={row.key}>
                    <code>{row.type}</code> ({scopeLabel(row.scope)}): unchanged
                  </li>
                ))}
              </ul>
            </LazyDetails>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function ApplicableRow({
  row,
  checked,
  disabled,
  diffOpen,
  onToggle,
  onOpen,
}: {
  row: ImportRow;
  checked: boolean;
  disabled: boolean;
  diffOpen: boolean;
  onToggle: (key: EntryKey, on: boolean) => void;
  onOpen: () => void;
}) {
  const id = useId();
  const [open, setOpen] = useState(diffOpen);
  const where = scopeLabel(row.scope);
  const original = row.current ? formatContent(row.current) : '';
  const modified = row.incoming ? formatContent(row.incoming) : '';
  const lines = Math.max(original.split('\n').length, modified.split('\n').length);
  return (
    <li className="transfer-pane__entry" data-key={entryKey(row.scope, row.type)}>
      <div className="transfer-pane__row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(e) => {
            onToggle(row.key, e.target.checked);
          }}
        />
        <label htmlFor={id}>{`Import ${row.type} (${where})`}</label>
        <span className={`transfer-pane__status transfer-pane__status--${row.status}`}>{row.status}</span>
        {row.status === 'changed' ? (
          <button
            type="button"
            className="button button--tertiary button--sm"
            aria-expanded={open}
            onClick={() => {
              setOpen((o) => !o);
            }}
          >
            {open ? 'Hide changes' : 'Show changes'}
          </button>
        ) : null}
        {row.status === 'changed' ? (
          <button
            type="button"
            className="button button--tertiary button--sm"
            aria-label={`Open ${row.type} (${where})`}
            onClick={onOpen}
          >
            Open
          </button>
        ) : null}
      </div>
      {row.status === 'changed' && open ? (
        <DiffView
          ariaLabel={`Changes to ${row.type} (${where})`}
          original={original}
          modified={modified}
          originalLabel="On the server"
          modifiedLabel="In the file"
          height={`${Math.min(20, 2 + lines * 1.25)}rem`}
        />
      ) : null}
      {row.status === 'new' ? (
        <details>
          <summary>Content</summary>
          <pre className="transfer-pane__content" tabIndex={0}>
            {modified}
          </pre>
        </details>
      ) : null}
    </li>
  );
}

/**
 * A `<details>` whose content is rendered only while open: a 10,000-room account's import lists
 * thousands of skipped `m.fully_read` rows, which nobody reads unless they open the list.
 */
function LazyDetails({
  summary,
  initiallyOpen,
  children,
}: {
  summary: string;
  initiallyOpen: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <details
      open={open}
      onToggle={(e) => {
        setOpen(e.currentTarget.open);
      }}
    >
      <summary>{summary}</summary>
      {open ? children : null}
    </details>
  );
}
