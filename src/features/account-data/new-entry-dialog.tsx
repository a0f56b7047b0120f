/**
 * "New entry": choose a scope (global, one joined room, or — where the server stores per-device
 * account data — this inspector's own device), a type and content. Empty types, types over 255
 * bytes of UTF-8,
 * duplicates of live entries, server-managed types and non-object or empty content are refused
 * with a reason before anything is sent.
 */
import { useId, useMemo, useState } from 'react';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { isSecretType, writeRoute } from '../../matrix/known-types.ts';
import { typeNameProblem } from '../../matrix/type-names.ts';
import { parseContent } from '../../editor/json-text.ts';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import type { RoomsData, ScopeData } from './model.ts';
import { sortedRooms } from './tree-model.ts';

export type NewEntryDialogProps = {
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  /**
   * This inspector's own device, offered as a scope when the server stores per-device account
   * data (MSC4331): other devices' data only their owner may write. Absent: not offered.
   */
  ownDevice?: { deviceId: string; data: ScopeData | undefined } | undefined;
  /** Scope to preselect (the room of the current selection). */
  defaultScope: AccountDataScope;
  onCancel: () => void;
  onCreate: (scope: AccountDataScope, type: string, content: JsonObject) => void;
};

/** Why the form cannot be submitted, or null when it can. Exported for unit tests. */
export function newEntryProblem(input: {
  scope: AccountDataScope;
  type: string;
  contentText: string;
  existing: ScopeData | undefined;
}): string | null {
  const type = input.type.trim();
  if (type === '') return 'Enter a type, e.g. org.example.settings.';
  if (type !== input.type) return 'The type must not start or end with spaces.';
  // Over 255 bytes of UTF-8: the protocol layer would refuse it too (src/matrix/type-names.ts).
  const nameProblem = typeNameProblem(type);
  if (nameProblem) return nameProblem.message;
  const existing = input.existing?.[type];
  if (existing && !existing.isDeleted) {
    return `${type} already exists in this scope. Select it in the tree to edit it.`;
  }
  const route = writeRoute(type, input.scope);
  if (route.kind === 'refuse') return route.reason;
  const parsed = parseContent(input.contentText);
  if (!parsed.ok) return parsed.message;
  if (Object.keys(parsed.value).length === 0) {
    return 'Content {} means "deleted" in Matrix; add at least one key.';
  }
  return null;
}

/** The scope select's value for the own device (room IDs start with `!`, so it cannot clash). */
const OWN_DEVICE = 'device';

export function NewEntryDialog({
  global,
  rooms,
  ownDevice,
  defaultScope,
  onCancel,
  onCreate,
}: NewEntryDialogProps) {
  const [scopeValue, setScopeValue] = useState(
    defaultScope.kind === 'room'
      ? defaultScope.roomId
      : defaultScope.kind === 'device' && ownDevice?.deviceId === defaultScope.deviceId
        ? OWN_DEVICE
        : '',
  );
  const [type, setType] = useState('');
  const [contentText, setContentText] = useState('{\n  \n}');
  const [typed, setTyped] = useState('');
  const [isSubmitted, setIsSubmitted] = useState(false);
  const ids = { scope: useId(), type: useId(), content: useId(), problem: useId() };
  const roomList = useMemo(() => (rooms ? sortedRooms(rooms) : []), [rooms]);

  const scope: AccountDataScope =
    scopeValue === ''
      ? { kind: 'global' }
      : scopeValue === OWN_DEVICE && ownDevice
        ? { kind: 'device', deviceId: ownDevice.deviceId }
        : { kind: 'room', roomId: scopeValue };
  const existing =
    scope.kind === 'global'
      ? global
      : scope.kind === 'device'
        ? ownDevice?.data
        : rooms?.byId.get(scope.roomId)?.data;
  const problem = newEntryProblem({ scope, type, contentText, existing });
  const parsedContent = parseContent(contentText);
  // Same rule as the entry panel: secret by type prefix, or by an `encrypted` object in the content.
  const isSecret =
    type.trim() !== '' && isSecretType(type.trim(), parsedContent.ok ? parsedContent.value : undefined);
  const typedOk = !isSecret || typed === type;

  const submit = () => {
    setIsSubmitted(true);
    if (problem || !typedOk) return;
    if (parsedContent.ok) onCreate(scope, type, parsedContent.value);
  };

  return (
    <ModalDialog
      title="New entry"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--primary" onClick={submit} disabled={!typedOk}>
            Create
          </button>
        </>
      }
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor={ids.scope}>Scope</label>
        <select
          id={ids.scope}
          value={scopeValue}
          onChange={(e) => {
            setScopeValue(e.target.value);
          }}
        >
          <option value="">Global</option>
          {ownDevice ? <option value={OWN_DEVICE}>This device ({ownDevice.deviceId})</option> : null}
          {roomList.map((r) => (
            <option key={r.info.roomId} value={r.info.roomId}>
              Room: {r.info.name} ({r.info.roomId})
            </option>
          ))}
        </select>
        {scope.kind === 'device' ? (
          <p className="hint">
            Per-device account data (MSC4331) belongs to this inspector&apos;s device and is deleted with it
            when you sign out.
          </p>
        ) : null}
        <label htmlFor={ids.type}>Type</label>
        <input
          id={ids.type}
          value={type}
          onChange={(e) => {
            setType(e.target.value);
          }}
          placeholder="org.example.settings"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={ids.problem}
          aria-invalid={isSubmitted && problem !== null}
        />
        <label htmlFor={ids.content}>Content</label>
        <textarea
          id={ids.content}
          value={contentText}
          rows={8}
          spellCheck={false}
          className="code-input"
          onChange={(e) => {
            setContentText(e.target.value);
          }}
        />
        {isSecret ? (
          <label className="typed-confirmation">
            {type} holds encryption secrets; writing it can break encryption. Type <code>{type}</code> to
            confirm
            <input
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
              }}
              autoComplete="off"
            />
          </label>
        ) : null}
        <p id={ids.problem} className="form-problem" role={isSubmitted && problem ? 'alert' : undefined}>
          {isSubmitted && problem ? problem : ''}
        </p>
      </form>
    </ModalDialog>
  );
}
