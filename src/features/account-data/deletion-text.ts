/**
 * The words for a tombstone (docs/protocol.md §3): "deleted" where the server deleted the entry
 * (MSC3391 on), "deleted (empty content)" where `{}` is simply stored and stays forever (MSC3391 off,
 * or MSC4331 device scope, which has no DELETE); how and when it was deleted; and what other clients
 * will see. Pure, so the tree, the header and the Deleted banner say the same thing.
 */
import type { Deletion } from '../../matrix/account-data-fold.ts';
import { M_TAG } from '../../matrix/known-types.ts';
import type { AccountDataScope } from '../../matrix/types.ts';

/** What the server does with a deleted entry: `undefined` while its capabilities are not known. */
export type DeletionModel = 'deleted' | 'empty-content' | undefined;

/**
 * Whether a deleted entry of `scope` is gone from the server or kept as `{}`.
 * `accountDataDelete` is `ServerCapabilities.accountDataDelete` (MSC3391 advertised). Room `m.tag`
 * without tags is simply absent from initial syncs on any server (docs/protocol.md §9).
 */
export function deletionModel(
  scope: AccountDataScope,
  accountDataDelete: boolean | undefined,
  type?: string,
): DeletionModel {
  if (scope.kind === 'device') return 'empty-content';
  if (scope.kind === 'room' && type === M_TAG) return 'deleted';
  if (accountDataDelete === undefined) return undefined;
  return accountDataDelete ? 'deleted' : 'empty-content';
}

/** "deleted" or "deleted (empty content)", in lower case for running text. */
export function deletedLabel(model: DeletionModel): string {
  return model === 'empty-content' ? 'deleted (empty content)' : 'deleted';
}

/** The same, capitalised, for badges and banner titles. */
export function deletedTitle(model: DeletionModel): string {
  const label = deletedLabel(model);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** How this app asked the server to delete, as a phrase: "with DELETE (MSC3391)". */
export function deletionMethodText(method: NonNullable<Deletion['method']>): string {
  switch (method) {
    case 'DELETE':
      return 'with DELETE (MSC3391)';
    case 'PUT_EMPTY':
      return 'by writing {} (PUT {})';
    case 'TAGS':
      return 'by removing every tag through the tags API';
  }
}

/**
 * Who deleted the entry and how, without the time (the caller renders that): "Deleted by this app
 * with DELETE (MSC3391)", "Deletion seen in sync", or "Already deleted when this session started".
 */
export function deletionOrigin(deletion: Deletion | undefined): string {
  if (deletion?.by === 'this-app') {
    return deletion.method
      ? `Deleted by this app ${deletionMethodText(deletion.method)}`
      : 'Deleted by this app';
  }
  if (deletion?.at !== undefined) return 'Deleted by another client; this app saw the deletion';
  return 'Already deleted when this session started';
}

/** One sentence: what other clients see of this deletion. Null while the server's model is unknown. */
export function otherClientsSentence(
  model: DeletionModel,
  options: { isTags?: boolean } = {},
): string | null {
  if (options.isTags) {
    return 'Other clients see this room without any tags; m.tag itself is built by the server from the tags.';
  }
  switch (model) {
    case 'deleted':
      return 'Other clients: the type vanishes from their initial syncs; clients already syncing receive {} once.';
    case 'empty-content':
      return 'Other clients: the server keeps {} for this type, so clients that do not treat {} as deleted will see an empty object.';
    case undefined:
      return null;
  }
}
