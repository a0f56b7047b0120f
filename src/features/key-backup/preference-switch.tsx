/**
 * The switch that sets the key-backup preference, behind a confirmation: it changes what new sign-ins
 * do and creates or deletes no backup. The switch shows the stored `m.key_backup` (On only when it
 * says `{"enabled": true}`); flipping it opens the dialog, and only the dialog writes.
 */
import { useId, useState } from 'react';
import type { MatrixClient } from '../../matrix/client.ts';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  type PreferenceValue,
} from '../../matrix/key-backup-preference.ts';
import { Banner } from '../../components/banner.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { useSetKeyBackupPreference } from './use-set-preference.ts';

export function PreferenceSwitch(props: { client: MatrixClient; preference: PreferenceValue }) {
  const switchId = useId();
  const [target, setTarget] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mutation = useSetKeyBackupPreference(props.client);
  const isOn = props.preference === 'on';
  return (
    <div className="key-backup__switch">
      <div className="inspector__toggles">
        <input
          id={switchId}
          type="checkbox"
          role="switch"
          className="switch"
          checked={isOn}
          disabled={mutation.isPending}
          onChange={(e) => {
            mutation.reset();
            setNotice(null);
            setTarget(e.target.checked);
          }}
        />
        <label htmlFor={switchId}>Back up room keys on new sign-ins</label>
      </div>
      {mutation.isPending ? <p className="hint">Saving…</p> : null}
      {mutation.isError ? (
        <Banner
          tone="critical"
          title="Could not change the key backup preference"
          onDismiss={() => {
            mutation.reset();
          }}
        >
          {mutation.error.message}
        </Banner>
      ) : null}
      {notice ? (
        <Banner
          tone="success"
          onDismiss={() => {
            setNotice(null);
          }}
        >
          {notice}
        </Banner>
      ) : null}
      {target === null ? null : (
        <ConfirmPreferenceDialog
          isEnabled={target}
          onCancel={() => {
            setTarget(null);
          }}
          onConfirm={(alsoUnstable) => {
            const isEnabled = target;
            setTarget(null);
            mutation.mutate(
              { isEnabled, alsoUnstable },
              {
                onSuccess: () => {
                  setNotice(
                    `Saved: key backup is ${isEnabled ? 'On' : 'Off'} for new sign-ins${alsoUnstable ? ' (old key written too)' : ''}.`,
                  );
                },
              },
            );
          }}
        />
      )}
    </div>
  );
}

function ConfirmPreferenceDialog(props: {
  isEnabled: boolean;
  onCancel: () => void;
  onConfirm: (alsoUnstable: boolean) => void;
}) {
  // On by default: Element Web still reads the old key when m.key_backup is missing or invalid.
  const [alsoUnstable, setAlsoUnstable] = useState(true);
  const word = props.isEnabled ? 'on' : 'off';
  return (
    <ModalDialog
      title={`Turn key backup ${word} for new sign-ins?`}
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              props.onConfirm(alsoUnstable);
            }}
          >
            Turn {word}
          </button>
        </>
      }
    >
      <p>
        This changes what new sign-ins do: they will{' '}
        {props.isEnabled ? 'turn key backup on' : 'leave key backup off'}. It creates or deletes no backup;
        existing sessions keep what they do now.
      </p>
      <p>
        Writes <code>{KEY_BACKUP_TYPE}</code> <code>{JSON.stringify({ enabled: props.isEnabled })}</code>.
      </p>
      <label className="key-backup__also">
        <input
          type="checkbox"
          checked={alsoUnstable}
          onChange={(e) => {
            setAlsoUnstable(e.target.checked);
          }}
        />{' '}
        Also write the old key <code>{BACKUP_DISABLED_TYPE}</code>{' '}
        <code>{JSON.stringify({ disabled: !props.isEnabled })}</code> (Element still reads it)
      </label>
    </ModalDialog>
  );
}
