// A virtualised single-select tree following the WAI-ARIA tree pattern
// (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/).
//
// The caller flattens its tree into the rows that are currently visible (children of collapsed
// nodes are simply absent) and owns expansion and selection; the tree owns keyboard focus.
//
// - Rows are a flat list of `role="treeitem"` elements with explicit aria-level / aria-setsize /
//   aria-posinset, because a virtualised list cannot nest `role="group"` elements around rows that
//   are not in the DOM.
// - Roving tabindex: exactly one row has tabIndex 0 (the focused row) and DOM focus stays on real
//   row elements. The focused row is always rendered, even when scrolled out of the window (see
//   `rangeExtractor`), so DOM focus is never lost to virtualisation and Tab always has a target.
// - Selection follows focus by default, as the APG recommends for single-select trees whose
//   selection only changes what another pane shows. Set `selectionFollowsFocus={false}` when
//   selecting is expensive; then arrows only move focus and Enter, Space or a click selects.
import { defaultRangeExtractor, useVirtualizer, type Range, type Rect } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';

/** One visible row of the tree. */
export type TreeNode = {
  /** Unique among all rows; also the React key, so DOM focus survives reordering. */
  id: string;
  /** 1-based depth. Rows must be in depth-first order: children directly follow their parent. */
  level: number;
  /** Primary text. The row's accessible name starts with it, followed by any custom content. */
  label: string;
  /** Whether the row has (or may lazily load) children. Leaves get no `aria-expanded`. */
  expandable: boolean;
  expanded?: boolean;
  /** Number of siblings including this row; computed from `level` when absent. */
  setSize?: number;
  /** 1-based position among its siblings; computed from `level` when absent. */
  posInSet?: number;
  /** Secondary content after the label (size, badges). `renderContent` on the tree wins. */
  render?: (state: TreeRowState) => ReactNode;
};

export type TreeRowState = { isSelected: boolean; isFocused: boolean };

export type TreeViewProps<T extends TreeNode> = {
  /** Accessible name of the tree, e.g. "Account data". */
  label: string;
  /** The visible rows in display order. Keep the array and its objects stable between renders. */
  nodes: readonly T[];
  selectedId: string | null | undefined;
  /** Called when the user selects a row (click, Enter/Space, or moving focus if selection follows it). */
  onSelect: (id: string) => void;
  /** Called with the wanted state when the user expands or collapses a row. */
  onToggle: (id: string, expanded: boolean) => void;
  /** Enter on a row. Without it, Enter on an expandable row toggles it. */
  onActivate?: (id: string) => void;
  /**
   * `*` expands every collapsed sibling of the focused row. Give this to do it in one update;
   * otherwise `onToggle` is called once per sibling.
   */
  onExpandSiblings?: (ids: string[]) => void;
  /** Secondary row content. Memoise it (useCallback): rows re-render when it changes identity. */
  renderContent?: (node: T, state: TreeRowState) => ReactNode;
  /** Text that type-ahead matches against; defaults to `label`. */
  typeaheadText?: (node: T) => string;
  /** Default true. See the note at the top of this file. */
  selectionFollowsFocus?: boolean;
  /** Fixed row height in CSS pixels; keep it in step with the CSS. Default 32. */
  rowHeight?: number;
  /** Rows rendered beyond each edge of the viewport. Default 12. */
  overscan?: number;
  /**
   * Use this viewport size instead of measuring the scroll container. For environments without
   * layout (jsdom) and for server rendering; leave unset in the browser.
   */
  fixedViewport?: Rect;
  /** Sets `aria-busy` while rows are still arriving (e.g. before the first sync completes). */
  isBusy?: boolean;
  className?: string;
  id?: string;
  'aria-describedby'?: string;
};

const TYPEAHEAD_RESET_MS = 500;
const NO_FOCUS_REQUEST = { scroll: false, focus: false } as const;

type FocusState = { id: string | null; index: number };
type FocusRequest = { scroll: boolean; focus: boolean };

