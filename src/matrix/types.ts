/**
 * Shared protocol types: the contract between the Matrix layer (`src/matrix`), the sync bridge
 * (`src/app`), the UI features and the CLI. Wire types keep the server's snake_case; account-data
 * `content` is user JSON and is never reshaped.
 */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Account-data content is always a JSON object (PUT with anything else is `400 M_BAD_JSON`). */
export type JsonObject = { [key: string]: JsonValue };

/** Where an account-data entry lives. Global and room scopes are separate namespaces (spec §account data). */
export type AccountDataScope =
  | { kind: 'global' }
  | { kind: 'room'; roomId: string }
  /** MSC4331 per-device account data (unstable `net.zemos.account_data`). */
  | { kind: 'device'; deviceId: string };

/** A signed-in session. The token is only ever sent in the `Authorization` header. */
export type Session = {
  /** Homeserver base URL without trailing slash, e.g. `https://matrix.example.org`. */
  baseUrl: string;
  userId: string;
  deviceId: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms at which the access token expires, if the server said. */
  expiresAt?: number;
  /** Which auth API issued the token; after login only that API is used (docs/protocol.md §1.3). */
  authApi: 'legacy' | 'oauth';
  /** How the user signed in; SSO and OAuth 2.0 arrive with a later issue. */
  loginMethod: 'password' | 'token' | 'sso' | 'oauth';
  /** OAuth 2.0 only: client id and token/revocation endpoints needed for refresh and logout. */
  oauth?: { clientId: string; issuer: string; tokenEndpoint: string; revocationEndpoint: string };
};

/**
 * An application service signed in with its registration's `as_token` (docs/protocol.md §7). It
 * acts for its sender and for the users of its namespace by identity assertion; it has no device,
 * nothing to refresh and nothing to end at the server. The registration's `hs_token` is never part
 * of it: the app does not need it and does not keep it.
 */
export type AppserviceSession = {
  kind: 'appservice';
  /** Homeserver base URL without trailing slash. */
  baseUrl: string;
  /** Sent only as `Authorization: Bearer …`, never in a URL. */
  asToken: string;
  /** The registration's `id`. */
  registrationId: string;
  /** `@<sender_localpart>:<server name>`, as whoami answered for the `as_token`. */
  senderUserId: string;
  /** `namespaces.users[].regex`, as written in the registration (Python syntax, docs/protocol.md §7). */
  userRegexes: string[];
  /** The registration's `url`, where the homeserver pushes transactions (a receiver may listen there). */
  url?: string;
  /** Namespace users added in the inspector besides the sender (kept across reloads). */
  users?: string[];
};

/** What the app may be signed in as: a user's own session, or an application service. */
export type AnySession = Session | AppserviceSession;

/** Whether a signed-in identity is an application service. */
export function isAppserviceSession(session: AnySession): session is AppserviceSession {
  return 'kind' in session;
}

/** The minimum a room needs to be shown in the tree. */
export type RoomInfo = {
  roomId: string;
  /** Display name computed with the spec's algorithm (name → canonical alias → heroes → "Empty Room"). */
  name: string;
  canonicalAlias?: string;
  isDm?: boolean;
};

/** Connection state of a sync engine, for the status line. */
export type SyncStatus =
  | { state: 'stopped' }
  | { state: 'connecting' }
  /**
   * Initial coverage of all joined rooms still growing. `requesting`: how many rooms the request
   * in flight will have covered when it answers; `since`: when it was sent (epoch ms). With one
   * big request after the first (ADR 014) the count jumps once, so the status says what is coming.
   */
  | { state: 'loading'; roomsLoaded: number; roomsTotal: number; requesting?: number; since?: number }
  | { state: 'live' }
  /** Waiting before a retry; `retryAt` is epoch ms. */
  | { state: 'backing-off'; retryAt: number; attempt: number; reason: string }
  /** The browser/Node reports no network. */
  | { state: 'offline'; reason: string }
  /** The token is no longer valid (`M_UNKNOWN_TOKEN`); the engine stopped. */
  | { state: 'expired'; softLogout: boolean };

/**
 * What a sync engine emits. Listeners receive one batch per server response so a consumer can
 * apply it atomically.
 */
export type SyncEvent =
  /**
   * Replace all global account data wholesale (first response, or after `M_UNKNOWN_POS`). `{}`
   * entries (kept by servers without MSC3391, docs/protocol.md §3) are kept out of `data` and
   * reported in `deleted`.
   */
  | { kind: 'global-snapshot'; data: Record<string, JsonObject>; deleted: string[] }
  /** Replace one room's account data wholesale (room sent with `initial: true`). `{}` entries are kept out of `data` and reported in `deleted`. */
  | { kind: 'room-snapshot'; roomId: string; data: Record<string, JsonObject>; deleted: string[] }
  /** A type was set to non-empty content. */
  | { kind: 'changed'; scope: AccountDataScope; type: string; content: JsonObject }
  /** A type was deleted (content `{}`, MSC3391) — consumers keep a tombstone. */
  | { kind: 'deleted'; scope: AccountDataScope; type: string }
  | { kind: 'room-added'; room: RoomInfo }
  | { kind: 'room-updated'; room: RoomInfo }
  | { kind: 'room-removed'; roomId: string }
  /** All joined rooms have been covered at least once. */
  | { kind: 'initial-complete'; roomCount: number }
  /**
   * The user's **own** device list changed (a device signed in, out or was renamed): sliding sync's
   * `e2ee` extension or `/v3/sync`'s `device_lists.changed` named the user (docs/protocol.md §4.7).
   * At most one per batch; it carries no data — re-read `GET /devices`.
   */
  | { kind: 'device-list-changed' }
  | { kind: 'status'; status: SyncStatus };

export type SyncListener = (batch: SyncEvent[]) => void;

/** Common interface of the sliding-sync engine and the `/v3/sync` fallback. */
export interface AccountDataSync {
  start(): void;
  /** Aborts any in-flight request at once. */
  stop(): void;
  subscribe(listener: SyncListener): () => void;
  readonly status: SyncStatus;
}

/** What the homeserver can do, read from `/versions`, `/login` and `auth_metadata`. */
export type ServerCapabilities = {
  baseUrl: string;
  versions: string[];
  unstableFeatures: Record<string, boolean>;
  /** `org.matrix.simplified_msc3575` */
  slidingSync: boolean;
  /** `org.matrix.msc3391`: unstable DELETE for account data. */
  accountDataDelete: boolean;
  /** Legacy `/login` flows, or null when the legacy API is absent. */
  loginFlows: LoginFlow[] | null;
  ssoProviders: IdentityProvider[];
  /** OAuth 2.0 server metadata (spec v1.15), or null. */
  oauth: OAuthMetadata | null;
};

export type LoginFlow = { type: string; identity_providers?: IdentityProvider[]; [key: string]: unknown };
export type IdentityProvider = { id: string; name: string; icon?: string; brand?: string };
export type OAuthMetadata = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  registration_endpoint?: string;
  account_management_uri?: string;
  [key: string]: unknown;
};
