/**
 * Document URIs for account-data editors.
 *
 * Monaco keys models, markers and JSON-schema associations by URI, so the URI is the one place where
 * "which document is this" and "which schema applies" meet. This module has no Monaco import so that
 * features (which must not load Monaco eagerly) and unit tests can build and read the same URIs.
 *
 * Shape: `inmemory://account-data/<scope path>/<encoded type>.json`, where the scope path is `global`,
 * `room/<encoded room ID>` or `device/<encoded device ID>`. Each segment is `encodeURIComponent`-encoded,
 * so a `/` inside a type or an ID can never create an extra segment; the type always sits in the last
 * segment, which is what the schema `fileMatch` globs anchor on.
 */
import type { AccountDataScope } from '../matrix/types';

/** URI scheme of every account-data document; `inmemory` is Monaco's scheme for models without a file. */
export const MODEL_URI_SCHEME = 'inmemory';
/** URI authority of every account-data document; schema globs include it so that no other model matches. */
export const MODEL_URI_AUTHORITY = 'account-data';

const PREFIX = `${MODEL_URI_SCHEME}://${MODEL_URI_AUTHORITY}/`;
const SUFFIX = '.json';

/**
 * Builds the document URI for one account-data entry.
 *
 * Global and room data are separate namespaces on the server (docs/protocol.md §2), so they get separate URIs
 * and therefore separate models, drafts and schemas; `m.tag` in room A and room B never share a draft.
 *
 * @throws RangeError for an empty type or ID: Synapse stores an empty path segment as type `""`
 *   (docs/protocol.md §0), so the UI must block it before it ever gets here.
 */
export function modelUriFor(scope: AccountDataScope, type: string): string {
  const last = `${encodeSegment(type, 'type')}${SUFFIX}`;
  switch (scope.kind) {
    case 'global':
      return `${PREFIX}global/${last}`;
    case 'room':
      return `${PREFIX}room/${encodeSegment(scope.roomId, 'room ID')}/${last}`;
    case 'device':
      return `${PREFIX}device/${encodeSegment(scope.deviceId, 'device ID')}/${last}`;
  }
}

/**
 * Reads scope and type back out of a URI made by {@link modelUriFor}; `undefined` for anything else.
 * Lets code that only sees a model (marker listeners, tests) recover which entry it belongs to.
 */
export function parseModelUri(uri: string): { scope: AccountDataScope; type: string } | undefined {
  if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX)) return undefined;
  const segments = uri.slice(PREFIX.length, -SUFFIX.length).split('/');
  try {
    const [kind, first, second] = segments.map((s) => decodeURIComponent(s));
    if (kind === 'global' && segments.length === 2 && first) {
      return { scope: { kind: 'global' }, type: first };
    }
    if (kind === 'room' && segments.length === 3 && first && second) {
      return { scope: { kind: 'room', roomId: first }, type: second };
    }
    if (kind === 'device' && segments.length === 3 && first && second) {
      return { scope: { kind: 'device', deviceId: first }, type: second };
    }
  } catch {
    // A malformed %-escape: not one of ours.
  }
  return undefined;
}

/** The pieces Monaco's `Uri.from` takes. */
export type UriComponents = { scheme: string; authority: string; path: string };

/**
 * Splits a document URI into the components for Monaco's `Uri.from`, keeping the path *as written*.
 *
 * Why not `Uri.parse`: it percent-decodes the path, which turns an encoded `%2F` inside a room ID or
 * type back into a real `/`. Two different documents could then share one model (and one draft).
 * Passing the still-encoded path to `Uri.from` keeps the mapping one-to-one, and Monaco's JSON service
 * matches schema globs against exactly this encoded path, i.e. against the string {@link modelUriFor}
 * returned.
 */
export function monacoUriComponents(documentUri: string): UriComponents {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?$/.exec(documentUri);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { scheme: match[1], authority: match[2], path: match[3] ?? '/' };
  }
  // Not a URI we built; still give it a stable, collision-free home.
  return { scheme: MODEL_URI_SCHEME, authority: 'other', path: `/${encodeURIComponent(documentUri)}` };
}

function encodeSegment(value: string, what: string): string {
  if (value === '') throw new RangeError(`Account-data ${what} must not be empty`);
  return encodeURIComponent(value);
}
