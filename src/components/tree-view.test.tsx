// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useCallback, useMemo, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Badge } from './badge.tsx';
import { computeStructure, TreeView, type TreeNode, type TreeViewProps } from './tree-view.tsx';

afterEach(cleanup);

type Item = { id: string; label: string; children?: Item[] };

const DATA: Item[] = [
  {
    id: 'global',
    label: 'Global',
    children: [
      { id: 'g/m.direct', label: 'm.direct' },
      { id: 'g/m.push_rules', label: 'm.push_rules' },
      { id: 'g/im.vector.setting', label: 'im.vector.setting' },
    ],
  },
  {
    id: 'rooms',
    label: 'Rooms',
    children: [
      {
        id: 'r/a',
        label: 'Room A',
        children: [
          { id: 'r/a/m.fully_read', label: 'm.fully_read' },
          { id: 'r/a/m.tag', label: 'm.tag' },
        ],
      },
      { id: 'r/b', label: 'Room B', children: [{ id: 'r/b/m.tag', label: 'm.tag' }] },
      { id: 'r/c', label: 'Room C', children: [] },
    ],
  },
  { id: 'leaf', label: 'Leaf at top' },
];

function flatten(items: Item[], expanded: ReadonlySet<string>, level = 1, out: TreeNode[] = []): TreeNode[] {
  for (const item of items) {
    const expandable = item.children !== undefined;
    const isExpanded = expandable && expanded.has(item.id);
    out.push({ id: item.id, level, label: item.label, expandable, expanded: isExpanded });
    if (isExpanded && item.children) flatten(item.children, expanded, level + 1, out);
  }
  return out;
}

const VIEWPORT = { width: 320, height: 320 }; // 10 rows of 32 px

type HarnessProps = Partial<TreeViewProps<TreeNode>> & {
  data?: Item[];
  initialExpanded?: string[];
  initialSelected?: string | null;
};

/** A caller that owns expansion and selection, like the account-data feature will. */
function Harness({ data = DATA, initialExpanded = [], initialSelected = null, ...props }: HarnessProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(initialExpanded));
  const [selected, setSelected] = useState<string | null>(initialSelected);
  const nodes = useMemo(() => flatten(data, expanded), [data, expanded]);
  const onToggle = useCallback(
    (id: string, isExpanded: boolean) => {
      props.onToggle?.(id, isExpanded);
      setExpanded((previous) => {
        const next = new Set(previous);
        if (isExpanded) next.add(id);
        else next.delete(id);
        return next;
      });
    },
    [props],
  );
  return (
    <>
      <button type="button">Before</button>
      <TreeView
        label="Account data"
        fixedViewport={VIEWPORT}
        {...props}
        nodes={nodes}
        selectedId={selected}
        onSelect={(id) => {
          props.onSelect?.(id);
          setSelected(id);
        }}
        onToggle={onToggle}
      />
      <button type="button">After</button>
    </>
  );
}

const rows = () => screen.getAllByRole('treeitem');
const row = (name: string | RegExp) => screen.getByRole('treeitem', { name });
const focused = () => document.activeElement;
const labelOf = (element: Element | null) =>
  element?.querySelector('.tree-row__label')?.textContent ?? `<${element?.tagName ?? 'nothing'}>`;

