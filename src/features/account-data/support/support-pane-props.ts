/**
 * What every support-staff pane (issue #14: validation, diagnostic report, export / import) gets
 * from the inspector: the signed-in identity's client and the same cached data the tree shows.
 * Panes read anything else themselves (TanStack Query caches, the sync-status store).
 */
import type { MatrixClient } from '../../../matrix/client.ts';
import type { EntryRef } from '../../../matrix/entry-key.ts';
import type { DevicesData, RoomsData, ScopeData } from '../model.ts';
import type { PendingWrites } from '../pending-writes.ts';
import type { DeviceInfo } from '../tree-model.ts';
import type { WriteObserver } from '../write-events.ts';

export type SupportPaneProps = {
  client: MatrixClient;
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  devices: readonly DeviceInfo[] | undefined;
  deviceData: DevicesData | undefined;
  /** Whether the server stores per-device account data (MSC4331); undefined while unknown. */
  deviceSupport: boolean | undefined;
  pending: PendingWrites;
  /** Told about every settled write (the change history); imports write through it too. */
  onWrite: WriteObserver | undefined;
  /** The whole view refuses writes (admin mode, ADR 013): imports must not apply. */
  readOnly: { title: string; reason: string } | undefined;
  /**
   * The running sync engine, from the app's status store (the diagnostic report names it); null:
   * none runs; undefined: not known here (a view composed without it).
   */
  syncTransport?: 'sliding' | 'v3' | null | undefined;
  /** Opens an entry in the detail pane (a problem's or an import row's link). */
  onOpenEntry: (ref: EntryRef) => void;
};
