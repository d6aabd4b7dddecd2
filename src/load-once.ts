/** The load for a key, started once and shared by every caller; a failed load is forgotten so the next call retries. */
export function loadOnce<K, V>(loads: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let loading = loads.get(key);
  if (!loading) {
    loading = load();
    loads.set(key, loading);
    const started = loading;
    started.catch(() => {
      if (loads.get(key) === started) loads.delete(key);
    });
  }
  return loading;
}