describe('TreeView roles and ARIA', () => {
  it('renders a labelled tree of treeitems with level, set size and position', () => {
    render(<Harness initialExpanded={['global', 'rooms', 'r/a']} />);
    const tree = screen.getByRole('tree', { name: 'Account data' });
    const items = within(tree).getAllByRole('treeitem');
    expect(items.map((item) => labelOf(item))).toEqual([
      'Global',
      'm.direct',
      'm.push_rules',
      'im.vector.setting',
      'Rooms',
      'Room A',
      'm.fully_read',
      'm.tag',
      'Room B',
      'Room C',
      'Leaf at top',
    ]);
    const aria = (name: string) => {
      const item = items.find((element) => labelOf(element) === name)!;
      return ['aria-level', 'aria-setsize', 'aria-posinset', 'aria-expanded'].map((attr) =>
        item.getAttribute(attr),
      );
    };
    expect(aria('Global')).toEqual(['1', '3', '1', 'true']);
    expect(aria('m.push_rules')).toEqual(['2', '3', '2', null]);
    expect(aria('Rooms')).toEqual(['1', '3', '2', 'true']);
    expect(aria('Room A')).toEqual(['2', '3', '1', 'true']);
    expect(aria('m.tag')).toEqual(['3', '2', '2', null]);
    expect(aria('Room B')).toEqual(['2', '3', '2', 'false']);
    expect(aria('Room C')).toEqual(['2', '3', '3', 'false']);
    expect(aria('Leaf at top')).toEqual(['1', '3', '3', null]);
  });

  it('uses set size and position given by the caller', () => {
    render(
      <TreeView
        label="Paged"
        nodes={[{ id: 'x', level: 1, label: 'x', expandable: false, setSize: 500, posInSet: 42 }]}
        selectedId={null}
        onSelect={() => {}}
        onToggle={() => {}}
        fixedViewport={VIEWPORT}
      />,
    );
    expect(row('x').getAttribute('aria-setsize')).toBe('500');
    expect(row('x').getAttribute('aria-posinset')).toBe('42');
  });

  it('marks exactly the selected row aria-selected', () => {
    render(<Harness initialExpanded={['global']} initialSelected="g/m.direct" />);
    expect(rows().map((item) => item.getAttribute('aria-selected'))).toEqual([
      'false',
      'true',
      'false',
      'false',
      'false',
      'false',
    ]);
  });

  it('names each row by its label first, then its custom content', () => {
    render(
      <Harness
        initialExpanded={['global']}
        renderContent={(node) =>
          node.id === 'g/m.direct' ? (
            <>
              <span>3.1 KB</span>
              <Badge variant="server-managed" />
              <Badge variant="info">Draft</Badge>
            </>
          ) : null
        }
      />,
    );
    expect(row('m.direct 3.1 KB Server-managed Draft')).toBeTruthy();
    expect(row(/^m\.direct/).getAttribute('aria-level')).toBe('2');
    expect(row('m.push_rules')).toBeTruthy();
    // The twisty is decoration and not part of any name.
    expect(row('Global').textContent).toBe('Global');
  });

  it('renders per-node content from node.render', () => {
    render(
      <TreeView
        label="t"
        nodes={[{ id: 'a', level: 1, label: 'm.tag', expandable: false, render: () => 'Secret' }]}
        selectedId="a"
        onSelect={() => {}}
        onToggle={() => {}}
        fixedViewport={VIEWPORT}
      />,
    );
    expect(row('m.tag Secret')).toBeTruthy();
  });
});

