/**
 * The CLI's commands, with I/O and `fetch` injected so tests can drive them. `main.ts` wires them
 * to the process.
 *
 * Flow: discovery (URL, server name or user ID) → sign-in (a password, SSO or OAuth 2.0 sign-in
 * creates its own device; SSO and OAuth 2.0 happen in a browser that comes back to a loopback
 * listener, `loopback.ts`) → `MatrixClient` → sync engine → `dump` (collect until
 * `initial-complete`, then read devices, their MSC4331 data and the orphaned per-device global
 * entries) or `watch` (print changes until interrupted) → sign the created device out again.
 */
import {
  LOGIN_TYPE_SSO,
  loginTokenSignIn,
  loginWithAccessToken,
  loginWithPassword,
  ssoRedirectUrl,
} from '../matrix/auth.ts';
import { getServerCapabilities } from '../matrix/capabilities.ts';
import { MatrixClient } from '../matrix/client.ts';
import { discoverHomeserver, DiscoveryError } from '../matrix/discovery.ts';
import { ClientRefusedError } from '../matrix/errors.ts';
import type { FetchLike } from '../matrix/http.ts';
import {
  completeOAuthSignIn,
  DEFAULT_LOOPBACK_CLIENT_URI,
  isOAuthCallback,
  memoryStateStore,
  startOAuthSignIn,
  type OAuthClientChoice,
} from '../matrix/oauth.ts';
import { DEVICE_DATA_UNSUPPORTED, PER_DEVICE_CATALOGUE } from '../matrix/per-device.ts';
import { buildReport, readServerSoftware } from '../matrix/report.ts';
import { liveContents } from '../matrix/account-data-fold.ts';
import { createAccountDataSync, type CreateSyncOptions } from '../matrix/sync/create-sync.ts';
import type {
  AccountDataSync,
  JsonObject,
  ServerCapabilities,
  Session,
  SyncStatus,
} from '../matrix/types.ts';
import { HELP, parseCliArgs, UsageError, type CliArgs, type CliAuth, type CliRedirect } from './args.ts';
import { CALLBACK_PATH, formatDuration, LOOPBACK_HOST, LoopbackListener } from './loopback.ts';
import {
  AccountDataCollector,
  buildDumpDocument,
  keyBackupSummary,
  Redactor,
  redactionNote,
  signInPrompt,
  WatchDeduper,
  watchRecord,
} from './output.ts';

/** Process I/O, injectable for tests. */
export type CliIo = {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
};

/** Injectable dependencies. */
export type CliDeps = { fetch?: FetchLike };

/** Display name of the device a password or SSO sign-in creates. */
export const CLI_DEVICE_NAME = 'Account Data Inspector (CLI)';
/** `dump` gives up after this many consecutive failed sync attempts. */
const DUMP_MAX_ATTEMPTS = 4;
/** `dump`: MSC4331 reads in flight at once. */
const DEVICE_READ_CONCURRENCY = 6;

type RunArgs = Extract<CliArgs, { kind: 'run' }>;

