import { afterEach, describe, expect, it } from 'vitest';
import { browserGet } from '../test/node/fake-browser.ts';
import { formatDuration, LoopbackListener } from './loopback.ts';

const hasToken = (url: URL) => url.searchParams.has('loginToken');

const listeners: LoopbackListener[] = [];
async function listen(port?: number) {
  const listener = await LoopbackListener.start({
    ...(port === undefined ? {} : { port }),
    isAnswer: hasToken,
  });
  listeners.push(listener);
  return listener;
}

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

describe('LoopbackListener', () => {
  it('listens on 127.0.0.1 on a free port and names its /callback redirect URI', async () => {
    const listener = await listen();
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${listener.port}/callback`);
  });

  it('hands over the first answer and keeps the browser waiting until the CLI replies', async () => {
    const listener = await listen();
    const waiting = listener.wait({ timeoutMs: 5_000 });
    const page = browserGet(`${listener.redirectUri}?loginToken=lt-secret&x=1`);
    const answer = await waiting;
    expect(answer.url.searchParams.get('loginToken')).toBe('lt-secret');
    answer.reply({ ok: true, message: 'Signed in as @a:hs. You can close this tab.' });
    const { status, body, headers } = await page;
    expect(status).toBe(200);
    expect(body).toContain('<h1>Signed in</h1>');
    expect(body).toContain('You can close this tab.');
    expect(body).toContain('history.replaceState');
    expect(body).not.toContain('lt-secret');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-store');
  });

  it('escapes the message, and says when the sign-in failed', async () => {
    const listener = await listen();
    const page = browserGet(`${listener.redirectUri}?loginToken=t`);
    const answer = await listener.wait({ timeoutMs: 5_000 });
    answer.reply({ ok: false, message: 'Server said <b>no</b> & "bye"' });
    const { status, body } = await page;
    expect(status).toBe(400);
    expect(body).toContain('<h1>Sign-in did not complete</h1>');
    expect(body).toContain('Server said &#60;b&#62;no&#60;/b&#62; &#38; &#34;bye&#34;');
  });

  it('an answer that arrived before wait() is still handed over', async () => {
    const listener = await listen();
    const page = browserGet(`${listener.redirectUri}?loginToken=t`);
    await new Promise((r) => setTimeout(r, 50));
    const answer = await listener.wait({ timeoutMs: 1_000 });
    answer.reply({ ok: true, message: 'ok' });
    expect((await page).status).toBe(200);
  });

  it('other paths get 404, /callback without an answer 400, a second answer 409 — none of them is handed over', async () => {
    const listener = await listen();
    const base = `http://127.0.0.1:${listener.port}`;
    expect((await browserGet(`${base}/favicon.ico`)).status).toBe(404);
    const empty = await browserGet(`${base}/callback?state=x`);
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('carried none');
    const first = browserGet(`${base}/callback?loginToken=one`);
    const answer = await listener.wait({ timeoutMs: 5_000 });
    const second = await browserGet(`${base}/callback?loginToken=two`);
    expect(second.status).toBe(409);
    expect(second.body).toContain('answered already');
    answer.reply({ ok: true, message: 'ok' });
    await first;
    expect(answer.url.searchParams.get('loginToken')).toBe('one');
  });

  it('gives up after the timeout, saying how long it waited', async () => {
    const listener = await listen();
    await expect(listener.wait({ timeoutMs: 50 })).rejects.toThrow(
      `No sign-in answer reached ${listener.redirectUri} within 0.05 seconds; run the command again.`,
    );
  });

  it('stops waiting when the signal aborts (Ctrl-C)', async () => {
    const listener = await listen();
    const controller = new AbortController();
    const waiting = listener.wait({ timeoutMs: 5_000, signal: controller.signal });
    controller.abort(new Error('Interrupted.'));
    await expect(waiting).rejects.toThrow('Interrupted.');
  });

  it('close() answers a browser still waiting and stops listening', async () => {
    const listener = await listen();
    const page = browserGet(`${listener.redirectUri}?loginToken=t`);
    await listener.wait({ timeoutMs: 5_000 });
    await listener.close();
    const { status, body } = await page;
    expect(status).toBe(400);
    expect(body).toContain('The command ended');
    await expect(browserGet(listener.redirectUri)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a fixed port in use is a clear error', async () => {
    const taken = await listen();
    await expect(listen(taken.port)).rejects.toThrow(
      `Port ${taken.port} on 127.0.0.1 is in use; pick another --redirect-port`,
    );
  });

  it('listens on a fixed free port', async () => {
    const probe = await listen();
    const port = probe.port;
    await probe.close();
    listeners.splice(listeners.indexOf(probe), 1);
    const listener = await listen(port);
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
  });
});

describe('formatDuration', () => {
  it('says minutes when whole, else seconds', () => {
    expect(formatDuration(300_000)).toBe('5 minutes');
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(90_000)).toBe('90 seconds');
    expect(formatDuration(1_000)).toBe('1 second');
  });
});