describe('TreeView focus and keyboard', () => {
  it('has a single tab stop, the selected row, and keeps DOM focus on rows', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['global', 'rooms']} initialSelected="r/b" />);
    expect(rows().filter((item) => item.tabIndex === 0)).toEqual([row('Room B')]);
    await user.click(screen.getByRole('button', { name: 'Before' }));
    await user.tab();
    expect(focused()).toBe(row('Room B'));
    await user.tab();
    expect(focused()).toBe(screen.getByRole('button', { name: 'After' }));
    await user.tab({ shift: true });
    expect(focused()).toBe(row('Room B'));
  });

  it('makes the first row the tab stop when nothing is selected', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole('button', { name: 'Before' }));
    await user.tab();
    expect(focused()).toBe(row('Global'));
  });

  it('moves with Up/Down/Home/End, with selection following focus', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    render(<Harness initialExpanded={['global']} onSelect={onSelect} />);
    await user.click(row('Global'));
    await user.keyboard('{ArrowDown}');
    expect(focused()).toBe(row('m.direct'));
    expect(row('m.direct').getAttribute('aria-selected')).toBe('true');
    expect(row('m.direct').tabIndex).toBe(0);
    expect(row('Global').tabIndex).toBe(-1);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(focused()).toBe(row('im.vector.setting'));
    await user.keyboard('{ArrowUp}');
    expect(focused()).toBe(row('m.push_rules'));
    await user.keyboard('{End}');
    expect(focused()).toBe(row('Leaf at top'));
    await user.keyboard('{ArrowDown}');
    expect(focused()).toBe(row('Leaf at top'));
    await user.keyboard('{Home}');
    expect(focused()).toBe(row('Global'));
    await user.keyboard('{ArrowUp}');
    expect(focused()).toBe(row('Global'));
    expect(onSelect.mock.calls.map(([id]) => id as string)).toEqual([
      'global',
      'g/m.direct',
      'g/m.push_rules',
      'g/im.vector.setting',
      'g/m.push_rules',
      'leaf',
      'global',
    ]);
    expect(rows().filter((item) => item.tabIndex === 0)).toHaveLength(1);
  });

  it('expands and enters with Right, collapses and leaves with Left', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    render(<Harness onToggle={onToggle} />);
    await user.click(row('Rooms'));

    await user.keyboard('{ArrowRight}');
    expect(onToggle).toHaveBeenLastCalledWith('rooms', true);
    expect(row('Rooms').getAttribute('aria-expanded')).toBe('true');
    expect(focused()).toBe(row('Rooms'));

    await user.keyboard('{ArrowRight}');
    expect(focused()).toBe(row('Room A'));
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(focused()).toBe(row('m.fully_read'));
    // Right on a leaf does nothing.
    await user.keyboard('{ArrowRight}');
    expect(focused()).toBe(row('m.fully_read'));
    expect(onToggle).toHaveBeenCalledTimes(2);

    await user.keyboard('{ArrowLeft}');
    expect(focused()).toBe(row('Room A'));
    await user.keyboard('{ArrowLeft}');
    expect(onToggle).toHaveBeenLastCalledWith('r/a', false);
    expect(screen.queryByRole('treeitem', { name: 'm.fully_read' })).toBeNull();
    expect(focused()).toBe(row('Room A'));
    await user.keyboard('{ArrowLeft}');
    expect(focused()).toBe(row('Rooms'));
    // Left on a collapsed top-level row has nowhere to go.
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(row('Rooms').getAttribute('aria-expanded')).toBe('false');
    expect(focused()).toBe(row('Rooms'));
  });

  it('does not enter an expanded row that has no children yet', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['rooms', 'r/c']} initialSelected="r/c" />);
    await user.click(row('Room C'));
    await user.keyboard('{ArrowRight}');
    expect(focused()).toBe(row('Room C'));
  });

  it('activates with Enter, or toggles when there is no onActivate', async () => {
    const user = userEvent.setup();
    const onActivate = vi.fn();
    const { unmount } = render(<Harness initialExpanded={['global']} onActivate={onActivate} />);
    await user.click(row('m.direct'));
    await user.keyboard('{Enter}');
    expect(onActivate).toHaveBeenCalledWith('g/m.direct');
    unmount();

    render(<Harness />);
    await user.click(row('Global'));
    await user.keyboard('{Enter}');
    expect(row('Global').getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{Enter}');
    expect(row('Global').getAttribute('aria-expanded')).toBe('false');
  });

  it('only selects on Space, Enter or click when selection does not follow focus', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    render(<Harness initialExpanded={['global']} selectionFollowsFocus={false} onSelect={onSelect} />);
    await user.click(row('Global'));
    expect(onSelect).toHaveBeenLastCalledWith('global');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(focused()).toBe(row('m.push_rules'));
    expect(row('m.push_rules').tabIndex).toBe(0);
    expect(row('Global').getAttribute('aria-selected')).toBe('true');
    expect(onSelect).toHaveBeenCalledTimes(1);
    await user.keyboard(' ');
    expect(onSelect).toHaveBeenLastCalledWith('g/m.push_rules');
    expect(row('m.push_rules').getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowUp}{Enter}');
    expect(row('m.direct').getAttribute('aria-selected')).toBe('true');
  });

  it('selects on click and toggles on a twisty click', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    render(<Harness onToggle={onToggle} />);
    await user.click(row('Rooms'));
    expect(row('Rooms').getAttribute('aria-selected')).toBe('true');
    expect(focused()).toBe(row('Rooms'));
    expect(onToggle).not.toHaveBeenCalled();

    const twisty = row('Global').querySelector('[data-twisty]')!;
    await user.click(twisty);
    expect(onToggle).toHaveBeenCalledWith('global', true);
    expect(row('Global').getAttribute('aria-selected')).toBe('true');
    expect(row('Global').getAttribute('aria-expanded')).toBe('true');
    await user.click(twisty);
    expect(row('Global').getAttribute('aria-expanded')).toBe('false');
  });

  it('expands all collapsed siblings with *', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    render(<Harness initialExpanded={['rooms']} onToggle={onToggle} />);
    await user.click(row('Room B'));
    await user.keyboard('*');
    expect(onToggle.mock.calls).toEqual([
      ['r/a', true],
      ['r/b', true],
      ['r/c', true],
    ]);
    expect(focused()).toBe(row('Room B'));

    cleanup();
    const onExpandSiblings = vi.fn();
    render(<Harness onExpandSiblings={onExpandSiblings} />);
    await user.click(row('Leaf at top'));
    await user.keyboard('*');
    expect(onExpandSiblings).toHaveBeenCalledWith(['global', 'rooms']);
  });

  it('leaves keys pressed with Ctrl, Alt or Meta to the browser', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['global']} />);
    await user.click(row('Global'));
    await user.keyboard('{Control>}{ArrowDown}{/Control}{Alt>}{End}{/Alt}{Meta>}g{/Meta}');
    expect(focused()).toBe(row('Global'));
  });
});

