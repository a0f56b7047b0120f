/**
 * Finding a homeserver from what the user typed (a user ID, a server name or a URL).
 *
 * Discovery follows the spec's client-server "server discovery" (docs/protocol.md §1.1): `.well-known` on
 * the host of the server name with the outcomes IGNORE / FAIL_PROMPT / FAIL_ERROR, then a
 * `/versions` check of the candidate base URL. What the server can do once found is probed by
 * `capabilities.ts`.
 */
import { fetchVersions, probeHttp, type ProbeOptions, type VersionsResponse } from './capabilities.ts';
import { MatrixApiError, MatrixNetworkError, isAbortError } from './errors.ts';
import { CLIENT_PREFIX, matrixPath, normaliseBaseUrl } from './http.ts';
import { isRecord } from './json.ts';

/** Options of discovery (the same as the capability probes'). */
export type DiscoveryOptions = ProbeOptions;

/** What the user typed, classified. */
export type HomeserverInput =
  | { kind: 'user-id'; userId: string; serverName: string }
  | { kind: 'server-name'; serverName: string }
  | { kind: 'url'; url: string };

/** A successfully discovered homeserver. */
export type DiscoveryResult = {
  /** Base URL without trailing slash. */
  baseUrl: string;
  /** `well-known`: from `.well-known`; `fallback`: `https://<server name>` (or `http://`); `url`: typed URL. */
  source: 'well-known' | 'fallback' | 'url';
  /** Server name (from a user ID or a typed server name). */
  serverName?: string;
  /** The user ID when the input was one (handy to prefill the login form). */
  userId?: string;
  /** `m.identity_server.base_url` from `.well-known`, not validated (the app uses no identity server). */
  identityServerUrl?: string;
  versions: VersionsResponse;
};

/** Why discovery failed. */
export type DiscoveryErrorKind =
  /** The input is neither a user ID, a server name nor a URL. */
  | 'invalid-input'
  /** No answer: down, wrong address, TLS, or the browser blocked it (CORS). */
  | 'unreachable'
  /** Something answered, but it is not a Matrix homeserver. */
  | 'not-matrix'
  /** FAIL_PROMPT: `.well-known` exists but is invalid/empty; ask the user for the URL. */
  | 'well-known-invalid'
  /** FAIL_ERROR: `.well-known` points to something that is not a working homeserver. */
  | 'well-known-broken';

/** One probe made during discovery, for diagnostics. */
export type DiscoveryAttempt = {
  url: string;
  outcome: 'ok' | 'not-found' | 'unreachable' | 'not-matrix' | 'http-error' | 'invalid';
  detail?: string;
};

/** Discovery failed; {@link message} is meant for the user. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  readonly kind: DiscoveryErrorKind;
  /** The spec outcome for `.well-known` failures. */
  readonly outcome?: 'FAIL_PROMPT' | 'FAIL_ERROR';
  readonly attempts: readonly DiscoveryAttempt[];

  constructor(
    kind: DiscoveryErrorKind,
    message: string,
    attempts: readonly DiscoveryAttempt[] = [],
    options?: { outcome?: 'FAIL_PROMPT' | 'FAIL_ERROR'; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.kind = kind;
    this.attempts = attempts;
    if (options?.outcome) this.outcome = options.outcome;
  }
}

/**
 * Classifies user input. A user ID's server name is everything after the **first** colon
 * (docs/protocol.md §1.1), so `@a:example.org:8448` gives `example.org:8448`.
 *
 * @throws {@link DiscoveryError} `invalid-input`
 */
export function parseHomeserverInput(input: string): HomeserverInput {
  const text = input.trim();
  if (text === '') throw new DiscoveryError('invalid-input', 'Enter a homeserver address or a user ID.');
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch (cause) {
      throw new DiscoveryError('invalid-input', `"${text}" is not a valid URL.`, [], { cause });
    }
    if (url.search || url.hash) {
      throw new DiscoveryError('invalid-input', 'A homeserver URL has no query string or fragment.');
    }
    return { kind: 'url', url: normaliseBaseUrl(url.href) };
  }
  if (text.startsWith('@')) {
    const colon = text.indexOf(':');
    const serverName = colon > 1 ? text.slice(colon + 1) : '';
    if (!isServerName(serverName)) {
      throw new DiscoveryError('invalid-input', `"${text}" is not a valid user ID (expected @name:server).`);
    }
    return { kind: 'user-id', userId: text, serverName };
  }
  if (!isServerName(text)) {
    throw new DiscoveryError(
      'invalid-input',
      `"${text}" is not a server name, user ID or URL (e.g. example.org, @alice:example.org, https://matrix.example.org).`,
    );
  }
  return { kind: 'server-name', serverName: text };
}

