/**
 * A device's facts in the detail pane: name, ID, client (from its client-information entry), last
 * seen, what happens to its data when it goes — plus "Look up type" (per-device types cannot be
 * listed, docs/protocol.md §5) and, for other devices, "Sign out device…".
 */
import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import { RelativeTime } from '../../components/relative-time.tsx';
import { Banner } from '../../components/banner.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import type { ScopeData } from './model.ts';
import { deviceClientInfo, type DeviceInfo } from './tree-model.ts';

export type DevicePaneProps = {
  client: MatrixClient;
  device: DeviceInfo;
  isCurrent: boolean;
  global: ScopeData | undefined;
  /** The device's MSC4331 entries read so far. */
  data: ScopeData | undefined;
  /** Whether the server stores per-device account data; undefined while unknown. */
  deviceSupport: boolean | undefined;
  /** Reading the device's candidate types. */
  isReading: boolean;
  readError: Error | null;
  /** Remembers `type` for this account and reads it on every device. */
  onLookUp: (type: string) => void;
  /** Called after this app signed the device out. */
  onSignedOut: () => void;
};

export function DevicePane(props: DevicePaneProps) {
  const { device } = props;
  const [isSigningOut, setIsSigningOut] = useState(false);
  const info = deviceClientInfo(props.global, device.device_id);
  const perDeviceCount = props.data ? Object.values(props.data).filter((e) => !e.isDeleted).length : 0;
  return (
    <section className="detail" aria-label={`Device ${device.device_id}`}>
      <h2>{device.display_name || device.device_id}</h2>
      <dl className="facts">
        <dt>Device ID</dt>
        <dd>
          <code>{device.device_id}</code>
          {props.isCurrent ? ' (this inspector)' : null}
        </dd>
        <dt>Client</dt>
        <dd>
          {info ? (
            <>
              {[info.name, info.version].filter(Boolean).join(' ')}
              {info.url ? (
                <>
                  {' '}
                  (<code>{info.url}</code>)
                </>
              ) : null}
            </>
          ) : (
            'Unknown (no io.element.matrix_client_information entry)'
          )}
        </dd>
        <dt>Last seen</dt>
        <dd>
          {device.last_seen_ts ? <RelativeTime ts={device.last_seen_ts} /> : 'Never'}
          {device.last_seen_ip ? ` from ${device.last_seen_ip}` : null}
        </dd>
        <dt>Per-device data</dt>
        <dd>
          {props.deviceSupport === false
            ? 'Not supported by this server (MSC4331)'
            : props.deviceSupport === undefined || props.isReading
              ? 'Reading…'
              : `${perDeviceCount} ${perDeviceCount === 1 ? 'entry' : 'entries'}`}
        </dd>
      </dl>
      <p className="hint">
        Its per-device account data is deleted with the device.
        {props.isCurrent
          ? ' This is the inspector’s own device: signing out removes it and its data.'
          : ' Only the device itself may change its per-device account data.'}
      </p>
      {props.readError ? (
        <Banner tone="critical" title="Could not read this device's account data">
          {props.readError.message}
        </Banner>
      ) : null}
      {props.deviceSupport ? <LookUpForm onLookUp={props.onLookUp} /> : null}
      {props.isCurrent ? null : (
        <div className="detail__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setIsSigningOut(true);
            }}
          >
            Sign out device…
          </button>
        </div>
      )}
      {isSigningOut ? (
        <SignOutDeviceDialog
          client={props.client}
          device={device}
          onCancel={() => {
            setIsSigningOut(false);
          }}
          onDone={() => {
            setIsSigningOut(false);
            props.onSignedOut();
          }}
        />
      ) : null}
    </section>
  );
}

/** "Look up type": no endpoint lists a device's types, so the user can name one. */
function LookUpForm({ onLookUp }: { onLookUp: (type: string) => void }) {
  const [type, setType] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  return (
    <form
      className="field-row"
      aria-label="Look up a per-device type"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = type.trim();
        if (trimmed === '' || trimmed !== type) {
          setProblem('Enter a type without surrounding spaces, e.g. org.example.settings.');
          return;
        }
        setProblem(null);
        setType('');
        onLookUp(trimmed);
      }}
    >
      <label htmlFor={id}>Look up type</label>
      <input
        id={id}
        value={type}
        placeholder="org.example.settings"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setType(e.target.value);
        }}
      />
      <button type="submit" className="button button--secondary">
        Look up
      </button>
      {problem ? (
        <span className="form-problem" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

/** Signs another device out with the account password (user-interactive auth). */
function SignOutDeviceDialog(props: {
  client: MatrixClient;
  device: DeviceInfo;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [password, setPassword] = useState('');
  const id = useId();
  const signOut = useMutation({
    mutationFn: () => props.client.deleteDevice(props.device.device_id, password),
    onSuccess: props.onDone,
  });
  const name = props.device.display_name || props.device.device_id;
  return (
    <ModalDialog
      title="Sign out device"
      onCancel={props.onCancel}
      actions={
        <>
          <button type="button" className="button button--secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            form={`${id}-form`}
            className="button button--danger"
            disabled={password === '' || signOut.isPending}
          >
            Sign out
          </button>
        </>
      }
    >
      <p>
        Sign out <strong>{name}</strong> (<code>{props.device.device_id}</code>)? The device loses access to
        the account, and the server deletes its per-device data with it (e.g. its notification settings); its
        other global entries stay behind as orphans.
      </p>
      <form
        id={`${id}-form`}
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (password !== '') signOut.mutate();
        }}
      >
        <label htmlFor={id}>Password</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
        />
        <p className="hint">The server asks for your account password to confirm.</p>
      </form>
      {signOut.isError ? (
        <Banner tone="critical" title="The device was not signed out">
          {signOut.error.message}
        </Banner>
      ) : null}
    </ModalDialog>
  );
}
