// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryTab, describeSource, type VersionRow } from './history-tab.tsx';

vi.mock('../../editor/diff-view.tsx', () => import('../../test/editor-doubles.tsx'));

afterEach(cleanup);

const NOW = Date.now();
// Newest first, as the store returns them.
const versions: VersionRow[] = [
  { id: 5, at: NOW - 1_000, source: 'live', content: { a: 1, c: 3 }, size: 13 },
  {
    id: 4,
    at: NOW - 2_000,
    source: 'this-app',
    content: { a: 1, bad: true },
    size: 18,
    write: { action: 'save', outcome: 'failed', error: 'You cannot ignore yourself' },
  },
  {
    id: 3,
    at: NOW - 3_000,
    source: 'this-app',
    content: { a: 1, b: 2 },
    size: 13,
    write: { action: 'save', outcome: 'ok', method: 'PUT' },
  },
  { id: 2, at: NOW - 4_000, source: 'live', content: null, size: 0 },
  { id: 1, at: NOW - 5_000, source: 'initial', content: { a: 0 }, size: 7 },
];

function renderTab(props: Partial<Parameters<typeof HistoryTab>[0]> = {}) {
  const handlers = { onSelect: vi.fn(), onCompare: vi.fn(), onRestore: vi.fn() };
  render(
    <HistoryTab
      type="m.direct"
      versions={versions}
      isAvailable
      selectedId={undefined}
      compareId={undefined}
      {...handlers}
      {...props}
    />,
  );
  return handlers;
}

describe('HistoryTab (issue #8)', () => {
  it('lists versions newest first with source and a summary against the previous server version', () => {
    renderTab();
    const rows = within(screen.getByRole('table', { name: 'Versions of m.direct' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/Live change.*13 B.*\+1 key, −1 key/),
      expect.stringMatching(/This app: save failed.*You cannot ignore yourself/),
      expect.stringMatching(/This app: save \(PUT\).*created, 2 keys/),
      expect.stringMatching(/Live change.*—.*deleted/),
      expect.stringMatching(/Initial sync.*7 B.*1 key/),
    ]);
  });

  it('diffs the newest version against the one before it (skipping failed writes) by default', () => {
    renderTab();
    const diff = screen.getByLabelText('Differences between two versions of m.direct');
    expect(diff.textContent).toContain('Version #3');
    expect(diff.textContent).toContain('Version #5');
    expect(screen.getByRole('combobox', { name: 'Compare with' })).toHaveProperty('value', '3');
  });

  it('selects, compares and restores through callbacks', async () => {
    const user = userEvent.setup();
    const handlers = renderTab({ selectedId: 3 });
    await user.click(screen.getByRole('button', { name: 'Show version 1' }));
    expect(handlers.onSelect).toHaveBeenCalledWith(1);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Compare with' }), '1');
    expect(handlers.onCompare).toHaveBeenCalledWith(1);
    await user.click(screen.getByRole('button', { name: 'Restore this version' }));
    expect(handlers.onRestore).toHaveBeenCalledWith({ a: 1, b: 2 });
  });

  it('offers no restore for a deleted version, and says when the browser keeps no history', () => {
    renderTab({ selectedId: 2 });
    expect(screen.queryByRole('button', { name: 'Restore this version' })).toBeNull();
    cleanup();
    renderTab({ isAvailable: false });
    expect(screen.getByText('No history in this browser')).toBeTruthy();
  });

  it('names sources', () => {
    expect(
      describeSource({
        id: 1,
        at: 0,
        source: 'this-app',
        content: null,
        size: 0,
        write: { action: 'delete', outcome: 'ok', method: 'DELETE' },
      }),
    ).toBe('This app: delete (DELETE)');
    const initial: VersionRow = { id: 2, at: 0, source: 'initial', content: { a: 1 }, size: 7 };
    expect(describeSource(initial)).toBe('Initial sync');
    expect(describeSource({ ...initial, changedSinceLastSeen: false })).toBe('Initial sync');
    expect(describeSource({ ...initial, changedSinceLastSeen: true })).toBe(
      'Changed while away (seen at sign-in)',
    );
  });
});
