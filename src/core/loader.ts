import DataLoader from 'dataloader';

/**
 * The one way to build a loader: `fetch` gets a batch of keys and returns rows in any order;
 * results come back in key order, `null` for keys with no row. `cacheKey` turns composite
 * keys (objects) into a primitive so equal keys share one cache slot.
 */
export function createLoader<K, V, C = K>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => C,
  options: { cacheKey?: (key: K) => C } = {},
): DataLoader<K, V | null, C> {
  const cacheKey = options.cacheKey ?? ((key: K) => key as unknown as C);
  return new DataLoader<K, V | null, C>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map<C, V>();
      for (const row of rows) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(cacheKey(key)) ?? null);
    },
    { cacheKeyFn: cacheKey, maxBatchSize: 1000 },
  );
}

/** A loader that answers, for each key, whether a row exists (e.g. viewerHasLiked). */
export function createExistsLoader<K, C = K>(
  fetch: (keys: readonly K[]) => Promise<readonly C[]>,
  options: { cacheKey?: (key: K) => C } = {},
): DataLoader<K, boolean, C> {
  const cacheKey = options.cacheKey ?? ((key: K) => key as unknown as C);
  return new DataLoader<K, boolean, C>(
    async (keys) => {
      const found = new Set(await fetch(keys));
      return keys.map((key) => found.has(cacheKey(key)));
    },
    { cacheKeyFn: cacheKey, maxBatchSize: 1000 },
  );
}

/** Groups rows by key, preserving row order, for one-to-many loaders (e.g. a post's media). */
export function createListLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(
    async (keys) => {
      const groups = new Map<K, V[]>(keys.map((k) => [k, []]));
      for (const row of await fetch(keys)) groups.get(keyOf(row))?.push(row);
      return keys.map((key) => groups.get(key) ?? []);
    },
    { maxBatchSize: 1000 },
  );
}
