/** The Overview shown when no entry is selected: counts and the key-backup preference at a glance. */
import { effectiveKeyBackup } from '../../matrix/known-types.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { Spinner } from '../../components/spinner.tsx';
import type { ScopeData } from './model.ts';

export function Overview(props: {
  global: ScopeData | undefined;
  roomCount: number | undefined;
  roomsComplete: boolean;
}) {
  if (!props.global) {
    return (
      <EmptyState title="Loading your account data…">
        <Spinner size="sm" /> The first sync brings every global entry, then room account data arrives for
        every joined room.
      </EmptyState>
    );
  }
  const entries = Object.values(props.global);
  const live = entries.filter((e) => !e.isDeleted).length;
  const contentOf = (type: string) => props.global?.[type]?.content ?? undefined;
  const backup = effectiveKeyBackup({
    'm.key_backup': contentOf('m.key_backup'),
    'm.org.matrix.custom.backup_disabled': contentOf('m.org.matrix.custom.backup_disabled'),
  });
  return (
    <section className="detail" aria-label="Overview">
      <h2>Overview</h2>
      <dl className="facts">
        <dt>Global entries</dt>
        <dd>
          {live} live, {entries.length - live} deleted
        </dd>
        <dt>Rooms</dt>
        <dd>
          {props.roomCount ?? 0} joined{props.roomsComplete ? '' : ' (still loading)'}
        </dd>
        <dt>Key backup preference</dt>
        <dd>
          {backup.state === 'undetermined'
            ? 'Not set — each client decides'
            : `${backup.state === 'enabled' ? 'On' : 'Off'} (from ${backup.source ?? ''})`}
          {backup.isDisagreement ? ' — m.key_backup and the unstable backup_disabled disagree' : ''}
        </dd>
      </dl>
      <p className="hint">Select an entry in the tree to view or edit it. Use “New entry” to add one.</p>
    </section>
  );
}
