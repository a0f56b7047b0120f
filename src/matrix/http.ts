/**
 * The one request function of the Matrix layer: base URL, bearer token, JSON bodies, query
 * parameters, `AbortSignal` + timeout, typed failures (see `errors.ts`) and bounded retries on
 * `429 M_LIMIT_EXCEEDED`.
 *
 * CORS (docs/protocol.md §1.6): Synapse allows only `Authorization`, `Content-Type`, `X-Requested-With`
 * and `Date` request headers and exposes no `Retry-After`, so we send nothing but `Authorization`
 * and `Content-Type`, and read the wait from the body's `retry_after_ms`.
 *
 * The token goes only into `Authorization: Bearer` (Synapse matches `Bearer` case-sensitively;
 * the `access_token` query parameter is gone in spec v1.20 and, next to the header, gives
 * `401 M_MISSING_TOKEN`).
 */
import {
  ERRCODE_MISSING,
  MatrixApiError,
  MatrixNetworkError,
  MatrixResponseError,
  redactSecrets,
} from './errors.ts';

/** `/_matrix/client` — `/versions` lives directly below it. */
export const CLIENT_PREFIX = '/_matrix/client';
/** Stable client-server API prefix. */
export const CLIENT_V3 = '/_matrix/client/v3';
/** v1 endpoints (`auth_metadata`). */
export const CLIENT_V1 = '/_matrix/client/v1';
/** Unstable prefix (MSC endpoints such as simplified sliding sync and MSC3391 DELETE). */
export const CLIENT_UNSTABLE = '/_matrix/client/unstable';

/**
 * A URL path whose dynamic segments were each `encodeURIComponent`-ed (docs/protocol.md §0: Synapse
 * matches `[^/]*` on the raw path, so an unencoded `/` in a type would change the route). Build it
 * with {@link matrixPath}; the brand stops raw strings from sneaking in.
 */
export type EncodedPath = string & { readonly __encodedPath: true };

/**
 * Joins a fixed prefix (not encoded, e.g. {@link CLIENT_V3}) and path segments, each encoded
 * with `encodeURIComponent`.
 */
export function matrixPath(prefix: string, ...segments: readonly string[]): EncodedPath {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return (
    segments.length === 0 ? base : `${base}/${segments.map((s) => encodeURIComponent(s)).join('/')}`
  ) as EncodedPath;
}

/** The subset of `fetch` the layer uses; inject a fake one in tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** HTTP methods the client-server API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** Per-request options. */
export type RequestOptions = {
  query?: QueryParams;
  /** Serialised with `JSON.stringify`; sets `Content-Type: application/json`. */
  body?: unknown;
  signal?: AbortSignal;
  /** Client-side timeout per attempt in ms; `0` disables it. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Send the bearer token (default true when the client has one). */
  authenticated?: boolean;
  /** The bearer token for this request, instead of the client's `getAccessToken` (see `transport.ts`). */
  accessToken?: string;
  /** Override the client's `maxRateLimitRetries` (use `0` to handle 429 yourself). */
  maxRateLimitRetries?: number;
};

/** Construction options of {@link HttpClient}. */
export type HttpClientOptions = {
  /** Homeserver base URL; a trailing `/` is ignored. */
  baseUrl: string;
  /** Returns the current access token (a function so a refreshed token is picked up). */
  getAccessToken?: () => string | undefined;
  /** Extra secrets (e.g. the refresh token) to scrub from error texts. */
  getSecrets?: () => readonly (string | undefined)[];
  fetch?: FetchLike;
  /** Default client-side timeout per attempt, ms. Default 30 000. */
  timeoutMs?: number;
  /** How many times a `429` is retried before it is thrown. Default 3. */
  maxRateLimitRetries?: number;
  /** Upper bound for one rate-limit wait, ms. Default 30 000. */
  maxRateLimitDelayMs?: number;
};

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RATE_LIMIT_RETRIES = 3;
const DEFAULT_RATE_LIMIT_DELAY_CAP_MS = 30_000;
/** Wait used for a 429 that names no delay; doubled per retry, then capped. */
const RATE_LIMIT_FALLBACK_MS = 1_000;

