/**
 * The comparison issue #13 asks for: matrix-js-sdk (a dev dependency used only here) from
 * `startClient` to the `PREPARED` sync state, over `/v3/sync`, in Node, on a fresh device.
 *
 * Synapse answers a repeated initial `/v3/sync` from a 2-minute cache (docs/protocol.md §0.1), so
 * every run uses its own filter (a random `not_types` entry): a different filter string, a real
 * initial sync.
 */
import { performance } from 'node:perf_hooks';
import { ClientEvent, createClient, Filter, SyncState } from 'matrix-js-sdk';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import { api, type Homeserver } from '../../test-support/synapse.ts';
import { passwordLogin, type SeededAccount } from './seed.ts';

/** The SDK logs every sync step to the console; the table is what this run prints. */
const silent: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  getChild: () => silent,
};

/** Milliseconds from `startClient` to `PREPARED` (the first `/v3/sync` processed). */
export async function jsSdkColdStart(hs: Homeserver, account: SeededAccount): Promise<number> {
  // Some of the SDK's modules log through `console` whatever logger the client has: keep stdout for
  // the table.
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  console.log = console.info = console.debug = console.warn = () => undefined;
  try {
    return await coldStart(hs, account);
  } finally {
    Object.assign(console, saved);
  }
}

async function coldStart(hs: Homeserver, account: SeededAccount): Promise<number> {
  const login = await passwordLogin(hs, account, 'bench matrix-js-sdk');
  const client = createClient({
    baseUrl: hs.baseUrl,
    accessToken: login.accessToken,
    userId: login.userId,
    deviceId: login.deviceId,
    logger: silent,
  });
  try {
    const filter = new Filter(login.userId);
    filter.setDefinition({
      room: { timeline: { limit: 1 }, state: { lazy_load_members: true } },
      presence: { not_types: [`bench.cache-bust.${Math.random().toString(36).slice(2)}`] },
    });
    const prepared = new Promise<void>((resolve, reject) => {
      client.on(ClientEvent.Sync, (state) => {
        if (state === SyncState.Prepared) resolve();
        else if (state === SyncState.Error) reject(new Error('matrix-js-sdk sync error'));
      });
    });
    const t0 = performance.now();
    await client.startClient({ filter, lazyLoadMembers: true, initialSyncLimit: 1 });
    await prepared;
    return performance.now() - t0;
  } finally {
    client.stopClient();
    await api({ homeserver: hs, accessToken: login.accessToken }, 'POST', '/v3/logout', {});
  }
}
