// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import type { AppserviceSession } from '../../matrix/types.ts';
import { clearSession, loadSession, saveSession } from './session-persistence.ts';

const KEY = 'account-data-inspector.session.v1';
const service: AppserviceSession = {
  kind: 'appservice',
  baseUrl: 'https://hs.test',
  asToken: 'as-token',
  registrationId: 'bridge',
  senderUserId: '@_bridge:hs.test',
  userRegexes: ['@_bridge_.*'],
  users: ['@_bridge_a:hs.test'],
};

afterEach(() => {
  clearSession();
});

describe('an application service session', () => {
  it('is kept like a token: localStorage with "Remember me", else sessionStorage only', () => {
    saveSession(service, true);
    expect(localStorage.getItem(KEY)).not.toBeNull();
    expect(loadSession()).toEqual({ session: service, remember: true });
    saveSession(service, false);
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(loadSession()).toEqual({ session: service, remember: false });
  });

  it('is dropped when malformed', () => {
    sessionStorage.setItem(KEY, JSON.stringify({ version: 1, session: { ...service, userRegexes: 'x' } }));
    expect(loadSession()).toBeNull();
    expect(sessionStorage.getItem(KEY)).toBeNull();
  });
});
