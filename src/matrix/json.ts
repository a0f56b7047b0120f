/**
 * Small JSON helpers for user content (account-data `content` is user JSON: it is validated, never
 * reshaped; docs/architecture.md "Layers").
 */
import type { JsonObject } from './types.ts';

/** A non-null, non-array object (any prototype). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** docs/protocol.md §3 client rule / §8 rule 1: content `{}` means "deleted" and is treated as absent. */
export function isEmptyContent(content: JsonObject): boolean {
  return Object.keys(content).length === 0;
}

/**
 * True when `value` is a plain JSON object that survives `JSON.stringify` unchanged: no arrays or
 * null at the top, no `undefined`, functions, symbols, bigints, non-finite numbers or class
 * instances anywhere (NaN would silently become `null`; a non-object is `400 M_BAD_JSON`,
 * docs/protocol.md §2).
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && isJsonValueDeep(value, 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 512;

function isJsonValueDeep(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValueDeep(v, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((v) => isJsonValueDeep(v, depth + 1));
  return false;
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
