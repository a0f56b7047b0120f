// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { entryKey } from '../../matrix/entry-key.ts';
import { ActivityView, type ActivityRow } from './activity-view.tsx';

afterEach(cleanup);

const rows: ActivityRow[] = [
  {
    id: 9,
    entry: entryKey({ kind: 'room', roomId: '!r:x' }, 'm.tag'),
    at: Date.now(),
    source: 'live',
    content: null,
    size: 0,
  },
  {
    id: 8,
    entry: entryKey({ kind: 'global' }, 'm.direct'),
    at: Date.now() - 60_000,
    source: 'this-app',
    content: { a: 1 },
    size: 7,
    write: { action: 'save', outcome: 'ok', method: 'PUT' },
  },
];

describe('ActivityView (issue #8)', () => {
  it('lists changes newest first with scope, size or deletion, and source; a row opens its version', async () => {
    const user = userEvent.setup();
    const onOpen = vi.fn();
    render(
      <ActivityView
        rows={rows}
        isAvailable
        filter={{}}
        onFilterChange={vi.fn()}
        onOpen={onOpen}
        roomName={(id) => (id === '!r:x' ? 'Room R' : undefined)}
      />,
    );
    const items = within(screen.getByRole('list', { name: 'Changes, newest first' })).getAllByRole('button');
    expect(items.map((b) => b.textContent)).toEqual([
      expect.stringMatching(/^m\.tagRoom Room Rdeleted · Live change/),
      expect.stringMatching(/^m\.directGlobal7 B · This app: save \(PUT\)/),
    ]);
    await user.click(items[1]!);
    expect(onOpen).toHaveBeenCalledWith(entryKey({ kind: 'global' }, 'm.direct'), 8);
  });

  it('reports filter changes by scope and type', async () => {
    const user = userEvent.setup();
    const onFilterChange = vi.fn();
    render(
      <ActivityView
        rows={[]}
        isAvailable
        filter={{ type: 'm.' }}
        onFilterChange={onFilterChange}
        onOpen={vi.fn()}
        roomName={() => undefined}
      />,
    );
    expect(screen.getByText('No changes yet')).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scope' }), 'room');
    expect(onFilterChange).toHaveBeenLastCalledWith({ type: 'm.', kind: 'room' });
    await user.clear(screen.getByRole('searchbox', { name: 'Type' }));
    expect(onFilterChange).toHaveBeenLastCalledWith({ type: undefined });
  });
});
