import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../matrix/types';
import {
  formatContent,
  formatJsonText,
  jsonEquals,
  offsetAt,
  parseContent,
  positionAt,
  sameJsonText,
} from './json-text';

describe('parseContent', () => {
  it('returns the object for valid content', () => {
    expect(parseContent('{"a": [1, {"b": null}], "c": "d"}')).toEqual({
      ok: true,
      value: { a: [1, { b: null }], c: 'd' },
      warnings: [],
    });
    expect(parseContent(' \n{}\n ')).toEqual({ ok: true, value: {}, warnings: [] });
  });

  it('keeps __proto__ as an ordinary key', () => {
    const result = parseContent('{"__proto__": {"x": 1}}');
    expect(result.ok && Object.keys(result.value)).toEqual(['__proto__']);
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it.each([
    ['[]', 'an array'],
    ['[{"a": 1}]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
    ['null', 'null'],
  ])('refuses %s as not-an-object', (text, what) => {
    const result = parseContent(text);
    expect(result).toMatchObject({ ok: false, error: 'not-an-object' });
    expect(!result.ok && result.message).toContain(`Content must be a JSON object, not ${what}`);
  });

  it.each([
    ['', 1, 1, /content is empty/],
    ['   ', 1, 1, /content is empty/],
    ['{"a": 1,}', 1, 9, /Trailing comma before \}/],
    ['[1,]', 1, 4, /Trailing comma before \]/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected ',' or '\}' after a property value/],
    ["{'a': 1}", 1, 2, /double quotes/],
    ['{a: 1}', 1, 2, /Unexpected 'a'; expected a property name/],
    ['{"a" 1}', 1, 6, /expected ':' after the property name "a"/],
    ['{"a": 1} x', 1, 10, /after the end of the JSON value/],
    ['{"a": NaN}', 1, 7, /NaN is not valid JSON/],
    ['{"a": -Infinity}', 1, 7, /Invalid number/],
    ['{"a": Infinity}', 1, 7, /Infinity is not valid JSON/],
    ['{"a": 01}', 1, 7, /Invalid number/],
    ['{"a": 1.}', 1, 7, /Invalid number/],
    ['{"a": +1}', 1, 7, /Unexpected '\+'/],
    ['{"a": "x\ny"}', 1, 9, /U\+000A must be escaped/],
    ['{"a": "\\x"}', 1, 8, /Invalid escape sequence '\\x'/],
    ['{"a": "\\u12"}', 1, 8, /Invalid \\u escape/],
    ['{"a": "open', 1, 7, /Unterminated string/],
    ['{"a": tru}', 1, 7, /Unexpected 'tru'/],
    ['{"a": truex}', 1, 7, /Unexpected 'truex'/],
    ['{"a": 1 // c\n}', 1, 9, /Comments are not allowed/],
    ['/* c */ {}', 1, 1, /Comments are not allowed/],
    ['\uFEFF{}', 1, 1, /U\+FEFF/],
    ['{"a": [1, 2}', 1, 12, /expected ',' or '\]' after an array element/],
    ['{"a": 1', 1, 8, /Unexpected end of input; expected ',' or '\}'/],
  ])('reports %j at %i:%i', (text, line, column, message) => {
    const result = parseContent(text);
    expect(result).toMatchObject({ ok: false, error: 'invalid-json', position: { line, column } });
    expect(!result.ok && result.message).toMatch(message);
    expect(!result.ok && result.message).toMatch(new RegExp(`^Line ${line}, column ${column}: `));
    // Whatever we call invalid, JSON.parse (and so the server) rejects too.
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('warns about duplicate keys, which JSON.parse silently collapses', () => {
    const result = parseContent('{\n  "a": 1,\n  "b": {"a": 2},\n  "a": 3\n}');
    expect(result).toMatchObject({
      ok: true,
      value: { a: 3, b: { a: 2 } },
      warnings: [
        {
          kind: 'duplicate-key',
          line: 4,
          column: 3,
          message: expect.stringMatching(/Duplicate key "a"/) as string,
        },
      ],
    });
  });

  it('treats keys with different escapes but the same value as duplicates', () => {
    const result = parseContent('{"é": 1, "\\u00e9": 2}');
    expect(result.ok && result.warnings.map((w) => w.kind)).toEqual(['duplicate-key']);
  });

  it.each([
    '12345678901234567890',
    '9007199254740993',
    '1e400',
    '-1e400',
    '0.1000000000000000055511151231257827',
  ])('warns that %s would be saved differently', (number) => {
    const result = parseContent(`{"n": ${number}}`);
    expect(result).toMatchObject({ ok: true, warnings: [{ kind: 'lossy-number', line: 1, column: 7 }] });
  });

  it.each([
    '0',
    '-0',
    '1.0',
    '1.50',
    '1e3',
    '1E+3',
    '2.5e-3',
    '9007199254740991',
    '-9007199254740991',
    '0.1',
    '123.456',
  ])('does not warn about %s', (number) => {
    expect(parseContent(`{"n": ${number}}`)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe('formatJsonText', () => {
  it('matches JSON.stringify(…, null, 2) for ordinary content', () => {
    const value: JsonValue = { a: [1, 2, { b: [] }], c: {}, d: 'x', e: [[]], f: null, g: true };
    expect(formatJsonText(JSON.stringify(value))).toBe(formatContent(value));
    expect(formatJsonText('{ "a" :\n\n 1 }')).toBe('{\n  "a": 1\n}');
    expect(formatJsonText('[ ]')).toBe('[]');
  });

  it('keeps literals exactly as typed', () => {
    const text = '{"big":12345678901234567890,"esc":"\\u00e9\\"{,}:[]","exp":1E+3,"dup":1,"dup":2}';
    expect(formatJsonText(text)).toBe(
      '{\n  "big": 12345678901234567890,\n  "esc": "\\u00e9\\"{,}:[]",\n  "exp": 1E+3,\n  "dup": 1,\n  "dup": 2\n}',
    );
  });

  it('is idempotent', () => {
    const once = formatJsonText('{"a":[1,{"b":[{}]}]}') ?? '';
    expect(formatJsonText(once)).toBe(once);
  });

  it('returns undefined for invalid JSON', () => {
    expect(formatJsonText('{"a": }')).toBeUndefined();
    expect(formatJsonText('')).toBeUndefined();
  });
});

describe('jsonEquals and sameJsonText', () => {
  it('ignores key order and whitespace but not values', () => {
    expect(jsonEquals({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: undefined as unknown as JsonValue })).toBe(false);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEquals(null, {})).toBe(false);
    expect(sameJsonText('{"a":1,"b":2}', '{\n  "b": 2,\n  "a": 1\n}')).toBe(true);
    expect(sameJsonText('{"a":1}', '{"a":2}')).toBe(false);
    expect(sameJsonText('{"a":1', '{"a":1')).toBe(true);
    expect(sameJsonText('{"a":1', '{"a":1}')).toBe(false);
  });
});

describe('positionAt / offsetAt', () => {
  const text = 'ab\ncde\n\nf';
  it('converts both ways', () => {
    expect(positionAt(text, 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt(text, 3)).toEqual({ line: 2, column: 1 });
    expect(positionAt(text, 5)).toEqual({ line: 2, column: 3 });
    expect(positionAt(text, 8)).toEqual({ line: 4, column: 1 });
    for (let offset = 0; offset <= text.length; offset++)
      expect(offsetAt(text, positionAt(text, offset))).toBe(offset);
  });
  it('clamps out-of-range positions', () => {
    expect(offsetAt(text, { line: 1, column: 99 })).toBe(2);
    expect(offsetAt(text, { line: 99, column: 1 })).toBe(text.length);
    expect(offsetAt(text, { line: 2, column: 0 })).toBe(3);
  });
});
