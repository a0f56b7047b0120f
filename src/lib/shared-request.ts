/**
 * A request shared by every caller that asks for it, started without any caller's `AbortSignal`.
 *
 * Why: a cached promise created with the first caller's signal rejects for everyone when that caller
 * aborts. React StrictMode mounts effects twice in development, so the first mount's cleanup used to
 * abort the shared `/versions` probe and the second mount received that rejection ("signal is
 * aborted without reason", issue #7). Each caller now races its own signal against the shared,
 * un-aborted request: an abort rejects only that caller.
 */

/**
 * Resolves or rejects like `promise`, unless `signal` aborts first: then rejects at once with the
 * signal's reason. `promise` itself goes on (other callers may still want it).
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReasonOf(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(abortReasonOf(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      signal.removeEventListener('abort', onAbort);
    };
    promise.then(cleanUp, cleanUp);
    // Settles with the shared request's own value or error, unchanged.
    promise.then(resolve, reject);
  });
}

function abortReasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('The operation was aborted', 'AbortError');
}

/** Options of {@link SharedRequest.get}. */
export type SharedGetOptions = {
  /** Rejects this caller only when it aborts; the shared request goes on. */
  signal?: AbortSignal;
  /** Start a new request even if one is cached. */
  refresh?: boolean;
};

/**
 * One lazily started, cached request. A failed request is forgotten so the next caller retries;
 * a successful one is kept until {@link refresh} or {@link clear}.
 */
export class SharedRequest<T> {
  private pending: Promise<T> | undefined;
  private readonly start: () => Promise<T>;

  constructor(start: () => Promise<T>) {
    this.start = start;
  }

  /** The shared result, raced against this caller's signal. */
  get(options: SharedGetOptions = {}): Promise<T> {
    if (options.refresh || !this.pending) {
      const pending = this.start();
      this.pending = pending;
      pending.catch(() => {
        if (this.pending === pending) this.pending = undefined;
      });
    }
    return raceSignal(this.pending, options.signal);
  }

  /** Uses a value known from elsewhere (e.g. probed before sign-in) instead of requesting it. */
  seed(value: T): void {
    this.pending = Promise.resolve(value);
  }

  /** Whether a request was started or a value seeded. */
  get isKnown(): boolean {
    return this.pending !== undefined;
  }

  /** Forgets the cached result. */
  clear(): void {
    this.pending = undefined;
  }
}