/** Spec grammar: `hostname [":" port]`, hostname = IPv4 / "[" IPv6 "]" / DNS name. */
function isServerName(name: string): boolean {
  return /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(name);
}

/** The host part of a server name (port dropped), as `.well-known` is looked up on it. */
export function serverNameHost(serverName: string): string {
  if (serverName.startsWith('[')) return serverName.slice(0, serverName.indexOf(']') + 1);
  const colon = serverName.lastIndexOf(':');
  return colon === -1 ? serverName : serverName.slice(0, colon);
}

/** True for `localhost`, `*.localhost` and IP literals, where plain `http://` is worth a try. */
export function isLocalOrIpHost(host: string): boolean {
  const h = host.toLowerCase();
  return (
    h === 'localhost' || h.endsWith('.localhost') || /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.startsWith('[')
  );
}

/** Result of the `.well-known` step (spec outcomes, docs/protocol.md §1.1). */
export type WellKnownOutcome =
  | { action: 'IGNORE'; attempt: DiscoveryAttempt }
  | { action: 'FAIL_PROMPT'; reason: string; attempt: DiscoveryAttempt }
  | { action: 'FAIL_ERROR'; reason: string; attempts: DiscoveryAttempt[] }
  | {
      action: 'SUCCESS';
      baseUrl: string;
      versions: VersionsResponse;
      identityServerUrl?: string;
      attempts: DiscoveryAttempt[];
    };

/**
 * Reads `<origin>/.well-known/matrix/client` and validates the base URL it names.
 * `404` and network failures (including a CORS `TypeError`) → IGNORE; other non-200, empty or bad
 * JSON, or no `m.homeserver.base_url` → FAIL_PROMPT; a base URL that is not a URL or fails
 * `/versions` → FAIL_ERROR.
 */
