/**
 * The banners above the entry editor, in their fixed order: how the entry may be written (read-only,
 * tags API), its deletion (with Restore), a deletion or a server change under the draft, and the
 * outcome of the last action (write error, notice). All through the shared `Banner`.
 */
import type { DeleteAccountDataResult, SetAccountDataResult } from '../../matrix/client.ts';
import type { WriteRoute } from '../../matrix/known-types.ts';
import { Banner } from '../../components/banner.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { formatBytes, formatExactTime } from '../../lib/format.ts';
import { LARGE_CONTENT_BYTES } from '../../matrix/type-names.ts';
import { deletedTitle, deletionOrigin, otherClientsSentence, type DeletionModel } from './deletion-text.ts';
import type { Entry } from './model.ts';
import type { EntryDraft } from './use-entry-draft.ts';

/** The success notice after a save or restore. */
export function savedNotice(result: SetAccountDataResult): string {
  return result.via === 'tags'
    ? `Saved through the tags API (${result.put.length} set, ${result.deleted.length} removed).`
    : 'Saved.';
}

/** The success notice after a delete, naming how the server was asked. */
export function deletedNotice(result: DeleteAccountDataResult): string {
  return result.method === 'DELETE'
    ? 'Deleted with DELETE (MSC3391).'
    : result.method === 'PUT_EMPTY'
      ? 'Deleted by writing {} (this server does not support MSC3391 DELETE).'
      : 'All tags removed through the tags API.';
}

export type EntryBannersProps = {
  entry: Entry;
  route: WriteRoute;
  /** Whether the server deletes entries or keeps `{}` (undefined while unknown). */
  deletionModel: DeletionModel;
  /** The tombstone's last content comes from this browser's history, not from this session. */
  isLastContentFromHistory?: boolean;
  draft: Pick<EntryDraft, 'isDeletedUnderDraft' | 'conflictText' | 'keepMine' | 'takeTheirs' | 'discardMine'>;
  onRestore: () => void;
  onShowDiff: () => void;
  writeError: string | null;
  onWriteErrorDismissed: () => void;
  notice: string | null;
  onNoticeDismissed: () => void;
  /** Bytes the editor's content would send; over 64 KiB a warning shows (saving stays allowed). */
  contentSize?: number | undefined;
};

export function EntryBanners(props: EntryBannersProps) {
  const { entry, route, draft } = props;
  return (
    <>
      {route.kind === 'refuse' ? (
        <Banner tone="info" title={route.title} isAnnounced={false}>
          {route.reason}
        </Banner>
      ) : null}
      {route.kind === 'tags' ? (
        <Banner tone="info" title="Saved through the tags API" isAnnounced={false}>
          Synapse stores room tags in their own table and builds m.tag from it, so edits are written as
          individual tags (PUT/DELETE …/tags/{'{tag}'}), never as raw account data.
        </Banner>
      ) : null}
      {entry.isDeleted ? (
        <Banner
          tone="warning"
          title={deletedTitle(props.deletionModel)}
          isAnnounced={false}
          actions={
            entry.lastContent && route.kind !== 'refuse' ? (
              <button type="button" className="button button--secondary" onClick={props.onRestore}>
                Restore
              </button>
            ) : null
          }
        >
          <p>
            {!entry.lastContent
              ? 'This entry was deleted before this session saw its content.'
              : props.isLastContentFromHistory
                ? 'This entry was deleted. Its last content is in this browser’s history (History tab), and Restore writes it back.'
                : 'This entry was deleted. Its last known content is shown below.'}
          </p>
          <DeletionFacts entry={entry} route={route} deletionModel={props.deletionModel} />
        </Banner>
      ) : null}
      {draft.isDeletedUnderDraft ? (
        <Banner
          tone="warning"
          title="Deleted while you had unsaved changes"
          actions={
            <button type="button" className="button button--secondary" onClick={draft.discardMine}>
              Discard my draft
            </button>
          }
        >
          Your draft was kept. Save recreates the entry with it.
        </Banner>
      ) : null}
      {draft.conflictText !== null ? (
        <Banner
          tone="warning"
          title="Changed on the server while you were editing"
          actions={
            <>
              <button type="button" className="button button--secondary" onClick={props.onShowDiff}>
                Show diff
              </button>
              <button type="button" className="button button--secondary" onClick={draft.keepMine}>
                Keep mine
              </button>
              <button type="button" className="button button--secondary" onClick={draft.takeTheirs}>
                Take theirs
              </button>
            </>
          }
        >
          Your draft was kept. Compare it with the new server value, then keep your draft or take theirs.
        </Banner>
      ) : null}
      {props.contentSize !== undefined && props.contentSize > LARGE_CONTENT_BYTES ? (
        <Banner tone="warning" title="Large content" isAnnounced={false}>
          This content is {formatBytes(props.contentSize)}, over {formatBytes(LARGE_CONTENT_BYTES)}. Saving is
          allowed, but every client of this account downloads it at sign-in, some clients refuse entries this
          large, and servers limit the size of a request.
        </Banner>
      ) : null}
      {props.writeError ? (
        <Banner tone="critical" title="Not saved" onDismiss={props.onWriteErrorDismissed}>
          {props.writeError}
        </Banner>
      ) : null}
      {props.notice && !props.writeError ? (
        <Banner tone="success" onDismiss={props.onNoticeDismissed}>
          {props.notice}
        </Banner>
      ) : null}
    </>
  );
}

/** How and when the entry was deleted, and what other clients see of it. */
function DeletionFacts(props: { entry: Entry; route: WriteRoute; deletionModel: DeletionModel }) {
  const { deletion } = props.entry;
  const isTags = props.route.kind === 'tags' || deletion?.method === 'TAGS';
  const sentence = otherClientsSentence(props.deletionModel, { isTags });
  return (
    <>
      <p>
        {deletionOrigin(deletion)}
        {deletion?.at === undefined ? null : (
          <>
            {' '}
            <RelativeTime ts={deletion.at} /> ({formatExactTime(deletion.at)})
          </>
        )}
        .
      </p>
      {sentence ? <p>{sentence}</p> : null}
    </>
  );
}