describe('TreeView type-ahead', () => {
  // A frozen clock, so that slow machines cannot split a typed word into two searches.
  let clock = 1_000_000;
  beforeEach(() => {
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
  });
  it('jumps to the next row starting with the typed text, case-insensitively', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['global', 'rooms', 'r/a']} />);
    await user.click(row('Global'));
    await user.keyboard('ROOM');
    expect(focused()).toBe(row('Rooms'));
    expect(row('Rooms').getAttribute('aria-selected')).toBe('true');
  });

  it('extends the search while keys come within 500 ms, and restarts after', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['global', 'rooms', 'r/a']} />);
    await user.click(row('Global'));
    await user.keyboard('m.t');
    expect(focused()).toBe(row('m.tag'));
    clock += 400;
    // "m.ta" still matches the current row: it stays.
    await user.keyboard('a');
    expect(focused()).toBe(row('m.tag'));
    clock += 501;
    // A new search from the row after the current one, wrapping around to the top.
    await user.keyboard('g');
    expect(focused()).toBe(row('Global'));
    clock += 501;
    await user.keyboard('i');
    expect(focused()).toBe(row('im.vector.setting'));
  });

  it('cycles through rows with the same first letter when it is typed repeatedly', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['global', 'rooms', 'r/a']} />);
    await user.click(row('Global'));
    await user.keyboard('m');
    expect(focused()).toBe(row('m.direct'));
    await user.keyboard('m');
    expect(focused()).toBe(row('m.push_rules'));
    await user.keyboard('m');
    expect(focused()).toBe(row('m.fully_read'));
  });

  it('treats Space as part of a search once one has begun', async () => {
    const user = userEvent.setup();
    render(<Harness initialExpanded={['rooms']} selectionFollowsFocus={false} />);
    await user.click(row('Global'));
    await user.keyboard('room b');
    expect(focused()).toBe(row('Room B'));
    expect(row('Global').getAttribute('aria-selected')).toBe('true');
  });

  it('matches custom type-ahead text and stays put when nothing matches', async () => {
    const user = userEvent.setup();
    render(
      <Harness
        initialExpanded={['rooms']}
        typeaheadText={(node) => (node.id === 'r/c' ? '!abc:example.org' : node.label)}
      />,
    );
    await user.click(row('Global'));
    await user.keyboard('!abc');
    expect(focused()).toBe(row('Room C'));
    clock += 5000;
    await user.keyboard('zzz');
    expect(focused()).toBe(row('Room C'));
  });
});