export async function resolveWellKnown(
  origin: string,
  options: DiscoveryOptions = {},
): Promise<WellKnownOutcome> {
  const http = probeHttp(origin, options);
  const url = `${http.baseUrl}/.well-known/matrix/client`;
  let body: unknown;
  try {
    body = await http.request('GET', matrixPath('/.well-known/matrix/client'), {
      signal: options.signal,
      authenticated: false,
    });
  } catch (error) {
    if (isAbortError(error) && options.signal?.aborted) throw error;
    if (error instanceof MatrixApiError && error.status === 404) {
      return { action: 'IGNORE', attempt: { url, outcome: 'not-found' } };
    }
    if (error instanceof MatrixNetworkError) {
      return { action: 'IGNORE', attempt: { url, outcome: 'unreachable', detail: error.message } };
    }
    if (error instanceof MatrixApiError) {
      const reason = `${url} answered HTTP ${error.status}.`;
      return { action: 'FAIL_PROMPT', reason, attempt: { url, outcome: 'http-error', detail: reason } };
    }
    const reason = `${url} is not valid JSON.`;
    return { action: 'FAIL_PROMPT', reason, attempt: { url, outcome: 'invalid', detail: reason } };
  }
  const homeserver = isRecord(body) ? body['m.homeserver'] : undefined;
  const rawBaseUrl = isRecord(homeserver) ? homeserver.base_url : undefined;
  if (typeof rawBaseUrl !== 'string' || rawBaseUrl.trim() === '') {
    const reason = `${url} has no m.homeserver.base_url.`;
    return { action: 'FAIL_PROMPT', reason, attempt: { url, outcome: 'invalid', detail: reason } };
  }
  const attempts: DiscoveryAttempt[] = [{ url, outcome: 'ok' }];
  let baseUrl: string;
  try {
    const parsed = new URL(rawBaseUrl.trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
    baseUrl = normaliseBaseUrl(parsed.href);
  } catch {
    return {
      action: 'FAIL_ERROR',
      reason: `${url} names "${rawBaseUrl}" as the homeserver, which is not a URL.`,
      attempts,
    };
  }
  const check = await checkVersions(baseUrl, options);
  attempts.push(check.attempt);
  if (!check.versions) {
    return {
      action: 'FAIL_ERROR',
      reason: `${url} points to ${baseUrl}, which ${check.attempt.outcome === 'unreachable' ? 'cannot be reached' : 'is not a Matrix homeserver'}.`,
      attempts,
    };
  }
  const identity = isRecord(body) ? body['m.identity_server'] : undefined;
  const identityUrl =
    isRecord(identity) && typeof identity.base_url === 'string' ? identity.base_url : undefined;
  return {
    action: 'SUCCESS',
    baseUrl,
    versions: check.versions,
    attempts,
    ...(identityUrl ? { identityServerUrl: normaliseBaseUrl(identityUrl) } : {}),
  };
}

/**
 * Turns what the user typed into a validated homeserver base URL.
 *
 * - URL: `/versions` at that URL; if it is not a homeserver, `.well-known` on its origin.
 * - User ID / server name: `.well-known` on `https://<host>`; on IGNORE, `https://<server name>`,
 *   and for `localhost`/IP names also `http://<server name>`.
 *
 * @throws {@link DiscoveryError} with a message for the user.
 */
export async function discoverHomeserver(
  input: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const parsed = parseHomeserverInput(input);
  const attempts: DiscoveryAttempt[] = [];

  if (parsed.kind === 'url') {
    const check = await checkVersions(parsed.url, options);
    attempts.push(check.attempt);
    if (check.versions) return { baseUrl: parsed.url, source: 'url', versions: check.versions };
    const origin = new URL(parsed.url).origin;
    const wellKnown = await resolveWellKnown(origin, options);
    if (wellKnown.action === 'SUCCESS') {
      return wellKnownResult(wellKnown, {});
    }
    attempts.push(...('attempt' in wellKnown ? [wellKnown.attempt] : wellKnown.attempts));
    throw failure(parsed.url, attempts);
  }

  const serverName = parsed.serverName;
  const extra = parsed.kind === 'user-id' ? { serverName, userId: parsed.userId } : { serverName };
  const host = serverNameHost(serverName);
  const wellKnown = await resolveWellKnown(`https://${host}`, options);
  switch (wellKnown.action) {
    case 'SUCCESS':
      return wellKnownResult(wellKnown, extra);
    case 'FAIL_PROMPT':
      throw new DiscoveryError(
        'well-known-invalid',
        `Automatic discovery for ${serverName} failed: ${wellKnown.reason} Enter the homeserver URL instead.`,
        [wellKnown.attempt],
        { outcome: 'FAIL_PROMPT' },
      );
    case 'FAIL_ERROR':
      throw new DiscoveryError(
        'well-known-broken',
        `Automatic discovery for ${serverName} failed: ${wellKnown.reason}`,
        wellKnown.attempts,
        { outcome: 'FAIL_ERROR' },
      );
    case 'IGNORE':
      attempts.push(wellKnown.attempt);
  }

  // Local and IP names try plain http first: a TLS handshake against a plain-HTTP port (the usual
  // `localhost:8008`) hangs until the timeout instead of failing, and Node keeps the half-open
  // TLS socket alive even after the request is aborted.
  const candidates = isLocalOrIpHost(host)
    ? [`http://${serverName}`, `https://${serverName}`]
    : [`https://${serverName}`];
  for (const candidate of candidates) {
    const check = await checkVersions(candidate, options);
    attempts.push(check.attempt);
    if (check.versions) return { baseUrl: candidate, source: 'fallback', versions: check.versions, ...extra };
  }
  throw failure(serverName, attempts);
}

function wellKnownResult(
  outcome: Extract<WellKnownOutcome, { action: 'SUCCESS' }>,
  extra: { serverName?: string; userId?: string },
): DiscoveryResult {
  return {
    baseUrl: outcome.baseUrl,
    source: 'well-known',
    versions: outcome.versions,
    ...(outcome.identityServerUrl ? { identityServerUrl: outcome.identityServerUrl } : {}),
    ...extra,
  };
}

function failure(what: string, attempts: DiscoveryAttempt[]): DiscoveryError {
  const answered = attempts.filter((a) => a.outcome !== 'unreachable');
  if (
    answered.some((a) => a.outcome === 'not-matrix' || a.outcome === 'http-error' || a.outcome === 'invalid')
  ) {
    return new DiscoveryError(
      'not-matrix',
      `${what} answered, but it does not look like a Matrix homeserver. Check the address, or enter the homeserver URL (e.g. https://matrix.example.org).`,
      attempts,
    );
  }
  return new DiscoveryError(
    'unreachable',
    `Could not reach a homeserver at ${what}. It may be down, the address may be wrong, or it does not allow requests from this app (CORS).`,
    attempts,
  );
}

async function checkVersions(
  baseUrl: string,
  options: DiscoveryOptions,
): Promise<{ versions?: VersionsResponse; attempt: DiscoveryAttempt }> {
  const url = `${normaliseBaseUrl(baseUrl)}${CLIENT_PREFIX}/versions`;
  try {
    const versions = await fetchVersions(baseUrl, options);
    return { versions, attempt: { url, outcome: 'ok' } };
  } catch (error) {
    if (isAbortError(error) && options.signal?.aborted) throw error;
    if (error instanceof MatrixNetworkError)
      return { attempt: { url, outcome: 'unreachable', detail: error.message } };
    const detail = error instanceof Error ? error.message : String(error);
    return { attempt: { url, outcome: 'not-matrix', detail } };
  }
}
