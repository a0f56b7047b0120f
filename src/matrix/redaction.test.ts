import { describe, expect, it } from 'vitest';
import {
  REDACTED_CONTENT,
  REDACTED_TOKEN,
  isRedactedContent,
  redactContent,
  redactScope,
  scrubText,
} from './redaction.ts';

const KEY = { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: 'aaa', mac: 'bbb' };

describe('redactContent / redactScope (issue #14)', () => {
  it('replaces secret entries by a string marker unless secrets are included', () => {
    expect(redactContent('m.secret_storage.key.abc', KEY, false)).toBe(REDACTED_CONTENT);
    expect(redactContent('m.megolm_backup.v1', { encrypted: { k: {} } }, false)).toBe(REDACTED_CONTENT);
    // Any content with an `encrypted` object counts, whatever its type.
    expect(redactContent('org.example.vault', { encrypted: { k: {} } }, false)).toBe(REDACTED_CONTENT);
    expect(redactContent('m.secret_storage.key.abc', KEY, true)).toEqual(KEY);
    expect(redactContent('m.direct', { '@a:x': ['!r'] }, false)).toEqual({ '@a:x': ['!r'] });
    expect(redactContent('m.secret_storage.key.abc', null, false)).toBeNull();
    expect(isRedactedContent(REDACTED_CONTENT)).toBe(true);
    expect(isRedactedContent({})).toBe(false);
  });

  it('redacts a whole scope entry by entry', () => {
    expect(redactScope({ 'm.direct': {}, 'm.cross_signing.master': KEY }, false)).toEqual({
      'm.direct': {},
      'm.cross_signing.master': REDACTED_CONTENT,
    });
  });
});

describe('scrubText (issue #14)', () => {
  it('masks token shapes, bearer headers and key=value / JSON credentials', () => {
    const text = [
      'token syt_YWxpY2U_abcdefghijKLMNOP_1a2b3c here',
      'Authorization: Bearer abcdef123456789',
      'GET /path?access_token=secret123456&x=1',
      '{"refresh_token":"rrrrrrrrrr","hs_token": "hhhhhhhh"}',
      'password: hunter2hunter2',
    ].join('\n');
    const out = scrubText(text);
    for (const leaked of [
      'syt_YWxpY2U',
      'abcdef123456789',
      'secret123456',
      'rrrrrrrrrr',
      'hhhhhhhh',
      'hunter2',
    ])
      expect(out).not.toContain(leaked);
    expect(out).toContain(`Bearer ${REDACTED_TOKEN}`);
    expect(out).toContain(`access_token=${REDACTED_TOKEN}&x=1`);
    expect(out).toContain(`"refresh_token":"${REDACTED_TOKEN}"`);
  });

  it('masks each exact secret it is given, and leaves ordinary text alone', () => {
    expect(scrubText('the key is Zm9vYmFyYmF6 ok', ['Zm9vYmFyYmF6'])).toBe(`the key is ${REDACTED_TOKEN} ok`);
    expect(scrubText('a short one: abc', ['abc'])).toBe('a short one: abc');
    expect(scrubText('m.direct has 3 rooms; sync took 20 ms')).toBe('m.direct has 3 rooms; sync took 20 ms');
  });
});