export function TreeView<T extends TreeNode>({
  label,
  nodes,
  selectedId = null,
  onSelect,
  onToggle,
  onActivate,
  onExpandSiblings,
  renderContent,
  typeaheadText,
  selectionFollowsFocus = true,
  rowHeight = 32,
  overscan = 12,
  fixedViewport,
  isBusy,
  className,
  id,
  'aria-describedby': describedBy,
}: TreeViewProps<T>) {
  const structure = useMemo(() => computeStructure(nodes), [nodes]);
  const selected = selectedId ?? null;
  const selectedIndex = selected === null ? -1 : structure.indexOf(selected);

  // --- Focus: which row is the tab stop. Derived during render, never in an effect. ---
  const [focus, setFocus] = useState<FocusState>({ id: null, index: 0 });
  // The selection the focus was last moved to, so that a new (or newly visible) selection moves
  // focus once without pinning focus to the selection afterwards.
  const [syncedSelection, setSyncedSelection] = useState<string | null>(null);
  let focusState = focus;
  if (selected !== syncedSelection && (selected === null || selectedIndex >= 0)) {
    setSyncedSelection(selected);
    if (selected !== null) {
      focusState = { id: selected, index: selectedIndex };
      setFocus(focusState);
    }
  }
  const focusIndex = resolveFocusIndex(focusState, structure, selectedIndex, nodes.length);
  const focusedId = nodes[focusIndex]?.id ?? null;
  if (focusedId !== null && (focusedId !== focusState.id || focusIndex !== focusState.index)) {
    // The focused row moved or disappeared: adopt where it is now, or its replacement.
    setFocus({ id: focusedId, index: focusIndex });
  }

  // --- Virtualisation ---
  const scrollRef = useRef<HTMLDivElement>(null);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      // Keep the focused row mounted wherever it is so DOM focus and the tab stop survive scrolling.
      if (focusIndex >= 0 && !indexes.includes(focusIndex)) {
        indexes.push(focusIndex);
        indexes.sort((a, b) => a - b);
      }
      return indexes;
    },
    [focusIndex],
  );
  // No `getItemKey`: rows have one fixed height, so the virtualizer's measurements (keyed by it)
  // never differ per row, and a key function that changes with every rows array made it rebuild
  // them all — 40,000 objects per filter keystroke at 10,000 rooms (issue #13). React keys are the
  // row IDs (below); the virtualizer only needs indexes.
  const estimateSize = useCallback(() => rowHeight, [rowHeight]);
  const observeFixedRect = useMemo(
    () =>
      fixedViewport
        ? (_instance: unknown, cb: (rect: Rect) => void) => {
            cb(fixedViewport);
          }
        : undefined,
    [fixedViewport],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer is read fresh every render and never handed to memoised children
  const virtualizer = useVirtualizer({
    count: nodes.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan,
    rangeExtractor,
    ...(fixedViewport ? { initialRect: fixedViewport } : {}),
    ...(observeFixedRect ? { observeElementRect: observeFixedRect } : {}),
  });

  // --- Moving DOM focus and scrolling, after React has rendered the target row. ---
  const rowElements = useRef(new Map<string, HTMLElement>()).current;
  const registerRow = useCallback(
    (rowId: string, element: HTMLElement) => {
      rowElements.set(rowId, element);
      return () => {
        if (rowElements.get(rowId) === element) rowElements.delete(rowId);
      };
    },
    [rowElements],
  );
  const request = useRef<FocusRequest>({ ...NO_FOCUS_REQUEST });
  const hasFocusWithin = useRef(false);
  const lastScrolledId = useRef<string | null>(null);
  useLayoutEffect(() => {
    const pending = request.current;
    request.current = { ...NO_FOCUS_REQUEST };
    const idChanged = lastScrolledId.current !== focusedId;
    lastScrolledId.current = focusedId;
    if (focusedId === null) return;
    if (pending.scroll || idChanged) virtualizer.scrollToIndex(focusIndex, { align: 'auto' });
    const container = scrollRef.current;
    const active = document.activeElement;
    // Also restore focus when the focused row was unmounted under it (e.g. removed by sync).
    const lostFocus = hasFocusWithin.current && !(container?.contains(active) ?? false);
    if (pending.focus || lostFocus) {
      const row = rowElements.get(focusedId);
      if (row && row !== active) row.focus({ preventScroll: true });
    }
  });

  // --- Interaction ---
  const moveFocus = (index: number, options: { select: boolean }) => {
    const node = nodes[index];
    if (!node) return;
    // Always a new object, so that even a move to the current row re-renders, then scrolls to it
    // and focuses it (e.g. End pressed again after scrolling away with the mouse).
    request.current = { scroll: true, focus: true };
    setFocus({ id: node.id, index });
    if (options.select && node.id !== selected) onSelect(node.id);
  };
  const follow = { select: selectionFollowsFocus };

  const typeahead = useRef({ text: '', at: 0 });
  const searchLabels = useRef<{
    nodes: readonly T[];
    textOf: ((node: T) => string) | undefined;
    labels: string[];
  } | null>(null);
  const findTypeaheadMatch = (key: string): number => {
    const now = Date.now();
    const previous = typeahead.current;
    const text = (now - previous.at > TYPEAHEAD_RESET_MS ? '' : previous.text) + key.toLowerCase();
    typeahead.current = { text, at: now };
    if (searchLabels.current?.nodes !== nodes || searchLabels.current.textOf !== typeaheadText) {
      // Built on the first key press after the rows change, not on every render.
      searchLabels.current = {
        nodes,
        textOf: typeaheadText,
        labels: nodes.map((node) => (typeaheadText ? typeaheadText(node) : node.label).toLowerCase()),
      };
    }
    const { labels } = searchLabels.current;
    // Typing the same letter repeatedly cycles through rows starting with it; a longer prefix
    // keeps matching the current row while it still fits.
    const isRepeat = /^(.)\1+$/su.test(text);
    const prefix = isRepeat ? key.toLowerCase() : text;
    const start = text.length === 1 || isRepeat ? focusIndex + 1 : focusIndex;
    for (let step = 0; step < labels.length; step++) {
      const index = (Math.max(start, 0) + step) % labels.length;
      if (labels[index]?.startsWith(prefix)) return index;
    }
    return -1;
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.getAttribute('role') !== 'treeitem' || focusIndex < 0) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const index = focusIndex;
    const node = nodes[index];
    if (!node) return;
    const last = nodes.length - 1;
    const page = Math.max(1, Math.floor((virtualizer.scrollRect?.height ?? rowHeight) / rowHeight) - 1);
    const isTyping = typeahead.current.text !== '' && Date.now() - typeahead.current.at <= TYPEAHEAD_RESET_MS;

    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        moveFocus(Math.min(index + 1, last), follow);
        break;
      case 'ArrowUp':
        moveFocus(Math.max(index - 1, 0), follow);
        break;
      case 'PageDown':
        moveFocus(Math.min(index + page, last), follow);
        break;
      case 'PageUp':
        moveFocus(Math.max(index - page, 0), follow);
        break;
      case 'Home':
        moveFocus(0, follow);
        break;
      case 'End':
        moveFocus(last, follow);
        break;
      case 'ArrowRight':
        if (node.expandable && !node.expanded) onToggle(node.id, true);
        else if (node.expandable && structure.parent[index + 1] === index) moveFocus(index + 1, follow);
        break;
      case 'ArrowLeft': {
        const parent = structure.parent[index] ?? -1;
        if (node.expandable && node.expanded) onToggle(node.id, false);
        else if (parent >= 0) moveFocus(parent, follow);
        break;
      }
      case 'Enter':
        if (node.id !== selected) onSelect(node.id);
        if (onActivate) onActivate(node.id);
        else if (node.expandable) onToggle(node.id, !node.expanded);
        break;
      case '*': {
        const ids = collapsedSiblings(nodes, structure, index);
        if (onExpandSiblings) onExpandSiblings(ids);
        else for (const siblingId of ids) onToggle(siblingId, true);
        break;
      }
      default:
        if (event.key === ' ' && !isTyping) {
          if (node.id !== selected) onSelect(node.id);
        } else if (/^.$/su.test(event.key)) {
          // A printable character (named keys such as "Tab" are longer): type-ahead. Space
          // counts as a character once a search has begun, so "room 1" can be typed.
          const match = findTypeaheadMatch(event.key);
          if (match >= 0) moveFocus(match, follow);
        } else {
          handled = false;
        }
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const handleClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as Element;
    const row = target.closest('[role="treeitem"]');
    if (!row || !event.currentTarget.contains(row)) return;
    const index = structure.indexOf(row.getAttribute('data-id') ?? '');
    const node = nodes[index];
    if (!node) return;
    moveFocus(index, { select: true });
    if (node.expandable && target.closest('[data-twisty]')) onToggle(node.id, !node.expanded);
  };

  const handleFocus = () => {
    hasFocusWithin.current = true;
  };
  const handleBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget;
    if (!(next instanceof Node) || !event.currentTarget.contains(next)) hasFocusWithin.current = false;
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      id={id}
      role="tree"
      aria-label={label}
      aria-describedby={describedBy}
      aria-busy={isBusy}
      className={className ? `tree ${className}` : 'tree'}
      onKeyDown={handleKeyDown}
      onClick={handleClick}
      onFocus={handleFocus}
      onBlur={handleBlur}
    >
      <div className="tree__sizer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const node = nodes[item.index];
          if (!node) return null;
          return (
            <TreeRow
              key={node.id}
              node={node}
              start={item.start}
              height={rowHeight}
              setSize={node.setSize ?? structure.setSize(item.index)}
              posInSet={node.posInSet ?? structure.posInSet[item.index] ?? 1}
              isSelected={node.id === selected}
              isFocused={item.index === focusIndex}
              renderContent={renderContent}
              registerRow={registerRow}
            />
          );
        })}
      </div>
    </div>
  );
}

