import { describe, expect, it } from 'vitest';
import { WatchDeduper } from './output.ts';

describe('WatchDeduper (regression: watch printed a repeated delivery twice)', () => {
  it('drops a change equal to the known value, and a second deletion', () => {
    const d = new WatchDeduper();
    expect(d.isRepeat({ kind: 'global-snapshot', data: { a: { v: 1 } }, deleted: [] })).toBe(false);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 1 } })).toBe(
      true,
    );
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      false,
    );
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      true,
    );
    expect(d.isRepeat({ kind: 'deleted', scope: { kind: 'global' }, type: 'a' })).toBe(false);
    expect(d.isRepeat({ kind: 'deleted', scope: { kind: 'global' }, type: 'a' })).toBe(true);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      false,
    );
  });

  it('keeps scopes apart and reports first sightings', () => {
    const d = new WatchDeduper();
    const room = { kind: 'room', roomId: '!r:x' } as const;
    expect(
      d.isRepeat({ kind: 'room-snapshot', roomId: '!r:x', data: { t: { x: 1 } }, deleted: ['gone'] }),
    ).toBe(false);
    expect(d.isRepeat({ kind: 'changed', scope: room, type: 't', content: { x: 1 } })).toBe(true);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 't', content: { x: 1 } })).toBe(
      false,
    );
    expect(d.isRepeat({ kind: 'deleted', scope: room, type: 'gone' })).toBe(true);
    expect(d.isRepeat({ kind: 'deleted', scope: room, type: 'never-seen' })).toBe(false);
  });
});

describe('keyBackupSummary (issue #9: the CLI dump includes the computed state)', () => {
  it('applies MSC4287 to the folded data and says when the backup could not be read', async () => {
    const { AccountDataCollector, keyBackupSummary } = await import('./output.ts');
    const c = new AccountDataCollector();
    c.apply([
      {
        kind: 'global-snapshot',
        data: {
          'm.key_backup': { enabled: 'yes' },
          'm.org.matrix.custom.backup_disabled': { disabled: true },
        },
        deleted: [],
      },
    ]);
    expect(keyBackupSummary(c, new Error('network down'))).toMatchObject({
      preference: 'invalid',
      unstable: 'off',
      element_web: 'off',
      backup: { state: 'unknown', error: 'network down' },
      key_in_secret_storage: false,
    });
    expect(keyBackupSummary(c, null).backup).toEqual({ state: 'none' });
  });
});
