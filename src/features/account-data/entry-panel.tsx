/**
 * The editor pane for one entry: header (type, scope, size, changed time, badges), guards
 * (server-managed → read-only; secrets → masked until "Reveal", typed confirmation to write),
 * the live JSON editor, the conflict banner, and Save / Revert / Delete with a diff confirmation.
 *
 * The draft lives in the editor. It is mirrored into IndexedDB (debounced) so it survives reloads,
 * and it is never overwritten by a server change: a banner offers the diff, "Keep mine" and
 * "Take theirs" instead.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MatrixClient } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { describeType, isSecretType, writeRoute } from '../../matrix/known-types.ts';
import { JsonEditor, type JsonEditorHandle } from '../../editor/json-editor.tsx';
import { DiffView } from '../../editor/diff-view.tsx';
import { modelUriFor } from '../../editor/model-uri.ts';
import { parseContent } from '../../editor/json-text.ts';
import type { EditorValidation } from '../../editor/validation.ts';
import { Badge } from '../../components/badge.tsx';
import { Banner } from '../../components/banner.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { formatBytes } from '../../lib/format.ts';
import { formatContent, type Entry } from './model.ts';
import { scopeKey } from './queries.ts';
import { useDeleteAccountData, useSetAccountData } from './mutations.ts';
import type { PendingWrites } from './pending-writes.ts';
import { draftKey, useInspector } from './inspector-store.tsx';
import type { Draft, DraftsDb } from './drafts-db.ts';
import { entryBadges } from './tree-model.ts';
import { writeErrorMessage } from './write-errors.ts';

export type EntryPanelProps = {
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  scope: AccountDataScope;
  entry: Entry;
  /** Display name of the room, for room scope. */
  scopeLabel: string;
};

type Dialog =
  | { kind: 'save'; content: JsonObject; originalText: string; isRestore: boolean }
  | { kind: 'delete' }
  | { kind: 'conflict-diff' }
  | null;

const DRAFT_SAVE_DELAY_MS = 400;

export function EntryPanel(props: EntryPanelProps) {
  const { scope, entry } = props;
  // One editor state per document: remount when the entry changes identity.
  return <EntryPanelInner key={`${scopeKey(scope)}\u001f${entry.type}`} {...props} />;
}

