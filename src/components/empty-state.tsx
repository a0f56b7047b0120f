import type { ReactNode } from 'react';

export type EmptyStateProps = {
  title: ReactNode;
  /** Explanation under the title. */
  children?: ReactNode;
  /** Usually one button, e.g. "Clear filter". */
  action?: ReactNode;
  /** Heading level that fits the surrounding outline. Default 2. */
  headingLevel?: 2 | 3 | 4;
};

/** What a pane shows when it has nothing to show, and what to do about it. */
export function EmptyState({ title, children, action, headingLevel = 2 }: EmptyStateProps) {
  const Heading = `h${headingLevel}` as const;
  return (
    <div className="empty-state">
      <Heading className="empty-state__title">{title}</Heading>
      {children == null ? null : <div className="empty-state__body">{children}</div>}
      {action == null ? null : <div className="empty-state__action">{action}</div>}
    </div>
  );
}
