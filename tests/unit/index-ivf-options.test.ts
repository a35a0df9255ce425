// IVF option checks (src/index/ivf/options.ts) in Node: the rules the browser tests rely on, without a browser.
import { describe, expect, it } from 'vitest';
import { IndexError } from '../../src/index/errors';
import { checkNprobe, defaultLists, defaultNprobe, resolveTrain } from '../../src/index/ivf/options';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IndexError);
    return (e as IndexError).code;
  }
  return undefined;
};

describe('IVF options', () => {
  it('defaults: √N / 2 lists, lists / 16 probed, sample 64 per list capped at N', () => {
    expect(defaultLists(1_000_000)).toBe(500);
    expect(defaultLists(20_000)).toBe(71);
    expect(defaultNprobe(500)).toBe(32);
    expect(defaultNprobe(10)).toBe(1);
    const r = resolveTrain({}, 1_000_000, 'int8');
    expect(r).toMatchObject({ lists: 500, sample: 32_000, iterations: 8 });
    expect(resolveTrain({ lists: 100 }, 3000, 'binary').sample).toBe(3000);
  });

  it('rejects what cannot work, with the code apps branch on', () => {
    expect(codeOf(() => resolveTrain({}, 999, 'int8'))).toBe('index_ivf_too_few_vectors');
    expect(codeOf(() => resolveTrain({ lists: 200 }, 3199, 'int8'))).toBe('index_ivf_too_few_vectors');
    expect(codeOf(() => resolveTrain({ lists: 200 }, 3200, 'int8'))).toBeUndefined();
    expect(codeOf(() => resolveTrain({}, 5000, 'float32'))).toBe('index_invalid_options');
    expect(codeOf(() => resolveTrain({ lists: 0 }, 5000, 'int8'))).toBe('index_invalid_options');
    expect(codeOf(() => resolveTrain({ iterations: -1 }, 5000, 'int8'))).toBe('index_invalid_options');
    expect(codeOf(() => resolveTrain({ workers: 1.5 }, 5000, 'int8'))).toBe('index_invalid_options');
    expect(codeOf(() => resolveTrain({ lists: 10, sample: 5001 }, 5000, 'int8'))).toBe('index_invalid_options');
  });

  it('nprobe: 1..lists, and only with trained lists', () => {
    expect(codeOf(() => checkNprobe(undefined, null))).toBeUndefined();
    expect(codeOf(() => checkNprobe(3, null))).toBe('index_invalid_options');
    for (const bad of [0, 11, 2.5, NaN, '3']) expect(codeOf(() => checkNprobe(bad, 10)), String(bad)).toBe('index_invalid_options');
    expect(codeOf(() => checkNprobe(10, 10))).toBeUndefined();
    expect(codeOf(() => checkNprobe(1, 10))).toBeUndefined();
  });
});