function EntryPanelInner({ client, pending, draftsDb, scope, entry, scopeLabel }: EntryPanelProps) {
  const actions = useInspector((s) => s.actions);
  const key = scopeKey(scope);
  const rowKey = draftKey(key, entry.type);
  const storedDraft = useInspector((s) => s.drafts[rowKey]);
  const isRevealed = useInspector((s) => s.revealed.has(rowKey));

  const editor = useRef<JsonEditorHandle>(null);
  const [isDirty, setIsDirty] = useState(false);
  const [validation, setValidation] = useState<EditorValidation | undefined>();
  const [conflictText, setConflictText] = useState<string | null>(() =>
    storedDraft && storedDraft.baseText !== entry.text ? entry.text : null,
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  // The entry was deleted (here or elsewhere) while the editor held unsaved changes. The draft text
  // equals nothing the server has, so the editor cannot detect this itself: compare during render.
  const [wasDeleted, setWasDeleted] = useState(entry.isDeleted);
  const [isDeletedUnderDraft, setIsDeletedUnderDraft] = useState(false);
  if (wasDeleted !== entry.isDeleted) {
    setWasDeleted(entry.isDeleted);
    setIsDeletedUnderDraft(entry.isDeleted && isDirty);
  }
  // The draft text shown in the conflict diff, captured when the dialog opens (refs are not read during render).
  const [draftSnapshot, setDraftSnapshot] = useState('');
  const [writeError, setWriteError] = useState<string | null>(null);
  // While a save is in flight the editor keeps comparing against the text it was saved over, not the
  // optimistic value: otherwise the draft would look "clean", be dropped, and then be lost when a
  // failed write rolls the cache back (regression test: e2e "a write the server refuses…").
  const [pinnedServerText, setPinnedServerText] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const setMutation = useSetAccountData(client, pending);
  const deleteMutation = useDeleteAccountData(client, pending);

  const route = writeRoute(entry.type, scope);
  const isReadOnly = route.kind === 'refuse';
  const isSecret = isSecretType(entry.type, entry.content ?? entry.lastContent);
  const badges = entryBadges(scope, entry);
  const description = describeType(entry.type);
  const documentUri = useMemo(() => modelUriFor(scope, entry.type), [scope, entry.type]);
  // What the editor shows when clean: the live content, or a tombstone's last known content.
  const baseText = entry.isDeleted ? formatContent(entry.lastContent ?? {}) : entry.text;
  // Read by the editor once per mount: a stored draft wins over the server value. Read from the store
  // (not captured once) so that hiding and revealing a secret brings the draft back.
  const initialText = storedDraft?.text;

  // Mirror the draft into IndexedDB, debounced; drop it when the editor is clean again. A pending
  // save is flushed (not dropped) when the panel closes, so switching entries never loses an edit.
  const saveTimer = useRef<number | undefined>(undefined);
  const pendingDraft = useRef<Draft | null>(null);
  const flushDraft = useCallback(() => {
    window.clearTimeout(saveTimer.current);
    const draft = pendingDraft.current;
    if (!draft) return;
    pendingDraft.current = null;
    actions.draftSaved(draft);
    draftsDb.put(draft).catch(() => undefined);
  }, [actions, draftsDb]);
  const persistDraft = useCallback(
    (text: string, baseText: string) => {
      window.clearTimeout(saveTimer.current);
      pendingDraft.current = {
        userId: client.userId,
        scopeKey: key,
        type: entry.type,
        text,
        baseText,
        savedAt: Date.now(),
      };
      saveTimer.current = window.setTimeout(flushDraft, DRAFT_SAVE_DELAY_MS);
    },
    [client.userId, entry.type, flushDraft, key],
  );
  const discardDraft = useCallback(() => {
    window.clearTimeout(saveTimer.current);
    pendingDraft.current = null;
    actions.draftDiscarded(key, entry.type);
    draftsDb.delete(client.userId, key, entry.type).catch(() => undefined);
  }, [actions, client.userId, draftsDb, entry.type, key]);
  useEffect(() => flushDraft, [flushDraft]);

  const onTextChange = useCallback(
    (text: string) => {
      if (text === baseText) discardDraft();
      else persistDraft(text, baseText);
    },
    [baseText, discardDraft, persistDraft],
  );

  const onDirtyChange = useCallback(
    (dirty: boolean) => {
      setIsDirty(dirty);
      if (!dirty) {
        setConflictText(null);
        discardDraft();
      }
    },
    [discardDraft],
  );

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
    if (!entry.lastContent) return;
    setWriteError(null);
    setDialog({ kind: 'save', content: entry.lastContent, originalText: '', isRestore: true });
  };

  const confirmSave = (content: JsonObject, isRestore: boolean) => {
    setDialog(null);
    if (!isRestore) setPinnedServerText(entry.text);
    setMutation.mutate(
      { scope, type: entry.type, content },
      {
        onSuccess: (result) => {
          setNotice(
            result.via === 'tags'
              ? `Saved through the tags API (${result.put.length} set, ${result.deleted.length} removed).`
              : 'Saved.',
          );
        },
        onError: (error) => {
          setWriteError(writeErrorMessage(error));
        },
        onSettled: () => {
          setPinnedServerText(null);
        },
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
          setNotice(
            result.method === 'DELETE'
              ? 'Deleted with DELETE (MSC3391).'
              : result.method === 'PUT_EMPTY'
                ? 'Deleted by writing {} (this server does not support MSC3391 DELETE).'
                : 'All tags removed through the tags API.',
          );
        },
        onError: (error) => {
          setWriteError(writeErrorMessage(error));
        },
      },
    );
  };

  const takeTheirs = () => {
    if (conflictText !== null) editor.current?.setText(conflictText);
    setConflictText(null);
    discardDraft();
  };

  const keepMine = () => {
    setConflictText(null);
    const text = editor.current?.getText();
    if (text !== undefined) persistDraft(text, baseText);
  };

  const discardMine = () => {
    editor.current?.setText(baseText);
    setConflictText(null);
    setIsDeletedUnderDraft(false);
    discardDraft();
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
    const text = editor.current?.getText();
    if (text !== undefined && text !== baseText) {
      persistDraft(text, baseText);
      flushDraft();
    }
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
          if (canSave && dialog === null) beginSave();
        }
      }}
    >
      <header className="entry-panel__header">
        <div className="entry-panel__title-row">
          <h2 className="entry-panel__title">{entry.type}</h2>
          {badges.map((b) => (
            <Badge key={b} variant={b} />
          ))}
          {isDirty ? <Badge variant="info">Unsaved draft</Badge> : null}
        </div>
        <p className="entry-panel__meta">
          <span>{scopeLabel}</span>
          <span aria-hidden="true"> · </span>
          <span>{entry.isDeleted ? 'deleted' : formatBytes(entry.size)}</span>
          <span aria-hidden="true"> · </span>
          {entry.changedAt ? (
            <span>
              changed <RelativeTime ts={entry.changedAt} />
            </span>
          ) : (
            <span>unchanged since sign-in</span>
          )}
        </p>
        {description ? <p className="entry-panel__description">{description}</p> : null}
      </header>

      {route.kind === 'refuse' ? (
        <Banner tone="info" title="Read-only: managed by the server" isAnnounced={false}>
          {route.reason}
        </Banner>
      ) : null}
      {route.kind === 'tags' ? (
        <Banner tone="info" title="Saved through the tags API" isAnnounced={false}>
          Synapse stores room tags in their own table and builds m.tag from it, so edits are written as
          individual tags (PUT/DELETE …/tags/{'{tag}'}), never as raw account data.
        </Banner>
      ) : null}
      {entry.isDeleted ? (
        <Banner
          tone="warning"
          title="Deleted"
          isAnnounced={false}
          actions={
            entry.lastContent && !isReadOnly ? (
              <button type="button" className="button button--secondary" onClick={beginRestore}>
                Restore
              </button>
            ) : null
          }
        >
          {entry.lastContent
            ? 'This entry was deleted. Its last known content is shown below.'
            : 'This entry was deleted before this session saw its content.'}
        </Banner>
      ) : null}
      {isDeletedUnderDraft && isDirty ? (
        <Banner
          tone="warning"
          title="Deleted while you had unsaved changes"
          actions={
            <button type="button" className="button button--secondary" onClick={discardMine}>
              Discard my draft
            </button>
          }
        >
          Your draft was kept. Save recreates the entry with it.
        </Banner>
      ) : null}
      {conflictText !== null ? (
        <Banner
          tone="warning"
          title="Changed on the server while you were editing"
          actions={
            <>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setDraftSnapshot(editor.current?.getText() ?? '');
                  setDialog({ kind: 'conflict-diff' });
                }}
              >
                Show diff
              </button>
              <button type="button" className="button button--secondary" onClick={keepMine}>
                Keep mine
              </button>
              <button type="button" className="button button--secondary" onClick={takeTheirs}>
                Take theirs
              </button>
            </>
          }
        >
          Your draft was kept. Compare it with the new server value, then keep your draft or take theirs.
        </Banner>
      ) : null}
      {writeError ? (
        <Banner
          tone="critical"
          title="Not saved"
          onDismiss={() => {
            setWriteError(null);
          }}
        >
          {writeError}
        </Banner>
      ) : null}
      {notice && !writeError ? (
        <Banner
          tone="success"
          onDismiss={() => {
            setNotice(null);
          }}
        >
          {notice}
        </Banner>
      ) : null}

      <div className="entry-panel__editor">
        {isSecret && !isRevealed ? (
          <div className="secret-mask">
            <p>
              <strong>Hidden.</strong> {entry.type} holds encryption secrets or their metadata. Showing it is
              safe, but copying or changing it can break encryption for this account.
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
            serverText={pinnedServerText ?? baseText}
            {...(initialText !== undefined ? { initialText } : {})}
            readOnly={isReadOnly || (entry.isDeleted && !isDirty)}
            ariaLabel={`Content of ${entry.type}`}
            height="100%"
            onDirtyChange={onDirtyChange}
            onValidation={setValidation}
            onTextChange={onTextChange}
            onServerChangedWhileDirty={setConflictText}
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
          onClick={discardMine}
        >
          Revert
        </button>
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
        <button type="button" className="button button--primary" disabled={!canSave} onClick={beginSave}>
          {setMutation.isPending ? 'Saving…' : 'Save'}
        </button>
      </footer>

      {dialog?.kind === 'save' ? (
        <SaveDialog
          type={entry.type}
          originalText={dialog.originalText}
          content={dialog.content}
          isRestore={dialog.isRestore}
          isSecret={isSecret}
          validation={dialog.isRestore ? undefined : validation}
          onCancel={() => {
            setDialog(null);
          }}
          onConfirm={() => {
            confirmSave(dialog.content, dialog.isRestore);
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog
          type={entry.type}
          isSecret={isSecret}
          onCancel={() => {
            setDialog(null);
          }}
          onConfirm={confirmDelete}
          usesDelete={route.kind === 'account-data'}
        />
      ) : null}
      {dialog?.kind === 'conflict-diff' && conflictText !== null ? (
        <ModalDialog
          title={`${entry.type}: your draft and the server`}
          size="wide"
          onCancel={() => {
            setDialog(null);
          }}
          actions={
            <>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setDialog(null);
                  keepMine();
                }}
              >
                Keep mine
              </button>
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  setDialog(null);
                  takeTheirs();
                }}
              >
                Take theirs
              </button>
            </>
          }
        >
          <DiffView
            original={conflictText}
            modified={draftSnapshot}
            originalLabel="Server (theirs)"
            modifiedLabel="Your draft (mine)"
            ariaLabel="Differences between the server value and your draft"
          />
        </ModalDialog>
      ) : null}
    </section>
  );
}