type TreeRowProps<T extends TreeNode> = {
  node: T;
  start: number;
  height: number;
  setSize: number;
  posInSet: number;
  isSelected: boolean;
  isFocused: boolean;
  renderContent: ((node: T, state: TreeRowState) => ReactNode) | undefined;
  registerRow: (id: string, element: HTMLElement) => () => void;
};

function TreeRowImpl<T extends TreeNode>({
  node,
  start,
  height,
  setSize,
  posInSet,
  isSelected,
  isFocused,
  renderContent,
  registerRow,
}: TreeRowProps<T>) {
  const state: TreeRowState = { isSelected, isFocused };
  const content = renderContent ? renderContent(node, state) : node.render?.(state);
  const level = Math.max(1, Math.floor(node.level));
  const style = {
    height,
    transform: `translateY(${start}px)`,
    '--tree-level': level,
  } as CSSProperties;
  const { id } = node;
  const ref = useCallback((element: HTMLDivElement) => registerRow(id, element), [id, registerRow]);
  return (
    <div
      ref={ref}
      role="treeitem"
      data-id={id}
      aria-level={level}
      aria-setsize={setSize}
      aria-posinset={posInSet}
      aria-expanded={node.expandable ? Boolean(node.expanded) : undefined}
      aria-selected={isSelected}
      tabIndex={isFocused ? 0 : -1}
      className="tree-row"
      style={style}
    >
      <span className="tree-row__twisty" data-twisty={node.expandable ? '' : undefined} aria-hidden="true">
        {/* Drawn by CSS (two borders), not an SVG per row: cheaper to create and paint while scrolling. */}
        {node.expandable ? <span className="tree-row__chevron" /> : null}
      </span>
      <span className="tree-row__label">{node.label}</span>
      {content == null || content === false ? null : (
        <>
          {/* A space keeps the accessible name "label content", not "labelcontent". */}{' '}
          <span className="tree-row__content">{content}</span>
        </>
      )}
    </div>
  );
}

