import type { FilterFn, Json, MetadataFilter } from './types';

function fieldMatches(v: Json | undefined, want: Json | { $in: Json[] }): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want) && Array.isArray((want as { $in?: unknown }).$in)) {
    return ((want as { $in: Json[] }).$in).some((w) => fieldMatches(v, w));
  }
  if (Array.isArray(v) && !Array.isArray(want)) return v.some((x) => x === want);
  if (want === null || typeof want !== 'object') return v === want;
  return JSON.stringify(v) === JSON.stringify(want);
}

/** Turns either filter form into a predicate. */
export function compileFilter<M extends Json>(f: FilterFn<M> | MetadataFilter): FilterFn<M> {
  if (typeof f === 'function') return f;
  const entries = Object.entries(f);
  return (meta) => {
    if (meta === null || meta === undefined || typeof meta !== 'object' || Array.isArray(meta)) return entries.length === 0;
    const m = meta as Record<string, Json>;
    return entries.every(([k, want]) => fieldMatches(m[k], want));
  };
}