function ValidationSummary({ validation }: { validation: EditorValidation | undefined }) {
  if (!validation) return null;
  const problems: string[] = [];
  if (validation.parseError) problems.push(validation.parseError);
  if (validation.notObjectError) problems.push(validation.notObjectError);
  if (
    problems.length === 0 &&
    validation.schemaProblems.length === 0 &&
    validation.contentWarnings.length === 0
  ) {
    return null;
  }
  return (
    <div className="validation" aria-label="Problems">
      {problems.map((p) => (
        <p key={p} className="validation__error" role="alert">
          {p}
        </p>
      ))}
      {validation.contentWarnings.map((w) => (
        <p key={`w${w.line}:${w.column}:${w.message}`} className="validation__warning">
          Line {w.line}: {w.message}
        </p>
      ))}
      {validation.schemaProblems.map((p) => (
        <p key={`s${p.line}:${p.column}:${p.message}`} className="validation__warning">
          Schema, line {p.line}: {p.message}
        </p>
      ))}
    </div>
  );
}

function TypedConfirmation(props: { type: string; value: string; onChange: (v: string) => void }) {
  return (
    <label className="typed-confirmation">
      Type <code>{props.type}</code> to confirm
      <input
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
        autoComplete="off"
        spellCheck={false}
      />
    </label>
  );
}