/** Runs the CLI; resolves to the exit code (0 ok, 1 runtime/server error, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`error: ${error.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(HELP);
    return 0;
  }

  const fetchOption = deps.fetch ? { fetch: deps.fetch } : {};
  let client: MatrixClient | undefined;
  try {
    const discovered = await discoverHomeserver(args.homeserver, fetchOption);
    if (args.isVerbose) io.stderr(`[cli] homeserver ${discovered.baseUrl} (${discovered.source})\n`);
    const session = await signIn(discovered.baseUrl, args.auth, io, fetchOption);
    client = new MatrixClient(session, fetchOption);
    switch (args.command) {
      case 'dump':
        return await dump(client, args, io);
      case 'watch':
        return await watch(client, args, io);
      case 'report':
        return await report(client, args, io, deps);
      default:
        return args.command satisfies never;
    }
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n`);
    return 1;
  } finally {
    // Only the device this command created is signed out (legacy /logout, or OAuth 2.0
    // revocation by the session's authority); a given token is left alone.
    if (client && args.auth.kind !== 'token') {
      try {
        await client.logout();
      } catch (error) {
        io.stderr(
          `warning: could not log out the CLI's device ${client.deviceId}: ${describeError(error)}\n`,
        );
      }
    }
  }
}

/** Signs in as `auth` says; SSO and OAuth 2.0 through the browser. */
async function signIn(
  baseUrl: string,
  auth: CliAuth,
  io: CliIo,
  fetchOption: { fetch?: FetchLike },
): Promise<Session> {
  switch (auth.kind) {
    case 'password':
      return loginWithPassword(
        baseUrl,
        { user: auth.user, password: auth.password, deviceDisplayName: CLI_DEVICE_NAME },
        fetchOption,
      );
    case 'token':
      return loginWithAccessToken(baseUrl, auth.token, fetchOption);
    case 'sso':
    case 'oauth': {
      const capabilities = await getServerCapabilities(baseUrl, fetchOption);
      const session =
        auth.kind === 'sso'
          ? await ssoSignIn(baseUrl, capabilities, auth.idpId, auth.redirect, io, fetchOption)
          : await oauthSignIn(baseUrl, capabilities, auth.redirect, io, fetchOption);
      io.stderr(`Signed in as ${session.userId} (device ${session.deviceId}).\n`);
      return session;
    }
  }
}

/** Why this server cannot do the asked-for browser sign-in, and what it offers instead. */
function notOffered(what: string, capabilities: ServerCapabilities): Error {
  const others: string[] = [];
  if (capabilities.oauth)
    others.push(`OAuth 2.0 through ${new URL(capabilities.oauth.issuer).host} (--oauth)`);
  if (hasSso(capabilities)) others.push('single sign-on (--sso)');
  if (capabilities.loginFlows?.some((f) => f.type === 'm.login.password')) others.push('a password (--user)');
  const instead =
    others.length > 0
      ? ` It offers ${others.join(', ')}.`
      : ' It offers neither single sign-on nor OAuth 2.0; sign in with --token instead.';
  return new Error(`${capabilities.baseUrl} does not offer ${what}.${instead}`);
}

function hasSso(capabilities: ServerCapabilities): boolean {
  return capabilities.loginFlows?.some((f) => f.type === LOGIN_TYPE_SSO) ?? false;
}

/**
 * Single sign-on (docs/protocol.md §1.4): the browser goes to the server's SSO redirect and comes
 * back to the listener with `?loginToken=`, which is exchanged with `m.login.token`.
 */
async function ssoSignIn(
  baseUrl: string,
  capabilities: ServerCapabilities,
  idpId: string | undefined,
  redirect: CliRedirect,
  io: CliIo,
  fetchOption: { fetch?: FetchLike },
): Promise<Session> {
  if (!hasSso(capabilities)) throw notOffered('single sign-on (m.login.sso)', capabilities);
  const providers = capabilities.ssoProviders;
  if (idpId !== undefined && providers.length > 0 && !providers.some((p) => p.id === idpId)) {
    throw new Error(
      `${capabilities.baseUrl} has no identity provider "${idpId}"; it offers ${providers.map((p) => `${p.id} (${p.name})`).join(', ')}.`,
    );
  }
  return viaBrowser(redirect, io, {
    isAnswer: (url) => (url.searchParams.get('loginToken') ?? '') !== '',
    start: (redirectUri) => {
      const url = ssoRedirectUrl(baseUrl, redirectUri, idpId === undefined ? {} : { idpId });
      return Promise.resolve(
        signInPrompt({
          method: 'sso',
          url,
          redirectUri,
          timeout: formatDuration(redirect.timeoutMs),
          ...(idpId === undefined && providers.length > 1 ? { providers } : {}),
        }),
      );
    },
    finish: (answer) =>
      loginTokenSignIn.signIn(
        baseUrl,
        { loginToken: answer.searchParams.get('loginToken') ?? '', deviceDisplayName: CLI_DEVICE_NAME },
        fetchOption,
      ),
  });
}

