/**
 * JSON text helpers for account-data content: validate, parse, pretty-print, compare.
 *
 * No Monaco here on purpose: the save flow, the textarea fallback and unit tests need the same answers
 * as the Monaco editor without loading it. `JSON.parse` still builds the value (it handles `__proto__`
 * keys and escapes exactly as the server's parser does); the small scanner below only exists because
 * `JSON.parse` error messages differ per browser and carry no line/column, and because it silently
 * accepts two things that corrupt user data on a round trip: duplicate keys and numbers that a double
 * cannot hold.
 */
import type { JsonObject, JsonValue } from '../matrix/types';

/** A 1-based position in the text, as editors show it. */
export type TextPosition = { line: number; column: number };

/**
 * Something `JSON.parse` accepts but that would not survive parse → stringify → PUT unchanged.
 * `line`/`column` point at the offending key or number.
 */
export type ContentWarning = TextPosition & {
  kind: 'duplicate-key' | 'lossy-number';
  message: string;
};

/** Result of {@link parseContent}. */
export type ParseContentResult =
  | { ok: true; value: JsonObject; warnings: ContentWarning[] }
  | {
      ok: false;
      /** `invalid-json` maps to the server's `400 M_NOT_JSON`, `not-an-object` to `400 M_BAD_JSON` (docs/protocol.md §2). */
      error: 'invalid-json' | 'not-an-object';
      /** Human-readable, with the position for syntax errors: `Line 3, column 5: Expected ',' or '}' …`. */
      message: string;
      /** Where the syntax error is; absent for `not-an-object`. */
      position?: TextPosition;
    };

/**
 * Parses editor text as account-data content.
 *
 * Account data must be a JSON object: the server answers anything else with `M_NOT_JSON` or
 * `M_BAD_JSON`, so catching it here lets the save flow refuse before a round trip and say why.
 */
export function parseContent(text: string): ParseContentResult {
  const scan = scanJson(text);
  if (!scan.ok) {
    const { line, column } = positionAt(text, scan.offset);
    return {
      ok: false,
      error: 'invalid-json',
      message: `Line ${line}, column ${column}: ${scan.message}`,
      position: { line, column },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The scanner follows RFC 8259 like JSON.parse does; this only guards against a scanner bug.
    return {
      ok: false,
      error: 'invalid-json',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  if (!isJsonObject(value)) {
    return {
      ok: false,
      error: 'not-an-object',
      message: `Content must be a JSON object, not ${describeJsonType(value)}. Wrap it in an object such as {"value": …}.`,
    };
  }
  const warnings = scan.warnings.map(({ offset, kind, message }) => ({
    ...positionAt(text, offset),
    kind,
    message,
  }));
  return { ok: true, value, warnings };
}

/**
 * Pretty-prints content the way the editor shows it (2-space indent, like `JSON.stringify(v, null, 2)`).
 * Feed the result to the editor's `serverText` so that "clean" means "byte-identical to this".
 */
export function formatContent(value: JsonValue): string {
  return JSON.stringify(value, null, 2);
}

/**
 * Re-indents JSON *text* with 2 spaces, keeping every string and number literal exactly as written.
 *
 * Why not `formatContent(JSON.parse(text))`: that would round `12345678901234567890` and drop
 * duplicate keys, silently changing the draft the user is about to save. Returns `undefined` when the
 * text is not valid JSON (there is nothing safe to format).
 */
export function formatJsonText(text: string): string | undefined {
  if (!scanJson(text).ok) return undefined;
  let out = '';
  let depth = 0;
  let i = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  const nextSignificant = (from: number): string | undefined => {
    let j = from;
    while (j < text.length && isWhitespace(text.charCodeAt(j))) j++;
    return text[j];
  };
  while (i < text.length) {
    const ch = text.charAt(i);
    if (isWhitespace(text.charCodeAt(i))) {
      i++;
    } else if (ch === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      if (nextSignificant(i + 1) === close) {
        out += ch + close;
        i = text.indexOf(close, i + 1) + 1;
      } else {
        depth++;
        out += ch + newline();
        i++;
      }
    } else if (ch === '}' || ch === ']') {
      depth--;
      out += newline() + ch;
      i++;
    } else if (ch === ',') {
      out += ',' + newline();
      i++;
    } else if (ch === ':') {
      out += ': ';
      i++;
    } else {
      // A number or literal: copy up to the next structural character or whitespace.
      let j = i;
      while (j < text.length && !/[\s,:{}[\]"]/.test(text.charAt(j))) j++;
      out += text.slice(i, j);
      i = j;
    }
  }
  return out;
}

/**
 * Structural equality of two JSON values, ignoring object key order.
 * Key order is not meaningful in account data, and servers and clients do not preserve it.
 */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEquals(item, b[index] as JsonValue));
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key] as JsonValue, b[key] as JsonValue));
}

/**
 * True when two texts hold the same JSON value (whitespace, key order and formatting aside).
 * Lets the editor recognise the server echoing back exactly what the user saved, however they typed it.
 */
export function sameJsonText(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return jsonEquals(JSON.parse(a) as JsonValue, JSON.parse(b) as JsonValue);
  } catch {
    return false;
  }
}

/** Converts a 0-based character offset into a 1-based line and column (columns count UTF-16 units, as Monaco does). */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Converts a 1-based line and column back into an offset, clamped to the text. */
export function offsetAt(text: string, { line, column }: TextPosition): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const max = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(column, 1) - 1, max);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

// ---------------------------------------------------------------------------------------------------
// Scanner: RFC 8259 JSON, reporting the first error with a clear message, plus duplicate keys and
// numbers that lose precision in an IEEE double.

