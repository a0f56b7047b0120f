/**
 * The CLI's loopback redirect listener (RFC 8252 §7.3) for sign-ins that happen in a browser:
 * single sign-on (`?loginToken=`, docs/protocol.md §1.4) and OAuth 2.0 (`?code&state` or
 * `?error&state`, §1.5). It listens on 127.0.0.1 only, takes the first answer on `/callback`, keeps
 * the browser waiting until the CLI has exchanged it, then shows a small page saying how it went.
 * The answer itself is never printed or logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackPage } from './output.ts';

/** The loopback address listened on (an IP literal: `localhost` may resolve to `::1` first). */
export const LOOPBACK_HOST = '127.0.0.1';
/** The path the browser comes back to. */
export const CALLBACK_PATH = '/callback';
/** How long the CLI waits for the browser by default. */
export const DEFAULT_REDIRECT_TIMEOUT_MS = 5 * 60_000;

/** The browser's answer, with the request still open until {@link RedirectAnswer.reply}. */
export type RedirectAnswer = {
  /** The full URL the browser asked for (it carries the login token or code: never print it). */
  url: URL;
  /** Answers the waiting browser with a small page (once; later calls do nothing). */
  reply(outcome: { ok: boolean; message: string }): void;
};

/** Options of {@link LoopbackListener.start}. */
export type LoopbackOptions = {
  /** A fixed port (`--redirect-port`); default: any free port. */
  port?: number;
  /** Whether a request to {@link CALLBACK_PATH} carries a sign-in answer. */
  isAnswer: (url: URL) => boolean;
};

/** A loopback HTTP listener waiting for one sign-in answer. */
export class LoopbackListener {
  private answer: RedirectAnswer | undefined;
  private waiter: ((answer: RedirectAnswer) => void) | undefined;
  private pending: ServerResponse | undefined;

  private readonly server: Server;
  private listeningOn = 0;

  private constructor(isAnswer: (url: URL) => boolean) {
    this.server = createServer((req, res) => {
      this.handle(req, res, isAnswer);
    });
  }

  /**
   * Listens on {@link LOOPBACK_HOST}.
   * @throws an `Error` saying so when the port is taken or cannot be used.
   */
  static async start(options: LoopbackOptions): Promise<LoopbackListener> {
    const listener = new LoopbackListener(options.isAnswer);
    const { server } = listener;
    listener.listeningOn = await new Promise<number>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `Port ${options.port ?? 0} on ${LOOPBACK_HOST} is in use; pick another --redirect-port, or leave it out for any free port.`
              : `Could not listen on ${LOOPBACK_HOST}:${options.port ?? 0} for the browser's answer: ${error.message}`,
          ),
        );
      });
      server.listen(options.port ?? 0, LOOPBACK_HOST, () => {
        resolve((server.address() as AddressInfo).port);
      });
    });
    return listener;
  }

  /** The port listened on. */
  get port(): number {
    return this.listeningOn;
  }

  /** `http://127.0.0.1:<port>/callback`: where the browser is sent back to. */
  get redirectUri(): string {
    return `http://${LOOPBACK_HOST}:${this.port}${CALLBACK_PATH}`;
  }

  /**
   * The first answer; rejects after `timeoutMs` (saying how long it waited) or when `signal` aborts
   * (with the signal's reason).
   */
  wait(options: { timeoutMs: number; signal?: AbortSignal }): Promise<RedirectAnswer> {
    if (this.answer) return Promise.resolve(this.answer);
    return new Promise<RedirectAnswer>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `No sign-in answer reached ${this.redirectUri} within ${formatDuration(options.timeoutMs)}; run the command again.`,
          ),
        );
      }, options.timeoutMs);
      const onAbort = () => {
        done();
        reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error('Interrupted.'));
      };
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (answer) => {
        done();
        resolve(answer);
      };
    });
  }

  /** Stops listening; a browser still waiting gets a generic page. */
  async close(): Promise<void> {
    this.answer?.reply({ ok: false, message: 'The command ended. Return to the terminal.' });
    await new Promise<void>((resolve) => {
      // Our pages close their connection once sent; a browser's idle extra connections are closed
      // now, and anything still open after a second (a stalled browser) is cut.
      const force = setTimeout(() => {
        this.server.closeAllConnections();
      }, 1_000);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, isAnswer: (url: URL) => boolean): void {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${this.port}`);
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      send(res, 404, { ok: false, message: 'Nothing here.' });
      return;
    }
    if (!isAnswer(url)) {
      send(res, 400, {
        ok: false,
        message:
          'This address waits for the answer of a sign-in started in the terminal; this request carried none.',
      });
      return;
    }
    if (this.answer) {
      send(res, 409, {
        ok: false,
        message: 'This sign-in was answered already. You can close this tab and return to the terminal.',
      });
      return;
    }
    this.pending = res;
    this.answer = {
      url,
      reply: (outcome) => {
        const open = this.pending;
        this.pending = undefined;
        if (open && !open.writableEnded) send(open, outcome.ok ? 200 : 400, outcome);
      },
    };
    this.waiter?.(this.answer);
  }
}

function send(res: ServerResponse, status: number, outcome: { ok: boolean; message: string }): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The address holds a login token or code: never pass it on.
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(callbackPage(outcome));
}

/** "5 minutes", "90 seconds", "0.5 seconds". */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  const seconds = ms / 1000;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
