/**
 * Picks the sync engine for an identity: sliding sync when `/versions` advertises
 * `org.matrix.simplified_msc3575` to this user (docs/protocol.md §1.2 — Synapse has per-user
 * overrides, hence the authenticated read when the pre-sign-in probe said no), otherwise the
 * `/v3/sync` fallback (docs/protocol.md §4.6).
 */
import type { CapabilitiesApi } from '../api/capabilities.ts';
import type { SyncTransport } from './engine-base.ts';
import { SlidingSyncEngine, type SlidingSyncOptions } from './sliding-sync.ts';
import { V3SyncEngine, type V3SyncOptions } from './v3-sync.ts';
import type { AccountDataSync, ServerCapabilities } from '../types.ts';

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

/** What the engine is built from: an identity's transport and its capability reads (a `MatrixClient` fits). */
export type SyncSource = {
  transport: SyncTransport;
  capabilities: Pick<CapabilitiesApi, 'hasSlidingSync'>;
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
 * Builds the matching engine (not started). A forced `prefer` skips the capability read; capabilities
 * handed over from sign-in that already advertise sliding sync skip it too.
 */
export async function createAccountDataSync(
  source: SyncSource,
  options: CreateSyncOptions = {},
): Promise<{ engine: AccountDataSync; kind: SyncEngineKind }> {
  const kind =
    options.prefer === 'v3' || options.prefer === 'sliding'
      ? options.prefer
      : chooseSyncKind({
          slidingSync: await source.capabilities.hasSlidingSync(
            options.signal ? { signal: options.signal } : {},
          ),
        });
  const engine =
    kind === 'sliding'
      ? new SlidingSyncEngine(source.transport, options.sliding)
      : new V3SyncEngine(source.transport, options.v3);
  return { engine, kind };
}
