/**
 * The entry panel's confirmations: save / restore with a diff (and a second step for schema
 * warnings), delete, the conflict diff between the draft and the server, and the typed confirmation
 * that guards writes to secret-holding types. `EntryDialogs` shows the one that is open.
 */
import { useState } from 'react';
import type { JsonObject } from '../../matrix/types.ts';
import { DiffView } from '../../editor/diff-view.tsx';
import type { EditorValidation } from '../../editor/validation.ts';
import { Banner } from '../../components/banner.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { formatContent } from './model.ts';

export function TypedConfirmation(props: { type: string; value: string; onChange: (v: string) => void }) {
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

export function SaveDialog(props: {
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

export function DeleteDialog(props: {
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

/** The draft beside the server value that changed under it; each choice also closes the dialog. */
export function ConflictDiffDialog(props: {
  type: string;
  serverText: string;
  draftText: string;
  onCancel: () => void;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  return (
    <ModalDialog
      title={`${props.type}: your draft and the server`}
      size="wide"
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={props.onKeepMine}>
            Keep mine
          </button>
          <button type="button" className="button button--primary" onClick={props.onTakeTheirs}>
            Take theirs
          </button>
        </>
      }
    >
      <DiffView
        original={props.serverText}
        modified={props.draftText}
        originalLabel="Server (theirs)"
        modifiedLabel="Your draft (mine)"
        ariaLabel="Differences between the server value and your draft"
      />
    </ModalDialog>
  );
}

/** Which confirmation is open, with what it needs; null when none is. */
export type EntryDialog =
  | { kind: 'save'; content: JsonObject; originalText: string; isRestore: boolean }
  | { kind: 'delete' }
  /** `draftText` is captured when the dialog opens (refs are not read during render). */
  | { kind: 'conflict-diff'; draftText: string }
  | null;

export function EntryDialogs(props: {
  dialog: EntryDialog;
  type: string;
  isSecret: boolean;
  /** The editor's validation of the draft, for the save dialog's warnings. */
  validation: EditorValidation | undefined;
  /** Whether a delete is a real delete (MSC3391 or `{}`), not the removal of every tag. */
  usesDelete: boolean;
  /** The server text that changed under the draft, for the conflict diff. */
  conflictText: string | null;
  onCancel: () => void;
  onSaveConfirmed: (content: JsonObject, isRestore: boolean) => void;
  onDeleteConfirmed: () => void;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const { dialog } = props;
  if (dialog?.kind === 'save') {
    return (
      <SaveDialog
        type={props.type}
        originalText={dialog.originalText}
        content={dialog.content}
        isRestore={dialog.isRestore}
        isSecret={props.isSecret}
        validation={dialog.isRestore ? undefined : props.validation}
        onCancel={props.onCancel}
        onConfirm={() => {
          props.onSaveConfirmed(dialog.content, dialog.isRestore);
        }}
      />
    );
  }
  if (dialog?.kind === 'delete') {
    return (
      <DeleteDialog
        type={props.type}
        isSecret={props.isSecret}
        onCancel={props.onCancel}
        onConfirm={props.onDeleteConfirmed}
        usesDelete={props.usesDelete}
      />
    );
  }
  if (dialog?.kind === 'conflict-diff' && props.conflictText !== null) {
    return (
      <ConflictDiffDialog
        type={props.type}
        serverText={props.conflictText}
        draftText={dialog.draftText}
        onCancel={props.onCancel}
        onKeepMine={props.onKeepMine}
        onTakeTheirs={props.onTakeTheirs}
      />
    );
  }
  return null;
}
