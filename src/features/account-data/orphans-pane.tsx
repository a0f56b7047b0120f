/**
 * "Orphaned entries": per-device entries in *global* account data whose device is gone
 * (docs/protocol.md §5). Synapse removes only the MSC3890 notification settings with a device;
 * client-information entries stay forever. "Delete orphans" lists exactly what it will delete,
 * asks to confirm, re-reads the device list so that a device that came back keeps its entries,
 * and deletes through the usual write path (DELETE where the server offers it, `{}` otherwise).
 */
import { useState } from 'react';
import { Banner } from '../../components/banner.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import type { Entry } from './model.ts';

export type OrphansPaneProps = {
  orphans: readonly Entry[];
  /** Deletes one global entry through the app's write path (optimistic, recorded in history). */
  deleteEntry: (type: string) => Promise<unknown>;
  /** Re-reads the device list; resolves with the IDs of the devices that exist now. */
  refreshDevices: () => Promise<ReadonlySet<string>>;
  /** The device ID a per-device type names. */
  deviceOf: (type: string) => string | undefined;
};

type Outcome = { deleted: string[]; kept: string[]; failed: { type: string; message: string }[] };

const entriesText = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

export function OrphansPane(props: OrphansPaneProps) {
  const [isConfirming, setIsConfirming] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // What the dialog lists is exactly what will be deleted: frozen when it opens.
  const [planned, setPlanned] = useState<string[]>([]);

  const run = async () => {
    setIsDeleting(true);
    const result: Outcome = { deleted: [], kept: [], failed: [] };
    try {
      const existing = await props.refreshDevices();
      for (const type of planned) {
        const deviceId = props.deviceOf(type);
        if (deviceId !== undefined && existing.has(deviceId)) {
          result.kept.push(type);
          continue;
        }
        try {
          await props.deleteEntry(type);
          result.deleted.push(type);
        } catch (error) {
          result.failed.push({ type, message: error instanceof Error ? error.message : String(error) });
        }
      }
    } catch (error) {
      result.failed.push({
        type: 'the device list',
        message: `Nothing was deleted: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setIsDeleting(false);
      setIsConfirming(false);
      setOutcome(result);
    }
  };

  return (
    <section className="detail" aria-label="Orphaned entries">
      <h2>Orphaned entries</h2>
      <p>
        These per-device entries in global account data name a device that no longer exists. Clients write
        them for their own device (e.g. <code>io.element.matrix_client_information.&lt;device&gt;</code>) and
        the server does not remove them when the device signs out, so they pile up.
      </p>
      {props.orphans.length > 0 ? (
        <>
          <ul className="orphans-list">
            {props.orphans.map((e) => (
              <li key={e.type}>
                <code>{e.type}</code>
              </li>
            ))}
          </ul>
          <div className="detail__actions">
            <button
              type="button"
              className="button button--danger"
              disabled={isDeleting}
              onClick={() => {
                setOutcome(null);
                setPlanned(props.orphans.map((e) => e.type));
                setIsConfirming(true);
              }}
            >
              Delete orphans
            </button>
          </div>
        </>
      ) : (
        <p className="hint">No orphaned entries.</p>
      )}
      {outcome ? <OutcomeBanner outcome={outcome} /> : null}
      {isConfirming ? (
        <ModalDialog
          title="Delete orphaned entries"
          onCancel={() => {
            if (!isDeleting) setIsConfirming(false);
          }}
          actions={
            <>
              <button
                type="button"
                className="button button--secondary"
                disabled={isDeleting}
                onClick={() => {
                  setIsConfirming(false);
                }}
              >
                Cancel
              </button>
              <button
                type="button"
                className="button button--danger"
                disabled={isDeleting}
                onClick={() => {
                  void run();
                }}
              >
                Delete {entriesText(planned.length)}
              </button>
            </>
          }
        >
          <p>
            This deletes {entriesText(planned.length)} from global account data. Entries of a device that has
            signed in again meanwhile are kept.
          </p>
          <ul aria-label="Entries to delete" className="orphans-list">
            {planned.map((type) => (
              <li key={type}>
                <code>{type}</code>
              </li>
            ))}
          </ul>
        </ModalDialog>
      ) : null}
    </section>
  );
}

function OutcomeBanner({ outcome }: { outcome: Outcome }) {
  const tone = outcome.failed.length > 0 ? 'critical' : 'success';
  return (
    <Banner
      tone={tone}
      title={
        outcome.failed.length > 0
          ? `Deleted ${entriesText(outcome.deleted.length)}; ${outcome.failed.length} failed`
          : `Deleted ${entriesText(outcome.deleted.length)}`
      }
    >
      {outcome.kept.length > 0 ? (
        <p>Kept because the device exists again: {outcome.kept.join(', ')}.</p>
      ) : null}
      {outcome.failed.map((f) => (
        <p key={f.type}>
          {f.type}: {f.message}
        </p>
      ))}
    </Banner>
  );
}
