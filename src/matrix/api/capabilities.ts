/**
 * What the homeserver can do for this identity: `/versions` read **with** the token (Synapse
 * applies per-user overrides, docs/protocol.md §1.2), login flows and OAuth metadata. Each is one
 * {@link SharedRequest}: started without any caller's signal, so one caller's abort (React
 * StrictMode's first mount) never rejects it for the others (issue #7).
 *
 * The sign-in page probes the same server before there is a token; {@link CapabilitiesApi.seed}
 * takes that result so the first sync starts without probing again.
 */
import { SharedRequest, type SharedGetOptions } from '../../lib/shared-request.ts';
import {
  buildCapabilities,
  FEATURE_ACCOUNT_DATA_DELETE,
  FEATURE_SLIDING_SYNC,
  fetchAuthMetadata,
  fetchLoginFlows,
  validateVersions,
  type VersionsResponse,
} from '../capabilities.ts';
import { CLIENT_PREFIX, matrixPath, type FetchLike } from '../http.ts';
import type { Transport } from '../transport.ts';
import type { ServerCapabilities } from '../types.ts';

const VERSIONS_PATH = matrixPath(CLIENT_PREFIX, 'versions');

/** Capability reads for one identity. */
export class CapabilitiesApi {
  private readonly versions: SharedRequest<VersionsResponse>;
  private readonly capabilities: SharedRequest<ServerCapabilities>;
  /** Probed before sign-in (unauthenticated `/versions`), if the app handed it over. */
  private beforeSignIn: ServerCapabilities | undefined;

  constructor(transport: Transport, options: { fetch?: FetchLike } = {}) {
    this.versions = new SharedRequest(() =>
      transport.request('GET', VERSIONS_PATH).then((body) => validateVersions(body, VERSIONS_PATH)),
    );
    const probe = options.fetch ? { fetch: options.fetch } : {};
    this.capabilities = new SharedRequest(() =>
      Promise.all([
        this.versions.get(),
        fetchLoginFlows(transport.baseUrl, probe),
        fetchAuthMetadata(transport.baseUrl, probe),
      ]).then(([versions, flows, oauth]) => buildCapabilities(transport.baseUrl, versions, flows, oauth)),
    );
  }

  /**
   * Uses capabilities probed before sign-in. They came from an unauthenticated `/versions`, so
   * features a per-user override adds are missing from them; {@link getVersions} still reads the
   * authenticated document when a decision needs it.
   */
  seed(capabilities: ServerCapabilities): void {
    this.beforeSignIn = capabilities;
    this.capabilities.seed(capabilities);
  }

  /** Authenticated `/versions`; cached until `refresh: true`. */
  getVersions(options: SharedGetOptions = {}): Promise<VersionsResponse> {
    return this.versions.get(options);
  }

  /** Versions, login flows and OAuth metadata; cached until `refresh: true` (which re-reads `/versions` too). */
  getCapabilities(options: SharedGetOptions = {}): Promise<ServerCapabilities> {
    if (options.refresh) this.versions.clear();
    return this.capabilities.get(options);
  }

  /**
   * Whether simplified sliding sync is available to this user. Synapse's per-user overrides only
   * ever add a feature (global flag OR per-user flag, docs/protocol.md §1.2), so a pre-sign-in
   * "yes" is final and costs no request; a "no" is checked against the authenticated document.
   */
  async hasSlidingSync(options: SharedGetOptions = {}): Promise<boolean> {
    if (this.beforeSignIn?.slidingSync) return true;
    return (await this.versions.get(options)).unstable_features?.[FEATURE_SLIDING_SYNC] === true;
  }

  /** Whether MSC3391's account-data DELETE is advertised to this user (authenticated `/versions`). */
  async hasAccountDataDelete(options: SharedGetOptions = {}): Promise<boolean> {
    return (await this.versions.get(options)).unstable_features?.[FEATURE_ACCOUNT_DATA_DELETE] === true;
  }
}
