/**
 * The editor pane for one entry: header (type, scope, size, changed time, badges), guards
 * (server-managed → read-only; secrets → masked until "Reveal", typed confirmation to write),
 * the live JSON editor, and Save / Revert / Delete with a diff confirmation. This file wires the
 * parts together: the draft rules live in `use-entry-draft.ts`, the header in `entry-header.tsx`, the
 * banners in `entry-banners.tsx`, the confirmations in `entry-dialogs.tsx`.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { EntryHistory } from './entry-history.tsx';
import { EntryTabs, useTabIds } from './entry-tabs.tsx';
import type { MatrixClient } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { isSecretType, writeRoute } from '../../matrix/known-types.ts';
import { JsonEditor, type JsonEditorHandle } from '../../editor/json-editor.tsx';
import { modelUriFor } from '../../editor/model-uri.ts';
import { parseContent } from '../../editor/json-text.ts';
import type { EditorValidation } from '../../editor/validation.ts';
import type { Entry } from './model.ts';
import { rememberedDeletion } from './remembered-deletion.ts';
import { useEntryVersions, useHistoryReader } from './use-history.ts';
import { entryKey, scopeKey } from '../../matrix/entry-key.ts';
import { useDeleteAccountData, useSetAccountData } from './mutations.ts';
import type { PendingWrites } from './pending-writes.ts';
import { useInspector } from './inspector-store.tsx';
import type { DraftsDb } from './drafts-db.ts';
import { writeErrorMessage } from './write-errors.ts';
import { contentBytes } from '../../matrix/type-names.ts';
import { useEntryDraft } from './use-entry-draft.ts';
import { deletedNotice, EntryBanners, savedNotice } from './entry-banners.tsx';
import { EntryHeader } from './entry-header.tsx';
import { EntryDialogs, type EntryDialog } from './entry-dialogs.tsx';
import { ValidationSummary } from './validation-summary.tsx';
import { deletionModel } from './deletion-text.ts';
import type { WriteObserver } from './write-events.ts';

export type EntryPanelProps = {
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  scope: AccountDataScope;
  entry: Entry;
  /** Display name of the room, for room scope. */
  scopeLabel: string;
  /** `ServerCapabilities.accountDataDelete` (MSC3391), which decides how a deletion is worded; undefined while unknown. */
  accountDataDelete?: boolean | undefined;
  /** Told about every settled write (the change history). */
  onWrite?: WriteObserver | undefined;
  /** Opens the key-backup panel (offered on the two preference types); absent: not offered. */
  onOpenKeyBackup?: (() => void) | undefined;
  /** Every write refused, saying why, and Delete hidden (an admin's read-only view, ADR 013). */
  readOnly?: { title: string; reason: string } | undefined;
};

export function EntryPanel(props: EntryPanelProps) {
  const { scope, entry } = props;
  // One editor state per document: remount when the entry changes identity.
  return <EntryPanelInner key={entryKey(scope, entry.type)} {...props} />;
}

