import { describe, expect, it } from 'vitest';
import { lengthGroups } from '../../src/engine/encoders/length-groups';

describe('lengthGroups', () => {
  it('puts rows of similar length together and every row exactly once', () => {
    const lengths = [77, 5, 6, 40, 7, 38, 76, 12];
    const groups = lengthGroups(lengths);
    expect(groups.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const g of groups) {
      const ls = g.map((i) => lengths[i]!);
      expect(Math.max(...ls)).toBeLessThanOrEqual(Math.min(...ls) * 1.25 + 4);
    }
    expect(groups).toEqual([[1, 2, 4], [7], [5, 3], [6, 0]]);
  });

  it('pads far less than one batch padded to its longest row, on captions of 5 to 77 tokens', () => {
    let s = 3;
    const lengths = Array.from({ length: 256 }, () => 5 + Math.floor(((s = (s * 16807) % 2147483647) / 2147483647) ** 2 * 72));
    const real = lengths.reduce((a, b) => a + b, 0);
    const grouped = lengthGroups(lengths).reduce((sum, g) => sum + g.length * Math.max(...g.map((i) => lengths[i]!)), 0);
    const single = lengths.length * Math.max(...lengths);
    expect(grouped / real).toBeLessThan(1.2);
    expect(single / real).toBeGreaterThan(2);
  });

  it('caps a group at the batch size and keeps input order among equal lengths', () => {
    expect(lengthGroups([3, 3, 3, 3, 3], 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(lengthGroups([])).toEqual([]);
  });
});
