/**
 * A stub MSC4331 (per-device account data) server, made of Playwright routes in front of the real
 * Synapse.
 *
 * It exists ONLY because no server we can run implements MSC4331 (Synapse 1.160 answers
 * `404 M_UNRECOGNIZED` on both paths, docs/protocol.md §5). Everything else — sign-in, devices,
 * global account data, sync — stays the real Synapse; the stub adds what the MSC says:
 *
 * - The stable path `GET/PUT …/v3/user/{u}/devices/{d}/account_data/{t}` is passed through to Synapse
 *   (which answers `404 M_UNRECOGNIZED`), so the app's fallback to the unstable path is exercised.
 * - The unstable path `…/v3/user/{u}/devices/{d}/net.zemos.account_data/{t}` is served from a
 *   per-device store:
 *   - GET → `200` content, or `404 M_NOT_FOUND`. Every device of the user may read.
 *   - A device that is no longer in the real server's `GET /v3/devices` → `404 M_NOT_FOUND`, and its
 *     data is dropped: the store goes away with its device.
 *   - PUT → only the owning device may write: the writer is whoever the bearer token belongs to
 *     (the real Synapse's `GET /v3/account/whoami`); another device gets
 *     `403 M_FORBIDDEN`. Content `{}` deletes the type. Each write queues a sync delta.
 * - Sync deltas, keyed by device ID, are added to the real sliding-sync replies under
 *   `extensions.account_data.devices = { "<deviceId>": [ {type, content} ] }`.
 *
 * Every request to either path is recorded, so a test can assert what was (not) sent.
 */
import type { APIResponse, Page, Route } from '@playwright/test';

/** Content of an account-data entry (a JSON object; `{}` means deleted). */
export type Content = Record<string, unknown>;

/** One request the app sent to a device account-data path. */
export type StubRequest = {
  method: string;
  /** `stable` (answered by the real Synapse) or `unstable` (answered by the stub). */
  path: 'stable' | 'unstable';
  userId: string;
  deviceId: string;
  type: string;
  status: number;
};

/** A change waiting to be delivered by sync. */
export type DeviceDelta = { deviceId: string; type: string; content: Content };

export type Msc4331Stub = {
  /** The stored content of a device's type, or undefined. */
  get(deviceId: string, type: string): Content | undefined;
  /** The types stored for a device. */
  types(deviceId: string): string[];
  /** Stores content as if it had been written before this session: no sync delta. */
  seed(deviceId: string, type: string, content: Content): void;
  /** Simulates device `deviceId` writing its own entry: stores it and queues a sync delta. */
  writeAs(deviceId: string, type: string, content: Content): void;
  /** Every request to the device account-data paths, in order. */
  readonly requests: readonly StubRequest[];
  /** Recorded requests filtered by method and, optionally, device. */
  requestsOf(method: string, deviceId?: string): StubRequest[];
  /** Deltas queued and not yet delivered in a sync reply. */
  readonly pendingDeltas: readonly DeviceDelta[];
  /** Deltas already delivered in a sync reply. */
  readonly deliveredDeltas: readonly DeviceDelta[];
};

type Identity = { user_id: string; device_id: string };

