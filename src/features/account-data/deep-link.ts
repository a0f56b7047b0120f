/**
 * Deep links: the address bar names the open view so a support person can say "open this link" and
 * a reload lands in the same place. The link lives in the URL *fragment* (never sent to a server, so
 * it cannot end up in access logs) and names only an entry, a version or the Activity view — never
 * a token, a homeserver secret or content.
 *
 *   #/entry?scope=global&type=m.direct
 *   #/entry?scope=room%3A!abc%3Aexample.org&type=m.tag&tab=history&version=42
 *   #/activity?kind=room&type=m.tag
 *   #/key-backup
 */
import { parseScopeKey, scopeKey, type EntryRef } from '../../matrix/entry-key.ts';

/** A view the address bar can name. */
export type DeepLink =
  | {
      view: 'entry';
      ref: EntryRef;
      tab: 'content' | 'history';
      /** History: the version shown on the right of the diff (newest when absent). */
      version?: number;
    }
  | { view: 'activity'; kind?: 'global' | 'room' | 'device'; type?: string }
  /** The key-backup preference panel (issue #9). */
  | { view: 'key-backup' };

const KINDS = new Set(['global', 'room', 'device']);

/** The fragment for a view (`''` for none, e.g. the Overview). */
export function formatDeepLink(link: DeepLink | null): string {
  if (!link) return '';
  if (link.view === 'key-backup') return '#/key-backup';
  const params = new URLSearchParams();
  if (link.view === 'entry') {
    params.set('scope', scopeKey(link.ref.scope));
    params.set('type', link.ref.type);
    if (link.tab === 'history') params.set('tab', 'history');
    if (link.tab === 'history' && link.version !== undefined) params.set('version', String(link.version));
    return `#/entry?${params.toString()}`;
  }
  if (link.kind) params.set('kind', link.kind);
  if (link.type) params.set('type', link.type);
  const query = params.toString();
  return query ? `#/activity?${query}` : '#/activity';
}

/** Reads a fragment made by {@link formatDeepLink}; null for anything else (never throws). */
export function parseDeepLink(hash: string): DeepLink | null {
  if (hash === '#/key-backup') return { view: 'key-backup' };
  const match = /^#\/(entry|activity)(?:\?(.*))?$/.exec(hash);
  if (!match) return null;
  const params = new URLSearchParams(match[2] ?? '');
  if (match[1] === 'activity') {
    const kind = params.get('kind');
    const type = params.get('type');
    return {
      view: 'activity',
      ...(kind && KINDS.has(kind) ? { kind: kind as 'global' | 'room' | 'device' } : {}),
      ...(type ? { type } : {}),
    };
  }
  const scope = params.get('scope');
  const type = params.get('type');
  if (scope === null || !type) return null;
  let ref: EntryRef;
  try {
    ref = { scope: parseScopeKey(scope), type };
  } catch {
    return null;
  }
  const tab = params.get('tab') === 'history' ? 'history' : 'content';
  const version = Number(params.get('version'));
  return {
    view: 'entry',
    ref,
    tab,
    ...(tab === 'history' && Number.isSafeInteger(version) && version > 0 ? { version } : {}),
  };
}
