// @vitest-environment jsdom
// "Orphaned entries" (issue #10): the dialog lists exactly what it will delete, re-reads the device
// list first, keeps entries whose device came back, and reports each failure.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { perDeviceSuffix } from '../../matrix/known-types.ts';
import { liveEntry, type Entry } from './model.ts';
import { OrphansPane } from './orphans-pane.tsx';

afterEach(cleanup);

const INFO_A = 'io.element.matrix_client_information.AAA';
const INFO_B = 'io.element.matrix_client_information.BBB';
const MSC3890_C = 'org.matrix.msc3890.local_notification_settings.CCC';
const orphan = (type: string): Entry => liveEntry(type, { name: 'Element' });

/** A promise and its resolvers, to hold a step in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(options: {
  orphans: string[];
  refreshDevices?: () => Promise<ReadonlySet<string>>;
  deleteEntry?: (type: string) => Promise<unknown>;
}) {
  const calls: string[] = [];
  const refreshDevices = vi.fn(
    options.refreshDevices ??
      (() => {
        calls.push('refresh');
        return Promise.resolve(new Set<string>(['ME']));
      }),
  );
  const deleteEntry = vi.fn(
    options.deleteEntry ??
      ((type: string) => {
        calls.push(`delete ${type}`);
        return Promise.resolve();
      }),
  );
  const props = {
    deleteEntry,
    refreshDevices,
    deviceOf: (type: string) => perDeviceSuffix(type)?.deviceId,
  };
  const user = userEvent.setup();
  const rendered = render(<OrphansPane {...props} orphans={options.orphans.map(orphan)} />);
  const rerender = (orphans: string[]) => {
    rendered.rerender(<OrphansPane {...props} orphans={orphans.map(orphan)} />);
  };
  const pane = () => screen.getByRole('region', { name: 'Orphaned entries' });
  const dialog = () => screen.getByRole('dialog', { name: 'Delete orphaned entries' });
  const openDialog = async () => {
    await user.click(within(pane()).getByRole('button', { name: 'Delete orphans' }));
    return dialog();
  };
  const listed = () =>
    within(within(dialog()).getByRole('list', { name: 'Entries to delete' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
  return { user, calls, refreshDevices, deleteEntry, pane, dialog, openDialog, listed, rerender };
}

describe('OrphansPane', () => {
  it('lists the orphans, and the dialog lists exactly what it will delete with a counted confirm button', async () => {
    const { pane, openDialog, listed, user, refreshDevices, deleteEntry } = setup({
      orphans: [INFO_A, MSC3890_C],
    });
    expect(
      within(pane())
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([INFO_A, MSC3890_C]);
    expect(screen.queryByRole('dialog')).toBeNull();

    const dialog = await openDialog();
    expect(listed()).toEqual([INFO_A, MSC3890_C]);
    expect(within(dialog).getByRole('button', { name: 'Delete 2 entries' })).toBeDefined();

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(refreshDevices).not.toHaveBeenCalled();
    expect(deleteEntry).not.toHaveBeenCalled();
  });

  it('says "Delete 1 entry" for one', async () => {
    const { openDialog } = setup({ orphans: [INFO_A] });
    const dialog = await openDialog();
    expect(within(dialog).getByRole('button', { name: 'Delete 1 entry' })).toBeDefined();
  });

  it('says there are none, without a Delete button', () => {
    const { pane } = setup({ orphans: [] });
    expect(within(pane()).getByText('No orphaned entries.')).toBeDefined();
    expect(within(pane()).queryByRole('button', { name: 'Delete orphans' })).toBeNull();
  });

  it('re-reads the devices first, keeps entries whose device exists again, deletes the rest', async () => {
    const { openDialog, user, calls } = setup({
      orphans: [INFO_A, INFO_B, MSC3890_C],
      refreshDevices: () => {
        calls.push('refresh');
        return Promise.resolve(new Set(['ME', 'BBB']));
      },
    });
    const dialog = await openDialog();
    await user.click(within(dialog).getByRole('button', { name: 'Delete 3 entries' }));
    expect(calls).toEqual(['refresh', `delete ${INFO_A}`, `delete ${MSC3890_C}`]);
    expect(screen.queryByRole('dialog')).toBeNull();
    const banner = await screen.findByRole('status');
    expect(banner.textContent).toContain('Deleted 2 entries');
    expect(banner.textContent).toContain(`Kept because the device exists again: ${INFO_B}.`);
  });

  it('deletes what the dialog listed, even if the orphans change while it is open', async () => {
    const { openDialog, listed, user, rerender, deleteEntry } = setup({ orphans: [INFO_A] });
    await openDialog();
    rerender([INFO_A, INFO_B]);
    expect(listed()).toEqual([INFO_A]);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete 1 entry' }));
    expect(deleteEntry.mock.calls).toEqual([[INFO_A]]);
  });

  it('shows each failure by type and goes on with the others', async () => {
    const { openDialog, user, deleteEntry } = setup({
      orphans: [INFO_A, MSC3890_C],
      deleteEntry: (type) =>
        type === INFO_A ? Promise.reject(new Error('M_FORBIDDEN: nope')) : Promise.resolve(),
    });
    await user.click(within(await openDialog()).getByRole('button', { name: 'Delete 2 entries' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Deleted 1 entry; 1 failed');
    expect(alert.textContent).toContain(`${INFO_A}: M_FORBIDDEN: nope`);
    expect(alert.textContent).not.toContain(`${MSC3890_C}:`);
    expect(deleteEntry.mock.calls).toEqual([[INFO_A], [MSC3890_C]]);
  });

  it('deletes nothing when the device list cannot be read', async () => {
    const { openDialog, user, deleteEntry } = setup({
      orphans: [INFO_A, MSC3890_C],
      refreshDevices: () => Promise.reject(new Error('Network down')),
    });
    await user.click(within(await openDialog()).getByRole('button', { name: 'Delete 2 entries' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Deleted 0 entries; 1 failed');
    expect(alert.textContent).toContain('Nothing was deleted: Network down');
    expect(deleteEntry).not.toHaveBeenCalled();
  });

  it('disables the dialog’s buttons while deleting', async () => {
    const refresh = deferred<ReadonlySet<string>>();
    const { openDialog, user, dialog } = setup({ orphans: [INFO_A], refreshDevices: () => refresh.promise });
    await user.click(within(await openDialog()).getByRole('button', { name: 'Delete 1 entry' }));
    expect(within(dialog()).getByRole<HTMLButtonElement>('button', { name: 'Delete 1 entry' }).disabled).toBe(
      true,
    );
    expect(within(dialog()).getByRole<HTMLButtonElement>('button', { name: 'Cancel' }).disabled).toBe(true);
    await act(async () => {
      refresh.resolve(new Set());
      await refresh.promise;
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((await screen.findByRole('status')).textContent).toContain('Deleted 1 entry');
  });
});
