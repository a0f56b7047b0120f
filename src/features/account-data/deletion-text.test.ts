import { describe, expect, it } from 'vitest';
import {
  deletedLabel,
  deletedTitle,
  deletionMethodText,
  deletionModel,
  deletionOrigin,
  otherClientsSentence,
} from './deletion-text.ts';

const GLOBAL = { kind: 'global' } as const;
const ROOM = { kind: 'room', roomId: '!r:x' } as const;

describe('deletion wording (#8)', () => {
  it('says "deleted (empty content)" where the server keeps {} and "deleted" where MSC3391 deletes', () => {
    expect(deletedLabel(deletionModel(GLOBAL, false))).toBe('deleted (empty content)');
    expect(deletedLabel(deletionModel(ROOM, false))).toBe('deleted (empty content)');
    expect(deletedLabel(deletionModel(GLOBAL, true))).toBe('deleted');
    expect(deletedLabel(deletionModel(ROOM, true))).toBe('deleted');
    expect(deletedTitle(deletionModel(GLOBAL, false))).toBe('Deleted (empty content)');
    expect(deletedTitle(deletionModel(GLOBAL, true))).toBe('Deleted');
  });

  it('keeps {} wording for device scope (MSC4331 has no DELETE) and says just "deleted" while unknown', () => {
    expect(deletionModel({ kind: 'device', deviceId: 'D' }, true)).toBe('empty-content');
    expect(deletionModel(GLOBAL, undefined)).toBeUndefined();
    expect(deletedLabel(undefined)).toBe('deleted');
    expect(otherClientsSentence(undefined)).toBeNull();
  });

  it('says plain "deleted" for room m.tag on any server: without tags it is absent, never {} (docs/protocol.md §9)', () => {
    expect(deletionModel(ROOM, false, 'm.tag')).toBe('deleted');
    expect(deletionModel(ROOM, false, 'org.example')).toBe('empty-content');
    expect(deletionModel(GLOBAL, false, 'm.tag')).toBe('empty-content');
  });

  it('names how this app deleted an entry, and when a deletion by others was only seen', () => {
    expect(deletionMethodText('DELETE')).toBe('with DELETE (MSC3391)');
    expect(deletionMethodText('PUT_EMPTY')).toBe('by writing {} (PUT {})');
    expect(deletionMethodText('TAGS')).toBe('by removing every tag through the tags API');
    expect(deletionOrigin({ by: 'this-app', method: 'DELETE', at: 1 })).toBe(
      'Deleted by this app with DELETE (MSC3391)',
    );
    expect(deletionOrigin({ by: 'this-app', at: 1 })).toBe('Deleted by this app');
    expect(deletionOrigin({ by: 'elsewhere', at: 1 })).toBe(
      'Deleted by another client; this app saw the deletion',
    );
    expect(deletionOrigin({ by: 'elsewhere' })).toBe('Already deleted when this session started');
    expect(deletionOrigin(undefined)).toBe('Already deleted when this session started');
  });

  it('tells what other clients will see, per server model', () => {
    expect(otherClientsSentence('deleted')).toMatch(/vanishes from their initial syncs/);
    expect(otherClientsSentence('empty-content')).toMatch(
      /keeps \{\} .* clients that do not treat \{\} as deleted will see an empty object/,
    );
    expect(otherClientsSentence('deleted', { isTags: true })).toMatch(/without any tags/);
  });
});