describe('TreeView focus restoration', () => {
  it('moves focus to the row at the same position when the focused row disappears', async () => {
    const user = userEvent.setup();
    const nodes = (ids: string[]): TreeNode[] =>
      ids.map((id) => ({ id, level: 1, label: id, expandable: false }));
    const props = { label: 't', selectedId: null, onSelect: () => {}, onToggle: () => {} };
    const { rerender } = render(
      <TreeView {...props} nodes={nodes(['a', 'b', 'c', 'd'])} fixedViewport={VIEWPORT} />,
    );
    await user.click(row('b'));
    await user.keyboard('{ArrowDown}');
    expect(focused()).toBe(row('c'));
    rerender(<TreeView {...props} nodes={nodes(['a', 'b', 'd'])} fixedViewport={VIEWPORT} />);
    expect(focused()).toBe(row('d'));
    expect(rows().filter((item) => item.tabIndex === 0)).toEqual([row('d')]);
    // Focus follows the row, not the index, when rows move.
    rerender(<TreeView {...props} nodes={nodes(['new', 'a', 'b', 'd'])} fixedViewport={VIEWPORT} />);
    expect(focused()).toBe(row('d'));
  });

  it('does not steal focus back after the user left the tree', async () => {
    const user = userEvent.setup();
    const nodes = (ids: string[]): TreeNode[] =>
      ids.map((id) => ({ id, level: 1, label: id, expandable: false }));
    const props = { label: 't', selectedId: null, onSelect: () => {}, onToggle: () => {} };
    const { rerender } = render(
      <>
        <TreeView {...props} nodes={nodes(['a', 'b'])} fixedViewport={VIEWPORT} />
        <button type="button">Elsewhere</button>
      </>,
    );
    await user.click(row('b'));
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    rerender(
      <>
        <TreeView {...props} nodes={nodes(['a'])} fixedViewport={VIEWPORT} />
        <button type="button">Elsewhere</button>
      </>,
    );
    expect(focused()).toBe(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(row('a').tabIndex).toBe(0);
  });

  it('moves the tab stop to a selection made elsewhere', () => {
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, level: 1, label: id, expandable: false }));
    const props = { label: 't', nodes, onSelect: () => {}, onToggle: () => {}, fixedViewport: VIEWPORT };
    const { rerender } = render(<TreeView {...props} selectedId="a" />);
    expect(row('a').tabIndex).toBe(0);
    rerender(<TreeView {...props} selectedId="c" />);
    expect(row('c').tabIndex).toBe(0);
    expect(row('a').tabIndex).toBe(-1);
  });
});

describe('TreeView re-rendering', () => {
  it('re-renders only the rows whose node object changed, with their new content', () => {
    const renderContent = vi.fn((node: TreeNode) => `(${node.label})`);
    const nodes: TreeNode[] = ['a', 'b', 'c'].map((id) => ({ id, level: 1, label: id, expandable: false }));
    const props = { label: 't', selectedId: null, onSelect: () => {}, onToggle: () => {}, renderContent };
    const { rerender } = render(<TreeView {...props} nodes={nodes} fixedViewport={VIEWPORT} />);
    expect(rows().map((item) => item.textContent)).toEqual(['a (a)', 'b (b)', 'c (c)']);
    renderContent.mockClear();
    const [a, b, c] = nodes as [TreeNode, TreeNode, TreeNode];
    rerender(<TreeView {...props} nodes={[a, { ...b, label: 'B' }, c]} fixedViewport={VIEWPORT} />);
    expect(renderContent.mock.calls.map(([node]) => node.id)).toEqual(['b']);
    expect(rows().map((item) => item.textContent)).toEqual(['a (a)', 'B (B)', 'c (c)']);
  });
});

