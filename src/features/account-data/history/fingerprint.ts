/**
 * What the history compares versions by: a hash of the content's canonical JSON (keys sorted, so a
 * repeat with reordered keys is the same version, as in the fold: ADR 007 "Content equality is JSON
 * equality") and the size of its compact JSON in UTF-8 bytes (key order does not change it).
 */
import type { JsonObject, JsonValue } from '../../../matrix/types.ts';

/** A version's identity for "did it change?" and its size; `null` content (deleted) has size 0. */
export type Fingerprint = { hash: number; size: number };

/** The fingerprint of one version's content. */
export function fingerprint(content: JsonObject | null): Fingerprint {
  if (content === null) return { hash: DELETED_HASH, size: 0 };
  const json = canonicalJson(content);
  return { hash: hash53(json), size: utf8Length(json) };
}

/** JSON with every object's keys in sorted order; otherwise what `JSON.stringify` writes. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i] ?? null);
    }
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`;
  }
  return `${out}}`;
}

/** UTF-8 length of a string as `JSON.stringify` writes it (no lone surrogates). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff)
      i++; // a pair: 2 UTF-16 units, 4 bytes
    else bytes += 2;
  }
  return bytes;
}

/**
 * cyrb53: a fast 53-bit string hash. Versions of one entry are compared by it, so a collision
 * would need two versions of the same entry to collide (about 2^-53 per comparison).
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The hash of "deleted" (what `JSON.stringify(null)` would hash to; no object hashes so). */
const DELETED_HASH = hash53('null');