function EntryPanelInner({
  client,
  pending,
  draftsDb,
  scope,
  entry,
  scopeLabel,
  accountDataDelete,
  onWrite,
  onOpenKeyBackup,
  readOnly,
}: EntryPanelProps) {
  const actions = useInspector((s) => s.actions);
  const key = scopeKey(scope);
  const rowKey = entryKey(scope, entry.type);
  const isRevealed = useInspector((s) => s.revealed.has(rowKey));
  const tab = useInspector((s) => s.entryTab);
  const tabIds = useTabIds();

  const editor = useRef<JsonEditorHandle>(null);
  const draft = useEntryDraft({ userId: client.userId, draftsDb, scopeKey: key, entry, editor });
  const { isDirty, baseText } = draft;
  const [validation, setValidation] = useState<EditorValidation | undefined>();
  // Bytes the editor's content would send (compact JSON), for the large-content warning: measured
  // when the editor first reports, then 300 ms after the last edit (a large text parses slowly).
  const [contentSize, setContentSize] = useState<number | undefined>();
  const sizeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(
    () => () => {
      clearTimeout(sizeTimer.current);
    },
    [],
  );
  const measure = (text: string | undefined) => {
    const parsed = text === undefined ? undefined : parseContent(text);
    setContentSize(parsed?.ok ? contentBytes(parsed.value) : undefined);
  };
  const onValidation = (next: EditorValidation) => {
    setValidation(next);
    if (contentSize === undefined) measure(next.isObject ? editor.current?.getText() : undefined);
  };
  const onTextChange = (text: string) => {
    draft.editorProps.onTextChange(text);
    clearTimeout(sizeTimer.current);
    sizeTimer.current = setTimeout(() => {
      measure(text);
    }, 300);
  };
  const [dialog, setDialog] = useState<EntryDialog>(null);
  const [writeError, setWriteError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const closeDialog = () => {
    setDialog(null);
  };

  const setMutation = useSetAccountData(client, pending, onWrite);
  const deleteMutation = useDeleteAccountData(client, pending, onWrite);
  const model = deletionModel(scope, accountDataDelete, entry.type);

  // A tombstone this session did not see happen: the browser's history may remember its last
  // content (for Restore) and who deleted it, how and when.
  const versions = useEntryVersions(useHistoryReader(), client.userId, rowKey);
  // The session knows who deleted it only when it saw the deletion happen (`deletion.at` set).
  const knowsDeletion = entry.deletion?.at !== undefined;
  const remembered =
    entry.isDeleted && (!entry.lastContent || !knowsDeletion) ? rememberedDeletion(versions) : {};
  const lastContent = entry.lastContent ?? remembered.lastContent;
  const deletion = knowsDeletion ? entry.deletion : (remembered.deletion ?? entry.deletion);
  const shownEntry: Entry = entry.isDeleted
    ? { ...entry, ...(lastContent ? { lastContent } : {}), ...(deletion ? { deletion } : {}) }
    : entry;
  const isFromHistory = entry.isDeleted && !entry.lastContent && remembered.lastContent !== undefined;
  const route = writeRoute(entry.type, scope, { ownDeviceId: client.deviceId, readOnly });
  const isReadOnly = route.kind === 'refuse';
  const isSecret = isSecretType(entry.type, entry.content ?? entry.lastContent);
  const documentUri = useMemo(() => modelUriFor(scope, entry.type), [scope, entry.type]);

  // ---- actions ----
  const beginSave = () => {
    setWriteError(null);
    const text = editor.current?.getText() ?? '';
    const parsed = parseContent(text);
    if (!parsed.ok) {
      setWriteError(parsed.message);
      return;
    }
    if (Object.keys(parsed.value).length === 0) {
      setWriteError('Content {} means "deleted" in Matrix. Use Delete to remove this entry.');
      return;
    }
    setDialog({ kind: 'save', content: parsed.value, originalText: entry.text, isRestore: false });
  };

  const beginRestore = () => {
    const content = shownEntry.lastContent;
    if (!content) return;
    setWriteError(null);
    setDialog({ kind: 'save', content, originalText: '', isRestore: true });
  };

  const confirmSave = (content: JsonObject, isRestore: boolean) => {
    setDialog(null);
    if (!isRestore) draft.saveStarted();
    setMutation.mutate(
      { scope, type: entry.type, content, isRestore },
      {
        onSuccess: (result) => {
          setNotice(savedNotice(result));
        },
        onError: (error) => {
          setWriteError(writeErrorMessage(error, { bodyBytes: contentBytes(content) }));
        },
        onSettled: draft.saveSettled,
      },
    );
  };

  const confirmDelete = () => {
    setDialog(null);
    deleteMutation.mutate(
      { scope, type: entry.type },
      {
        onSuccess: (result) => {
          // An unsaved draft survives the delete (the banner offers to recreate the entry with it).
          setNotice(deletedNotice(result));
        },
        onError: (error) => {
          setWriteError(writeErrorMessage(error));
        },
      },
    );
  };

  const copyText = () => {
    const text = editor.current?.getText() ?? baseText;
    navigator.clipboard.writeText(text).then(
      () => {
        setNotice('Copied the JSON to the clipboard.');
      },
      () => {
        setWriteError('The browser did not allow copying to the clipboard.');
      },
    );
  };

  const hideSecret = () => {
    // Keep an unsaved edit: store it now, so the editor shows it again on Reveal.
    draft.stash();
    actions.secretHidden(rowKey);
  };

  const isBusy = setMutation.isPending || deleteMutation.isPending;
  // A deleted entry can be saved again (recreated) from an unsaved draft.
  const canSave =
    !isReadOnly && isDirty && !isBusy && validation?.isObject !== false && (!isSecret || isRevealed);

  return (
    <section
      className="entry-panel"
      aria-label={`Entry ${entry.type}`}
      aria-keyshortcuts="Control+S Meta+S"
      onKeyDown={(e) => {
        // Ctrl/Cmd+S saves (through the same diff confirmation), as in any editor.
        if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
          e.preventDefault();
          // Not `canSave`: the editor's validation is debounced, so right after typing it may still
          // describe an earlier (invalid) text. beginSave parses what the editor holds now and either
          // opens the confirmation or says why it cannot save — Ctrl+S never silently does nothing.
          if (!isReadOnly && isDirty && !isBusy && (!isSecret || isRevealed) && dialog === null) beginSave();
        }
      }}
    >
      <EntryHeader
        scope={scope}
        entry={entry}
        scopeLabel={scopeLabel}
        isDirty={isDirty}
        deletionModel={model}
        onOpenKeyBackup={onOpenKeyBackup}
      />

      <EntryTabs type={entry.type} tab={tab} onChange={actions.entryTabChanged} ids={tabIds} />

      <div
        role="tabpanel"
        id={tabIds.contentPanel}
        aria-labelledby={tabIds.contentTab}
        hidden={tab !== 'content'}
        className="entry-panel__tabpanel"
      >
        <EntryBanners
          entry={shownEntry}
          isLastContentFromHistory={isFromHistory}
          route={route}
          deletionModel={model}
          draft={draft}
          onRestore={beginRestore}
          onShowDiff={() => {
            setDialog({ kind: 'conflict-diff', draftText: editor.current?.getText() ?? '' });
          }}
          writeError={writeError}
          onWriteErrorDismissed={() => {
            setWriteError(null);
          }}
          notice={notice}
          onNoticeDismissed={() => {
            setNotice(null);
          }}
          contentSize={isReadOnly ? undefined : contentSize}
        />

        <div className="entry-panel__editor">
          {isSecret && !isRevealed ? (
            <div className="secret-mask">
              <p>
                <strong>Hidden.</strong> {entry.type} holds encryption secrets or their metadata. Showing it
                is safe, but copying or changing it can break encryption for this account.
              </p>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  actions.secretRevealed(rowKey);
                }}
              >
                Reveal
              </button>
            </div>
          ) : (
            <JsonEditor
              ref={editor}
              documentUri={documentUri}
              {...draft.editorProps}
              onTextChange={onTextChange}
              readOnly={isReadOnly || (entry.isDeleted && !isDirty)}
              ariaLabel={`Content of ${entry.type}`}
              height="100%"
              onValidation={onValidation}
            />
          )}
        </div>

        <ValidationSummary validation={validation} />

        <footer className="entry-panel__actions">
          {isSecret && isRevealed ? (
            <button type="button" className="button button--tertiary" onClick={hideSecret}>
              Hide
            </button>
          ) : null}
          {!isSecret || isRevealed ? (
            <>
              <button
                type="button"
                className="button button--tertiary"
                disabled={isReadOnly || (entry.isDeleted && !isDirty)}
                onClick={() => {
                  if (editor.current?.format() === false)
                    setWriteError('Fix the JSON syntax before formatting.');
                }}
              >
                Format
              </button>
              <button type="button" className="button button--tertiary" onClick={copyText}>
                Copy JSON
              </button>
            </>
          ) : null}
          <span className="spacer" />
          <button
            type="button"
            className="button button--secondary"
            disabled={!isDirty || isBusy}
            onClick={draft.discardMine}
          >
            Revert
          </button>
          {readOnly ? null : (
            <button
              type="button"
              className="button button--danger"
              disabled={isReadOnly || entry.isDeleted || isBusy}
              onClick={() => {
                setWriteError(null);
                setDialog({ kind: 'delete' });
              }}
            >
              Delete
            </button>
          )}
          <button type="button" className="button button--primary" disabled={!canSave} onClick={beginSave}>
            {setMutation.isPending ? 'Saving…' : 'Save'}
          </button>
        </footer>
      </div>
      {tab === 'history' ? (
        <div
          role="tabpanel"
          id={tabIds.historyPanel}
          aria-labelledby={tabIds.historyTab}
          className="entry-panel__tabpanel entry-panel__tabpanel--history"
        >
          <EntryHistory
            userId={client.userId}
            scope={scope}
            type={entry.type}
            onRestore={
              isReadOnly
                ? undefined
                : (content: JsonObject) => {
                    setWriteError(null);
                    setDialog({ kind: 'save', content, originalText: entry.text, isRestore: true });
                  }
            }
          />
        </div>
      ) : null}

      <EntryDialogs
        dialog={dialog}
        type={entry.type}
        isSecret={isSecret}
        validation={validation}
        usesDelete={route.kind === 'account-data'}
        conflictText={draft.conflictText}
        onCancel={closeDialog}
        onSaveConfirmed={confirmSave}
        onDeleteConfirmed={confirmDelete}
        onKeepMine={() => {
          setDialog(null);
          draft.keepMine();
        }}
        onTakeTheirs={() => {
          setDialog(null);
          draft.takeTheirs();
        }}
      />
    </section>
  );
}