describe('TreeView virtualisation', () => {
  const ROOMS = 10_000;
  const bigNodes: TreeNode[] = Array.from({ length: ROOMS }, (_, i) => ({
    id: `!room${i}:example.org`,
    level: 1,
    label: `Room ${String(i).padStart(5, '0')}`,
    expandable: true,
    expanded: false,
  }));

  function Big(props: Partial<TreeViewProps<TreeNode>>) {
    const [selected, setSelected] = useState<string | null>(null);
    return (
      <TreeView
        label="Account data"
        nodes={bigNodes}
        selectedId={selected}
        onSelect={setSelected}
        onToggle={() => {}}
        fixedViewport={VIEWPORT}
        {...props}
      />
    );
  }

  it('renders only a window of rows, and End still reaches and focuses the last one', async () => {
    const user = userEvent.setup();
    render(<Big />);
    const first = rows();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(50);
    await user.click(row('Room 00000'));
    await user.keyboard('{End}');
    const last = row('Room 09999');
    expect(focused()).toBe(last);
    expect(last.getAttribute('aria-posinset')).toBe(String(ROOMS));
    expect(last.getAttribute('aria-setsize')).toBe(String(ROOMS));
    expect(last.getAttribute('aria-selected')).toBe('true');
    expect(last.style.transform).toBe(`translateY(${(ROOMS - 1) * 32}px)`);
    expect(rows().length).toBeLessThan(50);
    await user.keyboard('{ArrowUp}');
    expect(focused()).toBe(row('Room 09998'));
  });

  it('scrolls the focused row into view and moves the rendered window with it', async () => {
    // jsdom has no layout or scrolling: stand in for the browser's scroll metrics and scrollTo,
    // which sets the offset at once and reports it with an asynchronous scroll event.
    const scrollTo = vi.fn(function (this: HTMLElement, options?: ScrollToOptions) {
      this.scrollTop = options?.top ?? this.scrollTop;
      setTimeout(() => this.dispatchEvent(new Event('scroll')), 0);
    });
    Object.defineProperty(HTMLElement.prototype, 'scrollTo', { value: scrollTo, configurable: true });
    try {
      const user = userEvent.setup();
      render(<Big />);
      const tree = screen.getByRole('tree');
      Object.defineProperty(tree, 'scrollHeight', { get: () => ROOMS * 32 });
      Object.defineProperty(tree, 'clientHeight', { get: () => 320 });
      await user.click(row('Room 00000'));
      await user.keyboard('{End}');
      // Aligned so that the last row sits at the bottom of the 320 px viewport.
      expect(scrollTo).toHaveBeenLastCalledWith(expect.objectContaining({ top: ROOMS * 32 - 320 }));
      await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
      expect(tree.scrollTop).toBe(ROOMS * 32 - 320);
      expect(screen.queryByRole('treeitem', { name: 'Room 00000' })).toBeNull();
      expect(row('Room 09990')).toBeTruthy();
      expect(focused()).toBe(row('Room 09999'));

      // PageUp moves a viewport, less one row, at a time; rows above the window scroll into view.
      await user.keyboard('{PageUp}{PageUp}');
      expect(focused()).toBe(row('Room 09981'));
      expect(scrollTo).toHaveBeenLastCalledWith(expect.objectContaining({ top: 9981 * 32 }));
    } finally {
      Reflect.deleteProperty(HTMLElement.prototype, 'scrollTo');
    }
  });

  it('keeps the focused row mounted and focused while it is scrolled out of the window', async () => {
    const user = userEvent.setup();
    render(<Big />);
    const tree = screen.getByRole('tree');
    await user.click(row('Room 00003'));
    const focusedRow = row('Room 00003');
    tree.scrollTop = 5000 * 32;
    fireEvent.scroll(tree);
    await act(() => Promise.resolve());
    expect(row('Room 05000')).toBeTruthy();
    expect(screen.queryByRole('treeitem', { name: 'Room 00002' })).toBeNull();
    // Still the same element, still focused, still the tab stop.
    expect(row('Room 00003')).toBe(focusedRow);
    expect(focused()).toBe(focusedRow);
    expect(focusedRow.tabIndex).toBe(0);
    expect(rows().length).toBeLessThan(50);

    // Scrolling back keeps the same element; keyboard navigation continues from it.
    tree.scrollTop = 0;
    fireEvent.scroll(tree);
    await act(() => Promise.resolve());
    expect(row('Room 00003')).toBe(focusedRow);
    await user.keyboard('{ArrowDown}');
    expect(focused()).toBe(row('Room 00004'));
  });

  it('type-ahead reaches rows outside the rendered window', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const user = userEvent.setup();
    render(<Big />);
    await user.click(row('Room 00000'));
    await user.keyboard('room 0765');
    expect(focused()).toBe(row('Room 07650'));
  });
});

