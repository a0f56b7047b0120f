/**
 * A fake browser for the CLI's loopback listener (`src/cli/loopback.ts`): one plain HTTP GET,
 * independent of `globalThis.fetch` (which tests replace with a scripted homeserver).
 */
import { request } from 'node:http';

/** What the browser got back. */
export type BrowserPage = { status: number; body: string; headers: Record<string, unknown> };

/** GETs `url` and resolves with the page once it has been sent completely. */
export function browserGet(url: string): Promise<BrowserPage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
