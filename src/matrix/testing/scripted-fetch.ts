/**
 * A scripted fake `fetch` for unit tests of the Matrix layer (docs/architecture.md "Tests"): records every
 * request and answers from a queue of matchers. Plain TypeScript with no test-framework imports, so
 * it type-checks with the app and runs under fake timers.
 */
import type { FetchLike } from '../http.ts';

/** A request as the fake saw it. */
export type RecordedRequest = {
  method: string;
  url: URL;
  /** Raw (still encoded) path. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** A form body (`application/x-www-form-urlencoded`, e.g. OAuth token requests), or undefined. */
  form: Record<string, string> | undefined;
  signal: AbortSignal | undefined;
};

/** A canned answer. */
export type Reply = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> };

/**
 * What to do with a request: answer, fail like `fetch` does (an `Error`, e.g. `new TypeError('Failed
 * to fetch')` for CORS), `'hang'` until aborted, or compute one of those.
 */
export type Responder =
  | Reply
  | Error
  | 'hang'
  | ((request: RecordedRequest) => Reply | Error | 'hang' | Promise<Reply | Error | 'hang'>);

type Entry = {
  method: string | undefined;
  path: string | RegExp | undefined;
  responder: Responder;
  times: number;
};

/** Builds a JSON reply. */
export function json(status: number, body: unknown): Reply {
  return { status, json: body };
}

/** Builds a Matrix error reply. */
export function matrixError(
  status: number,
  errcode: string,
  error = '',
  extra: Record<string, unknown> = {},
): Reply {
  return { status, json: { errcode, error, ...extra } };
}

/** Fake fetch with a queue of `(method, path) → responder` entries, consumed in order. */
export class ScriptedFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Entry[] = [];
  /** Used when no queued entry matches; by default a failure that names the request. */
  fallback: Responder | undefined;

  /**
   * Queues a responder for the next `times` requests matching `method` and `path` (either may be
   * undefined = any; a string matches the encoded path exactly, or as a prefix when it ends in `*`).
   */
  on(method: string | undefined, path: string | RegExp | undefined, responder: Responder, times = 1): this {
    this.script.push({ method, path, responder, times });
    return this;
  }

  /** Requests whose path matches. */
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => matches(r, method, path));
  }

  readonly fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      form: init.body instanceof URLSearchParams ? Object.fromEntries(init.body.entries()) : undefined,
      signal: init.signal ?? undefined,
    };
    this.requests.push(request);
    const index = this.script.findIndex((e) => matches(request, e.method, e.path));
    let responder: Responder | undefined;
    if (index >= 0) {
      const entry = this.script[index];
      if (entry) {
        responder = entry.responder;
        entry.times -= 1;
        if (entry.times <= 0) this.script.splice(index, 1);
      }
    } else {
      responder = this.fallback;
    }
    if (responder === undefined) {
      return new Response(
        JSON.stringify({ errcode: 'M_UNRECOGNIZED', error: `unscripted ${request.method} ${request.path}` }),
        { status: 404 },
      );
    }
    const outcome = typeof responder === 'function' ? await responder(request) : responder;
    if (outcome instanceof Error) throw outcome;
    if (outcome === 'hang') return hang(request.signal);
    if (request.signal?.aborted) throw abortReasonOf(request.signal);
    const body = outcome.text ?? (outcome.json === undefined ? null : JSON.stringify(outcome.json));
    // Like a server: JSON says so (oidc-client-ts checks the Content-Type); an empty reply has none.
    const replyHeaders = new Headers(outcome.headers);
    if (outcome.json !== undefined && !replyHeaders.has('content-type')) {
      replyHeaders.set('content-type', 'application/json');
    }
    return new Response(body, { status: outcome.status ?? 200, headers: replyHeaders });
  };
}

function matches(
  request: RecordedRequest,
  method: string | undefined,
  path: string | RegExp | undefined,
): boolean {
  if (method !== undefined && method !== request.method) return false;
  if (path === undefined) return true;
  if (path instanceof RegExp) return path.test(request.path);
  if (path.endsWith('*')) return request.path.startsWith(path.slice(0, -1));
  return request.path === path;
}

function abortReasonOf(signal: AbortSignal): Error {
  return (signal.reason as Error | undefined) ?? new DOMException('The operation was aborted', 'AbortError');
}

/** A response that never comes; rejects like `fetch` when the signal aborts. */
function hang(signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (!signal) return;
    if (signal.aborted) {
      reject(abortReasonOf(signal));
      return;
    }
    signal.addEventListener(
      'abort',
      () => {
        reject(abortReasonOf(signal));
      },
      { once: true },
    );
  });
}
