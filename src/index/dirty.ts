/** Slots are grouped in chunks of this many for dirty tracking (GPU upload, IndexedDB commit). */
export const CHUNK_SLOTS = 4096;

/** Receives the chunk numbers whose bytes changed; each consumer (GPU mirror, persistence) keeps its own set. */
export interface DirtyTracker {
  dirty: Set<number>;
  /** Set when everything must be rewritten (clear, import, capacity change for the GPU). */
  all: boolean;
}

/** Marks the chunks of slots [fromSlot, toSlot) dirty in every tracker. */
export function markDirty(trackers: ReadonlySet<DirtyTracker>, fromSlot: number, toSlot: number): void {
  if (trackers.size === 0 || toSlot <= fromSlot) return;
  const a = Math.floor(fromSlot / CHUNK_SLOTS);
  const b = Math.floor((toSlot - 1) / CHUNK_SLOTS);
  for (const t of trackers) for (let c = a; c <= b; c++) t.dirty.add(c);
}

/** Every tracker rewrites everything. */
export function markAll(trackers: ReadonlySet<DirtyTracker>): void {
  for (const t of trackers) t.all = true;
}
