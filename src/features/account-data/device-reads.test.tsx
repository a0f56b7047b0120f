// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountDataResult, MatrixClient } from '../../matrix/client.ts';
import { PER_DEVICE_CATALOGUE } from '../../matrix/per-device.ts';
import type { AccountDataScope } from '../../matrix/types.ts';
import { createTestQueryClient } from '../../test/render.tsx';
import { candidateTypes, mergeDeviceReads, useDeviceReads } from './device-reads.ts';
import { liveEntry, tombstone, type DevicesData, type ScopeData } from './model.ts';
import { accountDataKeys } from './queries.ts';

afterEach(cleanup);

const STARTED = 1_000;
const NOW = 2_000;

describe('mergeDeviceReads', () => {
  const data: ScopeData = {
    'org.same': liveEntry('org.same', { a: 1 }),
    'org.older': liveEntry('org.older', { v: 1 }, STARTED - 1),
    'org.gone': tombstone('org.gone', liveEntry('org.gone', { g: 1 }), 10),
  };

  it('returns the same object when nothing changed (identical content, absent types never seen)', () => {
    const merged = mergeDeviceReads(
      data,
      [
        { type: 'org.same', content: { a: 1 } },
        { type: 'org.older', content: { v: 1 } },
        { type: 'org.never-seen', content: null },
        { type: 'org.gone', content: null },
      ],
      STARTED,
      NOW,
    );
    expect(merged).toBe(data);
    expect(mergeDeviceReads(data, [], STARTED, NOW)).toBe(data);
  });

  it('adds an entry seen for the first time without changedAt, as from the start', () => {
    const merged = mergeDeviceReads(data, [{ type: 'org.new', content: { n: 1 } }], STARTED, NOW);
    expect(merged).not.toBe(data);
    expect(merged['org.new']).toMatchObject({ type: 'org.new', content: { n: 1 }, isDeleted: false });
    expect(merged['org.new']?.changedAt).toBeUndefined();
    expect(merged['org.new']?.text).toBe('{\n  "n": 1\n}');
    // The rest is shared, and the input untouched.
    expect(merged['org.same']).toBe(data['org.same']);
    expect(data['org.new']).toBeUndefined();
  });

  it('records a difference from what was known as a change at `now`', () => {
    const merged = mergeDeviceReads(data, [{ type: 'org.older', content: { v: 2 } }], STARTED, NOW);
    expect(merged['org.older']).toMatchObject({ content: { v: 2 }, changedAt: NOW, isDeleted: false });
  });

  it('revives a tombstone the read found again', () => {
    const merged = mergeDeviceReads(data, [{ type: 'org.gone', content: { g: 2 } }], STARTED, NOW);
    expect(merged['org.gone']).toMatchObject({ content: { g: 2 }, isDeleted: false, changedAt: NOW });
  });

  it('tombstones a live entry the read found absent (deleted meanwhile)', () => {
    const merged = mergeDeviceReads(data, [{ type: 'org.same', content: null }], STARTED, NOW);
    expect(merged['org.same']).toMatchObject({
      isDeleted: true,
      content: null,
      lastContent: { a: 1 },
      changedAt: NOW,
    });
  });

  it('never overrides an entry that changed (sync or a write) at or after the read began', () => {
    const fresh: ScopeData = {
      'org.at-start': liveEntry('org.at-start', { from: 'sync' }, STARTED),
      'org.after': liveEntry('org.after', { from: 'sync' }, STARTED + 5),
      'org.deleted-after': tombstone(
        'org.deleted-after',
        liveEntry('org.deleted-after', { x: 1 }),
        STARTED + 1,
      ),
    };
    const merged = mergeDeviceReads(
      fresh,
      [
        { type: 'org.at-start', content: { from: 'read' } },
        { type: 'org.after', content: null },
        { type: 'org.deleted-after', content: { x: 1 } },
      ],
      STARTED,
      NOW,
    );
    expect(merged).toBe(fresh);
  });
});

