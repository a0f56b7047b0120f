import { describe, expect, it } from 'vitest';
import { rememberedDeletion } from './remembered-deletion.ts';
import type { VersionRow } from './history-tab.tsx';

describe('rememberedDeletion (a tombstone after a reload, from the history)', () => {
  it('finds the last content the server held and how this app deleted it', () => {
    const versions: VersionRow[] = [
      {
        id: 4,
        at: 40,
        source: 'this-app',
        content: null,
        size: 0,
        write: { action: 'delete', outcome: 'ok', method: 'DELETE' },
      },
      {
        id: 3,
        at: 30,
        source: 'this-app',
        content: { bad: 1 },
        size: 9,
        write: { action: 'save', outcome: 'failed', error: 'no' },
      },
      { id: 2, at: 20, source: 'live', content: { v: 2 }, size: 7 },
      { id: 1, at: 10, source: 'initial', content: { v: 1 }, size: 7 },
    ];
    expect(rememberedDeletion(versions)).toEqual({
      lastContent: { v: 2 },
      deletion: { by: 'this-app', method: 'DELETE', at: 40 },
    });
  });

  it('says another client deleted it when sync showed the deletion, and knows nothing without history', () => {
    expect(
      rememberedDeletion([
        { id: 2, at: 20, source: 'live', content: null, size: 0 },
        { id: 1, at: 10, source: 'initial', content: { v: 1 }, size: 7 },
      ]),
    ).toEqual({ lastContent: { v: 1 }, deletion: { by: 'elsewhere', at: 20 } });
    expect(rememberedDeletion(undefined)).toEqual({});
    // Already deleted when first seen: the last content, but no claim about who or when.
    expect(
      rememberedDeletion([
        { id: 2, at: 20, source: 'initial', content: null, size: 0 },
        { id: 1, at: 10, source: 'live', content: { v: 1 }, size: 7 },
      ]),
    ).toEqual({ lastContent: { v: 1 } });
    expect(rememberedDeletion([{ id: 1, at: 10, source: 'initial', content: { v: 1 }, size: 7 }])).toEqual({
      lastContent: { v: 1 },
    });
  });
});
