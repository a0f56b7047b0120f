/**
 * A plain, accessible line diff: the fallback when Monaco cannot load, and the double in component
 * tests. Changed lines use `<del>`/`<ins>` plus visible "-"/"+" markers, so the diff does not rely on
 * colour and screen readers announce insertions and deletions.
 */
import { useMemo } from 'react';
import {
  DEFAULT_DIFF_HEIGHT,
  DEFAULT_MODIFIED_LABEL,
  DEFAULT_ORIGINAL_LABEL,
  type DiffViewProps,
} from './diff-view-types';
import { lineDiff } from './line-diff';
import { plainEditorStyle } from './textarea-json-editor';

/** Unified text diff with the same props as `DiffView`. */
export function TextDiffView({
  original,
  modified,
  ariaLabel,
  originalLabel = DEFAULT_ORIGINAL_LABEL,
  modifiedLabel = DEFAULT_MODIFIED_LABEL,
  height = DEFAULT_DIFF_HEIGHT,
  className,
}: DiffViewProps) {
  const lines = useMemo(() => lineDiff(original, modified), [original, modified]);
  const removed = lines.filter((line) => line.kind === 'removed').length;
  const added = lines.filter((line) => line.kind === 'added').length;
  return (
    <section aria-label={ariaLabel} className={className}>
      <p>
        <span>− {originalLabel}</span> <span>+ {modifiedLabel}</span>{' '}
        <span>
          (
          {removed === 0 && added === 0
            ? 'no changes'
            : `${removed} line${removed === 1 ? '' : 's'} removed, ${added} added`}
          )
        </span>
      </p>
      <pre
        tabIndex={0}
        aria-label={`${ariaLabel}, unified diff`}
        style={{ ...plainEditorStyle, resize: 'none', height, margin: 0 }}
      >
        {lines.map((line, index) => {
          if (line.kind === 'removed') return <del key={index}>{`- ${line.text}\n`}</del>;
          if (line.kind === 'added') return <ins key={index}>{`+ ${line.text}\n`}</ins>;
          return <span key={index}>{`  ${line.text}\n`}</span>;
        })}
      </pre>
    </section>
  );
}
