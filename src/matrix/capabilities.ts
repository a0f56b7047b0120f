/**
 * Capability probes: what a homeserver can do, read from `/versions` (docs/protocol.md §1.2),
 * `GET /v3/login` (§1.4) and `auth_metadata` (§1.3, §1.5). Used before sign-in (the sign-in page
 * lists the methods a server offers) and, with the token, after it (`api/capabilities.ts`).
 */
import { isEndpointMissing, MatrixResponseError } from './errors.ts';
import {
  CLIENT_PREFIX,
  CLIENT_UNSTABLE,
  CLIENT_V1,
  CLIENT_V3,
  HttpClient,
  matrixPath,
  normaliseBaseUrl,
  type FetchLike,
} from './http.ts';
import { isRecord } from './json.ts';
import type { IdentityProvider, LoginFlow, OAuthMetadata, ServerCapabilities } from './types.ts';

/** `GET /_matrix/client/versions` (docs/protocol.md §1.2). */
export type VersionsResponse = {
  versions: string[];
  unstable_features?: Record<string, boolean>;
  [key: string]: unknown;
};

/** Unstable feature flags this app reads from `/versions` (docs/protocol.md §1.2). */
export const FEATURE_SLIDING_SYNC = 'org.matrix.simplified_msc3575';
/** MSC3391 account-data DELETE. */
export const FEATURE_ACCOUNT_DATA_DELETE = 'org.matrix.msc3391';

/** Options shared by discovery and capability probes. */
export type ProbeOptions = {
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs?: number;
};

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * `GET /_matrix/client/versions`, validated (a `versions` array of strings). Pass the access
 * token after login: Synapse applies per-user overrides (docs/protocol.md §1.2).
 *
 * @throws {@link MatrixResponseError} when the answer is not a versions document.
 */
export async function fetchVersions(
  baseUrl: string,
  options: ProbeOptions & { accessToken?: string } = {},
): Promise<VersionsResponse> {
  const http = probeHttp(baseUrl, options);
  const path = matrixPath(CLIENT_PREFIX, 'versions');
  const body = await http.request('GET', path, { signal: options.signal });
  return validateVersions(body, path);
}

/** Validates a `/versions` body. */
export function validateVersions(body: unknown, path = `${CLIENT_PREFIX}/versions`): VersionsResponse {
  if (
    !isRecord(body) ||
    !Array.isArray(body.versions) ||
    !body.versions.every((v) => typeof v === 'string')
  ) {
    throw new MatrixResponseError({
      method: 'GET',
      path,
      status: 200,
      detail: 'not a Matrix /versions response',
    });
  }
  const unstable: Record<string, boolean> = {};
  if (isRecord(body.unstable_features)) {
    for (const [k, v] of Object.entries(body.unstable_features)) if (typeof v === 'boolean') unstable[k] = v;
  }
  return { ...body, versions: body.versions, unstable_features: unstable };
}

/**
 * `GET /v3/login` flows (docs/protocol.md §1.4), or null when the legacy API is absent (`404
 * M_UNRECOGNIZED`, e.g. behind MAS without its compat layer).
 */
export async function fetchLoginFlows(
  baseUrl: string,
  options: ProbeOptions = {},
): Promise<LoginFlow[] | null> {
  const http = probeHttp(baseUrl, options);
  try {
    const body = await http.request('GET', matrixPath(CLIENT_V3, 'login'), {
      signal: options.signal,
      authenticated: false,
    });
    if (!isRecord(body) || !Array.isArray(body.flows)) return null;
    return body.flows.filter((f): f is LoginFlow => isRecord(f) && typeof f.type === 'string');
  } catch (error) {
    if (isEndpointMissing(error)) return null;
    throw error;
  }
}

/**
 * OAuth 2.0 server metadata (docs/protocol.md §1.3, §1.5): `/v1/auth_metadata`, falling back to the MSC2965
 * unstable path; null when neither exists (`404 M_UNRECOGNIZED`) or the document is incomplete.
 */
export async function fetchAuthMetadata(
  baseUrl: string,
  options: ProbeOptions = {},
): Promise<OAuthMetadata | null> {
  const http = probeHttp(baseUrl, options);
  const paths = [
    matrixPath(CLIENT_V1, 'auth_metadata'),
    matrixPath(CLIENT_UNSTABLE, 'org.matrix.msc2965', 'auth_metadata'),
  ];
  for (const path of paths) {
    try {
      const body = await http.request('GET', path, { signal: options.signal, authenticated: false });
      return validateAuthMetadata(body);
    } catch (error) {
      if (isEndpointMissing(error)) continue;
      throw error;
    }
  }
  return null;
}

function validateAuthMetadata(body: unknown): OAuthMetadata | null {
  if (!isRecord(body)) return null;
  const required = ['issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint'] as const;
  if (!required.every((k) => typeof body[k] === 'string')) return null;
  return body as OAuthMetadata;
}

/** SSO identity providers from the `m.login.sso` flow(s). */
export function ssoProvidersOf(flows: readonly LoginFlow[] | null): IdentityProvider[] {
  const out: IdentityProvider[] = [];
  for (const flow of flows ?? []) {
    if (flow.type !== 'm.login.sso' || !Array.isArray(flow.identity_providers)) continue;
    for (const p of flow.identity_providers as unknown[]) {
      if (isRecord(p) && typeof p.id === 'string' && typeof p.name === 'string') {
        out.push({
          id: p.id,
          name: p.name,
          ...(typeof p.icon === 'string' ? { icon: p.icon } : {}),
          ...(typeof p.brand === 'string' ? { brand: p.brand } : {}),
        });
      }
    }
  }
  return out;
}

/** Builds {@link ServerCapabilities} from already fetched parts. */
export function buildCapabilities(
  baseUrl: string,
  versions: VersionsResponse,
  loginFlows: LoginFlow[] | null,
  oauth: OAuthMetadata | null,
): ServerCapabilities {
  const unstableFeatures = versions.unstable_features ?? {};
  return {
    baseUrl: normaliseBaseUrl(baseUrl),
    versions: versions.versions,
    unstableFeatures,
    slidingSync: unstableFeatures[FEATURE_SLIDING_SYNC] === true,
    accountDataDelete: unstableFeatures[FEATURE_ACCOUNT_DATA_DELETE] === true,
    loginFlows,
    ssoProviders: ssoProvidersOf(loginFlows),
    oauth,
  };
}

/**
 * Probes `/versions`, `/v3/login` and `auth_metadata` in parallel. Pass `accessToken` after login
 * so `/versions` reflects per-user overrides (docs/protocol.md §1.2); `MatrixClient.getCapabilities`
 * does this (and refreshes the token if needed).
 */
export async function getServerCapabilities(
  baseUrl: string,
  options: ProbeOptions & { accessToken?: string } = {},
): Promise<ServerCapabilities> {
  const [versions, loginFlows, oauth] = await Promise.all([
    fetchVersions(baseUrl, options),
    fetchLoginFlows(baseUrl, options),
    fetchAuthMetadata(baseUrl, options),
  ]);
  return buildCapabilities(baseUrl, versions, loginFlows, oauth);
}

/** An unauthenticated (or explicitly token-bearing) client for probes, with a short timeout. */
export function probeHttp(baseUrl: string, options: ProbeOptions & { accessToken?: string }): HttpClient {
  return new HttpClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    maxRateLimitRetries: 1,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.accessToken ? { getAccessToken: () => options.accessToken } : {}),
  });
}