/**
 * OAuth 2.0 (docs/protocol.md §1.5): registered as a `native` client whose loopback redirect is
 * registered without a port (RFC 8252 §7.3), authorization code with PKCE, code exchange.
 */
async function oauthSignIn(
  baseUrl: string,
  capabilities: ServerCapabilities,
  redirect: CliRedirect,
  io: CliIo,
  fetchOption: { fetch?: FetchLike },
): Promise<Session> {
  const metadata = capabilities.oauth;
  if (!metadata) throw notOffered('OAuth 2.0 sign-in (no auth_metadata)', capabilities);
  // One process covers the whole flow: the pending state (PKCE verifier) stays in memory.
  const stateStore = memoryStateStore();
  return viaBrowser(redirect, io, {
    isAnswer: (url) => isOAuthCallback(url.href),
    start: async (redirectUri) => {
      const choice: OAuthClientChoice = {
        applicationType: 'native',
        redirectUri,
        registeredRedirectUris: [`http://${LOOPBACK_HOST}${CALLBACK_PATH}`],
        clientUri: DEFAULT_LOOPBACK_CLIENT_URI,
      };
      const { url } = await startOAuthSignIn({
        baseUrl,
        metadata,
        appUrl: redirectUri,
        stateStore,
        choice,
        options: fetchOption,
      });
      return signInPrompt({
        method: 'oauth',
        url,
        redirectUri,
        timeout: formatDuration(redirect.timeoutMs),
        issuerHost: new URL(metadata.issuer).host,
      });
    },
    finish: (answer) => completeOAuthSignIn(answer.href, stateStore, fetchOption),
  });
}

/**
 * The browser part of a sign-in: listen on the loopback address, print where to go, wait for the
 * answer (or the timeout, or Ctrl-C), exchange it, and tell the browser how it went.
 */
async function viaBrowser(
  redirect: CliRedirect,
  io: CliIo,
  steps: {
    isAnswer: (url: URL) => boolean;
    /** Prepares the sign-in for this redirect URI; returns what to print. */
    start: (redirectUri: string) => Promise<string>;
    finish: (answer: URL) => Promise<Session>;
  },
): Promise<Session> {
  const listener = await LoopbackListener.start({
    ...(redirect.port === undefined ? {} : { port: redirect.port }),
    isAnswer: steps.isAnswer,
  });
  const interrupted = new AbortController();
  const offInterrupt = io.onInterrupt(() => {
    interrupted.abort(new Error('Interrupted.'));
  });
  try {
    io.stderr(await steps.start(listener.redirectUri));
    const answer = await listener.wait({ timeoutMs: redirect.timeoutMs, signal: interrupted.signal });
    try {
      const session = await steps.finish(answer.url);
      answer.reply({
        ok: true,
        message: `Signed in as ${session.userId}. You can close this tab and return to the terminal.`,
      });
      return session;
    } catch (error) {
      answer.reply({
        ok: false,
        message: `${describeError(error)} You can close this tab; the terminal says more.`,
      });
      throw error;
    }
  } finally {
    offInterrupt();
    await listener.close();
  }
}

function syncOptions(args: RunArgs, onError: (error: unknown) => void): CreateSyncOptions {
  return {
    prefer: args.sync,
    sliding: { onError },
    v3: { onError },
  };
}

function describeStatus(status: SyncStatus): string {
  switch (status.state) {
    case 'loading':
      return `loading ${status.roomsLoaded} of ${status.roomsTotal} rooms`;
    case 'backing-off':
      return `retrying (attempt ${status.attempt}): ${status.reason}`;
    case 'offline':
      return `offline: ${status.reason}`;
    case 'expired':
      return `session expired${status.softLogout ? ' (soft logout)' : ''}`;
    default:
      return status.state;
  }
}

