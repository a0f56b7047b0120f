/**
 * The entry panel's header: type, badges (and "Unsaved draft"), scope, size or "deleted", when it last
 * changed, and what the type is for.
 */
import type { AccountDataScope } from '../../matrix/types.ts';
import { describeType } from '../../matrix/known-types.ts';
import { BACKUP_DISABLED_TYPE, KEY_BACKUP_TYPE } from '../../matrix/key-backup-preference.ts';
import { Badge } from '../../components/badge.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { formatBytes } from '../../lib/format.ts';
import type { Entry } from './model.ts';
import { entryBadges } from './tree-model.ts';
import { deletedLabel, deletedTitle, type DeletionModel } from './deletion-text.ts';

export function EntryHeader(props: {
  scope: AccountDataScope;
  entry: Entry;
  scopeLabel: string;
  isDirty: boolean;
  deletionModel: DeletionModel;
  /** Opens the key-backup panel; offered on the two preference types (issue #9). */
  onOpenKeyBackup?: (() => void) | undefined;
}) {
  const { entry } = props;
  const description = describeType(entry.type);
  return (
    <header className="entry-panel__header">
      <div className="entry-panel__title-row">
        <h2 className="entry-panel__title">{entry.type}</h2>
        {entryBadges(props.scope, entry).map((b) => (
          <Badge key={b} variant={b}>
            {b === 'deleted' ? deletedTitle(props.deletionModel) : undefined}
          </Badge>
        ))}
        {props.isDirty ? <Badge variant="info">Unsaved draft</Badge> : null}
      </div>
      <p className="entry-panel__meta">
        <span>{props.scopeLabel}</span>
        <span aria-hidden="true"> · </span>
        <span>{entry.isDeleted ? deletedLabel(props.deletionModel) : formatBytes(entry.size)}</span>
        <span aria-hidden="true"> · </span>
        {entry.changedAt ? (
          <span>
            changed <RelativeTime ts={entry.changedAt} />
          </span>
        ) : (
          <span>unchanged since sign-in</span>
        )}
      </p>
      {description ? <p className="entry-panel__description">{description}</p> : null}
      {props.onOpenKeyBackup && (entry.type === KEY_BACKUP_TYPE || entry.type === BACKUP_DISABLED_TYPE) ? (
        <p className="entry-panel__description">
          <button type="button" className="button button--tertiary" onClick={props.onOpenKeyBackup}>
            Open the key backup panel
          </button>{' '}
          to see what your clients will do with this preference.
        </p>
      ) : null}
    </header>
  );
}
