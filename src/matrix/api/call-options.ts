/** Per-call options of the endpoint modules. */
export type CallOptions = { signal?: AbortSignal };