const TreeRow = memo(TreeRowImpl) as typeof TreeRowImpl;

/**
 * The tree's shape, derived from the flat rows. A new rows array (a filter keystroke on 10,000 rooms)
 * costs almost nothing here until something asks: rows that carry `setSize`/`posInSet` render without
 * the shape, which is computed in one O(n) pass on first use (a key press), and an ID is found by
 * looking where it was, then scanning — no Map of every row ID per rows array (issue #13).
 */
type TreeStructure = {
  /** Index of the row with this ID, or -1. `hint` (where it was) is checked first; answers are remembered. */
  indexOf: (id: string, hint?: number) => number;
  /** Index of each row's parent row, or -1 at the top level. */
  readonly parent: Int32Array;
  /** 1-based position of each row among its siblings. */
  readonly posInSet: Uint32Array;
  setSize: (index: number) => number;
  /** Sibling group of each row: rows share a group when they have the same parent. */
  readonly group: Uint32Array;
};

type TreeShape = Pick<TreeStructure, 'parent' | 'posInSet' | 'group'> & { groupSizes: number[] };

export function computeStructure(nodes: readonly TreeNode[]): TreeStructure {
  let shape: TreeShape | undefined;
  const shapeOf = () => (shape ??= computeShape(nodes));
  const found = new Map<string, number>();
  return {
    indexOf: (id, hint = -1) => {
      if (nodes[hint]?.id === id) return hint;
      let index = found.get(id);
      if (index === undefined) {
        index = nodes.findIndex((node) => node.id === id);
        found.set(id, index);
      }
      return index;
    },
    get parent() {
      return shapeOf().parent;
    },
    get posInSet() {
      return shapeOf().posInSet;
    },
    get group() {
      return shapeOf().group;
    },
    setSize: (index) => {
      const { group, groupSizes } = shapeOf();
      return groupSizes[group[index] ?? 0] ?? 1;
    },
  };
}

