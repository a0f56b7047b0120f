// @vitest-environment jsdom
// The Validation pane: problems grouped by entry, a summary line, links that open the entry, and a
// list that follows the data (re-rendered with new props, as the sync-fed cache does).
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MatrixClient } from '../../../matrix/client.ts';
import { liveEntry, tombstone, type RoomsData, type ScopeData } from '../model.ts';
import { PendingWrites } from '../pending-writes.ts';
import type { SupportPaneProps } from './support-pane-props.ts';
import { ValidationPane } from './validation-pane.tsx';

afterEach(cleanup);

const USER = '@alice:hs.test';
const JOINED = '!joined:hs.test';

function roomsWith(isComplete: boolean): RoomsData {
  return {
    order: [JOINED],
    byId: new Map([
      [
        JOINED,
        {
          info: { roomId: JOINED, name: 'Team' },
          data: { 'm.tag': liveEntry('m.tag', { tags: 'favourite' }) },
        },
      ],
    ]),
    isComplete,
  };
}

function props(
  global: ScopeData | undefined,
  rooms: RoomsData | undefined,
  onOpenEntry = vi.fn(),
): SupportPaneProps {
  return {
    client: { userId: USER } as unknown as MatrixClient,
    global,
    rooms,
    devices: undefined,
    deviceData: undefined,
    deviceSupport: undefined,
    pending: new PendingWrites(),
    onWrite: undefined,
    readOnly: undefined,
    onOpenEntry,
  };
}

describe('ValidationPane', () => {
  it('lists the problems grouped by entry with a summary, and opens an entry', async () => {
    const onOpenEntry = vi.fn();
    const global: ScopeData = {
      'm.direct': liveEntry('m.direct', {
        '@bob:hs.test': '!x:hs.test',
        '@carol:hs.test': ['!gone:hs.test'],
      }),
      'org.example.fine': liveEntry('org.example.fine', { a: 1 }),
    };
    render(<ValidationPane {...props(global, roomsWith(true), onOpenEntry)} />);

    const pane = screen.getByRole('region', { name: 'Validation' });
    expect(within(pane).getByRole('status').textContent).toContain(
      '3 problems in 2 entries (2 errors, 1 warning)',
    );
    const direct = within(pane).getByRole('list', { name: 'Problems of m.direct' });
    const items = within(direct).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain('/@bob:hs.test');
    expect(items[0]?.textContent).toContain('not an array');
    expect(items[1]?.textContent).toContain('!gone:hs.test');
    expect(items[1]?.textContent).toContain('not a room you are joined to');
    expect(within(pane).getByRole('list', { name: 'Problems of m.tag' }).textContent).toContain(
      'Expected an object, found a string.',
    );

    await userEvent.click(within(pane).getByRole('button', { name: 'Open m.direct' }));
    expect(onOpenEntry).toHaveBeenCalledWith({ scope: { kind: 'global' }, type: 'm.direct' });
    await userEvent.click(
      within(pane).getByRole('button', { name: 'Open m.tag in Room Team (!joined:hs.test)' }),
    );
    expect(onOpenEntry).toHaveBeenLastCalledWith({ scope: { kind: 'room', roomId: JOINED }, type: 'm.tag' });
  });

  it('follows the data: a fixed entry disappears, a deleted one is not checked', () => {
    const bad = liveEntry('m.direct', { '@bob:hs.test': '!x:hs.test' });
    const { rerender } = render(<ValidationPane {...props({ 'm.direct': bad }, undefined)} />);
    expect(screen.getByRole('status').textContent).toContain('1 problem in 1 entry (1 error)');

    rerender(
      <ValidationPane {...props({ 'm.direct': liveEntry('m.direct', { '@bob:hs.test': [] }) }, undefined)} />,
    );
    expect(screen.getByRole('status').textContent).toContain('No problems found');
    expect(screen.queryByRole('list', { name: 'Problems by entry' })).toBeNull();

    rerender(<ValidationPane {...props({ 'm.direct': tombstone('m.direct', bad) }, undefined)} />);
    expect(screen.getByRole('status').textContent).toContain('No problems found');
  });

  it('skips the membership check until every joined room is known, and says so', () => {
    const global: ScopeData = {
      'm.direct': liveEntry('m.direct', { '@bob:hs.test': ['!elsewhere:hs.test'] }),
    };
    render(<ValidationPane {...props(global, { ...roomsWith(false), byId: new Map() })} />);
    expect(screen.getByRole('status').textContent).toContain('No problems found');
    expect(screen.getByText(/Rooms are still loading/)).toBeTruthy();
  });

  it('says it is loading before the first data arrives', () => {
    render(<ValidationPane {...props(undefined, undefined)} />);
    expect(screen.getByRole('status').textContent).toContain('Loading account data…');
  });
});
