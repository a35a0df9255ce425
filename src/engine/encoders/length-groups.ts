// Length-aware batching for text: one concept, pure, so it is testable without ORT.

/** A length group's longest row may be this much longer than its shortest (plus a few tokens). */
const SPREAD = 1.25;
const SLACK = 4;

/**
 * Groups row indexes by token length so a batch pads to lengths close to its own: captions of
 * 5–77 tokens padded to the longest of 256 waste most of the compute. Order-preserving for
 * equal lengths; the caller puts results back in input order.
 */
export function lengthGroups(lengths: number[], maxBatch = 256, spread = SPREAD, slack = SLACK): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const groups: number[][] = [];
  let group: number[] = [];
  for (const i of order) {
    if (group.length > 0 && (group.length >= maxBatch || lengths[i]! > lengths[group[0]!]! * spread + slack)) {
      groups.push(group);
      group = [];
    }
    group.push(i);
  }
  if (group.length) groups.push(group);
  return groups;
}
