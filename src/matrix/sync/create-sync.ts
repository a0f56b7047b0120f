/**
 * Picks the sync engine for a session: sliding sync when the (authenticated) `/versions`
 * advertises `org.matrix.simplified_msc3575` (PROTOCOL §1.2 — Synapse has per-user overrides,
 * hence the token), otherwise the `/v3/sync` fallback (PROTOCOL §4.6).
 */
import type { MatrixClient } from '../client.ts';
import type { AccountDataSync, ServerCapabilities } from '../types.ts';
import { SlidingSyncEngine, type SlidingSyncOptions } from './sliding-sync.ts';
import { V3SyncEngine, type V3SyncOptions } from './v3-sync.ts';

/** Which engine. */
export type SyncEngineKind = 'sliding' | 'v3';

/** Options of {@link createAccountDataSync}. */
export type CreateSyncOptions = {
  /** Force an engine; default `auto`. */
  prefer?: 'auto' | SyncEngineKind;
  sliding?: SlidingSyncOptions;
  v3?: V3SyncOptions;
  signal?: AbortSignal;
};

/** The engine for given capabilities and preference. */
export function chooseSyncKind(
  capabilities: Pick<ServerCapabilities, 'slidingSync'>,
  prefer: CreateSyncOptions['prefer'] = 'auto',
): SyncEngineKind {
  if (prefer === 'sliding' || prefer === 'v3') return prefer;
  return capabilities.slidingSync ? 'sliding' : 'v3';
}

/**
 * Reads the client's capabilities and builds the matching engine (not started).
 * `prefer: 'v3'` skips the capability request.
 */
export async function createAccountDataSync(
  client: MatrixClient,
  options: CreateSyncOptions = {},
): Promise<{ engine: AccountDataSync; kind: SyncEngineKind }> {
  const kind =
    options.prefer === 'v3' || options.prefer === 'sliding'
      ? options.prefer
      : chooseSyncKind(
          await client.getCapabilities({ ...(options.signal ? { signal: options.signal } : {}) }),
        );
  const engine =
    kind === 'sliding'
      ? new SlidingSyncEngine(client, options.sliding)
      : new V3SyncEngine(client, options.v3);
  return { engine, kind };
}
