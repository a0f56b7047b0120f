/**
 * What an account-data type name may be (docs/protocol.md §0 "Type names"). The spec allows any
 * string; this client refuses only what cannot work:
 *
 * - empty or whitespace-only — Synapse would store `""` or `" "`, which no client can address
 *   sensibly and which look like nothing in every UI;
 * - longer than {@link MAX_TYPE_BYTES} bytes of UTF-8 — the spec's limit for event types
 *   (identifier grammar: "must not exceed 255 bytes"), which Synapse checks for events but not for
 *   account data; a longer name would be stored, then break other clients and servers.
 *
 * Everything else — `/`, `%`, `#`, `?`, spaces inside, non-ASCII — is a valid type: paths encode
 * each segment once ({@link ../http.ts matrixPath}), deep links put it in a query parameter.
 */

/** The longest type name, in bytes of UTF-8 (the spec's limit on event types). */
export const MAX_TYPE_BYTES = 255;

const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8 (what the server stores and the length limits count). */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Why a type name cannot be used, or null when it can. */
export type TypeNameProblem =
  | { code: 'empty'; message: string }
  | { code: 'blank'; message: string }
  | { code: 'too-long'; message: string; bytes: number };

/** Checks a type name (see the module comment); null when it is fine. Pure. */
export function typeNameProblem(type: string): TypeNameProblem | null {
  if (type.length === 0) return { code: 'empty', message: 'The account-data type must not be empty.' };
  if (type.trim().length === 0) {
    return { code: 'blank', message: 'The account-data type must not be only spaces.' };
  }
  const bytes = utf8Bytes(type);
  if (bytes > MAX_TYPE_BYTES) {
    return {
      code: 'too-long',
      bytes,
      message: `The account-data type is ${bytes} bytes long in UTF-8; the limit is ${MAX_TYPE_BYTES} bytes.`,
    };
  }
  return null;
}

/**
 * Content size above which the editor warns before saving (still allowed): 64 KiB, the spec's
 * limit on a whole event (Synapse's `MAX_PDU_SIZE`). Account data has no such limit, but every
 * client receives every entry in its initial sync, and many cap what they parse.
 */
export const LARGE_CONTENT_BYTES = 64 * 1024;

/**
 * Synapse 1.160's real limit on a request body: `max(200 × MAX_PDU_SIZE, max_upload_size)` =
 * max(12.5 MiB, 50 MiB by default) when the process serves media (docs/protocol.md §0 "Sizes"). A
 * larger `PUT` is answered `413 M_TOO_LARGE`. Documented only; the server is the authority.
 */
export const SYNAPSE_DEFAULT_MAX_REQUEST_BYTES = 50 * 1024 * 1024;

/** Bytes of the body a `PUT` of `content` sends (compact JSON in UTF-8). */
export function contentBytes(content: unknown): number {
  return utf8Bytes(JSON.stringify(content));
}
