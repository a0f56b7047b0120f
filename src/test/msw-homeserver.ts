/**
 * A small in-memory Matrix homeserver played by msw (docs/architecture.md "Tests": msw plays the homeserver), for
 * component tests that talk to it through the real `MatrixClient`, discovery and auth code.
 *
 * It answers the endpoints the account-data and sign-in features hit: `/versions`, `.well-known`,
 * `GET/POST /v3/login`, `whoami`, `/v3/devices`, global and room account data (GET/PUT), the
 * MSC3391 unstable DELETE and `GET /v3/room_keys/version` (set {@link FakeHomeserver.keyBackup}). An
 * application service ({@link FakeHomeserver.addAppservice}) acts by identity assertion (`?user_id=`)
 * under Synapse's rules (docs/protocol.md §7). Anything else under the base URL gets `404 M_UNRECOGNIZED`, as Synapse
 * answers unknown endpoints. Every request is recorded (with its parsed body) so tests can assert
 * exactly what went over the wire; requests to any other host fail the test.
 *
 * ```ts
 * const homeserver = setupMswHomeserver();
 * it('… (msw homeserver)', async () => {
 *   const hs = homeserver();
 *   const session = hs.createSession('@alice:hs.test');
 *   hs.fail({ method: 'PUT', path: /account_data\/m\.direct$/ }, { status: 400, errcode: 'M_BAD_JSON' });
 * });
 * ```
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { JsonObject, LoginFlow, Session } from '../matrix/types.ts';

/** Base URL of the default fake homeserver; its server name is the host. */
export const HS_BASE_URL = 'https://hs.test';
/** Server name of the default fake homeserver (user IDs end in `:hs.test`). */
export const HS_SERVER_NAME = 'hs.test';
/** The MSC3391 unstable feature flag advertised in `/versions` to enable DELETE. */
export const MSC3391_FEATURE = 'org.matrix.msc3391';

/** A Matrix error the fake should answer with. */
export type MatrixFailure = {
  status: number;
  errcode: string;
  error?: string;
  retry_after_ms?: number;
  soft_logout?: boolean;
};

/**
 * Which requests a hook applies to. `path` is compared with the *decoded* pathname (so user IDs read
 * `@alice:hs.test`): a string must match exactly, a RegExp is tested.
 */
export type RequestMatcher = { method?: string; path?: string | RegExp };

/** A request as the fake homeserver saw it. */
export type SeenRequest = {
  method: string;
  /** The full URL, exactly as sent (still encoded). */
  url: string;
  /** Decoded pathname. */
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text if it is not JSON; undefined when empty. */
  body: unknown;
};

/** A request held back until the test releases it (to observe in-flight states). */
export type HeldRequest = {
  /** Resolves once a matching request has arrived and is waiting. */
  readonly arrived: Promise<void>;
  /** Lets the held request continue to its normal answer (or injected failure). */
  release(): void;
};

type User = { userId: string; password: string };
/** Who a request acts as; an application service acting for a user has no device. */
type Device = { userId: string; deviceId?: string };
/** A registered application service: its token, its sender and its user namespace. */
export type FakeAppservice = { asToken: string; senderUserId: string; userRegexes: RegExp[] };
type Failure = { matcher: RequestMatcher; failure: MatrixFailure; remaining: number };
type Hold = { matcher: RequestMatcher; gate: Promise<void>; arrive: () => void; used: boolean };

export type FakeHomeserverOptions = {
  baseUrl?: string;
};

const localpartOf = (userId: string) => userId.slice(1, userId.indexOf(':'));

/** Matrix error response. */
export function matrixError(failure: MatrixFailure): Response {
  const { status, errcode, error = `${errcode} (fake homeserver)`, ...extra } = failure;
  return HttpResponse.json({ errcode, error, ...extra }, { status });
}