describe('computeStructure', () => {
  const n = (id: string, level: number): TreeNode => ({ id, level, label: id, expandable: false });

  it('derives parents, positions and set sizes from levels', () => {
    const nodes = [n('a', 1), n('a1', 2), n('a1x', 3), n('a2', 2), n('b', 1), n('b1', 2), n('c', 1)];
    const s = computeStructure(nodes);
    expect(Array.from(s.parent)).toEqual([-1, 0, 1, 0, -1, 4, -1]);
    expect(Array.from(s.posInSet)).toEqual([1, 1, 1, 2, 2, 1, 3]);
    expect(nodes.map((_, i) => s.setSize(i))).toEqual([3, 2, 1, 2, 3, 1, 3]);
    expect(s.indexOf('b1')).toBe(5);
  });

  it('starts a new sibling group under each parent', () => {
    const nodes = [n('a', 1), n('a1', 2), n('b', 1), n('b1', 2), n('b2', 2)];
    const s = computeStructure(nodes);
    expect(Array.from(s.posInSet)).toEqual([1, 1, 2, 1, 2]);
    expect(nodes.map((_, i) => s.setSize(i))).toEqual([2, 1, 2, 2, 2]);
  });

  it('finds a row by ID, looking where it was first', () => {
    const s = computeStructure([n('a', 1), n('b', 1), n('c', 1)]);
    expect(s.indexOf('c')).toBe(2);
    expect(s.indexOf('c', 2)).toBe(2);
    expect(s.indexOf('c', 0)).toBe(2);
    expect(s.indexOf('a', 7)).toBe(0);
    expect(s.indexOf('zzz')).toBe(-1);
    expect(s.indexOf('zzz', 1)).toBe(-1);
  });

  it('derives the shape only when asked, once', () => {
    let levelReads = 0;
    const nodes: TreeNode[] = ['a', 'a1', 'b'].map((id) => ({
      id,
      label: id,
      expandable: false,
      get level() {
        levelReads++;
        return id.length;
      },
    }));
    const s = computeStructure(nodes);
    expect(s.indexOf('b')).toBe(2);
    expect(levelReads).toBe(0);
    expect(Array.from(s.parent)).toEqual([-1, 0, -1]);
    expect(levelReads).toBe(3);
    expect(Array.from(s.posInSet)).toEqual([1, 1, 2]);
    expect(s.setSize(0)).toBe(2);
    expect(Array.from(s.group)).toEqual([0, 1, 0]);
    expect(levelReads).toBe(3);
  });

  it('handles 100,000 rows quickly', () => {
    const nodes: TreeNode[] = [];
    for (let room = 0; room < 10_000; room++) {
      nodes.push(n(`r${room}`, 1));
      for (let type = 0; type < 9; type++) nodes.push(n(`r${room}/t${type}`, 2));
    }
    const started = performance.now();
    const s = computeStructure(nodes);
    expect(performance.now() - started).toBeLessThan(500);
    expect(s.setSize(0)).toBe(10_000);
    expect(s.setSize(1)).toBe(9);
    expect(s.posInSet[99_999]).toBe(9);
    expect(s.parent[99_999]).toBe(99_990);
  });
});
