import { describe, expect, it } from 'vitest';
import { formatDeepLink, parseDeepLink, type DeepLink } from './deep-link.ts';

const links: DeepLink[] = [
  { view: 'entry', ref: { scope: { kind: 'global' }, type: 'm.direct' }, tab: 'content' },
  {
    view: 'entry',
    ref: { scope: { kind: 'room', roomId: '!a:x.org' }, type: 'a/b&c=d' },
    tab: 'history',
    version: 42,
  },
  { view: 'entry', ref: { scope: { kind: 'device', deviceId: 'DEV' }, type: 'org.x' }, tab: 'history' },
  { view: 'activity' },
  { view: 'activity', kind: 'room', type: 'm.tag' },
  { view: 'key-backup' },
];

describe('deep links (issue #8)', () => {
  it('round-trips every view', () => {
    for (const link of links) expect(parseDeepLink(formatDeepLink(link))).toEqual(link);
  });

  it('puts nothing but the view in the fragment', () => {
    expect(formatDeepLink(links[0] ?? null)).toBe('#/entry?scope=global&type=m.direct');
    expect(formatDeepLink(null)).toBe('');
    expect(formatDeepLink({ view: 'activity' })).toBe('#/activity');
    expect(formatDeepLink({ view: 'key-backup' })).toBe('#/key-backup');
  });

  it('ignores anything it did not make', () => {
    for (const hash of [
      '',
      '#',
      '#/entry',
      '#/entry?type=x',
      '#/entry?scope=nope&type=x',
      '#/elsewhere',
      '#access_token=x',
    ]) {
      expect(parseDeepLink(hash)).toBeNull();
    }
    expect(parseDeepLink('#/entry?scope=global&type=t&version=-3&tab=history')).toEqual({
      view: 'entry',
      ref: { scope: { kind: 'global' }, type: 't' },
      tab: 'history',
    });
    expect(parseDeepLink('#/activity?kind=planet')).toEqual({ view: 'activity' });
  });
});