/** Parents, positions and sibling groups of the rows, in one O(n) pass. */
function computeShape(nodes: readonly TreeNode[]): TreeShape {
  const count = nodes.length;
  const parent = new Int32Array(count);
  const posInSet = new Uint32Array(count);
  const group = new Uint32Array(count);
  const groupSizes: number[] = [];
  // Per level (1-based): the last row seen at that level, and its still-open sibling group.
  const lastAtLevel: number[] = [];
  const openGroup: number[] = [];
  for (let index = 0; index < count; index++) {
    const node = nodes[index];
    if (!node) continue;
    const level = Math.max(1, Math.floor(node.level));
    // A row closes every deeper sibling group: later deeper rows belong to a new parent.
    if (openGroup.length > level + 1) openGroup.length = level + 1;
    if (lastAtLevel.length > level + 1) lastAtLevel.length = level + 1;
    let groupIndex = openGroup[level];
    if (groupIndex === undefined) {
      groupIndex = groupSizes.push(0) - 1;
      openGroup[level] = groupIndex;
    }
    const size = (groupSizes[groupIndex] ?? 0) + 1;
    groupSizes[groupIndex] = size;
    posInSet[index] = size;
    group[index] = groupIndex;
    parent[index] = level > 1 ? (lastAtLevel[level - 1] ?? -1) : -1;
    lastAtLevel[level] = index;
  }
  return { parent, posInSet, group, groupSizes };
}

function resolveFocusIndex(
  focus: FocusState,
  structure: TreeStructure,
  selectedIndex: number,
  count: number,
): number {
  if (count === 0) return -1;
  const byId = focus.id === null ? -1 : structure.indexOf(focus.id, focus.index);
  if (byId >= 0) return byId;
  if (focus.id === null && selectedIndex >= 0) return selectedIndex;
  // The focused row is gone (collapsed away, deleted): stay at the same position.
  return Math.min(Math.max(focus.index, 0), count - 1);
}

function collapsedSiblings(nodes: readonly TreeNode[], structure: TreeStructure, index: number): string[] {
  const groupIndex = structure.group[index];
  const parent = structure.parent[index] ?? -1;
  const level = nodes[index]?.level ?? 1;
  const ids: string[] = [];
  for (let i = parent + 1; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node || node.level < level) break;
    if (structure.group[i] === groupIndex && node.expandable && !node.expanded) ids.push(node.id);
  }
  return ids;
}
