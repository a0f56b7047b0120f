/**
 * The signed-in header: the app's name, the sync status, who and where (a description list named
 * `label`), then the shell's own buttons.
 */
import { Fragment, type ReactNode } from 'react';
import { SyncStatusIndicator } from '../features/sync-status/sync-status.tsx';

/** One fact of the header: a visually hidden term, its value, and an optional tooltip. */
export type HeaderFact = { term: string; value: ReactNode; title?: string; isMain?: boolean };

export function AppHeader({
  label,
  facts,
  children,
}: {
  label: string;
  facts: readonly HeaderFact[];
  children?: ReactNode;
}) {
  return (
    <header className="app-header">
      <h1 className="app-header__brand">Account Data Inspector</h1>
      <SyncStatusIndicator />
      <dl className="app-header__who" aria-label={label}>
        {facts.map((fact) => (
          <Fragment key={fact.term}>
            <dt className="visually-hidden">{fact.term}</dt>
            <dd className={fact.isMain ? 'app-header__user' : undefined} title={fact.title}>
              {fact.value}
            </dd>
          </Fragment>
        ))}
      </dl>
      {children}
    </header>
  );
}
