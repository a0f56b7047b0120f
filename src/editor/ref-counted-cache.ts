/**
 * A map of shared resources that are disposed when their last user lets go.
 *
 * Monaco allows exactly one model per URI. Two editors can show the same document (and React's
 * StrictMode mounts every editor twice in development), so a model is leased, not owned: the last
 * release disposes it, and nobody disposes a model another editor still shows.
 */

/** A lease on one cached value; call `release` exactly once, in the effect cleanup. */
export interface Lease<V> {
  readonly value: V;
  /** True when this lease created the value (the first user), false when it joined an existing one. */
  readonly isNew: boolean;
  release(): void;
}

/** See {@link createRefCountedCache}. */
export interface RefCountedCache<K, V> {
  /** Returns the live value for `key`, creating it with `create` if there is none. */
  acquire(key: K, create: () => V): Lease<V>;
  /** Number of live values, for tests and leak checks. */
  readonly size: number;
}

/**
 * Creates a cache whose values are disposed when their reference count drops to zero.
 * `isAlive` lets the cache notice values that were disposed behind its back and recreate them.
 */
export function createRefCountedCache<K, V>(
  dispose: (value: V) => void,
  isAlive: (value: V) => boolean = () => true,
): RefCountedCache<K, V> {
  const entries = new Map<K, { value: V; count: number }>();
  return {
    acquire(key, create) {
      let entry = entries.get(key);
      const isNew = entry === undefined || !isAlive(entry.value);
      if (entry === undefined || isNew) {
        entry = { value: create(), count: 0 };
        entries.set(key, entry);
      }
      entry.count++;
      const held = entry;
      let released = false;
      return {
        value: held.value,
        isNew,
        release() {
          if (released) return;
          released = true;
          held.count--;
          if (held.count === 0 && entries.get(key) === held) {
            entries.delete(key);
            dispose(held.value);
          }
        },
      };
    },
    get size() {
      return entries.size;
    },
  };
}
