import { describe, expect, it } from 'vitest';
import { formatBytes, formatExactTime, formatRelativeTime, jsonByteSize, utf8Length } from './format.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1023.4, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [12_698, '12.4 KB'],
    [99.94 * 1024, '99.9 KB'],
    // 99.96 KB rounds to 100.0 at one decimal, so it is shown without one.
    [99.96 * 1024, '100 KB'],
    [512 * 1024, '512 KB'],
    [1023.4 * 1024, '1023 KB'],
    // Would round to "1024 KB": moves up a unit instead.
    [1023.6 * 1024, '1.0 MB'],
    [1024 * 1024 - 1, '1.0 MB'],
    [3.1 * 1024 * 1024, '3.1 MB'],
    [65_536, '64.0 KB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [2 * 1024 ** 4, '2.0 TB'],
    // Largest unit: never moves past PB.
    [2048 * 1024 ** 5, '2048 PB'],
  ])('formats %d bytes as %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });

  it('rounds fractional bytes below 1 KB, including up into KB', () => {
    expect(formatBytes(0.4)).toBe('0 B');
    expect(formatBytes(1023.6)).toBe('1.0 KB');
  });

  it('keeps the sign of negative sizes', () => {
    expect(formatBytes(-512)).toBe('-512 B');
    expect(formatBytes(-2048)).toBe('-2.0 KB');
  });

  it('rejects values that are not sizes', () => {
    expect(() => formatBytes(Number.NaN)).toThrow(RangeError);
    expect(() => formatBytes(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('jsonByteSize', () => {
  it('measures compact JSON, not pretty-printed', () => {
    expect(jsonByteSize({ a: 1, b: [true, null] })).toBe('{"a":1,"b":[true,null]}'.length);
    expect(jsonByteSize({})).toBe(2);
    expect(jsonByteSize('x')).toBe(3);
    expect(jsonByteSize(null)).toBe(4);
  });

  it('counts UTF-8 bytes, not UTF-16 code units', () => {
    // é is 2 bytes, € is 3, 🎉 (a surrogate pair) is 4.
    expect(jsonByteSize({ k: 'é€🎉' })).toBe('{"k":""}'.length + 2 + 3 + 4);
  });

  it('matches TextEncoder on mixed content', () => {
    const value = {
      'm.direct': { '@alice:example.org': ['!room:example.org'] },
      emoji: '👩‍👩‍👧 ☃ ß 日本語',
      nested: { deep: [1.5, -2e-7, 'tab\tquote"'] },
    };
    expect(jsonByteSize(value)).toBe(new TextEncoder().encode(JSON.stringify(value)).length);
  });

  it('counts values JSON cannot represent as 0', () => {
    expect(jsonByteSize(undefined)).toBe(0);
    expect(jsonByteSize(() => 1)).toBe(0);
  });
});

describe('utf8Length', () => {
  it('agrees with TextEncoder, including lone surrogates', () => {
    for (const text of ['', 'abc', 'ÿ', '\u07ff\u0800', '\uffff', '𝄞', '\ud800', 'a\udc00b', '\ud83d']) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});

describe('formatRelativeTime', () => {
  const now = Date.UTC(2024, 2, 12, 14, 5, 9);
  const s = 1000;
  const min = 60 * s;
  const h = 60 * min;
  const d = 24 * h;

  it.each([
    [0, 'just now'],
    [-44 * s, 'just now'],
    [30 * s, 'just now'],
    [-45 * s, '1 minute ago'],
    [-90 * s, '2 minutes ago'],
    [-3 * min, '3 minutes ago'],
    [-44 * min, '44 minutes ago'],
    [-45 * min, '1 hour ago'],
    [-5 * h, '5 hours ago'],
    [-21 * h, '21 hours ago'],
    [-22 * h, 'yesterday'],
    [-36 * h, '2 days ago'],
    [-6 * d, '6 days ago'],
    [-7 * d, 'last week'],
    [-15 * d, '2 weeks ago'],
    [-26 * d, 'last month'],
    [-90 * d, '3 months ago'],
    [-330 * d, 'last year'],
    [-3 * 365 * d, '3 years ago'],
    [5 * min, 'in 5 minutes'],
    [25 * h, 'tomorrow'],
  ])('formats an offset of %d ms as %s', (offset, expected) => {
    expect(formatRelativeTime(now + offset, now)).toBe(expected);
  });

  it('supports other locales', () => {
    expect(formatRelativeTime(now - 3 * min, now, 'de')).toBe('vor 3 Minuten');
    expect(formatRelativeTime(now - 22 * h, now, 'de')).toBe('gestern');
  });

  it('rejects times that are not finite', () => {
    expect(() => formatRelativeTime(Number.NaN, now)).toThrow(RangeError);
    expect(() => formatRelativeTime(now, Number.NaN)).toThrow(RangeError);
  });
});

describe('formatExactTime', () => {
  const ts = Date.UTC(2024, 2, 12, 14, 5, 9);

  it('formats to the second in the given locale and zone', () => {
    expect(formatExactTime(ts, { locale: 'en-GB', timeZone: 'UTC' })).toBe('12 Mar 2024, 14:05:09');
    // ICU versions differ on whether a narrow no-break space precedes "AM".
    const us = formatExactTime(ts, { locale: 'en-US', timeZone: 'America/New_York' });
    expect(us.replace(/\s/gu, ' ')).toBe('Mar 12, 2024, 10:05:09 AM');
  });

  it('defaults to the local zone', () => {
    const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    expect(formatExactTime(ts)).toBe(local.format(ts));
  });

  it('rejects times that are not finite', () => {
    expect(() => formatExactTime(Number.NaN)).toThrow(RangeError);
  });
});
