/**
 * Redaction, one rule for every output that leaves the app (issue #14): CLI `dump`/`watch`/`report`,
 * the diagnostic report, exports, error reports and logs.
 *
 * - **Secret content**: an entry whose type or content holds encryption secrets or their metadata
 *   (`isSecretType`, docs/protocol.md §8) is replaced by {@link REDACTED_CONTENT} unless the person
 *   explicitly chose to include secrets. The marker is a string, never an object, so no reader can
 *   mistake it for content (every account-data content is a JSON object).
 * - **Credentials in text**: access/refresh tokens, login tokens, `hs_token`/`as_token` values and
 *   `Authorization` headers are masked in any free text by {@link scrubText}, which also masks each
 *   exact secret string it is given (the session's own tokens, a known secret).
 */
import { isSecretType } from './known-types.ts';
import type { JsonObject } from './types.ts';

/** What replaces a secret entry's content in an output made without secrets. */
export const REDACTED_CONTENT = '[redacted: holds encryption secrets]';

/** What replaces a credential in free text. */
export const REDACTED_TOKEN = '[redacted]';

/** True when `content` is the redaction marker (an import must skip it). */
export function isRedactedContent(content: unknown): content is typeof REDACTED_CONTENT {
  return content === REDACTED_CONTENT;
}

/** True when this entry must be redacted in an output made without secrets. */
export function isSecretEntry(type: string, content: JsonObject | null | undefined): boolean {
  return isSecretType(type, content ?? undefined);
}

/**
 * The content to write out: unchanged, or {@link REDACTED_CONTENT} for a secret entry when secrets
 * are not included. `null` (deleted) stays `null`: a deletion reveals nothing.
 */
export function redactContent(
  type: string,
  content: JsonObject | null,
  includeSecrets: boolean,
): JsonObject | null | typeof REDACTED_CONTENT {
  if (content === null || includeSecrets) return content;
  return isSecretEntry(type, content) ? REDACTED_CONTENT : content;
}

/** A map type → content with every secret entry redacted (global or one room's account data). */
export function redactScope(
  data: Readonly<Record<string, JsonObject>>,
  includeSecrets: boolean,
): Record<string, JsonObject | typeof REDACTED_CONTENT> {
  const out: Record<string, JsonObject | typeof REDACTED_CONTENT> = {};
  for (const [type, content] of Object.entries(data)) {
    out[type] = includeSecrets || !isSecretEntry(type, content) ? content : REDACTED_CONTENT;
  }
  return out;
}

/**
 * Credential shapes masked in free text: Synapse access/refresh tokens (`syt_…`, `syr_…`), MAS
 * tokens (`mat_…`, `mar_…`), login tokens (`syl_…`), bearer headers, and `access_token`,
 * `refresh_token`, `loginToken`, `hs_token`, `as_token`, `password` given as `key=value` or JSON.
 */
const CREDENTIAL_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(?:syt|syr|syl|mat|mar|mct|mcr)_[A-Za-z0-9_-]{8,}/g, REDACTED_TOKEN],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED_TOKEN}`],
  [
    /\b((?:access_token|refresh_token|loginToken|login_token|hs_token|as_token|password)\s*[=:]\s*)(?!")[^\s&,;"']+/gi,
    `$1${REDACTED_TOKEN}`,
  ],
  [
    /("(?:access_token|refresh_token|loginToken|login_token|hs_token|as_token|password)"\s*:\s*")[^"]*(")/gi,
    `$1${REDACTED_TOKEN}$2`,
  ],
];

/**
 * `text` with credentials masked: every exact string in `secrets` (the session's tokens, a known
 * secret; strings shorter than 6 characters are ignored — they would mask ordinary words) and every
 * credential shape above.
 */
export function scrubText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED_TOKEN);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