function matches(matcher: RequestMatcher, request: SeenRequest): boolean {
  if (matcher.method !== undefined && matcher.method.toUpperCase() !== request.method) return false;
  if (matcher.path === undefined) return true;
  return typeof matcher.path === 'string' ? matcher.path === request.path : matcher.path.test(request.path);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function param(value: string | readonly string[] | undefined): string {
  const raw = typeof value === 'string' ? value : (value?.join('/') ?? '');
  return decodeURIComponent(raw);
}

/** The fake homeserver's state and its msw handlers. Create one per test. */
export class FakeHomeserver {
  readonly baseUrl: string;
  readonly serverName: string;
  /** Every request that reached this homeserver, in order. */
  readonly requests: SeenRequest[] = [];
  /** `versions` of `/versions`. */
  versions: string[] = ['v1.11', 'v1.12'];
  /** `unstable_features` of `/versions`; set {@link MSC3391_FEATURE} to enable the DELETE. */
  unstableFeatures: Record<string, boolean> = {};
  /** `GET /v3/login` flows. */
  loginFlows: LoginFlow[] = [{ type: 'm.login.password' }];
  /** Body of `/.well-known/matrix/client` on the base URL's origin; null answers 404. */
  wellKnown: unknown = null;
  /** False: every request fails like an unreachable host (fetch rejects with a TypeError). */
  isReachable = true;
  /** Body of `GET /v3/room_keys/version`; null answers Synapse's `404 M_NOT_FOUND` (no backup). */
  keyBackup: JsonObject | null = null;

  private readonly users = new Map<string, User>();
  private readonly appservices = new Map<string, FakeAppservice>();
  /** Users that exist without a password (registered by an application service). */
  private readonly registered = new Set<string>();
  private readonly tokens = new Map<string, Device>();
  private readonly accountData = new Map<string, JsonObject>();
  private readonly failures: Failure[] = [];
  private readonly holds: Hold[] = [];
  private counter = 0;

  constructor(options: FakeHomeserverOptions = {}) {
    this.baseUrl = options.baseUrl ?? HS_BASE_URL;
    this.serverName = new URL(this.baseUrl).host;
    this.wellKnown = { 'm.homeserver': { base_url: this.baseUrl } };
  }

  /** Registers an account that can sign in with a password. */
  addUser(userId: string, password: string): void {
    this.users.set(userId, { userId, password });
  }

  /**
   * Registers an application service. Its `as_token` acts as the sender, or with `?user_id=` as a user
   * matching a regex (tested from the start, like Python's `re.match`) that exists ({@link addUser} or
   * {@link registerUser}); otherwise `403 M_FORBIDDEN`, as Synapse answers.
   */
  addAppservice(appservice: FakeAppservice): void {
    this.appservices.set(appservice.asToken, appservice);
  }

  /** Makes a user exist without a password (as an application service's registration does). */
  registerUser(userId: string): void {
    this.registered.add(userId);
  }

  /** Registers a device with an access token and returns the session a signed-in client would hold. */
  createSession(userId: string, options: { deviceId?: string; accessToken?: string } = {}): Session {
    const deviceId = options.deviceId ?? `DEVICE${++this.counter}`;
    const accessToken = options.accessToken ?? `syt_fake_token_${++this.counter}`;
    this.tokens.set(accessToken, { userId, deviceId });
    return {
      baseUrl: this.baseUrl,
      userId,
      deviceId,
      accessToken,
      authApi: 'legacy',
      loginMethod: 'password',
    };
  }

  /** Stores content as if a client had PUT it (`roomId` for room account data). */
  setAccountData(userId: string, type: string, content: JsonObject, roomId?: string): void {
    this.accountData.set(this.key(userId, type, roomId), content);
  }

  /** What the server stores for a type, or undefined. */
  getAccountData(userId: string, type: string, roomId?: string): JsonObject | undefined {
    return this.accountData.get(this.key(userId, type, roomId));
  }

  /** Answers the next `times` matching requests with a Matrix error instead of serving them. */
  fail(matcher: RequestMatcher, failure: MatrixFailure, options: { times?: number } = {}): void {
    this.failures.push({ matcher, failure, remaining: options.times ?? 1 });
  }

  /** Holds the next matching request until `release()`; see {@link HeldRequest}. */
  hold(matcher: RequestMatcher): HeldRequest {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ matcher, gate, arrive, used: false });
    return { arrived, release };
  }

  /** The recorded requests that match. */
  requestsMatching(matcher: RequestMatcher): SeenRequest[] {
    return this.requests.filter((request) => matches(matcher, request));
  }

  /** The msw handlers serving this homeserver; the catch-all comes last. */
  handlers(): HttpHandler[] {
    const base = this.baseUrl;
    const origin = new URL(base).origin;
    const accountDataPaths = [
      `${base}/_matrix/client/v3/user/:userId/account_data/:type`,
      `${base}/_matrix/client/v3/user/:userId/rooms/:roomId/account_data/:type`,
    ];
    const deletePaths = [
      `${base}/_matrix/client/unstable/${MSC3391_FEATURE}/user/:userId/account_data/:type`,
      `${base}/_matrix/client/unstable/${MSC3391_FEATURE}/user/:userId/rooms/:roomId/account_data/:type`,
    ];
    return [
      http.get(
        `${origin}/.well-known/matrix/client`,
        this.route(() => this.serveWellKnown()),
      ),
      http.get(
        `${base}/_matrix/client/versions`,
        this.route(() =>
          HttpResponse.json({ versions: this.versions, unstable_features: this.unstableFeatures }),
        ),
      ),
      http.get(
        `${base}/_matrix/client/v3/login`,
        this.route(() => HttpResponse.json({ flows: this.loginFlows })),
      ),
      http.post(
        `${base}/_matrix/client/v3/login`,
        this.route((seen) => this.login(seen)),
      ),
      http.get(
        `${base}/_matrix/client/v3/account/whoami`,
        this.route((seen) =>
          this.authenticated(seen, (device) =>
            HttpResponse.json({
              user_id: device.userId,
              ...(device.deviceId === undefined ? {} : { device_id: device.deviceId }),
            }),
          ),
        ),
      ),
      http.get(
        `${base}/_matrix/client/v3/devices`,
        this.route((seen) =>
          this.authenticated(seen, (device) =>
            HttpResponse.json({
              devices: [...this.tokens.values()]
                .filter((d) => d.userId === device.userId)
                .map((d) => ({ device_id: d.deviceId, user_id: d.userId })),
            }),
          ),
        ),
      ),
      http.get(
        `${base}/_matrix/client/v3/room_keys/version`,
        this.route((seen) =>
          this.authenticated(seen, () =>
            this.keyBackup === null
              ? matrixError({ status: 404, errcode: 'M_NOT_FOUND', error: 'No backup found' })
              : HttpResponse.json(this.keyBackup),
          ),
        ),
      ),
      ...accountDataPaths.flatMap((path) => [
        http.get(
          path,
          this.route((seen, params) => this.getAccountDataResponse(seen, params)),
        ),
        http.put(
          path,
          this.route((seen, params) => this.putAccountData(seen, params)),
        ),
      ]),
      ...deletePaths.map((path) =>
        http.delete(
          path,
          this.route((seen, params) => this.deleteAccountData(seen, params)),
        ),
      ),
      // Synapse answers unknown endpoints (auth_metadata, tags…) with 404 M_UNRECOGNIZED.
      http.all(
        `${origin}/*`,
        this.route(() =>
          matrixError({ status: 404, errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }),
        ),
      ),
    ];
  }

  // ---- plumbing ----

  private key(userId: string, type: string, roomId: string | undefined): string {
    return `${userId}\u0000${roomId ?? ''}\u0000${type}`;
  }

  /** Records the request, then applies reachability, holds and injected failures before `serve`. */
  private route(
    serve: (seen: SeenRequest, params: Record<string, string>) => Response | Promise<Response>,
  ): Parameters<typeof http.all>[1] {
    return async ({ request, params }) => {
      const text = request.method === 'GET' ? '' : await request.clone().text();
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      const url = new URL(request.url);
      const seen: SeenRequest = {
        method: request.method,
        url: request.url,
        path: decodeURIComponent(url.pathname),
        headers: Object.fromEntries([...request.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
        body,
      };
      this.requests.push(seen);
      const hold = this.holds.find((h) => !h.used && matches(h.matcher, seen));
      if (hold) {
        hold.used = true;
        hold.arrive();
        await hold.gate;
      }
      if (!this.isReachable) return HttpResponse.error();
      const failure = this.failures.find((f) => f.remaining > 0 && matches(f.matcher, seen));
      if (failure) {
        failure.remaining -= 1;
        return matrixError(failure.failure);
      }
      const decoded: Record<string, string> = {};
      for (const [name, value] of Object.entries(params)) decoded[name] = param(value);
      return serve(seen, decoded);
    };
  }

  private authenticated(seen: SeenRequest, serve: (device: Device) => Response): Response {
    const header = seen.headers.authorization;
    if (header === undefined) {
      return matrixError({ status: 401, errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
    }
    const device = /^Bearer (.+)$/.exec(header)?.[1];
    const appservice = device === undefined ? undefined : this.appservices.get(device);
    if (appservice) return this.asserted(seen, appservice, serve);
    const known = device === undefined ? undefined : this.tokens.get(device);
    if (!known) {
      return matrixError({
        status: 401,
        errcode: 'M_UNKNOWN_TOKEN',
        error: 'Unknown access token',
        soft_logout: false,
      });
    }
    return serve(known);
  }

  /** Identity assertion (docs/protocol.md §7): the sender, or an existing user of the namespace. */
  private asserted(
    seen: SeenRequest,
    appservice: FakeAppservice,
    serve: (device: Device) => Response,
  ): Response {
    const userId = new URL(seen.url).searchParams.get('user_id') ?? appservice.senderUserId;
    if (userId === appservice.senderUserId) return serve({ userId });
    const inNamespace = appservice.userRegexes.some((regex) => regex.exec(userId)?.index === 0);
    if (!inNamespace) {
      return matrixError({
        status: 403,
        errcode: 'M_FORBIDDEN',
        error: `Application service cannot masquerade as this user (${userId}).`,
      });
    }
    if (!this.registered.has(userId) && !this.users.has(userId)) {
      return matrixError({
        status: 403,
        errcode: 'M_FORBIDDEN',
        error: `Application service has not registered this user (${userId})`,
      });
    }
    return serve({ userId });
  }

  private serveWellKnown(): Response {
    if (this.wellKnown === null) return matrixError({ status: 404, errcode: 'M_NOT_FOUND' });
    return HttpResponse.json(this.wellKnown);
  }

  private login(seen: SeenRequest): Response {
    const body = isJsonObject(seen.body) ? seen.body : {};
    const identifier = isJsonObject(body.identifier) ? body.identifier : {};
    if (body.type !== 'm.login.password' || identifier.type !== 'm.id.user') {
      return matrixError({ status: 400, errcode: 'M_UNKNOWN', error: 'Unknown login type' });
    }
    const name = typeof identifier.user === 'string' ? identifier.user : '';
    const user = [...this.users.values()].find((u) => u.userId === name || localpartOf(u.userId) === name);
    if (!user || user.password !== body.password) {
      return matrixError({ status: 403, errcode: 'M_FORBIDDEN', error: 'Invalid username or password' });
    }
    const session = this.createSession(user.userId);
    return HttpResponse.json({
      user_id: session.userId,
      access_token: session.accessToken,
      device_id: session.deviceId,
    });
  }

  private ownAccountData(
    seen: SeenRequest,
    params: Record<string, string>,
    serve: (key: string) => Response,
  ): Response {
    return this.authenticated(seen, (device) => {
      if (params.userId !== device.userId) {
        return matrixError({
          status: 403,
          errcode: 'M_FORBIDDEN',
          error: 'Cannot access account data for other users.',
        });
      }
      return serve(this.key(device.userId, params.type ?? '', params.roomId));
    });
  }

  private getAccountDataResponse(seen: SeenRequest, params: Record<string, string>): Response {
    return this.ownAccountData(seen, params, (key) => {
      const content = this.accountData.get(key);
      return content === undefined
        ? matrixError({ status: 404, errcode: 'M_NOT_FOUND', error: 'Account data not found' })
        : HttpResponse.json(content);
    });
  }

  private putAccountData(seen: SeenRequest, params: Record<string, string>): Response {
    return this.ownAccountData(seen, params, (key) => {
      if (!isJsonObject(seen.body)) {
        return matrixError({ status: 400, errcode: 'M_BAD_JSON', error: 'Content must be a JSON object' });
      }
      this.accountData.set(key, seen.body);
      return HttpResponse.json({});
    });
  }

  private deleteAccountData(seen: SeenRequest, params: Record<string, string>): Response {
    if (this.unstableFeatures[MSC3391_FEATURE] !== true) {
      return matrixError({ status: 404, errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    }
    return this.ownAccountData(seen, params, (key) => {
      this.accountData.delete(key);
      return HttpResponse.json({});
    });
  }
}

/**
 * Starts an msw server for the test file and gives every test a fresh {@link FakeHomeserver}. Returns
 * a getter for the current test's homeserver. A request that no handler serves (another host) fails
 * at once and fails the test in `afterEach`.
 */
export function setupMswHomeserver(options: FakeHomeserverOptions = {}): () => FakeHomeserver {
  const server = setupServer();
  const unhandled: string[] = [];
  let current: FakeHomeserver | undefined;

  beforeAll(() => {
    server.listen({
      onUnhandledRequest: (request, print) => {
        unhandled.push(`${request.method} ${request.url}`);
        print.error();
      },
    });
  });
  beforeEach(() => {
    current = new FakeHomeserver(options);
    unhandled.length = 0;
    server.resetHandlers(...current.handlers());
  });
  afterEach(() => {
    current = undefined;
    server.resetHandlers();
    if (unhandled.length > 0) {
      throw new Error(`Requests no handler served:\n${unhandled.join('\n')}`);
    }
  });
  afterAll(() => {
    server.close();
  });

  return () => {
    if (!current) throw new Error('The fake homeserver exists only inside a test.');
    return current;
  };
}