function SaveDialog(props: {
  type: string;
  originalText: string;
  content: JsonObject;
  isRestore: boolean;
  isSecret: boolean;
  validation: EditorValidation | undefined;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [isWarningStep, setIsWarningStep] = useState(false);
  const warnings = [
    ...(props.validation?.schemaProblems.map((p) => `Line ${p.line}: ${p.message}`) ?? []),
    ...(props.validation?.contentWarnings.map((w) => `Line ${w.line}: ${w.message}`) ?? []),
  ];
  const typedOk = !props.isSecret || typed === props.type;
  const onConfirm = () => {
    if (warnings.length > 0 && !isWarningStep) {
      setIsWarningStep(true);
      return;
    }
    props.onConfirm();
  };
  return (
    <ModalDialog
      title={props.isRestore ? `Restore ${props.type}?` : `Save ${props.type}?`}
      size="wide"
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--primary" disabled={!typedOk} onClick={onConfirm}>
            {isWarningStep ? 'Save anyway' : props.isRestore ? 'Confirm restore' : 'Confirm save'}
          </button>
        </>
      }
    >
      <p>Review the change. It is written to your homeserver and every client of yours will see it.</p>
      <DiffView
        original={props.originalText}
        modified={formatContent(props.content)}
        originalLabel="On the server"
        modifiedLabel="After saving"
        ariaLabel={`Changes to ${props.type}`}
      />
      {warnings.length > 0 ? (
        <Banner tone="warning" title={isWarningStep ? 'Save despite these warnings?' : 'Schema warnings'}>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          {isWarningStep ? (
            <p>Clients may ignore or misread content that does not match the schema.</p>
          ) : null}
        </Banner>
      ) : null}
      {props.isSecret ? (
        <>
          <Banner tone="critical" title="This can break encryption">
            {props.type} holds encryption secrets. A wrong value can make encrypted history unreadable or
            break verification for all your devices.
          </Banner>
          <TypedConfirmation type={props.type} value={typed} onChange={setTyped} />
        </>
      ) : null}
    </ModalDialog>
  );
}

function DeleteDialog(props: {
  type: string;
  isSecret: boolean;
  usesDelete: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState('');
  const typedOk = !props.isSecret || typed === props.type;
  return (
    <ModalDialog
      title={`Delete ${props.type}?`}
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={!typedOk}
            onClick={props.onConfirm}
          >
            Confirm delete
          </button>
        </>
      }
    >
      <p>
        {props.usesDelete
          ? 'The entry is deleted on the server (DELETE where the server supports MSC3391, otherwise by writing {}). It stays visible here as a tombstone with its last content, so you can restore it.'
          : 'Every tag of this room is removed through the tags API.'}
      </p>
      {props.isSecret ? (
        <>
          <Banner tone="critical" title="This can break encryption">
            Deleting {props.type} can make encrypted history unreadable or disable recovery for this account.
          </Banner>
          <TypedConfirmation type={props.type} value={typed} onChange={setTyped} />
        </>
      ) : null}
    </ModalDialog>
  );
}