async function dump(client: MatrixClient, args: RunArgs, io: CliIo): Promise<number> {
  let lastError: unknown;
  const { engine, kind } = await createAccountDataSync(
    client,
    syncOptions(args, (error) => {
      lastError = error;
    }),
  );
  const collector = new AccountDataCollector();
  await collectUntilComplete(engine, collector, args, io, () => lastError);

  const notes = [
    kind === 'sliding'
      ? 'Rooms come from the sliding-sync room list (joined rooms, and rooms you were kicked or banned from); rooms you left or were never in are not included.'
      : 'Rooms come from /v3/sync (joined rooms only); rooms you left or were never in are not included.',
    'm.push_rules and room m.tag are synthesized by the server from its own tables (docs/protocol.md §2).',
  ];
  const devices = await readDevices(client, args.deviceTypes, notes, io);
  const backup = await client.getKeyBackupVersion().catch((error: unknown) => {
    notes.push(`The server-side key backup could not be read: ${describeError(error)}`);
    return error instanceof Error ? error : new Error(String(error));
  });
  const document = buildDumpDocument({
    collector,
    devices,
    keyBackup: keyBackupSummary(collector, backup),
    meta: { homeserver: client.session.baseUrl, user_id: client.userId, sync: kind },
    notes,
    isSecretsIncluded: args.isSecretsIncluded,
  });
  io.stdout(`${JSON.stringify(document, null, args.isCompact ? undefined : 2)}\n`);
  io.stderr(redactionNote(document.meta.redacted));
  return 0;
}

function collectUntilComplete(
  engine: AccountDataSync,
  collector: AccountDataCollector,
  args: RunArgs,
  io: CliIo,
  lastError: () => unknown,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      offInterrupt();
      unsubscribe();
      engine.stop();
      if (error) reject(error);
      else resolve();
    };
    const unsubscribe = engine.subscribe((batch) => {
      collector.apply(batch);
      for (const event of batch) {
        if (event.kind === 'initial-complete') finish();
        if (event.kind !== 'status') continue;
        const { status } = event;
        if (args.isVerbose) io.stderr(`[sync] ${describeStatus(status)}\n`);
        if (status.state === 'expired') finish(new Error('The session expired while syncing.'));
        if (status.state === 'backing-off' && status.attempt >= DUMP_MAX_ATTEMPTS) {
          finish(new Error(`Sync keeps failing (${status.reason}): ${describeError(lastError())}`));
        }
      }
    });
    const offInterrupt = io.onInterrupt(() => {
      finish(new Error('Interrupted.'));
    });
    engine.start();
  });
}

/**
 * Every device of `GET /devices` (the keys of the result, which `orphans` is computed against) with
 * its MSC4331 data: no endpoint lists a device's types, so the catalogue types and the
 * `--device-type` ones are read on every device (docs/protocol.md §5).
 */
async function readDevices(
  client: MatrixClient,
  extraTypes: readonly string[],
  notes: string[],
  io: CliIo,
): Promise<Record<string, Record<string, JsonObject>>> {
  const devices: Record<string, Record<string, JsonObject>> = {};
  for (const device of await client.getDevices()) devices[device.device_id] = {};
  const isSupported = await client.supportsDeviceAccountData();
  if (!isSupported) {
    notes.push(
      `${DEVICE_DATA_UNSUPPORTED}. This server does not implement per-device account data (MSC4331): every device is listed with {}. Per-device settings kept in global account data (e.g. io.element.matrix_client_information.<device_id>) are under "global"; "orphans" lists those whose device is gone.`,
    );
    io.stderr(`${DEVICE_DATA_UNSUPPORTED} (MSC4331); see "notes".\n`);
    return devices;
  }
  const types = [...new Set([...PER_DEVICE_CATALOGUE, ...extraTypes])];
  notes.push(
    `Per-device account data (MSC4331) cannot be listed: ${types.join(', ')} were read on every device, plus any type sync reported; pass --device-type <type> to read more.`,
  );
  const reads = Object.keys(devices).flatMap((deviceId) => types.map((type) => ({ deviceId, type })));
  let next = 0;
  const worker = async () => {
    for (let read = reads[next++]; read !== undefined; read = reads[next++]) {
      const { deviceId, type } = read;
      const result = await client.getAccountData({ kind: 'device', deviceId }, type);
      if (result.status === 'content') (devices[deviceId] ??= {})[type] = result.content;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DEVICE_READ_CONCURRENCY, reads.length) }, worker));
  return devices;
}