/** Strips trailing slashes from a base URL. */
export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * Sends requests to one homeserver. Stateless apart from its options, so create one per session
 * (never a module-level singleton holding a token).
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
  }

  /**
   * Sends one request and returns the parsed JSON body.
   *
   * @throws {@link MatrixApiError} on a non-2xx answer (after rate-limit retries),
   *   {@link MatrixNetworkError} when no answer arrived (including our timeout and CORS refusals),
   *   {@link MatrixResponseError} when a 2xx body is not JSON; an abort rejects with the caller's
   *   abort reason, unchanged.
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: EncodedPath,
    options: RequestOptions = {},
  ): Promise<T> {
    const maxRetries =
      options.maxRateLimitRetries ?? this.options.maxRateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
    const cap = this.options.maxRateLimitDelayMs ?? DEFAULT_RATE_LIMIT_DELAY_CAP_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(method, path, options);
      } catch (error) {
        // docs/protocol.md §1.6: the wait comes from the body's retry_after_ms.
        if (error instanceof MatrixApiError && error.status === 429 && attempt < maxRetries) {
          const wait = Math.min(cap, error.retryAfterMs ?? RATE_LIMIT_FALLBACK_MS * 2 ** attempt);
          await abortableSleep(wait, options.signal);
          continue;
        }
        throw error;
      }
    }
  }

  private async attempt<T>(method: HttpMethod, path: EncodedPath, options: RequestOptions): Promise<T> {
    const url = this.buildUrl(path, options.query);
    const headers: Record<string, string> = {};
    const token =
      options.authenticated === false ? undefined : (options.accessToken ?? this.options.getAccessToken?.());
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }

    const callerSignal = options.signal;
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    const controller = new AbortController();
    const forwardAbort = () => {
      controller.abort(callerSignal?.reason);
    };
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            timedOut = true;
            controller.abort(new DOMException('The request timed out', 'TimeoutError'));
          }, timeoutMs)
        : undefined;

    let status: number;
    let text: string;
    let retryAfterHeader: string | null;
    try {
      const fetchImpl = this.options.fetch ?? ((u: string, init: RequestInit) => globalThis.fetch(u, init));
      const response = await fetchImpl(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        credentials: 'omit',
      });
      status = response.status;
      retryAfterHeader = response.headers.get('Retry-After');
      text = await response.text();
    } catch (error) {
      // Aborts by the caller pass through unchanged.
      if (callerSignal?.aborted) throw error;
      throw new MatrixNetworkError({ method, path, cause: error, isTimeout: timedOut });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }

    const secrets = [token, ...(this.options.getSecrets?.() ?? [])];
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) {
      if (text.trim() === '') return {} as T;
      if (!parsed.ok) {
        throw new MatrixResponseError({
          method,
          path,
          status,
          detail: `the response is not JSON (HTTP ${status})`,
          cause: parsed.error,
        });
      }
      return parsed.value as T;
    }
    throw toApiError({ method, path, status, parsed, text, secrets, retryAfterHeader });
  }

  private buildUrl(path: EncodedPath, query: QueryParams | undefined): string {
    let url = `${this.baseUrl}${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (key === 'access_token')
          throw new Error('Tokens never go into URLs; use the Authorization header.');
        if (value !== undefined) params.set(key, String(value));
      }
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }
}

/**
 * Resolves after `ms`, or rejects with the signal's abort reason as soon as it aborts. Uses
 * `setTimeout`, so fake timers drive it in tests.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  // `reason` is whatever the caller aborted with; by default an AbortError DOMException.
  return (signal?.reason as Error | undefined) ?? new DOMException('The operation was aborted', 'AbortError');
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: unknown };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

function toApiError(args: {
  method: string;
  path: string;
  status: number;
  parsed: Parsed;
  text: string;
  secrets: readonly (string | undefined)[];
  retryAfterHeader: string | null;
}): MatrixApiError {
  const { parsed, secrets } = args;
  const obj =
    parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
      ? (parsed.value as Record<string, unknown>)
      : undefined;
  const errcode = typeof obj?.errcode === 'string' ? obj.errcode : ERRCODE_MISSING;
  const serverMessage = redactSecrets(typeof obj?.error === 'string' ? obj.error : '', secrets);
  let retryAfterMs: number | undefined;
  if (typeof obj?.retry_after_ms === 'number' && obj.retry_after_ms >= 0) {
    retryAfterMs = obj.retry_after_ms;
  } else if (args.retryAfterHeader !== null && /^\d+$/.test(args.retryAfterHeader.trim())) {
    // Readable outside browsers (Node, same-origin deployments).
    retryAfterMs = Number(args.retryAfterHeader.trim()) * 1000;
  }
  const softLogout = typeof obj?.soft_logout === 'boolean' ? obj.soft_logout : undefined;
  const rawBody = obj ?? args.text.slice(0, 2000);
  const body = scrubBody(rawBody, secrets);
  return new MatrixApiError({
    status: args.status,
    errcode,
    serverMessage,
    method: args.method,
    path: args.path,
    body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(softLogout === undefined ? {} : { softLogout }),
  });
}

function scrubBody(body: unknown, secrets: readonly (string | undefined)[]): unknown {
  const json = JSON.stringify(body);
  const scrubbed = redactSecrets(json, secrets);
  return scrubbed === json ? body : (JSON.parse(scrubbed) as unknown);
}
