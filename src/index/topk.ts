/**
 * Best-k collector under the index's total order: higher score first, and on equal scores the lower
 * slot (= earlier insertion) first. The GPU kernel uses the same order, so ties resolve identically.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  length = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  /** Would (score, slot) enter the list? */
  accepts(score: number, slot: number): boolean {
    if (this.length < this.k) return true;
    const ws = this.scores[this.k - 1]!;
    return score > ws || (score === ws && slot < this.slots[this.k - 1]!);
  }

  push(score: number, slot: number): void {
    if (this.k === 0 || !this.accepts(score, slot)) return;
    let i = this.length < this.k ? this.length++ : this.k - 1;
    while (i > 0) {
      const ps = this.scores[i - 1]!;
      const pslot = this.slots[i - 1]!;
      if (ps > score || (ps === score && pslot < slot)) break;
      this.scores[i] = ps;
      this.slots[i] = pslot;
      i--;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }
}
