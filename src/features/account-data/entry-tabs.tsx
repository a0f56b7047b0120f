/**
 * The entry's tabs, "Content" and "History", following the WAI-ARIA tabs pattern: a `tablist`
 * with roving focus (Left/Right/Home/End move and activate), each tab naming the panel it controls.
 */
import { useId, useRef, type KeyboardEvent } from 'react';

export type EntryTab = 'content' | 'history';

const TABS: readonly { id: EntryTab; label: string }[] = [
  { id: 'content', label: 'Content' },
  { id: 'history', label: 'History' },
];

/** Element IDs tying tabs and panels together. */
export type TabIds = { contentTab: string; contentPanel: string; historyTab: string; historyPanel: string };

export function useTabIds(): TabIds {
  const base = useId();
  return {
    contentTab: `${base}-content-tab`,
    contentPanel: `${base}-content-panel`,
    historyTab: `${base}-history-tab`,
    historyPanel: `${base}-history-panel`,
  };
}

export function EntryTabs(props: {
  type: string;
  tab: EntryTab;
  onChange: (tab: EntryTab) => void;
  ids: TabIds;
}) {
  const refs = useRef(new Map<EntryTab, HTMLButtonElement>());
  const move = (event: KeyboardEvent, index: number) => {
    const last = TABS.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : undefined;
    const target = next === undefined ? undefined : TABS[next];
    if (!target) return;
    event.preventDefault();
    props.onChange(target.id);
    refs.current.get(target.id)?.focus();
  };
  return (
    <div role="tablist" aria-label={`${props.type} views`} className="entry-tabs">
      {TABS.map((t, index) => {
        const isSelected = props.tab === t.id;
        return (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={t.id === 'content' ? props.ids.contentTab : props.ids.historyTab}
            aria-controls={t.id === 'content' ? props.ids.contentPanel : props.ids.historyPanel}
            aria-selected={isSelected}
            tabIndex={isSelected ? 0 : -1}
            className="entry-tabs__tab"
            onClick={() => {
              props.onChange(t.id);
            }}
            onKeyDown={(e) => {
              move(e, index);
            }}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}