async function watch(client: MatrixClient, args: RunArgs, io: CliIo): Promise<number> {
  let lastError: unknown;
  const { engine } = await createAccountDataSync(
    client,
    syncOptions(args, (error) => {
      lastError = error;
    }),
  );
  let isInitialComplete = false;
  const deduper = new WatchDeduper();
  const redactor = new Redactor(args.isSecretsIncluded);
  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      offInterrupt();
      unsubscribe();
      engine.stop();
      io.stderr(redactionNote(redactor.count));
      resolve(code);
    };
    const unsubscribe = engine.subscribe((batch) => {
      for (const event of batch) {
        const isRepeat = deduper.isRepeat(event);
        if (isRepeat) continue;
        const redactedBefore = redactor.count;
        const record = watchRecord(
          event,
          { isInitialComplete, isInitialIncluded: args.isInitialIncluded },
          redactor,
        );
        if (record) io.stdout(`${JSON.stringify(record)}\n`);
        if (redactedBefore === 0 && redactor.count > 0) {
          io.stderr(
            'Secret entries are printed as redacted (encryption secrets); --include-secrets prints them.\n',
          );
        }
        if (event.kind === 'initial-complete') isInitialComplete = true;
        if (event.kind !== 'status') continue;
        if (args.isVerbose) io.stderr(`[sync] ${describeStatus(event.status)}\n`);
        if (event.status.state === 'expired') {
          io.stderr(`error: the session expired${lastError ? `: ${describeError(lastError)}` : ''}\n`);
          finish(1);
        }
      }
    });
    const offInterrupt = io.onInterrupt(() => {
      finish(0);
    });
    engine.start();
  });
}

/**
 * `report`: the diagnostic report (`src/matrix/report.ts`) of the whole account, collected like
 * `dump` (sync until the initial load is complete, devices, their MSC4331 data, the key backup),
 * plus `/versions`, the server software and the OAuth 2.0 issuer. Never holds secrets or tokens.
 */
async function report(client: MatrixClient, args: RunArgs, io: CliIo, deps: CliDeps): Promise<number> {
  let lastError: unknown;
  const { engine, kind } = await createAccountDataSync(
    client,
    syncOptions(args, (error) => {
      lastError = error;
    }),
  );
  const collector = new AccountDataCollector();
  await collectUntilComplete(engine, collector, args, io, () => lastError);
  const notes: string[] = [];
  const deviceData = await readDevices(client, [], notes, io);
  const isDeviceDataSupported = await client.supportsDeviceAccountData();
  const devices = await client.getDevices();
  const [versions, capabilities, software, backup] = await Promise.all([
    client.getVersions().catch(() => null),
    client.getCapabilities().catch(() => null),
    readServerSoftware(client.baseUrl, deps.fetch ? { fetch: deps.fetch } : {}),
    client
      .getKeyBackupVersion()
      .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  ]);
  const { state } = collector;
  const rooms: Record<string, Record<string, JsonObject>> = {};
  for (const [roomId, room] of state.rooms.byId) rooms[roomId] = liveContents(room.data);
  const { json: document, markdown } = buildReport({
    generatedAt: new Date(),
    generator: 'Account Data Inspector CLI',
    userId: client.userId,
    deviceId: client.deviceId,
    baseUrl: client.baseUrl,
    versions,
    software,
    transport: kind,
    oauthIssuer: capabilities ? (capabilities.oauth?.issuer ?? null) : undefined,
    deviceSupport: isDeviceDataSupported,
    devices,
    global: liveContents(state.global),
    rooms,
    deviceData,
    joinedRoomIds: new Set(Object.keys(rooms)),
    backup,
    secrets: [client.session.accessToken, client.session.refreshToken],
  });
  io.stdout(args.isJson ? `${JSON.stringify(document, null, 2)}\n` : markdown);
  return 0;
}

/** A one-line, token-free description of an error for stderr. */
export function describeError(error: unknown): string {
  if (error instanceof DiscoveryError) return error.message;
  if (error instanceof ClientRefusedError) return error.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}