describe('candidateTypes', () => {
  it('is the catalogue when nothing else is known', () => {
    expect(candidateTypes(undefined, undefined)).toEqual([...PER_DEVICE_CATALOGUE].sort());
    expect(PER_DEVICE_CATALOGUE).toEqual([
      'io.element.matrix_client_information',
      'm.local_notification_settings',
      'org.matrix.msc3890.local_notification_settings',
    ]);
  });

  it('adds the types of any device and the remembered ones, sorted and once each', () => {
    const deviceData: DevicesData = new Map<string, ScopeData>([
      [
        'A',
        {
          'org.z': liveEntry('org.z', { z: 1 }),
          'm.local_notification_settings': liveEntry('m.local_notification_settings', { is_silenced: true }),
        },
      ],
      ['B', { 'org.b': tombstone('org.b', undefined), 'org.z': liveEntry('org.z', { z: 2 }) }],
    ]);
    expect(candidateTypes(deviceData, ['org.a', 'org.z', 'org.a'])).toEqual([
      'io.element.matrix_client_information',
      'm.local_notification_settings',
      'org.a',
      'org.b',
      'org.matrix.msc3890.local_notification_settings',
      'org.z',
    ]);
  });
});

describe('useDeviceReads', () => {
  const USER = '@alice:hs.test';

  function setup(answers: Record<string, Record<string, AccountDataResult>>) {
    const getAccountData = vi.fn((scope: AccountDataScope, type: string) => {
      if (scope.kind !== 'device') throw new Error('device scope expected');
      return Promise.resolve(answers[scope.deviceId]?.[type] ?? ({ status: 'absent' } as const));
    });
    const client = { userId: USER, deviceId: 'ME', getAccountData } as unknown as MatrixClient;
    const queryClient = createTestQueryClient();
    // The reads retry once; without the default back-off delay.
    queryClient.setQueryDefaults(accountDataKeys.all(USER), { retryDelay: 0 });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const deviceData = () => queryClient.getQueryData<DevicesData>(accountDataKeys.deviceData(USER));
    return { getAccountData, queryClient, wrapper, client, deviceData };
  }

  it('reads every candidate type on each device and folds what it finds into the deviceData cache', async () => {
    const { getAccountData, wrapper, client, deviceData } = setup({
      A: { 'org.x': { status: 'content', content: { x: 1 } } },
      B: { 'org.y': { status: 'content', content: { y: 1 } } },
    });
    const { result } = renderHook(() => useDeviceReads(client, ['A', 'B'], ['org.x', 'org.y'], true), {
      wrapper,
    });
    await waitFor(() => {
      expect(deviceData()?.get('B')?.['org.y']).toBeDefined();
      expect(deviceData()?.get('A')?.['org.x']).toBeDefined();
    });
    expect(
      getAccountData.mock.calls
        .map(([scope, type]) => `${scope.kind === 'device' ? scope.deviceId : ''} ${type}`)
        .sort(),
    ).toEqual(['A org.x', 'A org.y', 'B org.x', 'B org.y']);
    expect(Object.keys(deviceData()?.get('A') ?? {})).toEqual(['org.x']);
    expect(deviceData()?.get('A')?.['org.x']).toMatchObject({ content: { x: 1 }, isDeleted: false });
    await waitFor(() => {
      expect(result.current.isLoading('A')).toBe(false);
    });
    expect(result.current.error('A')).toBeNull();
  });

  it('sends nothing unless the server is known to support MSC4331', async () => {
    for (const support of [undefined, false]) {
      const { getAccountData, wrapper, client } = setup({});
      const { result } = renderHook(() => useDeviceReads(client, ['A'], ['org.x'], support), { wrapper });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(getAccountData).not.toHaveBeenCalled();
      expect(result.current.isLoading('A')).toBe(false);
    }
  });

  it('reports a failed read per device', async () => {
    const { wrapper, client, getAccountData } = setup({});
    getAccountData.mockRejectedValue(new Error('boom'));
    const { result } = renderHook(() => useDeviceReads(client, ['A'], ['org.x'], true), { wrapper });
    await waitFor(() => {
      expect(result.current.error('A')?.message).toBe('boom');
    });
    // Retried once.
    expect(getAccountData).toHaveBeenCalledTimes(2);
    expect(result.current.error('B')).toBeNull();
  });
});