type ScanWarning = { offset: number; kind: ContentWarning['kind']; message: string };
type ScanResult = { ok: true; warnings: ScanWarning[] } | { ok: false; offset: number; message: string };

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || code === 0xfeff || (code >= 0x80 && code <= 0x9f)) {
    return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}'`;
}

/** Returns the offset just past the string starting at `start` (which must be valid JSON). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  return i;
}

function scanJson(text: string): ScanResult {
  const warnings: ScanWarning[] = [];
  let i = 0;

  const skipWhitespace = () => {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  };

  const unexpected = (expected: string): never => {
    if (i >= text.length) throw new ScanError(i, `Unexpected end of input; expected ${expected}.`);
    const ch = text.charAt(i);
    if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      throw new ScanError(i, 'Comments are not allowed in JSON.');
    }
    if (ch === "'")
      throw new ScanError(i, `Strings must use double quotes ("), not single quotes; expected ${expected}.`);
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))?.[0];
    if (word === 'NaN' || word === 'Infinity') {
      throw new ScanError(i, `${word} is not valid JSON; use a number or null.`);
    }
    if (word !== undefined) throw new ScanError(i, `Unexpected '${word}'; expected ${expected}.`);
    throw new ScanError(i, `Unexpected ${describeChar(ch)}; expected ${expected}.`);
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return text.slice(start, i);
      }
      if (code === 0x5c) {
        const esc = text[i + 1];
        if (esc === undefined) break;
        if (esc === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
            throw new ScanError(i, 'Invalid \\u escape in string; expected four hex digits such as \\u00e9.');
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(esc)) {
          i += 2;
        } else {
          throw new ScanError(i, `Invalid escape sequence '\\${esc}' in string.`);
        }
      } else if (code < 0x20) {
        throw new ScanError(
          i,
          `${describeChar(text.charAt(i))} must be escaped in a string (a line break inside a string is written \\n).`,
        );
      } else {
        i++;
      }
    }
    throw new ScanError(start, 'Unterminated string: missing closing double quote.');
  };

  const readNumber = () => {
    const start = i;
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) throw new ScanError(i, `Invalid number starting with ${describeChar(text.charAt(i))}.`);
    const literal = match[0];
    i += literal.length;
    if (i < text.length && /[\d.eE+-]/.test(text.charAt(i))) {
      throw new ScanError(
        start,
        `Invalid number '${literal}${text.charAt(i)}…' (no leading zeros, "+" or trailing ".").`,
      );
    }
    if (isLossyNumber(literal)) {
      warnings.push({
        offset: start,
        kind: 'lossy-number',
        message: `The number ${literal} cannot be stored exactly in a double; it would be saved as ${String(Number(literal))}. Use a string if the exact digits matter.`,
      });
    }
  };

  const readValue = (depth: number): void => {
    if (depth > 512) throw new ScanError(i, 'Nesting is too deep (more than 512 levels).');
    skipWhitespace();
    const ch = text.charAt(i);
    if (ch === '{') {
      i++;
      skipWhitespace();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      const seen = new Set<string>();
      for (;;) {
        skipWhitespace();
        if (text.charAt(i) !== '"') {
          if (text.charAt(i) === '}')
            throw new ScanError(i, 'Trailing comma before } is not allowed in JSON.');
          unexpected('a property name in double quotes');
        }
        const keyStart = i;
        const rawKey = readString();
        const key = JSON.parse(rawKey) as string;
        if (seen.has(key)) {
          warnings.push({
            offset: keyStart,
            kind: 'duplicate-key',
            message: `Duplicate key ${rawKey}: only the last value is kept when saving.`,
          });
        }
        seen.add(key);
        skipWhitespace();
        if (text.charAt(i) !== ':') unexpected(`':' after the property name ${rawKey}`);
        i++;
        readValue(depth + 1);
        skipWhitespace();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        unexpected("',' or '}' after a property value");
      }
    }
    if (ch === '[') {
      i++;
      skipWhitespace();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text.charAt(i) === ']') throw new ScanError(i, 'Trailing comma before ] is not allowed in JSON.');
        readValue(depth + 1);
        skipWhitespace();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        unexpected("',' or ']' after an array element");
      }
    }
    if (ch === '"') {
      readString();
      return;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      readNumber();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i) && !/[\w$]/.test(text.charAt(i + literal.length))) {
        i += literal.length;
        return;
      }
    }
    unexpected('a value (object, array, string, number, true, false or null)');
  };

  try {
    skipWhitespace();
    if (i >= text.length) {
      throw new ScanError(0, 'The content is empty; account data must be a JSON object such as {}.');
    }
    readValue(0);
    skipWhitespace();
    if (i < text.length) {
      throw new ScanError(i, `Unexpected ${describeChar(text.charAt(i))} after the end of the JSON value.`);
    }
    return { ok: true, warnings };
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

/** True when `Number(literal)` is not mathematically equal to the decimal the literal writes. */
function isLossyNumber(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return true;
  return decimalKey(literal) !== decimalKey(String(value));
}

/** Canonical `[-]digits e exponent` form of a decimal literal, so equal values give equal keys. */
function decimalKey(literal: string): string {
  const negative = literal.startsWith('-');
  let rest = negative || literal.startsWith('+') ? literal.slice(1) : literal;
  let exponent = 0;
  const e = rest.search(/[eE]/);
  if (e >= 0) {
    exponent = Number(rest.slice(e + 1));
    rest = rest.slice(0, e);
  }
  const dot = rest.indexOf('.');
  let digits = rest;
  if (dot >= 0) {
    digits = rest.slice(0, dot) + rest.slice(dot + 1);
    exponent -= rest.length - dot - 1;
  }
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  return `${negative ? '-' : ''}${trimmed}e${exponent}`;
}
