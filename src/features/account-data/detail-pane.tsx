/**
 * The right-hand pane: the selected entry's editor, a room's or a device's facts, the orphaned
 * per-device entries, or the Overview
 * when nothing (or a group) is selected. It is fed a resolved {@link Selection}, not a tree row, so
 * what the tree shows never decides what stays open here.
 */
import type { MatrixClient } from '../../matrix/client.ts';
import { EntryPanel } from './entry-panel.tsx';
import type { DraftsDb } from './drafts-db.ts';
import type { DevicesData, RoomsData, ScopeData } from './model.ts';
import { DevicePane } from './device-pane.tsx';
import { OrphansPane } from './orphans-pane.tsx';
import { useDeleteAccountData } from './mutations.ts';
import { orphanEntries, type DeviceInfo } from './tree-model.ts';
import { perDeviceSuffix } from '../../matrix/known-types.ts';
import { Overview } from './overview.tsx';
import type { PendingWrites } from './pending-writes.ts';
import type { Selection } from './selection.ts';
import type { WriteObserver } from './write-events.ts';

export function DetailPane(props: {
  selection: Selection | undefined;
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
  /** `ServerCapabilities.accountDataDelete`; undefined while unknown. */
  accountDataDelete?: boolean | undefined;
  /** Told about every settled write (the change history). */
  onWrite?: WriteObserver | undefined;
  /** Opens the key-backup panel (Overview line, the preference entries); absent: not offered. */
  onOpenKeyBackup?: (() => void) | undefined;
  devices?: readonly DeviceInfo[] | undefined;
  deviceData?: DevicesData | undefined;
  /** Whether the server stores per-device account data (MSC4331); undefined while unknown. */
  deviceSupport?: boolean | undefined;
  /** How reading each device's candidate types goes. */
  deviceReads?: { isLoading: (deviceId: string) => boolean; error: (deviceId: string) => Error | null };
  /** Remembers a per-device type for this account and reads it on every device. */
  onLookUpDeviceType?: (type: string) => void;
  /** Re-reads the device list; resolves with the IDs that exist now. */
  refreshDevices?: () => Promise<ReadonlySet<string>>;
  /** The whole view refuses writes, saying why (ADR 013). */
  readOnly?: { title: string; reason: string } | undefined;
}) {
  const deleteMutation = useDeleteAccountData(props.client, props.pending, props.onWrite);
  const row = props.selection;
  if (!row) {
    return (
      <Overview
        global={props.global}
        rooms={props.rooms}
        roomCount={props.roomCount}
        roomsComplete={props.roomsComplete}
        onOpenKeyBackup={props.onOpenKeyBackup}
      />
    );
  }
  if (row.kind === 'entry') {
    const scopeLabel =
      row.scope.kind === 'global'
        ? 'Global'
        : row.scope.kind === 'room'
          ? `Room ${props.rooms?.byId.get(row.scope.roomId)?.info.name ?? ''} (${row.scope.roomId})`
          : deviceScopeLabel(row.scope.deviceId, props.client.deviceId, props.devices);
    return (
      <EntryPanel
        client={props.client}
        pending={props.pending}
        draftsDb={props.draftsDb}
        scope={row.scope}
        entry={row.entry}
        scopeLabel={scopeLabel}
        accountDataDelete={props.accountDataDelete}
        onWrite={props.onWrite}
        onOpenKeyBackup={props.onOpenKeyBackup}
        readOnly={props.readOnly}
      />
    );
  }
  if (row.kind === 'room') {
    const { info, data } = row.room;
    const live = Object.values(data).filter((e) => !e.isDeleted).length;
    return (
      <section className="detail" aria-label={`Room ${info.name}`}>
        <h2>{info.name}</h2>
        <dl className="facts">
          <dt>Room ID</dt>
          <dd>
            <code>{info.roomId}</code>
          </dd>
          {info.canonicalAlias ? (
            <>
              <dt>Alias</dt>
              <dd>
                <code>{info.canonicalAlias}</code>
              </dd>
            </>
          ) : null}
          <dt>Entries</dt>
          <dd>
            {live} live, {Object.keys(data).length - live} deleted
          </dd>
        </dl>
        <p className="hint">Expand the room in the tree to open its entries.</p>
      </section>
    );
  }
  if (row.kind === 'orphans') {
    const refresh = props.refreshDevices;
    return (
      <OrphansPane
        orphans={props.global && props.devices ? orphanEntries(props.global, props.devices) : []}
        deleteEntry={(type) => deleteMutation.mutateAsync({ scope: { kind: 'global' }, type })}
        refreshDevices={refresh ?? (() => Promise.resolve(new Set(props.devices?.map((d) => d.device_id))))}
        deviceOf={(type) => perDeviceSuffix(type)?.deviceId}
      />
    );
  }
  const deviceId = row.device.device_id;
  return (
    <DevicePane
      key={deviceId}
      client={props.client}
      device={row.device}
      isCurrent={row.isCurrent}
      global={props.global}
      data={props.deviceData?.get(deviceId)}
      deviceSupport={props.deviceSupport}
      isReading={props.deviceReads?.isLoading(deviceId) ?? false}
      readError={props.deviceReads?.error(deviceId) ?? null}
      onLookUp={(type) => props.onLookUpDeviceType?.(type)}
      onSignedOut={() => {
        void props.refreshDevices?.();
      }}
    />
  );
}

/** "Device Phone (ABCDEF) — this inspector; deleted with the device" for an MSC4331 entry's header. */
function deviceScopeLabel(deviceId: string, ownDeviceId: string, devices: readonly DeviceInfo[] | undefined) {
  const name = devices?.find((d) => d.device_id === deviceId)?.display_name;
  const who = deviceId === ownDeviceId ? 'this inspector' : 'read-only here';
  return `Device ${name ? `${name} (${deviceId})` : deviceId} — ${who}; deleted with the device`;
}
