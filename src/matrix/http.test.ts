import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixApiError, MatrixNetworkError, MatrixResponseError } from './errors.ts';
import { CLIENT_V3, HttpClient, matrixPath } from './http.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';

const TOKEN = 'syt_secret_token_ABCDEF123456';

function client(fake: ScriptedFetch, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    baseUrl: 'https://hs.example/',
    getAccessToken: () => TOKEN,
    fetch: fake.fetch,
    ...extra,
  });
}

describe('matrixPath', () => {
  it('encodes every segment but not the prefix', () => {
    expect(matrixPath(CLIENT_V3, 'user', '@alice:example.org', 'account_data', 'org.x/y z')).toBe(
      '/_matrix/client/v3/user/%40alice%3Aexample.org/account_data/org.x%2Fy%20z',
    );
    expect(matrixPath(CLIENT_V3, 'rooms', '!abc:x', 'tags', 'u.a?b#c')).toBe(
      '/_matrix/client/v3/rooms/!abc%3Ax/tags/u.a%3Fb%23c',
    );
  });
});

describe('HttpClient.request', () => {
  let fake: ScriptedFetch;
  beforeEach(() => {
    fake = new ScriptedFetch();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the token only as a Bearer header, JSON only with a body, and no other headers', async () => {
    fake.on('PUT', undefined, json(200, {}));
    fake.on('GET', undefined, json(200, { ok: true }));
    const http = client(fake);
    await http.request('PUT', matrixPath(CLIENT_V3, 'x'), {
      body: { a: 1 },
      query: { since: 's1', gone: undefined },
    });
    const got = await http.request('GET', matrixPath(CLIENT_V3, 'y'));
    expect(got).toEqual({ ok: true });
    const [put, get] = fake.requests;
    expect(put?.headers).toEqual({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
    expect(put?.body).toEqual({ a: 1 });
    expect(put?.url.href).toBe('https://hs.example/_matrix/client/v3/x?since=s1');
    expect(get?.headers).toEqual({ authorization: `Bearer ${TOKEN}` });
    for (const r of fake.requests) expect(r.url.href).not.toContain(TOKEN);
  });

  it('omits Authorization for unauthenticated requests and refuses access_token in the query', async () => {
    fake.on('GET', undefined, json(200, {}));
    const http = client(fake);
    await http.request('GET', matrixPath(CLIENT_V3, 'login'), { authenticated: false });
    expect(fake.requests[0]?.headers).toEqual({});
    await expect(
      http.request('GET', matrixPath(CLIENT_V3, 'x'), { query: { access_token: 'nope' } }),
    ).rejects.toThrow(/Authorization header/);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps error bodies to MatrixApiError with status, errcode, soft_logout and body', async () => {
    fake.on('GET', undefined, matrixError(401, 'M_UNKNOWN_TOKEN', 'Token expired', { soft_logout: true }));
    const error = await client(fake)
      .request('GET', matrixPath(CLIENT_V3, 'account', 'whoami'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixApiError);
    const e = error as MatrixApiError;
    expect(e.status).toBe(401);
    expect(e.errcode).toBe('M_UNKNOWN_TOKEN');
    expect(e.softLogout).toBe(true);
    expect(e.body).toEqual({ errcode: 'M_UNKNOWN_TOKEN', error: 'Token expired', soft_logout: true });
    expect(e.message).toBe(
      'GET /_matrix/client/v3/account/whoami failed: HTTP 401 M_UNKNOWN_TOKEN: Token expired',
    );
  });

  it('gives a non-JSON error page the fallback errcode, and rejects non-JSON success', async () => {
    fake.on('GET', undefined, { status: 502, text: '<html>Bad gateway</html>' });
    fake.on('GET', undefined, { status: 200, text: '<html>hello</html>' });
    const http = client(fake);
    const e1 = await http.request('GET', matrixPath(CLIENT_V3, 'a')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(MatrixApiError);
    expect((e1 as MatrixApiError).errcode).toBe('M_UNKNOWN');
    expect((e1 as MatrixApiError).status).toBe(502);
    const e2 = await http.request('GET', matrixPath(CLIENT_V3, 'b')).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(MatrixResponseError);
  });

  it('never puts the token into error messages, even when the server echoes it', async () => {
    fake.on('GET', undefined, matrixError(400, 'M_UNKNOWN', `bad header Bearer ${TOKEN}`));
    fake.on('GET', undefined, new TypeError('Failed to fetch'));
    const http = client(fake);
    const e1 = await http.request('GET', matrixPath(CLIENT_V3, 'a')).catch((e: unknown) => e);
    const e2 = await http.request('GET', matrixPath(CLIENT_V3, 'b')).catch((e: unknown) => e);
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(Error);
      expect(String(e)).not.toContain(TOKEN);
      expect((e as Error).message).not.toContain(TOKEN);
      expect(JSON.stringify(e)).not.toContain(TOKEN);
    }
    expect(JSON.stringify((e1 as MatrixApiError).body)).not.toContain(TOKEN);
    expect((e1 as MatrixApiError).message).toContain('<redacted>');
  });

  it('wraps network failures (a CORS TypeError) as MatrixNetworkError with the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    fake.on('GET', undefined, cause);
    const error = await client(fake)
      .request('GET', matrixPath(CLIENT_V3, 'a'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixNetworkError);
    expect((error as MatrixNetworkError).cause).toBe(cause);
    expect((error as MatrixNetworkError).isTimeout).toBe(false);
  });

  it('times out with a MatrixNetworkError marked isTimeout', async () => {
    vi.useFakeTimers();
    fake.on('GET', undefined, 'hang');
    const pending = client(fake, { timeoutMs: 5_000 })
      .request('GET', matrixPath(CLIENT_V3, 'a'))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(fake.requests[0]?.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toBeInstanceOf(MatrixNetworkError);
    expect((error as MatrixNetworkError).isTimeout).toBe(true);
  });

  it('lets the caller’s abort pass through unchanged', async () => {
    fake.on('GET', undefined, 'hang');
    const controller = new AbortController();
    const pending = client(fake)
      .request('GET', matrixPath(CLIENT_V3, 'a'), { signal: controller.signal })
      .catch((e: unknown) => e);
    const reason = new DOMException('user navigated away', 'AbortError');
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it('retries 429 after the body’s retry_after_ms', async () => {
    vi.useFakeTimers();
    fake.on('GET', undefined, matrixError(429, 'M_LIMIT_EXCEEDED', 'Too many', { retry_after_ms: 2_000 }));
    fake.on('GET', undefined, json(200, { done: true }));
    let settled = false;
    const pending = client(fake)
      .request('GET', matrixPath(CLIENT_V3, 'a'))
      .finally(() => {
        settled = true;
      });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fake.requests).toHaveLength(1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toEqual({ done: true });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on 429 after the retry budget, and caps each wait', async () => {
    vi.useFakeTimers();
    fake.fallback = matrixError(429, 'M_LIMIT_EXCEEDED', '', { retry_after_ms: 3_600_000 });
    const pending = client(fake, { maxRateLimitRetries: 2, maxRateLimitDelayMs: 10_000 })
      .request('GET', matrixPath(CLIENT_V3, 'a'))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await pending;
    expect(fake.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(MatrixApiError);
    expect((error as MatrixApiError).status).toBe(429);
    expect((error as MatrixApiError).retryAfterMs).toBe(3_600_000);
  });

  it('does not retry 429 when told to handle it itself', async () => {
    fake.on('GET', undefined, matrixError(429, 'M_LIMIT_EXCEEDED', '', { retry_after_ms: 100 }));
    const error = await client(fake)
      .request('GET', matrixPath(CLIENT_V3, 'a'), { maxRateLimitRetries: 0 })
      .catch((e: unknown) => e);
    expect((error as MatrixApiError).retryAfterMs).toBe(100);
    expect(fake.requests).toHaveLength(1);
  });
});