/** The longest server-side wait the stub lets a sync request ask for (see the sync route). */
const SYNC_TIMEOUT_CAP_MS = 1000;

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isContent(value: unknown): value is Content {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Routes the MSC4331 endpoints and the sliding-sync endpoint of `baseUrl` on `page`. Call before the
 * app signs in.
 */
export async function installMsc4331Stub(page: Page, opts: { baseUrl: string }): Promise<Msc4331Stub> {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const store = new Map<string, Map<string, Content>>();
  const requests: StubRequest[] = [];
  const pending: DeviceDelta[] = [];
  const delivered: DeviceDelta[] = [];
  const identities = new Map<string, Promise<Identity | null>>();

  const put = (deviceId: string, type: string, content: Content): void => {
    let types = store.get(deviceId);
    if (!types) store.set(deviceId, (types = new Map<string, Content>()));
    if (Object.keys(content).length === 0) types.delete(type);
    else types.set(type, structuredClone(content));
  };
  const write = (deviceId: string, type: string, content: Content): void => {
    put(deviceId, type, content);
    pending.push({ deviceId, type, content: structuredClone(content) });
  };
  /** The store goes away with its device: its data and undelivered deltas. */
  const forgetDevice = (deviceId: string): void => {
    store.delete(deviceId);
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]?.deviceId === deviceId) pending.splice(i, 1);
  };

  /** Who the bearer token belongs to, asked of the real Synapse (cached per token). */
  const whoami = (authorization: string | undefined): Promise<Identity | null> => {
    if (!authorization) return Promise.resolve(null);
    let identity = identities.get(authorization);
    if (!identity) {
      identity = fetch(`${baseUrl}/_matrix/client/v3/account/whoami`, {
        headers: { Authorization: authorization },
      }).then(async (res) => (res.ok ? ((await res.json()) as Identity) : null));
      identities.set(authorization, identity);
      // A refused token may become valid later (it never does in practice): do not cache failures.
      void identity.then((id) => {
        if (id === null) identities.delete(authorization);
      });
    }
    return identity;
  };

  /** The device IDs the real server lists for the token's user. */
  const serverDeviceIds = async (authorization: string): Promise<Set<string> | null> => {
    const res = await fetch(`${baseUrl}/_matrix/client/v3/devices`, {
      headers: { Authorization: authorization },
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { devices?: { device_id: string }[] };
    return new Set((body.devices ?? []).map((d) => d.device_id));
  };

  const deviceDataPattern = new RegExp(
    `^${escapeRegExp(baseUrl)}/_matrix/client/v3/user/([^/?#]+)/devices/([^/?#]+)/(account_data|net\\.zemos\\.account_data)/([^/?#]+)(?:[?#].*)?$`,
  );

  await page.route(deviceDataPattern, async (route: Route) => {
    const request = route.request();
    const method = request.method();
    if (method === 'OPTIONS') {
      // CORS preflight: the real Synapse answers it for every path.
      await route.continue();
      return;
    }
    const match = deviceDataPattern.exec(request.url());
    if (!match) {
      await route.continue();
      return;
    }
    const [, rawUser = '', rawDevice = '', segment, rawType = ''] = match;
    const userId = decodeURIComponent(rawUser);
    const deviceId = decodeURIComponent(rawDevice);
    const type = decodeURIComponent(rawType);
    const record = (path: StubRequest['path'], status: number): void => {
      requests.push({ method, path, userId, deviceId, type, status });
    };
    const reply = async (status: number, body: unknown): Promise<void> => {
      record('unstable', status);
      await route.fulfill({
        status,
        headers: { ...CORS_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    };

    if (segment === 'account_data') {
      // The stable path: the real Synapse answers (404 M_UNRECOGNIZED), so the app must fall back.
      const response = await route.fetch();
      record('stable', response.status());
      await route.fulfill({ response });
      return;
    }

    const authorization = (await request.allHeaders())['authorization'];
    const identity = await whoami(authorization);
    if (!identity || !authorization) {
      await reply(401, { errcode: 'M_MISSING_TOKEN', error: 'Missing or invalid access token' });
      return;
    }
    if (identity.user_id !== userId) {
      await reply(403, { errcode: 'M_FORBIDDEN', error: 'Cannot access another user’s device account data' });
      return;
    }

    if (method === 'GET') {
      const devices = await serverDeviceIds(authorization);
      if (devices && !devices.has(deviceId)) {
        forgetDevice(deviceId);
        await reply(404, { errcode: 'M_NOT_FOUND', error: 'Unknown device' });
        return;
      }
      const content = store.get(deviceId)?.get(type);
      if (content === undefined)
        await reply(404, { errcode: 'M_NOT_FOUND', error: 'Account data not found' });
      else await reply(200, content);
      return;
    }

    if (method === 'PUT') {
      if (identity.device_id !== deviceId) {
        await reply(403, {
          errcode: 'M_FORBIDDEN',
          error: 'Only the owning device may write its account data',
        });
        return;
      }
      let content: unknown;
      try {
        content = request.postDataJSON();
      } catch {
        content = undefined;
      }
      if (!isContent(content)) {
        await reply(400, { errcode: 'M_BAD_JSON', error: 'Content must be a JSON object' });
        return;
      }
      write(deviceId, type, content);
      await reply(200, {});
      return;
    }

    await reply(405, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  });

  const syncPattern = new RegExp(
    `^${escapeRegExp(baseUrl)}/_matrix/client/unstable/org\\.matrix\\.simplified_msc3575/sync(?:[?#].*)?$`,
  );

  await page.route(syncPattern, async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'POST') {
      await route.continue();
      return;
    }
    const url = new URL(request.url());
    // The app long-polls for up to 30 s, and a stub write never wakes the real Synapse. Capping the
    // server-side wait at 1 s means a queued delta rides on a reply within about a second, without
    // anything having to happen on the real server.
    const timeout = url.searchParams.get('timeout');
    if (timeout !== null && Number(timeout) > SYNC_TIMEOUT_CAP_MS) {
      url.searchParams.set('timeout', String(SYNC_TIMEOUT_CAP_MS));
    }
    let response: APIResponse;
    try {
      response = await route.fetch({ url: url.toString() });
    } catch {
      // The page went away while the request was in flight.
      await route.abort().catch(() => undefined);
      return;
    }

    // Only incremental replies (the request had a `pos`) carry deltas: a reply without `pos` is
    // read as a snapshot, and deltas queued before it stay queued for the next one.
    const batch = url.searchParams.has('pos') && response.status() === 200 ? [...pending] : [];
    if (batch.length === 0) {
      await route.fulfill({ response }).catch(() => undefined);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // The test ended (its context closed) while the reply was read: nothing is delivered, and the
      // deltas stay queued. Throwing here would fail a test that already passed.
      await route.abort().catch(() => undefined);
      return;
    }
    const extensions = isContent(body.extensions) ? body.extensions : {};
    const accountData = isContent(extensions.account_data) ? extensions.account_data : {};
    const devices: Record<string, { type: string; content: Content }[]> = {};
    for (const delta of batch)
      (devices[delta.deviceId] ??= []).push({ type: delta.type, content: delta.content });
    body.extensions = { ...extensions, account_data: { ...accountData, devices } };

    // The body is re-encoded: drop the original length and encoding, keep the rest.
    const headers = { ...response.headers() };
    delete headers['content-length'];
    delete headers['content-encoding'];
    try {
      await route.fulfill({ status: response.status(), headers, body: JSON.stringify(body) });
    } catch {
      return; // Not delivered (the page went away): the deltas stay queued.
    }
    for (const delta of batch) {
      const index = pending.indexOf(delta);
      if (index >= 0) pending.splice(index, 1);
      delivered.push(delta);
    }
  });

  return {
    get: (deviceId, type) => {
      const content = store.get(deviceId)?.get(type);
      return content === undefined ? undefined : structuredClone(content);
    },
    types: (deviceId) => [...(store.get(deviceId)?.keys() ?? [])],
    seed: put,
    writeAs: write,
    requests,
    requestsOf: (method, deviceId) =>
      requests.filter((r) => r.method === method && (deviceId === undefined || r.deviceId === deviceId)),
    pendingDeltas: pending,
    deliveredDeltas: delivered,
  };
}
